"""
T1 and T2 for the IAs in a response (RFC 8415 section 21.4 for IA_NA, 21.21 for IA_PD).

By default T1 is half and T2 is 0.8 times the shortest preferred lifetime of the IA's leases, as the RFC recommends;
``[option IANATimingLimits]`` and ``[option IAPDTimingLimits]`` change the factors and clamp the results.
"""
from typing import ClassVar

from dhcpkit.ipv6 import INFINITY
from dhcpkit.ipv6.config import ConfigError, ConfigSection
from dhcpkit.ipv6.extensions.prefix_delegation import IAPDOption, IAPrefixOption
from dhcpkit.ipv6.option_handlers import OptionHandler
from dhcpkit.ipv6.options import IAAddressOption, IANAOption
from dhcpkit.ipv6.transaction_bundle import TransactionBundle

__all__ = ['IANATimingLimitsOptionHandler', 'IAPDTimingLimitsOptionHandler']


class TimingLimitsOptionHandler(OptionHandler):
    """
    Set T1 and T2 of the IAs of one kind in the response, from the shortest preferred lifetime of their leases.

    :ivar min_t1: the smallest T1 to give
    :ivar max_t1: the largest T1 to give
    :ivar factor_t1: T1 as a fraction of the shortest preferred lifetime
    :ivar min_t2: the smallest T2 to give
    :ivar max_t2: the largest T2 to give
    :ivar factor_t2: T2 as a fraction of the shortest preferred lifetime
    """

    ia_class: ClassVar[type[IANAOption] | type[IAPDOption]]
    lease_class: ClassVar[type[IAAddressOption] | type[IAPrefixOption]]

    def __init__(self, min_t1: int = 0, max_t1: int = INFINITY, factor_t1: float = 0.5,
                 min_t2: int = 0, max_t2: int = INFINITY, factor_t2: float = 0.8):
        if min_t1 > max_t1 or min_t2 > max_t2:
            raise ValueError("Minimum T1/T2 may not be greater than the maximum")
        if not 0 <= factor_t1 <= factor_t2 <= 1:
            raise ValueError("Factors must satisfy 0 <= factor-t1 <= factor-t2 <= 1")
        self.min_t1 = min_t1
        self.max_t1 = max_t1
        self.factor_t1 = factor_t1
        self.min_t2 = min_t2
        self.max_t2 = max_t2
        self.factor_t2 = factor_t2
        # Pools give the same few lifetimes in every reply: their timers are worked out once
        self._timers: dict[int, tuple[int, int]] = {}

    @classmethod
    def from_config(cls, section: ConfigSection,
                    option_handler_id: str | None = None) -> 'TimingLimitsOptionHandler':
        if option_handler_id is not None:
            raise section.error(None, f"{cls.__name__} does not take an ID in its section name")
        try:
            return cls(min_t1=section.get_duration('min-t1', 0) or 0,
                       max_t1=section.get_duration('max-t1', INFINITY) or 0,
                       factor_t1=section.get_float('factor-t1', 0.5),
                       min_t2=section.get_duration('min-t2', 0) or 0,
                       max_t2=section.get_duration('max-t2', INFINITY) or 0,
                       factor_t2=section.get_float('factor-t2', 0.8))
        except ConfigError:
            raise
        except ValueError as error:
            raise section.error(None, str(error)) from None

    def timers_for(self, shortest_preferred: int) -> tuple[int, int]:
        """
        Compute T1 and T2 for an IA.

        :param shortest_preferred: the shortest preferred lifetime of the IA's leases
        :return: T1 and T2
        """
        if shortest_preferred == INFINITY:
            # RFC 8415 section 21.4: infinite lifetimes get infinite timers, unless the operator set a maximum
            return min(self.max_t1, self.max_t2), self.max_t2
        t1 = min(max(int(shortest_preferred * self.factor_t1), self.min_t1), self.max_t1)
        t2 = min(max(int(shortest_preferred * self.factor_t2), self.min_t2), self.max_t2)
        return min(t1, t2), t2

    def post(self, bundle: TransactionBundle) -> None:
        if bundle.response is None:
            return
        ia_class, lease_class = self.ia_class, self.lease_class
        for option in bundle.response.options:
            if not isinstance(option, ia_class):
                continue
            lifetimes = [lease.preferred_lifetime for lease in option.options
                         if isinstance(lease, lease_class) and lease.valid_lifetime > 0]
            if not lifetimes:
                option.t1 = option.t2 = 0
                continue
            shortest = min(lifetimes)
            timers = self._timers.get(shortest)
            if timers is None:
                timers = self.timers_for(shortest)
                # A subclass's own timers_for is asked every time: it may not be a plain function of the lifetime
                if len(self._timers) < 64 and type(self).timers_for is TimingLimitsOptionHandler.timers_for:
                    self._timers[shortest] = timers
            option.t1, option.t2 = timers


class IANATimingLimitsOptionHandler(TimingLimitsOptionHandler):
    """T1/T2 for IA_NA options (RFC 8415 section 21.4)."""

    ia_class = IANAOption
    lease_class = IAAddressOption


class IAPDTimingLimitsOptionHandler(TimingLimitsOptionHandler):
    """T1/T2 for IA_PD options (RFC 8415 section 21.21)."""

    ia_class = IAPDOption
    lease_class = IAPrefixOption
