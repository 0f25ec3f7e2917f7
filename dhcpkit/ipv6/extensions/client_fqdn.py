"""
The Client FQDN option (RFC 4704): the client's name, and who updates the DNS for it.
"""
from dhcpkit.ipv6.domain_names import encode_domain_name, parse_domain_name
from dhcpkit.ipv6.messages import (AdvertiseMessage, ConfirmMessage, DeclineMessage, InformationRequestMessage,
                                   RebindMessage, ReleaseMessage, RenewMessage, ReplyMessage, RequestMessage,
                                   SolicitMessage, allow_in_messages)
from dhcpkit.ipv6.option_base import Option
from dhcpkit.ipv6.options import validate_unsigned
from dhcpkit.protocol_element import MalformedInputError, ValidationError

__all__ = ['ClientFQDNOption', 'OPTION_CLIENT_FQDN', 'FLAG_S', 'FLAG_O', 'FLAG_N']

# RFC 4704 section 4: option code
OPTION_CLIENT_FQDN = 39

# RFC 4704 section 4.1: the flag bits; the other five bits must be sent as zero and ignored on receipt
#: S: the server should perform the AAAA updates
FLAG_S = 0x01
#: O: the server has overridden the client's choice of S
FLAG_O = 0x02
#: N: the server should perform no DNS updates at all
FLAG_N = 0x04


class ClientFQDNOption(Option):
    """
    Client FQDN (RFC 4704 section 4): the name a client wants, or the name a server gives it, with flags that say
    whether the server updates the DNS.

    The name keeps whether it was fully qualified on the wire (RFC 4704 section 4.2): ``'host.example.com.'`` with a
    trailing dot ends with the root label, ``'host'`` without one is a partial name that the server completes, and
    ``''`` is no name at all (the client asks the server to pick one).

    :ivar flags: the flag byte (:data:`FLAG_S`, :data:`FLAG_O`, :data:`FLAG_N`)
    :ivar domain_name: the name, fully qualified with a trailing dot, partial without, or empty
    """

    __slots__ = ('flags', 'domain_name')

    option_type = OPTION_CLIENT_FQDN

    def __init__(self, flags: int = 0, domain_name: str = ''):
        self.flags = flags
        self.domain_name = domain_name

    def load_data(self, buffer: bytes, offset: int, length: int) -> None:
        if length < 1:
            raise self.wrong_length(offset, length, "at least 1")
        self.flags = buffer[offset]
        start = offset + 1
        end = offset + length
        if start == end:
            self.domain_name = ''
            return
        used, name = parse_domain_name(buffer, start, end, allow_relative=True, element='ClientFQDNOption')
        if start + used != end:
            raise MalformedInputError('ClientFQDNOption', start + used, f"{end - start - used} bytes after the name")
        # Every label costs one length byte plus its text, so a partial name uses len(name) + 1 bytes, and a fully
        # qualified one a byte more for the root label
        relative = bool(name) and used == len(name) + 1
        self.domain_name = name if relative else name + '.'

    def save_data(self) -> bytes:
        name = self.domain_name
        encoded = encode_domain_name(name, relative=not name.endswith('.')) if name else b''
        return bytes((self.flags,)) + encoded

    def validate(self) -> None:
        # Only what the wire format needs. The name is the client's wish, which the server may use, change or replace
        # (RFC 4704 section 6), so a name that is no host name (dhcpcd sends the hostname as it is set, spaces and
        # apostrophes included), the root, or N and S set together (which a client must not send) leave the rest of
        # the message usable: whoever puts the name into the DNS checks it as a host name first
        # (dhcpkit.ipv6.domain_names.validate_domain_name).
        validate_unsigned(self, 'flags', self.flags, 8)
        name = self.domain_name
        if not isinstance(name, str):
            raise ValidationError("ClientFQDNOption.domain_name must be text")
        if name and name != '.':
            try:
                encode_domain_name(name, relative=not name.endswith('.'))
            except ValidationError as error:
                raise ValidationError(f"ClientFQDNOption.domain_name: {error}") from None

    def _get_flag(self, flag: int) -> bool:
        return bool(self.flags & flag)

    def _set_flag(self, flag: int, value: bool) -> None:
        self.flags = self.flags | flag if value else self.flags & ~flag

    @property
    def server_aaaa_update(self) -> bool:
        """The S flag: the server should perform the AAAA updates (RFC 4704 section 4.1)."""
        return self._get_flag(FLAG_S)

    @server_aaaa_update.setter
    def server_aaaa_update(self, value: bool) -> None:
        self._set_flag(FLAG_S, value)

    @property
    def server_aaaa_override(self) -> bool:
        """The O flag: the server overrode the client's S flag (RFC 4704 section 4.1)."""
        return self._get_flag(FLAG_O)

    @server_aaaa_override.setter
    def server_aaaa_override(self, value: bool) -> None:
        self._set_flag(FLAG_O, value)

    @property
    def no_server_dns_update(self) -> bool:
        """The N flag: the server should perform no DNS updates (RFC 4704 section 4.1)."""
        return self._get_flag(FLAG_N)

    @no_server_dns_update.setter
    def no_server_dns_update(self, value: bool) -> None:
        self._set_flag(FLAG_N, value)

    @property
    def fully_qualified(self) -> bool:
        """Whether :attr:`domain_name` is fully qualified (ends with the root label on the wire)."""
        return self.domain_name.endswith('.')


# RFC 4704 section 5: only in Solicit, Advertise, Request, Renew, Rebind, Reply and Information-request
allow_in_messages(ClientFQDNOption, [SolicitMessage, AdvertiseMessage, RequestMessage, RenewMessage, RebindMessage,
                                     ReplyMessage, InformationRequestMessage])
# ... but dhcpcd with its "hostname" setting sends it in its Confirm, and dhclient with "send fqdn.fqdn" (which
# NetworkManager writes) in its Confirm and Release. RFC 8415 section 16 lets a server either use such a message or
# discard it; discarding would leave a rebooted client unconfirmed and a released lease held, so the option is
# accepted there and nothing acts on it
allow_in_messages(ClientFQDNOption, [ConfirmMessage, ReleaseMessage, DeclineMessage])
