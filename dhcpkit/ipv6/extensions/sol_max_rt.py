"""
Server control of client retransmission: the SOL_MAX_RT and INF_MAX_RT options (RFC 8415 sections 21.24 and 21.25,
first defined in RFC 7083).
"""
from struct import Struct

from dhcpkit.ipv6.messages import AdvertiseMessage, ReplyMessage, allow_in_messages
from dhcpkit.ipv6.option_base import UnsignedIntegerOption
from dhcpkit.protocol_element import ValidationError

__all__ = ['SolMaxRTOption', 'InfMaxRTOption', 'OPTION_SOL_MAX_RT', 'OPTION_INF_MAX_RT', 'MIN_MAX_RT', 'MAX_MAX_RT']

# RFC 8415 section 24: option codes
OPTION_SOL_MAX_RT = 82
OPTION_INF_MAX_RT = 83

# RFC 8415 sections 21.24 and 21.25: the allowed range of both values, in seconds
MIN_MAX_RT = 60
MAX_MAX_RT = 86400


class MaxRTOption(UnsignedIntegerOption):
    """A maximum retransmission time in seconds (32 bits), which must be from 60 to 86400 (RFC 8415 section 21.24)."""

    __slots__ = ()

    value_struct = Struct('!I')

    def validate(self) -> None:
        super().validate()
        value = getattr(self, self.value_name)
        if not MIN_MAX_RT <= value <= MAX_MAX_RT:
            raise ValidationError(f"{type(self).__name__}.{self.value_name} must be from {MIN_MAX_RT} to "
                                  f"{MAX_MAX_RT} seconds, not {value}")


class SolMaxRTOption(MaxRTOption):
    """
    SOL_MAX_RT (RFC 8415 section 21.24): the server overrides the client's maximum Solicit retransmission time.

    :ivar sol_max_rt: the maximum Solicit timeout in seconds
    """

    __slots__ = ('sol_max_rt',)

    option_type = OPTION_SOL_MAX_RT
    value_name = 'sol_max_rt'

    def __init__(self, sol_max_rt: int = 3600):
        self.sol_max_rt = sol_max_rt


class InfMaxRTOption(MaxRTOption):
    """
    INF_MAX_RT (RFC 8415 section 21.25): the server overrides the client's maximum Information-request
    retransmission time.

    :ivar inf_max_rt: the maximum Information-request timeout in seconds
    """

    __slots__ = ('inf_max_rt',)

    option_type = OPTION_INF_MAX_RT
    value_name = 'inf_max_rt'

    def __init__(self, inf_max_rt: int = 3600):
        self.inf_max_rt = inf_max_rt


# RFC 8415 appendix B: both appear only in Advertise and Reply
allow_in_messages(SolMaxRTOption, [AdvertiseMessage, ReplyMessage])
allow_in_messages(InfMaxRTOption, [AdvertiseMessage, ReplyMessage])
