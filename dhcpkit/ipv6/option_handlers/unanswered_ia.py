"""
Answers for the IAs that no handler could serve, as RFC 8415 section 18.3 requires for each message type.
"""
from dhcpkit.ipv6.extensions.prefix_delegation import STATUS_NOPREFIXAVAIL, IAPDOption
from dhcpkit.ipv6.messages import (AdvertiseMessage, DeclineMessage, RebindMessage, ReleaseMessage, RenewMessage,
                                   ReplyMessage, RequestMessage, SolicitMessage)
from dhcpkit.ipv6.option_handlers import OptionHandler
from dhcpkit.ipv6.options import (STATUS_NOADDRSAVAIL, STATUS_NOBINDING, IANAOption, IATAOption, StatusCodeOption)
from dhcpkit.ipv6.transaction_bundle import IAOption, TransactionBundle

__all__ = ['UnansweredIAOptionHandler']


def _empty_ia(option: IAOption, status: StatusCodeOption) -> IAOption:
    """An IA like the client's, with no leases, zero timers and only a status code."""
    if isinstance(option, IANAOption):
        return IANAOption(option.iaid, 0, 0, [status])
    if isinstance(option, IATAOption):
        return IATAOption(option.iaid, [status])
    return IAPDOption(option.iaid, 0, 0, [status])


class UnansweredIAOptionHandler(OptionHandler):
    """
    Give every IA that is still unanswered after all handlers ran the status the RFC asks for:

    - Solicit and Request (RFC 8415 sections 18.3.1, 18.3.2): NoAddrsAvail for IA_NA and IA_TA, NoPrefixAvail for
      IA_PD;
    - Renew, Rebind, Release and Decline (sections 18.3.4, 18.3.5, 18.3.7, 18.3.8): NoBinding, because the server
      has no binding for it.
    """

    def post(self, bundle: TransactionBundle) -> None:
        response = bundle.response
        if not isinstance(response, (AdvertiseMessage, ReplyMessage)):
            return
        request = bundle.request
        for option in bundle.get_unanswered_ia_options():
            if isinstance(request, (SolicitMessage, RequestMessage)):
                if isinstance(option, IAPDOption):
                    status = StatusCodeOption(STATUS_NOPREFIXAVAIL, "No prefixes available")
                else:
                    status = StatusCodeOption(STATUS_NOADDRSAVAIL, "No addresses available")
            elif isinstance(request, (RenewMessage, RebindMessage, ReleaseMessage, DeclineMessage)):
                status = StatusCodeOption(STATUS_NOBINDING, "No binding for this IA")
            else:
                continue
            response.options.append(_empty_ia(option, status))
            bundle.mark_handled(option)
