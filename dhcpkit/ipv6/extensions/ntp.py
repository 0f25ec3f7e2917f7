"""
Network Time Protocol servers: the NTP Server option and its sub-options (RFC 5908).

The sub-options have their own option space: their codes are looked up in :attr:`NTPSubOption.registry`, not in the
global option registry.
"""
from ipaddress import IPv6Address
from typing import ClassVar

from dhcpkit.ipv6.messages import AdvertiseMessage, ReplyMessage, allow_in_messages
from dhcpkit.ipv6.option_base import ContainerOption, Option, SingleDomainNameOption, UnknownOption
from dhcpkit.protocol_element import INFINITE, ValidationError

__all__ = ['NTPServersOption', 'NTPSubOption', 'NTPTimeSourceSubOption', 'NTPServerAddressSubOption',
           'NTPMulticastAddressSubOption', 'NTPServerFQDNSubOption', 'UnknownNTPSubOption', 'OPTION_NTP_SERVER',
           'NTP_SUBOPTION_SRV_ADDR', 'NTP_SUBOPTION_MC_ADDR', 'NTP_SUBOPTION_SRV_FQDN']

# RFC 5908 section 4: option code
OPTION_NTP_SERVER = 56

# RFC 5908 sections 4.1 to 4.3: sub-option codes
NTP_SUBOPTION_SRV_ADDR = 1
NTP_SUBOPTION_MC_ADDR = 2
NTP_SUBOPTION_SRV_FQDN = 3


class NTPSubOption(Option):
    """
    The base class of the sub-options of the NTP Server option (RFC 5908 section 4). They have the same header as
    options, but their own option space.
    """

    __slots__ = ()

    #: The NTP sub-option classes by sub-option code
    registry: ClassVar[dict[int, type[Option]]] = {}

    @classmethod
    def unknown_class(cls) -> type[Option]:
        """
        The class for sub-option codes this library has no class for.

        :return: :class:`UnknownNTPSubOption`
        """
        return UnknownNTPSubOption


class UnknownNTPSubOption(NTPSubOption, UnknownOption):
    """
    An NTP sub-option whose code this library does not know. It keeps its data so that it saves to the same bytes.

    :ivar option_type: the sub-option code
    :ivar option_data: the sub-option data
    """

    __slots__ = ()


class NTPTimeSourceSubOption(NTPSubOption):
    """
    The base class of the sub-options that say where the time source is (RFC 5908 section 4); an NTP Server option
    carries one of them.
    """

    __slots__ = ()


class NTPAddressSubOption(NTPTimeSourceSubOption):
    """
    A time source sub-option whose data is one IPv6 address.

    :ivar address: the address
    """

    __slots__ = ('address',)

    def __init__(self, address: IPv6Address = IPv6Address(0)):
        self.address = address

    def load_data(self, buffer: bytes, offset: int, length: int) -> None:
        if length != 16:
            raise self.wrong_length(offset, length, "16")
        self.address = IPv6Address(bytes(buffer[offset:offset + 16]))

    def save_data(self) -> bytes:
        return self.address.packed

    def validate(self) -> None:
        if not isinstance(self.address, IPv6Address):
            raise ValidationError(f"{type(self).__name__}.address must be an IPv6 address")


class NTPServerAddressSubOption(NTPAddressSubOption):
    """
    NTP Server Address (RFC 5908 section 4.1): the unicast address of an NTP or SNTP server.

    :ivar address: the server's address
    """

    __slots__ = ()

    option_type = NTP_SUBOPTION_SRV_ADDR

    def validate(self) -> None:
        super().validate()
        if self.address.is_multicast or self.address.is_unspecified or self.address.is_loopback:
            raise ValidationError(f"NTPServerAddressSubOption.address {self.address} is not a unicast address")


class NTPMulticastAddressSubOption(NTPAddressSubOption):
    """
    NTP Multicast Address (RFC 5908 section 4.2): a multicast group on which NTP servers send time.

    :ivar address: the multicast address
    """

    __slots__ = ()

    option_type = NTP_SUBOPTION_MC_ADDR

    def __init__(self, address: IPv6Address = IPv6Address('ff05::101')):
        super().__init__(address)

    def validate(self) -> None:
        super().validate()
        if not self.address.is_multicast:
            raise ValidationError(f"NTPMulticastAddressSubOption.address {self.address} is not a multicast address")


class NTPServerFQDNSubOption(NTPTimeSourceSubOption, SingleDomainNameOption):
    """
    NTP Server FQDN (RFC 5908 section 4.3): the fully qualified domain name of an NTP or SNTP server.

    :ivar fqdn: the server's name, without trailing dot
    """

    __slots__ = ('fqdn',)

    option_type = NTP_SUBOPTION_SRV_FQDN
    value_name = 'fqdn'

    def __init__(self, fqdn: str = ''):
        self.fqdn = fqdn


class NTPServersOption(ContainerOption):
    """
    NTP Server (RFC 5908 section 4): where one NTP or SNTP server can be found. The option appears once per server.

    :ivar options: the sub-options: exactly one time source (address, multicast address or name) and any sub-options
                   defined later
    """

    __slots__ = ()  # options: ContainerOption's slot

    option_type = OPTION_NTP_SERVER
    option_space = NTPSubOption

    def __init__(self, options: list[Option] | None = None):
        self.options = [] if options is None else options

    def validate(self) -> None:
        if isinstance(self.options, list) and not self.options:
            raise ValidationError("NTPServersOption must contain at least one sub-option")
        super().validate()


for _sub_option_class in (NTPServerAddressSubOption, NTPMulticastAddressSubOption, NTPServerFQDNSubOption):
    NTPSubOption.registry[_sub_option_class.option_type] = _sub_option_class

# RFC 5908 section 4: "one, and only one, time source suboption"; unknown sub-options are always allowed. Counting by
# the common base class makes the limit apply to the three kinds together.
NTPServersOption.add_may_contain(NTPTimeSourceSubOption, 0, 1)

# RFC 5908 section 4: the server sends one option per NTP server in its responses; the client asks with the ORO
allow_in_messages(NTPServersOption, [AdvertiseMessage, ReplyMessage], 0, INFINITE)
