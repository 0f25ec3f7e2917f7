"""
The Server Identifier: check that a request is meant for this server, and identify the server in every response
(RFC 8415 sections 16 and 18.3).
"""
from dhcpkit.ipv6.duids import DUID
from dhcpkit.ipv6.exceptions import CannotRespondError
from dhcpkit.ipv6.messages import (ConfirmMessage, DeclineMessage, InformationRequestMessage, RebindMessage,
                                   ReleaseMessage, RenewMessage, RequestMessage, SolicitMessage)
from dhcpkit.ipv6.option_handlers import OptionHandler
from dhcpkit.ipv6.options import ServerIdOption
from dhcpkit.ipv6.transaction_bundle import TransactionBundle

__all__ = ['ServerIdOptionHandler']

# RFC 8415 section 16: messages that must name this server, and messages that must not name any server
_MUST_NAME_US = (RequestMessage, RenewMessage, ReleaseMessage, DeclineMessage)
_MUST_NOT_NAME_A_SERVER = (SolicitMessage, ConfirmMessage, RebindMessage)


class ServerIdOptionHandler(OptionHandler):
    """
    Drop requests meant for another server and add our DUID to every response. The message handler always installs
    this handler with the configured (or derived) server DUID.

    :ivar duid: this server's DUID
    """

    def __init__(self, duid: DUID):
        self.duid = duid
        self.option = ServerIdOption(duid)

    def pre(self, bundle: TransactionBundle) -> None:
        request = bundle.request
        server_id = request.get_option_of_type(ServerIdOption)
        if isinstance(request, _MUST_NAME_US):
            if server_id is None:
                raise CannotRespondError(f"{type(request).__name__} without a Server Identifier")
            if server_id.duid != self.duid:
                raise CannotRespondError(f"{type(request).__name__} is for another server")
        elif isinstance(request, _MUST_NOT_NAME_A_SERVER):
            if server_id is not None:
                raise CannotRespondError(f"{type(request).__name__} may not carry a Server Identifier")
        elif isinstance(request, InformationRequestMessage):
            if server_id is not None and server_id.duid != self.duid:
                raise CannotRespondError("Information-request is for another server")

    def handle(self, bundle: TransactionBundle) -> None:
        if bundle.response is not None and bundle.response.may_contain(ServerIdOption):
            bundle.response.options.insert(0, self.option)
