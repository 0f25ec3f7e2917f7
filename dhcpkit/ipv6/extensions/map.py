"""
Softwire 4over6 configuration (RFC 7598): the options that configure MAP-E (RFC 7597), MAP-T (RFC 7599) and
Lightweight 4over6 (RFC 7596) on a customer edge router.

Each mechanism gets a container option that the client asks for in its Option Request option; the container holds the
mapping rules, the border relay's address or the default mapping rule, and port parameters.
"""
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network
from struct import Struct

from dhcpkit.ipv6.messages import AdvertiseMessage, ReplyMessage, allow_in_messages
from dhcpkit.ipv6.option_base import ContainerOption, Option, parse_options, save_options
from dhcpkit.ipv6.options import validate_unsigned
from dhcpkit.protocol_element import MalformedInputError, ValidationError

__all__ = [
    'S46RuleOption', 'S46BROption', 'S46DMROption', 'S46V4V6BindingOption', 'S46PortParametersOption',
    'S46ContainerOption', 'S46MapEContainerOption', 'S46MapTContainerOption', 'S46LWContainerOption',
    'OPTION_S46_RULE', 'OPTION_S46_BR', 'OPTION_S46_DMR', 'OPTION_S46_V4V6BIND', 'OPTION_S46_PORTPARAMS',
    'OPTION_S46_CONT_MAPE', 'OPTION_S46_CONT_MAPT', 'OPTION_S46_CONT_LW', 'S46_RULE_FLAG_F', 'MAX_EA_LEN',
    'parse_ipv6_prefix', 'pack_ipv6_prefix',
]

# RFC 7598 section 4: option codes
OPTION_S46_RULE = 89
OPTION_S46_BR = 90
OPTION_S46_DMR = 91
OPTION_S46_V4V6BIND = 92
OPTION_S46_PORTPARAMS = 93
OPTION_S46_CONT_MAPE = 94
OPTION_S46_CONT_MAPT = 95
OPTION_S46_CONT_LW = 96

# RFC 7598 section 4.1: the F flag (the least significant bit of the flags) marks a rule that is also a Forwarding
# Mapping Rule; without it the rule is only a Basic Mapping Rule
S46_RULE_FLAG_F = 0x01

#: RFC 7598 section 4.1: the largest number of embedded address bits
MAX_EA_LEN = 48

_rule_header = Struct('!BBB4s')
_port_parameters = Struct('!BBH')


def parse_ipv6_prefix(element: str, buffer: bytes, offset: int, end: int) -> tuple[IPv6Network, int]:
    """
    Parse the "prefix length, then only the prefix's significant bytes" shape that RFC 7598 uses for IPv6 prefixes.

    The prefix takes ceil(length / 8) bytes; the bits after the prefix length must be zero, because an
    :class:`IPv6Network` could not give them back.

    :param element: the name of the element being parsed, for errors
    :param buffer: the bytes to parse
    :param offset: where the prefix length byte is
    :param end: the first offset after the space the prefix must fit in
    :return: the prefix and the offset just after it
    """
    if end - offset < 1:
        raise MalformedInputError(element, offset, "no room for the IPv6 prefix length")
    prefix_length = buffer[offset]
    if prefix_length > 128:
        raise MalformedInputError(element, offset, f"IPv6 prefix length {prefix_length} is over 128")
    size = (prefix_length + 7) // 8
    if end - offset - 1 < size:
        raise MalformedInputError(element, offset, f"IPv6 prefix /{prefix_length} needs {size} bytes but only "
                                                   f"{end - offset - 1} are left")
    packed = bytes(buffer[offset + 1:offset + 1 + size]).ljust(16, b'\x00')
    try:
        prefix = IPv6Network((packed, prefix_length))  # bytes, not an IPv6Address: see IAPrefixOption
    except ValueError:
        raise MalformedInputError(element, offset + 1,
                                  f"IPv6 prefix has bits set beyond its length /{prefix_length}") from None
    return prefix, offset + 1 + size


def pack_ipv6_prefix(prefix: IPv6Network) -> bytes:
    """
    Return a prefix in the shape that :func:`parse_ipv6_prefix` reads.

    :param prefix: the prefix
    :return: the prefix length byte and the prefix's significant bytes
    """
    size = (prefix.prefixlen + 7) // 8
    return bytes((prefix.prefixlen,)) + prefix.network_address.packed[:size]


def _validate_type(element: object, name: str, value: object, expected: type, description: str) -> None:
    if not isinstance(value, expected):
        raise ValidationError(f"{type(element).__name__}.{name} must be {description}, not {value!r}")


class S46RuleOption(ContainerOption):
    """
    S46 Rule (RFC 7598 section 4.1): one MAP mapping rule, binding an IPv4 prefix to an IPv6 prefix.

    :ivar flags: the flags; :data:`S46_RULE_FLAG_F` marks a Forwarding Mapping Rule
    :ivar ea_len: how many embedded address bits the rule uses (0 to 48)
    :ivar ipv4_prefix: the rule's IPv4 prefix
    :ivar ipv6_prefix: the rule's IPv6 prefix
    :ivar options: the rule's options (port parameters)
    """

    __slots__ = ('flags', 'ea_len', 'ipv4_prefix', 'ipv6_prefix')

    option_type = OPTION_S46_RULE

    def __init__(self, flags: int = 0, ea_len: int = 0, ipv4_prefix: IPv4Network = IPv4Network('0.0.0.0/0'),
                 ipv6_prefix: IPv6Network = IPv6Network('::/0'), options: list[Option] | None = None):
        self.flags = flags
        self.ea_len = ea_len
        self.ipv4_prefix = ipv4_prefix
        self.ipv6_prefix = ipv6_prefix
        self.options = [] if options is None else options

    def load_data(self, buffer: bytes, offset: int, length: int) -> None:
        if length < _rule_header.size + 1:
            raise self.wrong_length(offset, length, f"at least {_rule_header.size + 1}")
        self.flags, self.ea_len, prefix4_length, packed4 = _rule_header.unpack_from(buffer, offset)
        if prefix4_length > 32:
            raise MalformedInputError('S46RuleOption', offset + 2, f"IPv4 prefix length {prefix4_length} is over 32")
        try:
            self.ipv4_prefix = IPv4Network((packed4, prefix4_length))
        except ValueError:
            raise MalformedInputError('S46RuleOption', offset + 3,
                                      f"IPv4 prefix has bits set beyond its length /{prefix4_length}") from None
        end = offset + length
        self.ipv6_prefix, options_offset = parse_ipv6_prefix('S46RuleOption', buffer, offset + _rule_header.size, end)
        self.options = parse_options(buffer, options_offset, end, 'S46RuleOption')

    def save_data(self) -> bytes:
        return (_rule_header.pack(self.flags, self.ea_len, self.ipv4_prefix.prefixlen,
                                  self.ipv4_prefix.network_address.packed)
                + pack_ipv6_prefix(self.ipv6_prefix) + save_options(self.options))

    @property
    def fmr(self) -> bool:
        """Whether this rule is also a Forwarding Mapping Rule (the F flag)."""
        return bool(self.flags & S46_RULE_FLAG_F)

    def validate(self) -> None:
        # Reserved flags must be sent as zero but ignored on receipt, so only the size is checked
        validate_unsigned(self, 'flags', self.flags, 8)
        validate_unsigned(self, 'ea_len', self.ea_len, 8)
        if self.ea_len > MAX_EA_LEN:
            raise ValidationError(f"S46RuleOption.ea_len must be 0 to {MAX_EA_LEN}, not {self.ea_len}")
        _validate_type(self, 'ipv4_prefix', self.ipv4_prefix, IPv4Network, "an IPv4 network")
        _validate_type(self, 'ipv6_prefix', self.ipv6_prefix, IPv6Network, "an IPv6 network")
        super().validate()


class S46BROption(Option):
    """S46 BR (RFC 7598 section 4.2): the IPv6 address of a Border Relay (MAP-E) or lwAFTR (Lightweight 4over6)."""

    __slots__ = ('br_address',)

    option_type = OPTION_S46_BR

    def __init__(self, br_address: IPv6Address = IPv6Address(0)):
        self.br_address = br_address

    def load_data(self, buffer: bytes, offset: int, length: int) -> None:
        if length != 16:
            raise self.wrong_length(offset, length, "16")
        self.br_address = IPv6Address(bytes(buffer[offset:offset + 16]))

    def save_data(self) -> bytes:
        return self.br_address.packed

    def validate(self) -> None:
        _validate_type(self, 'br_address', self.br_address, IPv6Address, "an IPv6 address")
        if self.br_address.is_multicast or self.br_address.is_unspecified or self.br_address.is_loopback:
            raise ValidationError(f"S46BROption.br_address {self.br_address} is not a unicast address")


class S46DMROption(Option):
    """S46 DMR (RFC 7598 section 4.3): the MAP-T Default Mapping Rule's IPv6 prefix."""

    __slots__ = ('dmr_prefix',)

    option_type = OPTION_S46_DMR

    def __init__(self, dmr_prefix: IPv6Network = IPv6Network('::/0')):
        self.dmr_prefix = dmr_prefix

    def load_data(self, buffer: bytes, offset: int, length: int) -> None:
        self.dmr_prefix, used_end = parse_ipv6_prefix('S46DMROption', buffer, offset, offset + length)
        if used_end != offset + length:
            raise self.wrong_length(offset, length, f"{used_end - offset} for a /{self.dmr_prefix.prefixlen}")

    def save_data(self) -> bytes:
        return pack_ipv6_prefix(self.dmr_prefix)

    def validate(self) -> None:
        _validate_type(self, 'dmr_prefix', self.dmr_prefix, IPv6Network, "an IPv6 network")


class S46V4V6BindingOption(ContainerOption):
    """
    S46 IPv4/IPv6 Address Binding (RFC 7598 section 4.4): the IPv4 address (full or shared) of a Lightweight 4over6
    client and the IPv6 prefix it uses for the softwire.

    :ivar ipv4_address: the client's IPv4 address
    :ivar bind_prefix: the IPv6 prefix the softwire's address is taken from
    :ivar options: the binding's options (port parameters)
    """

    __slots__ = ('ipv4_address', 'bind_prefix')

    option_type = OPTION_S46_V4V6BIND

    def __init__(self, ipv4_address: IPv4Address = IPv4Address(0), bind_prefix: IPv6Network = IPv6Network('::/0'),
                 options: list[Option] | None = None):
        self.ipv4_address = ipv4_address
        self.bind_prefix = bind_prefix
        self.options = [] if options is None else options

    def load_data(self, buffer: bytes, offset: int, length: int) -> None:
        if length < 5:
            raise self.wrong_length(offset, length, "at least 5")
        self.ipv4_address = IPv4Address(bytes(buffer[offset:offset + 4]))
        end = offset + length
        self.bind_prefix, options_offset = parse_ipv6_prefix('S46V4V6BindingOption', buffer, offset + 4, end)
        self.options = parse_options(buffer, options_offset, end, 'S46V4V6BindingOption')

    def save_data(self) -> bytes:
        return self.ipv4_address.packed + pack_ipv6_prefix(self.bind_prefix) + save_options(self.options)

    def validate(self) -> None:
        _validate_type(self, 'ipv4_address', self.ipv4_address, IPv4Address, "an IPv4 address")
        _validate_type(self, 'bind_prefix', self.bind_prefix, IPv6Network, "an IPv6 network")
        super().validate()


class S46PortParametersOption(Option):
    """
    S46 Port Parameters (RFC 7598 section 4.5): which ports of a shared IPv4 address belong to this client.

    On the wire the PSID is left-aligned in a 16-bit field with zero padding; here it is the PSID's value, so a PSID
    field with padding bits set is malformed (it could not be saved back the same).

    :ivar offset: the number of leading port bits excluded from the PSID (the "a" bits, 0 to 15)
    :ivar psid_len: the number of PSID bits (the "k" bits, 0 to 16)
    :ivar psid: the Port Set Identifier, a psid_len-bit integer
    """

    __slots__ = ('offset', 'psid_len', 'psid')

    option_type = OPTION_S46_PORTPARAMS

    def __init__(self, offset: int = 0, psid_len: int = 0, psid: int = 0):
        self.offset = offset
        self.psid_len = psid_len
        self.psid = psid

    def load_data(self, buffer: bytes, offset: int, length: int) -> None:
        if length != _port_parameters.size:
            raise self.wrong_length(offset, length, str(_port_parameters.size))
        self.offset, self.psid_len, psid_field = _port_parameters.unpack_from(buffer, offset)
        if self.psid_len > 16:
            raise MalformedInputError('S46PortParametersOption', offset + 1,
                                      f"PSID length {self.psid_len} does not fit in the 16-bit PSID field")
        padding_bits = 16 - self.psid_len
        if psid_field & ((1 << padding_bits) - 1):
            raise MalformedInputError('S46PortParametersOption', offset + 2,
                                      f"PSID field has bits set beyond its {self.psid_len} bits")
        self.psid = psid_field >> padding_bits

    def save_data(self) -> bytes:
        if not isinstance(self.psid_len, int) or not 0 <= self.psid_len <= 16:
            raise ValidationError(f"S46PortParametersOption.psid_len must be 0 to 16, not {self.psid_len!r}")
        return _port_parameters.pack(self.offset, self.psid_len, self.psid << (16 - self.psid_len))

    def validate(self) -> None:
        validate_unsigned(self, 'offset', self.offset, 8)
        validate_unsigned(self, 'psid_len', self.psid_len, 8)
        if self.offset > 15:
            raise ValidationError(f"S46PortParametersOption.offset must be 0 to 15, not {self.offset}")
        if self.offset + self.psid_len > 16:
            raise ValidationError(f"S46PortParametersOption.offset + psid_len must be at most 16, not "
                                  f"{self.offset} + {self.psid_len}")
        validate_unsigned(self, 'psid', self.psid, self.psid_len)


class S46ContainerOption(ContainerOption):
    """
    The shape of the three S46 container options (RFC 7598 section 5): nothing but options.

    :ivar options: the contained options
    """

    __slots__ = ()  # options: ContainerOption's slot

    def __init__(self, options: list[Option] | None = None):
        self.options = [] if options is None else options


class S46MapEContainerOption(S46ContainerOption):
    """S46 MAP-E Container (RFC 7598 section 5.1): the configuration of a MAP-E customer edge."""

    __slots__ = ()
    option_type = OPTION_S46_CONT_MAPE


class S46MapTContainerOption(S46ContainerOption):
    """S46 MAP-T Container (RFC 7598 section 5.2): the configuration of a MAP-T customer edge."""

    __slots__ = ()
    option_type = OPTION_S46_CONT_MAPT


class S46LWContainerOption(S46ContainerOption):
    """S46 Lightweight 4over6 Container (RFC 7598 section 5.3): the configuration of a lwB4."""

    __slots__ = ()
    option_type = OPTION_S46_CONT_LW


# RFC 7598 sections 4.1 and 4.4: port parameters go inside a rule or a binding
S46RuleOption.add_may_contain(S46PortParametersOption, 0, 1)
S46V4V6BindingOption.add_may_contain(S46PortParametersOption, 0, 1)

# RFC 7598 section 5 and the table of section 6 (which options each container holds). Section 4.2 allows more than
# one BR address in a container.
S46MapEContainerOption.add_may_contain(S46RuleOption, 1)
S46MapEContainerOption.add_may_contain(S46BROption, 1)
S46MapTContainerOption.add_may_contain(S46RuleOption, 1)
S46MapTContainerOption.add_may_contain(S46DMROption, 1, 1)
S46LWContainerOption.add_may_contain(S46BROption, 1)
S46LWContainerOption.add_may_contain(S46V4V6BindingOption, 0, 1)

# RFC 7598 sections 7 and 8: a client asks for the containers in its Option Request option; the server answers in
# Advertise and Reply
allow_in_messages(S46MapEContainerOption, [AdvertiseMessage, ReplyMessage], 0, 1)
allow_in_messages(S46MapTContainerOption, [AdvertiseMessage, ReplyMessage], 0, 1)
allow_in_messages(S46LWContainerOption, [AdvertiseMessage, ReplyMessage], 0, 1)
