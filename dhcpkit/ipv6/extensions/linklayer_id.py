"""
The Client Link-Layer Address option (RFC 6939): the client's link-layer address as the first relay saw it.
"""
from struct import Struct

from dhcpkit.ipv6.messages import RelayForwardMessage, allow_in_messages
from dhcpkit.ipv6.option_base import Option
from dhcpkit.ipv6.options import validate_unsigned
from dhcpkit.protocol_element import ValidationError

__all__ = ['ClientLinkLayerAddressOption', 'OPTION_CLIENT_LINKLAYER_ADDR']

# RFC 6939 section 4: option code
OPTION_CLIENT_LINKLAYER_ADDR = 79

_link_layer_type = Struct('!H')


class ClientLinkLayerAddressOption(Option):
    """
    Client Link-Layer Address (RFC 6939 section 4): added by the relay agent that is on the client's link, taken from
    the source of the client's packet.

    :ivar link_layer_type: the IANA hardware type (1 for Ethernet)
    :ivar link_layer_address: the link-layer address
    """

    __slots__ = ('link_layer_type', 'link_layer_address')

    option_type = OPTION_CLIENT_LINKLAYER_ADDR

    def __init__(self, link_layer_type: int = 0, link_layer_address: bytes = b''):
        self.link_layer_type = link_layer_type
        self.link_layer_address = link_layer_address

    def load_data(self, buffer: bytes, offset: int, length: int) -> None:
        if length < 2:
            raise self.wrong_length(offset, length, "at least 2")
        self.link_layer_type = _link_layer_type.unpack_from(buffer, offset)[0]
        self.link_layer_address = bytes(buffer[offset + 2:offset + length])

    def save_data(self) -> bytes:
        return _link_layer_type.pack(self.link_layer_type) + self.link_layer_address

    def validate(self) -> None:
        validate_unsigned(self, 'link_layer_type', self.link_layer_type, 16)
        if not isinstance(self.link_layer_address, bytes) or not 1 <= len(self.link_layer_address) <= 0xffff - 2:
            raise ValidationError(f"ClientLinkLayerAddressOption.link_layer_address must be 1 to {0xffff - 2} bytes")


# RFC 6939 section 5: only relay agents send it, to servers, in Relay-forward
allow_in_messages(ClientLinkLayerAddressOption, [RelayForwardMessage])
