"""
Top-level status codes of replies whose message type requires one (RFC 8415 sections 18.3.3, 18.3.7, 18.3.8).
"""
from dhcpkit.ipv6.exceptions import CannotRespondError
from dhcpkit.ipv6.messages import ConfirmMessage, DeclineMessage, ReleaseMessage
from dhcpkit.ipv6.option_handlers import OptionHandler
from dhcpkit.ipv6.options import STATUS_SUCCESS, StatusCodeOption
from dhcpkit.ipv6.transaction_bundle import TransactionBundle

__all__ = ['ReplyStatusOptionHandler', 'CONFIRM_ANSWERED']

#: The mark a handler sets on the bundle when it has decided a Confirm (with a Success or NotOnLink status)
CONFIRM_ANSWERED = 'confirm-answered'


class ReplyStatusOptionHandler(OptionHandler):
    """
    Release and Decline get a Success status when nothing else set one. A Confirm that no handler could judge is not
    answered: RFC 8415 section 18.3.3 says a server that cannot determine whether the addresses are on-link must
    not reply.
    """

    def post(self, bundle: TransactionBundle) -> None:
        response = bundle.response
        if response is None:
            return
        if isinstance(bundle.request, ConfirmMessage) and CONFIRM_ANSWERED not in bundle.marks:
            raise CannotRespondError("No configuration to decide whether the client's addresses are on-link")
        if isinstance(bundle.request, (ReleaseMessage, DeclineMessage)):
            if response.get_option_of_type(StatusCodeOption) is None:
                kind = 'Release' if isinstance(bundle.request, ReleaseMessage) else 'Decline'
                response.options.append(StatusCodeOption(STATUS_SUCCESS, f"{kind} received"))
