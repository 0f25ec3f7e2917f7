"""
The Relay Agent Remote-ID option (RFC 4649): a relay's identifier for the remote end of the client's circuit.
"""
from struct import Struct

from dhcpkit.ipv6.messages import RelayForwardMessage, RelayReplyMessage, allow_in_messages
from dhcpkit.ipv6.option_base import Option
from dhcpkit.ipv6.options import validate_unsigned
from dhcpkit.protocol_element import ValidationError

__all__ = ['RemoteIdOption', 'OPTION_REMOTE_ID']

# RFC 4649 section 3: option code
OPTION_REMOTE_ID = 37

_enterprise_number = Struct('!I')


class RemoteIdOption(Option):
    """
    Relay Agent Remote-ID (RFC 4649 section 3): added by a relay agent to identify the remote host end of the
    circuit, in the format of the vendor given by the enterprise number.

    :ivar enterprise_number: the IANA enterprise number of the vendor whose format `remote_id` follows
    :ivar remote_id: the opaque identifier, at least one byte
    """

    __slots__ = ('enterprise_number', 'remote_id')

    option_type = OPTION_REMOTE_ID

    def __init__(self, enterprise_number: int = 0, remote_id: bytes = b''):
        self.enterprise_number = enterprise_number
        self.remote_id = remote_id

    def load_data(self, buffer: bytes, offset: int, length: int) -> None:
        # RFC 4649 section 3: a remote-id of at least one byte MUST be used
        if length < 5:
            raise self.wrong_length(offset, length, "at least 5")
        self.enterprise_number = _enterprise_number.unpack_from(buffer, offset)[0]
        self.remote_id = bytes(buffer[offset + 4:offset + length])

    def save_data(self) -> bytes:
        return _enterprise_number.pack(self.enterprise_number) + self.remote_id

    def validate(self) -> None:
        validate_unsigned(self, 'enterprise_number', self.enterprise_number, 32)
        if not isinstance(self.remote_id, bytes) or not 1 <= len(self.remote_id) <= 0xffff - 4:
            raise ValidationError(f"RemoteIdOption.remote_id must be 1 to {0xffff - 4} bytes")


# RFC 4649 section 3: relays add it to Relay-forward; RFC 4994 lets the server echo it back in Relay-reply
allow_in_messages(RemoteIdOption, [RelayForwardMessage, RelayReplyMessage])
