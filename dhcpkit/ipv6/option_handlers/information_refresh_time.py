"""
How long a stateless client may use its configuration before it asks again: the Information Refresh Time option
(RFC 8415 section 21.23).

.. code-block:: ini

    [option InformationRefreshTime]
    refresh-time = 1d

The value is at least ``IRT_MINIMUM`` (600 seconds) or ``infinite``. Section 21.23 allows the option only in a Reply to
an Information-request, and says a server SHOULD include it there when the client asked for it in its Option Request
option; clients MUST ask for it (section 18.2.6), so in practice every Information-request gets it. A Reply to any
other message never carries it: T1, T2 and lifetimes say when those clients come back.
"""
from dhcpkit.ipv6 import IRT_MINIMUM
from dhcpkit.ipv6.messages import InformationRequestMessage
from dhcpkit.ipv6.option_handlers.configured import DurationOptionHandler
from dhcpkit.ipv6.options import InformationRefreshTimeOption
from dhcpkit.ipv6.transaction_bundle import TransactionBundle

__all__ = ['InformationRefreshTimeOptionHandler']


class InformationRefreshTimeOptionHandler(DurationOptionHandler):
    """Tell stateless clients when to refresh (RFC 8415 section 21.23), from ``refresh-time``."""

    option_class = InformationRefreshTimeOption
    duration_key = 'refresh-time'
    minimum = IRT_MINIMUM
    allow_infinite = True

    def handle(self, bundle: TransactionBundle) -> None:
        if isinstance(bundle.request, InformationRequestMessage):
            super().handle(bundle)
