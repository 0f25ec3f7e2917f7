"""
The options defined by RFC 8415 itself (section 21), and the status codes of section 21.13.

Options from other RFCs live in :mod:`dhcpkit.ipv6.extensions`, one module per feature.
"""
from ipaddress import IPv6Address
from struct import Struct
from typing import TYPE_CHECKING, Any

from dhcpkit.ipv6.duids import DUID, UnknownDUID
from dhcpkit.ipv6.option_base import (ContainerOption, EmptyOption, OpaqueOption, Option,
                                      OptionCodeListOption, UnknownOption, UnsignedIntegerOption, option_registry,
                                      parse_options, save_options, save_options_after)
from dhcpkit.protocol_element import MalformedInputError, ValidationError

if TYPE_CHECKING:
    from dhcpkit.ipv6.messages import Message

__all__ = [
    'Option', 'UnknownOption', 'option_registry', 'parse_options', 'save_options',
    'ClientIdOption', 'ServerIdOption', 'IANAOption', 'IATAOption', 'IAAddressOption', 'OptionRequestOption',
    'PreferenceOption', 'ElapsedTimeOption', 'RelayMessageOption', 'AuthenticationOption', 'ServerUnicastOption',
    'StatusCodeOption', 'RapidCommitOption', 'UserClassOption', 'VendorClassOption',
    'VendorSpecificInformationOption', 'InterfaceIdOption', 'ReconfigureMessageOption', 'ReconfigureAcceptOption',
    'InformationRefreshTimeOption',
]

# RFC 8415 section 24: option codes
OPTION_CLIENTID = 1
OPTION_SERVERID = 2
OPTION_IA_NA = 3
OPTION_IA_TA = 4
OPTION_IAADDR = 5
OPTION_ORO = 6
OPTION_PREFERENCE = 7
OPTION_ELAPSED_TIME = 8
OPTION_RELAY_MSG = 9
OPTION_AUTH = 11
OPTION_UNICAST = 12
OPTION_STATUS_CODE = 13
OPTION_RAPID_COMMIT = 14
OPTION_USER_CLASS = 15
OPTION_VENDOR_CLASS = 16
OPTION_VENDOR_OPTS = 17
OPTION_INTERFACE_ID = 18
OPTION_RECONF_MSG = 19
OPTION_RECONF_ACCEPT = 20
OPTION_INFORMATION_REFRESH_TIME = 32

# RFC 8415 section 21.13: status codes
STATUS_SUCCESS = 0
STATUS_UNSPECFAIL = 1
STATUS_NOADDRSAVAIL = 2
STATUS_NOBINDING = 3
STATUS_NOTONLINK = 4
STATUS_USEMULTICAST = 5
STATUS_NOPREFIXAVAIL = 6

_short = Struct('!H')
_long = Struct('!I')
_vendor_option_header = Struct('!HH')
_ia_header = Struct('!4sII')


class DUIDOption(Option):
    """The shape of the Client and Server Identifier options: a DUID that fills the option data."""

    __slots__ = ('duid',)

    def __init__(self, duid: DUID | None = None):
        self.duid = duid

    def load_data(self, buffer: bytes, offset: int, length: int) -> None:
        try:
            _used, self.duid = DUID.parse(buffer, offset, length)
        except MalformedInputError:
            if length < 3:
                raise  # not even a type code and one byte (RFC 8415 section 11.1)
            # DUIDs are opaque values that servers only compare (RFC 8415 section 11): one whose bytes do not fit the
            # layout of its type (a DUID-UUID of 17 bytes, a DUID-LLT without its time) still names its client
            duid = UnknownDUID.__new__(UnknownDUID)
            duid.load_from(buffer, offset, length)
            self.duid = duid

    def save_data(self) -> bytes:
        if self.duid is None:
            raise ValidationError(f"{type(self).__name__} has no DUID")
        return self.duid.save()

    def validated_data_length(self) -> int:
        if self.duid is None:
            raise ValidationError(f"{type(self).__name__} has no DUID")
        return self.duid.validated_length()

    def validate(self) -> None:
        if not isinstance(self.duid, DUID):
            raise ValidationError(f"{type(self).__name__}.duid must be a DUID")
        self.duid.validate()


class ClientIdOption(DUIDOption):
    """Client Identifier (RFC 8415 section 21.2): the client's DUID."""

    __slots__ = ()
    option_type = OPTION_CLIENTID


class ServerIdOption(DUIDOption):
    """Server Identifier (RFC 8415 section 21.3): the server's DUID."""

    __slots__ = ()
    option_type = OPTION_SERVERID


class IAWithTimersOption(ContainerOption):
    """
    The shape of IA_NA and IA_PD (RFC 8415 sections 21.4 and 21.21): an IAID, T1, T2 and the IA's options.

    :ivar iaid: the 4-byte IA identifier chosen by the client
    :ivar t1: seconds until the client should renew
    :ivar t2: seconds until the client should rebind
    :ivar options: the IA's options
    """

    __slots__ = ('iaid', 't1', 't2')

    header_struct = _ia_header
    header_names = ('iaid', 't1', 't2')
    header_validated = True

    def __init__(self, iaid: bytes = b'\x00\x00\x00\x00', t1: int = 0, t2: int = 0,
                 options: list[Option] | None = None):
        self.iaid = iaid
        self.t1 = t1
        self.t2 = t2
        self.options = [] if options is None else options

    def load_data(self, buffer: bytes, offset: int, length: int) -> None:
        # ContainerOption.load_data with the header unpacked straight into the attributes: every IA is parsed this way
        if length < 12:
            raise self.wrong_length(offset, length, "at least 12")
        self.iaid, self.t1, self.t2 = _ia_header.unpack_from(buffer, offset)
        self.options = parse_options(buffer, offset + 12, offset + length, type(self).__name__, self.option_space)

    def save_data(self) -> bytes:
        # ContainerOption.save_data with the header packed from the attributes directly
        header = _ia_header.pack(self.iaid, self.t1, self.t2)
        return save_options_after(header, self.options)

    # save_data() above keeps the container layout: the header, then the options
    validated_data_length = ContainerOption.validated_data_length

    def validate(self) -> None:
        validate_iaid(self, self.iaid)
        validate_timers(self, self.t1, self.t2)
        super().validate()


class IANAOption(IAWithTimersOption):
    """
    Identity Association for Non-temporary Addresses (RFC 8415 section 21.4).

    :ivar iaid: the 4-byte IA identifier chosen by the client
    :ivar t1: seconds until the client should renew
    :ivar t2: seconds until the client should rebind
    :ivar options: the IA's options (addresses, status code)
    """

    __slots__ = ()

    option_type = OPTION_IA_NA

    def get_addresses(self) -> list[IPv6Address]:
        """
        Return the addresses in this IA.

        :return: the addresses of the IA Address options
        """
        return [option.address for option in self.options if isinstance(option, IAAddressOption)]


class IATAOption(ContainerOption):
    """
    Identity Association for Temporary Addresses (RFC 8415 section 21.5).

    :ivar iaid: the 4-byte IA identifier chosen by the client
    :ivar options: the IA's options (addresses, status code)
    """

    __slots__ = ('iaid',)

    option_type = OPTION_IA_TA
    header_struct = Struct('!4s')
    header_names = ('iaid',)
    header_validated = True

    def __init__(self, iaid: bytes = b'\x00\x00\x00\x00', options: list[Option] | None = None):
        self.iaid = iaid
        self.options = [] if options is None else options

    def get_addresses(self) -> list[IPv6Address]:
        """
        Return the addresses in this IA.

        :return: the addresses of the IA Address options
        """
        return [option.address for option in self.options if isinstance(option, IAAddressOption)]

    def validate(self) -> None:
        validate_iaid(self, self.iaid)
        super().validate()


class IAAddressOption(ContainerOption):
    """
    IA Address (RFC 8415 section 21.6): an address with its lifetimes, inside an IA_NA or IA_TA.

    :ivar address: the IPv6 address
    :ivar preferred_lifetime: seconds the address stays preferred
    :ivar valid_lifetime: seconds the address stays valid
    :ivar options: the address's options (status code)
    """

    __slots__ = ('address', 'preferred_lifetime', 'valid_lifetime')

    option_type = OPTION_IAADDR
    header_struct = Struct('!16sII')
    header_validated = True

    def __init__(self, address: IPv6Address = IPv6Address(0), preferred_lifetime: int = 0, valid_lifetime: int = 0,
                 options: list[Option] | None = None):
        self.address = address
        self.preferred_lifetime = preferred_lifetime
        self.valid_lifetime = valid_lifetime
        self.options = [] if options is None else options

    def load_data(self, buffer: bytes, offset: int, length: int) -> None:
        if length < 24:
            raise self.wrong_length(offset, length, "at least 24")
        packed, self.preferred_lifetime, self.valid_lifetime = self.header_struct.unpack_from(buffer, offset)
        self.address = IPv6Address(packed)
        self.options = parse_options(buffer, offset + 24, offset + length, 'IAAddressOption')

    def save_data(self) -> bytes:
        header = self.header_struct.pack(self.address.packed, self.preferred_lifetime, self.valid_lifetime)
        return save_options_after(header, self.options)

    # save_data() above keeps the container layout: the header, then the options
    validated_data_length = ContainerOption.validated_data_length

    def validate(self) -> None:
        if not isinstance(self.address, IPv6Address):
            raise ValidationError("IAAddressOption.address must be an IPv6 address")
        # Any address is accepted, :: and multicast too: in a client's message it is a hint or a lease the server
        # looks up, and one it cannot give or does not know is ignored or answered as such (RFC 8415 section 18.3),
        # not a reason to drop the whole message. The pools only hand out addresses inside their links' prefixes.
        validate_lifetimes(self, self.preferred_lifetime, self.valid_lifetime)
        super().validate()


class OptionRequestOption(OptionCodeListOption):
    """Option Request (RFC 8415 section 21.7): the option codes the client asks for."""

    __slots__ = ('requested_options',)

    option_type = OPTION_ORO
    value_name = 'requested_options'

    def __init__(self, requested_options: list[int] | None = None):
        self.requested_options = [] if requested_options is None else requested_options


class PreferenceOption(UnsignedIntegerOption):
    """Preference (RFC 8415 section 21.8): how much a server wants to serve the client, 0-255."""

    __slots__ = ('preference',)

    option_type = OPTION_PREFERENCE
    value_name = 'preference'
    value_struct = Struct('!B')

    def __init__(self, preference: int = 0):
        self.preference = preference


class ElapsedTimeOption(UnsignedIntegerOption):
    """Elapsed Time (RFC 8415 section 21.9): hundredths of a second since the client began this exchange."""

    __slots__ = ('elapsed_time',)

    option_type = OPTION_ELAPSED_TIME
    value_name = 'elapsed_time'
    value_struct = Struct('!H')

    def __init__(self, elapsed_time: int = 0):
        self.elapsed_time = elapsed_time


class RelayMessageOption(Option):
    """Relay Message (RFC 8415 section 21.10): the message a relay forwards, or the reply it is to deliver."""

    __slots__ = ('relayed_message',)

    option_type = OPTION_RELAY_MSG

    def __init__(self, relayed_message: 'Message | None' = None):
        self.relayed_message = relayed_message

    def load_data(self, buffer: bytes, offset: int, length: int) -> None:
        if length == 0:
            raise self.wrong_length(offset, length, "at least 1 (a message)")
        _used, self.relayed_message = messages.Message.parse(buffer, offset, length)

    def save_data(self) -> bytes:
        if self.relayed_message is None:
            raise ValidationError("RelayMessageOption has no message")
        return self.relayed_message.save()

    def validated_data_length(self) -> int:
        if self.relayed_message is None:
            raise ValidationError("RelayMessageOption has no message")
        return self.relayed_message.validated_length()

    def validate(self) -> None:
        if not isinstance(self.relayed_message, messages.Message):
            raise ValidationError("RelayMessageOption.relayed_message must be a message")
        self.relayed_message.validate()
        self.validate_size()


class AuthenticationOption(Option):
    """
    Authentication (RFC 8415 section 21.11).

    :ivar protocol: the authentication protocol
    :ivar algorithm: the algorithm within that protocol
    :ivar rdm: the replay detection method
    :ivar replay_detection: the 64-bit replay detection value
    :ivar auth_info: the protocol-specific authentication information
    """

    __slots__ = ('protocol', 'algorithm', 'rdm', 'replay_detection', 'auth_info')

    option_type = OPTION_AUTH
    _header = Struct('!BBBQ')

    def __init__(self, protocol: int = 0, algorithm: int = 0, rdm: int = 0, replay_detection: int = 0,
                 auth_info: bytes = b''):
        self.protocol = protocol
        self.algorithm = algorithm
        self.rdm = rdm
        self.replay_detection = replay_detection
        self.auth_info = auth_info

    def load_data(self, buffer: bytes, offset: int, length: int) -> None:
        if length < 11:
            raise self.wrong_length(offset, length, "at least 11")
        self.protocol, self.algorithm, self.rdm, self.replay_detection = self._header.unpack_from(buffer, offset)
        self.auth_info = bytes(buffer[offset + 11:offset + length])

    def save_data(self) -> bytes:
        return self._header.pack(self.protocol, self.algorithm, self.rdm, self.replay_detection) + self.auth_info

    def validate(self) -> None:
        for name in ('protocol', 'algorithm', 'rdm'):
            validate_unsigned(self, name, getattr(self, name), 8)
        validate_unsigned(self, 'replay_detection', self.replay_detection, 64)
        if not isinstance(self.auth_info, bytes) or len(self.auth_info) > 0xffff - 11:
            raise ValidationError("AuthenticationOption.auth_info must be bytes that fit in an option")


class ServerUnicastOption(Option):
    """Server Unicast (RFC 8415 section 21.12): the address a client may unicast to this server."""

    __slots__ = ('server_address',)

    option_type = OPTION_UNICAST

    def __init__(self, server_address: IPv6Address = IPv6Address(0)):
        self.server_address = server_address

    def load_data(self, buffer: bytes, offset: int, length: int) -> None:
        if length != 16:
            raise self.wrong_length(offset, length, "16")
        self.server_address = IPv6Address(bytes(buffer[offset:offset + 16]))

    def save_data(self) -> bytes:
        return self.server_address.packed

    def validate(self) -> None:
        if not isinstance(self.server_address, IPv6Address):
            raise ValidationError("ServerUnicastOption.server_address must be an IPv6 address")
        if self.server_address.is_multicast or self.server_address.is_unspecified:
            raise ValidationError(f"ServerUnicastOption.server_address {self.server_address} is not unicast")


class StatusCodeOption(Option):
    """
    Status Code (RFC 8415 section 21.13).

    :ivar status_code: one of the ``STATUS_*`` codes
    :ivar status_message: a UTF-8 message for people
    """

    __slots__ = ('status_code', 'status_message')

    option_type = OPTION_STATUS_CODE

    def __init__(self, status_code: int = STATUS_SUCCESS, status_message: str = ''):
        self.status_code = status_code
        self.status_message = status_message

    def load_data(self, buffer: bytes, offset: int, length: int) -> None:
        if length < 2:
            raise self.wrong_length(offset, length, "at least 2")
        self.status_code = _short.unpack_from(buffer, offset)[0]
        try:
            self.status_message = bytes(buffer[offset + 2:offset + length]).decode('utf-8')
        except UnicodeDecodeError:
            raise MalformedInputError('StatusCodeOption', offset + 2, "status message is not UTF-8") from None

    def save_data(self) -> bytes:
        return _short.pack(self.status_code) + self.status_message.encode('utf-8')

    def validate(self) -> None:
        validate_unsigned(self, 'status_code', self.status_code, 16)
        if not isinstance(self.status_message, str) or len(self.status_message.encode('utf-8')) > 0xffff - 2:
            raise ValidationError("StatusCodeOption.status_message must be text that fits in an option")


class RapidCommitOption(EmptyOption):
    """Rapid Commit (RFC 8415 section 21.14): the client wants, or the server gives, the two-message exchange."""

    __slots__ = ()
    option_type = OPTION_RAPID_COMMIT


def _parse_length_prefixed(option: Option, buffer: bytes, offset: int, end: int) -> list[bytes]:
    """Parse a list of 16-bit-length-prefixed opaque strings that fills `offset` to `end` exactly."""
    items = []
    while offset < end:
        if end - offset < 2:
            raise MalformedInputError(type(option).__name__, offset, "truncated length of an item")
        item_length = _short.unpack_from(buffer, offset)[0]
        offset += 2
        if offset + item_length > end:
            raise MalformedInputError(type(option).__name__, offset - 2,
                                      f"item length {item_length} runs past the end of the option")
        items.append(bytes(buffer[offset:offset + item_length]))
        offset += item_length
    return items


def _save_length_prefixed(items: list[bytes]) -> bytes:
    return b''.join([_short.pack(len(item)) + item for item in items])


def _validate_length_prefixed(option: Option, name: str, items: Any) -> None:
    if not isinstance(items, list) or not all(isinstance(item, bytes) and len(item) <= 0xffff for item in items):
        raise ValidationError(f"{type(option).__name__}.{name} must be a list of byte strings")


class UserClassOption(Option):
    """User Class (RFC 8415 section 21.15): the classes of user or application the client belongs to."""

    __slots__ = ('user_classes',)

    option_type = OPTION_USER_CLASS

    def __init__(self, user_classes: list[bytes] | None = None):
        self.user_classes = [] if user_classes is None else user_classes

    def load_data(self, buffer: bytes, offset: int, length: int) -> None:
        self.user_classes = _parse_length_prefixed(self, buffer, offset, offset + length)

    def save_data(self) -> bytes:
        return _save_length_prefixed(self.user_classes)

    def validate(self) -> None:
        _validate_length_prefixed(self, 'user_classes', self.user_classes)
        self.validate_size()


class VendorClassOption(Option):
    """Vendor Class (RFC 8415 section 21.16): the vendor and hardware classes of the client."""

    __slots__ = ('enterprise_number', 'vendor_classes')

    option_type = OPTION_VENDOR_CLASS

    def __init__(self, enterprise_number: int = 0, vendor_classes: list[bytes] | None = None):
        self.enterprise_number = enterprise_number
        self.vendor_classes = [] if vendor_classes is None else vendor_classes

    def load_data(self, buffer: bytes, offset: int, length: int) -> None:
        if length < 4:
            raise self.wrong_length(offset, length, "at least 4")
        self.enterprise_number = _long.unpack_from(buffer, offset)[0]
        self.vendor_classes = _parse_length_prefixed(self, buffer, offset + 4, offset + length)

    def save_data(self) -> bytes:
        return _long.pack(self.enterprise_number) + _save_length_prefixed(self.vendor_classes)

    def validate(self) -> None:
        validate_unsigned(self, 'enterprise_number', self.enterprise_number, 32)
        _validate_length_prefixed(self, 'vendor_classes', self.vendor_classes)
        self.validate_size()


class VendorSpecificInformationOption(Option):
    """
    Vendor-specific Information (RFC 8415 section 21.17): options in the vendor's own code space.

    :ivar enterprise_number: the vendor's IANA enterprise number
    :ivar vendor_options: (code, data) pairs
    """

    __slots__ = ('enterprise_number', 'vendor_options')

    option_type = OPTION_VENDOR_OPTS

    def __init__(self, enterprise_number: int = 0, vendor_options: list[tuple[int, bytes]] | None = None):
        self.enterprise_number = enterprise_number
        self.vendor_options = [] if vendor_options is None else vendor_options

    def load_data(self, buffer: bytes, offset: int, length: int) -> None:
        if length < 4:
            raise self.wrong_length(offset, length, "at least 4")
        self.enterprise_number = _long.unpack_from(buffer, offset)[0]
        end = offset + length
        offset += 4
        vendor_options = []
        while offset < end:
            if end - offset < 4:
                raise MalformedInputError('VendorSpecificInformationOption', offset, "truncated vendor option")
            code, data_length = _vendor_option_header.unpack_from(buffer, offset)
            if offset + 4 + data_length > end:
                raise MalformedInputError('VendorSpecificInformationOption', offset,
                                          f"vendor option length {data_length} runs past the end of the option")
            vendor_options.append((code, bytes(buffer[offset + 4:offset + 4 + data_length])))
            offset += 4 + data_length
        self.vendor_options = vendor_options

    def save_data(self) -> bytes:
        return _long.pack(self.enterprise_number) + b''.join(
            [_vendor_option_header.pack(code, len(data)) + data for code, data in self.vendor_options])

    def validate(self) -> None:
        validate_unsigned(self, 'enterprise_number', self.enterprise_number, 32)
        if not isinstance(self.vendor_options, list) or not all(
                isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], int) and 0 <= item[0] <= 0xffff
                and isinstance(item[1], bytes) and len(item[1]) <= 0xffff for item in self.vendor_options):
            raise ValidationError("VendorSpecificInformationOption.vendor_options must be (code, bytes) pairs")
        self.validate_size()


class InterfaceIdOption(OpaqueOption):
    """Interface-Id (RFC 8415 section 21.18): a relay's opaque name for the interface the client is on."""

    __slots__ = ('interface_id',)

    option_type = OPTION_INTERFACE_ID
    value_name = 'interface_id'
    minimum_length = 1

    def __init__(self, interface_id: bytes = b''):
        self.interface_id = interface_id


class ReconfigureMessageOption(UnsignedIntegerOption):
    """Reconfigure Message (RFC 8415 section 21.19): which message the client should send after a Reconfigure."""

    __slots__ = ('message_type',)

    option_type = OPTION_RECONF_MSG
    value_name = 'message_type'
    value_struct = Struct('!B')

    def __init__(self, message_type: int = 0):
        self.message_type = message_type

    def validate(self) -> None:
        validate_unsigned(self, 'message_type', self.message_type, 8)
        if self.message_type not in (messages.MSG_RENEW, messages.MSG_REBIND, messages.MSG_INFORMATION_REQUEST):
            raise ValidationError(f"ReconfigureMessageOption.message_type {self.message_type!r} must be Renew, "
                                  f"Rebind or Information-request")


class ReconfigureAcceptOption(EmptyOption):
    """Reconfigure Accept (RFC 8415 section 21.20): the client will accept Reconfigure messages."""

    __slots__ = ()
    option_type = OPTION_RECONF_ACCEPT


class InformationRefreshTimeOption(UnsignedIntegerOption):
    """Information Refresh Time (RFC 8415 section 21.23): seconds until a stateless client should refresh."""

    __slots__ = ('refresh_time',)

    option_type = OPTION_INFORMATION_REFRESH_TIME
    value_name = 'refresh_time'
    value_struct = Struct('!I')

    def __init__(self, refresh_time: int = 86400):
        self.refresh_time = refresh_time


# Shared validation helpers, also used by the extensions

def validate_unsigned(element: object, name: str, value: Any, bits: int) -> None:
    """
    Check that an attribute is an unsigned integer of the given size.

    :param element: the element, for the error message
    :param name: the attribute name
    :param value: its value
    :param bits: the size in bits
    """
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < (1 << bits):
        raise ValidationError(f"{type(element).__name__}.{name} must be a {bits}-bit unsigned integer, not {value!r}")


def validate_iaid(element: object, iaid: Any) -> None:
    """
    Check that an IAID is 4 bytes.

    :param element: the IA option
    :param iaid: its IAID
    """
    if not isinstance(iaid, bytes) or len(iaid) != 4:
        raise ValidationError(f"{type(element).__name__}.iaid must be 4 bytes, not {iaid!r}")


def validate_timers(element: object, t1: Any, t2: Any) -> None:
    """
    Check that T1 and T2 of an IA are 32-bit unsigned integers.

    How they relate is not checked: a T1 greater than T2 does not make the message invalid for anyone who receives
    it (RFC 8415 section 21.4: a server MUST ignore the timers a client sends, and a client discards just that IA,
    not the message). Dropping the message instead would leave such a client without any answer. The server's own
    timers come from :mod:`dhcpkit.ipv6.option_handlers.timing_limits`, which never makes T1 greater than T2.

    :param element: the IA option
    :param t1: its T1
    :param t2: its T2
    """
    if not (type(t1) is int and type(t2) is int and 0 <= t1 <= 0xffffffff and 0 <= t2 <= 0xffffffff):
        # Plain ints in range, the usual case, pass this one cheap test; anything else gets the full check and its error
        validate_unsigned(element, 't1', t1, 32)
        validate_unsigned(element, 't2', t2, 32)


def validate_lifetimes(element: object, preferred_lifetime: Any, valid_lifetime: Any) -> None:
    """
    Check that the lifetimes of an address or prefix are 32-bit unsigned integers.

    As with :func:`validate_timers`, a preferred lifetime greater than the valid one does not make the message invalid
    (RFC 8415 sections 21.6 and 21.22: a server MUST ignore the lifetimes a client sends, and a client discards just
    that address or prefix). The server's own lifetimes come from the pool configuration, which refuses a
    preferred-lifetime longer than the valid-lifetime.

    :param element: the IA Address or IA Prefix option
    :param preferred_lifetime: its preferred lifetime
    :param valid_lifetime: its valid lifetime
    """
    if not (type(preferred_lifetime) is int and type(valid_lifetime) is int
            and 0 <= preferred_lifetime <= 0xffffffff and 0 <= valid_lifetime <= 0xffffffff):
        # Plain ints in range, the usual case, pass this one cheap test; anything else gets the full check and its error
        validate_unsigned(element, 'preferred_lifetime', preferred_lifetime, 32)
        validate_unsigned(element, 'valid_lifetime', valid_lifetime, 32)


# RFC 8415 appendix C: options that may appear inside options
IANAOption.add_may_contain(IAAddressOption)
IANAOption.add_may_contain(StatusCodeOption, 0, 1)
IATAOption.add_may_contain(IAAddressOption)
IATAOption.add_may_contain(StatusCodeOption, 0, 1)
IAAddressOption.add_may_contain(StatusCodeOption, 0, 1)

# Messages contain options and the Relay Message option contains a message: the cycle is closed here, at the end, so
# that importing either module first works and parsing a Relay Message option does not run an import statement
import dhcpkit.ipv6.messages as messages  # noqa: E402  (see above)
