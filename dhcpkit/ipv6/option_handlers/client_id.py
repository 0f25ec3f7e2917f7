"""
The Client Identifier: every request but an Information-request must carry one, and the response echoes it
(RFC 8415 sections 16 and 18.3).
"""
from dhcpkit.ipv6.exceptions import CannotRespondError
from dhcpkit.ipv6.messages import InformationRequestMessage
from dhcpkit.ipv6.option_handlers import CopyOptionHandler
from dhcpkit.ipv6.options import ClientIdOption
from dhcpkit.ipv6.transaction_bundle import TransactionBundle

__all__ = ['ClientIdOptionHandler']


class ClientIdOptionHandler(CopyOptionHandler):
    """Drop requests without a client identifier where one is required, and copy it into the response."""

    def __init__(self) -> None:
        super().__init__(ClientIdOption)

    def pre(self, bundle: TransactionBundle) -> None:
        if (not isinstance(bundle.request, InformationRequestMessage)
                and bundle.request.get_option_of_type(ClientIdOption) is None):
            raise CannotRespondError(f"{type(bundle.request).__name__} without a Client Identifier")
