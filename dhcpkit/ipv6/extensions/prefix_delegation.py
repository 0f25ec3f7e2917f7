"""
Prefix delegation: the IA_PD and IA Prefix options (RFC 8415 sections 21.21 and 21.22, first defined in RFC 3633).
"""
from ipaddress import IPv6Network
from struct import Struct

from dhcpkit.ipv6.messages import (AdvertiseMessage, RebindMessage, ReleaseMessage, RenewMessage, ReplyMessage,
                                   RequestMessage, SolicitMessage, allow_in_messages)
from dhcpkit.ipv6.option_base import ContainerOption, Option, parse_options, save_options_after
from dhcpkit.ipv6.options import STATUS_NOPREFIXAVAIL, IAWithTimersOption, StatusCodeOption, validate_lifetimes
from dhcpkit.protocol_element import MalformedInputError, ValidationError

__all__ = ['IAPDOption', 'IAPrefixOption', 'OPTION_IA_PD', 'OPTION_IAPREFIX', 'STATUS_NOPREFIXAVAIL']

# RFC 8415 section 24: option codes
OPTION_IA_PD = 25
OPTION_IAPREFIX = 26


class IAPDOption(IAWithTimersOption):
    """
    Identity Association for Prefix Delegation (RFC 8415 section 21.21).

    :ivar iaid: the 4-byte IA identifier chosen by the client
    :ivar t1: seconds until the client should renew
    :ivar t2: seconds until the client should rebind
    :ivar options: the IA's options (prefixes, status code)
    """

    __slots__ = ()

    option_type = OPTION_IA_PD

    def get_prefixes(self) -> list[IPv6Network]:
        """
        Return the prefixes in this IA.

        :return: the prefixes of the IA Prefix options
        """
        return [option.prefix for option in self.options if isinstance(option, IAPrefixOption)]


class IAPrefixOption(ContainerOption):
    """
    IA Prefix (RFC 8415 section 21.22): a delegated prefix with its lifetimes, inside an IA_PD.

    :ivar prefix: the prefix
    :ivar preferred_lifetime: seconds the prefix stays preferred
    :ivar valid_lifetime: seconds the prefix stays valid
    :ivar options: the prefix's options (status code, PD exclude)
    """

    __slots__ = ('prefix', 'preferred_lifetime', 'valid_lifetime')

    option_type = OPTION_IAPREFIX
    header_struct = Struct('!IIB16s')
    header_validated = True

    def __init__(self, prefix: IPv6Network = IPv6Network('::/0'), preferred_lifetime: int = 0,
                 valid_lifetime: int = 0, options: list[Option] | None = None):
        self.prefix = prefix
        self.preferred_lifetime = preferred_lifetime
        self.valid_lifetime = valid_lifetime
        self.options = [] if options is None else options

    def load_data(self, buffer: bytes, offset: int, length: int) -> None:
        if length < 25:
            raise self.wrong_length(offset, length, "at least 25")
        self.preferred_lifetime, self.valid_lifetime, prefix_length, packed = \
            self.header_struct.unpack_from(buffer, offset)
        if prefix_length > 128:
            raise MalformedInputError('IAPrefixOption', offset + 8, f"prefix length {prefix_length} is over 128")
        try:
            # From the packed bytes: an IPv6Address as the first element costs 8 us instead of 1.2, because
            # IPv6Network turns it into text and parses that
            self.prefix = IPv6Network((packed, prefix_length))
        except ValueError:
            # Bits set past the prefix length cannot round-trip through IPv6Network
            raise MalformedInputError('IAPrefixOption', offset + 9,
                                      f"prefix has bits set beyond its length /{prefix_length}") from None
        self.options = parse_options(buffer, offset + 25, offset + length, 'IAPrefixOption')

    def save_data(self) -> bytes:
        header = self.header_struct.pack(self.preferred_lifetime, self.valid_lifetime, self.prefix.prefixlen,
                                         self.prefix.network_address.packed)
        return save_options_after(header, self.options)

    # save_data() above keeps the container layout: the header, then the options
    validated_data_length = ContainerOption.validated_data_length

    def validate(self) -> None:
        if not isinstance(self.prefix, IPv6Network):
            raise ValidationError("IAPrefixOption.prefix must be an IPv6 network")
        validate_lifetimes(self, self.preferred_lifetime, self.valid_lifetime)
        super().validate()


IAPDOption.add_may_contain(IAPrefixOption)
IAPDOption.add_may_contain(StatusCodeOption, 0, 1)
IAPrefixOption.add_may_contain(StatusCodeOption, 0, 1)

# RFC 8415 appendix B: IA_PD appears where IA_NA does, except in Confirm and Decline
allow_in_messages(IAPDOption, [SolicitMessage, RequestMessage, RenewMessage, RebindMessage, ReleaseMessage,
                               AdvertiseMessage, ReplyMessage], 0, 2 ** 31)
