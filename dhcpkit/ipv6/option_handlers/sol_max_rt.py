"""
Slowing down clients that retransmit: SOL_MAX_RT and INF_MAX_RT (RFC 8415 sections 21.24 and 21.25).

.. code-block:: ini

    [option SolMaxRT]
    sol-max-rt = 1h

    [option InfMaxRT]
    inf-max-rt = 1h

Both values must be from 60 seconds to one day. The server sends each option in an Advertise or Reply to a client that
asked for it in its Option Request option, as both sections say.
"""
from dhcpkit.ipv6.extensions.sol_max_rt import MAX_MAX_RT, MIN_MAX_RT, InfMaxRTOption, SolMaxRTOption
from dhcpkit.ipv6.option_handlers.configured import DurationOptionHandler

__all__ = ['SolMaxRTOptionHandler', 'InfMaxRTOptionHandler']


class MaxRTOptionHandler(DurationOptionHandler):
    """A maximum retransmission time for the client, from 60 seconds to one day (RFC 8415 section 21.24)."""

    minimum = MIN_MAX_RT
    maximum = MAX_MAX_RT


class SolMaxRTOptionHandler(MaxRTOptionHandler):
    """Override the client's SOL_MAX_RT (RFC 8415 section 21.24), from ``sol-max-rt``."""

    option_class = SolMaxRTOption
    duration_key = 'sol-max-rt'


class InfMaxRTOptionHandler(MaxRTOptionHandler):
    """Override the client's INF_MAX_RT (RFC 8415 section 21.25), from ``inf-max-rt``."""

    option_class = InfMaxRTOption
    duration_key = 'inf-max-rt'
