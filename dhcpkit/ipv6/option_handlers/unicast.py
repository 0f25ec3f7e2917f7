"""
The unicast policy of RFC 8415 sections 16 and 18.4: a client may only unicast a Request, Renew, Release or Decline
to a server that gave it a Server Unicast option (otherwise the server answers with a UseMulticast status), and may
never unicast a Solicit, Confirm, Rebind or Information-request (the server discards those).
"""
from dhcpkit.ipv6.exceptions import CannotRespondError, UseMulticastError
from dhcpkit.ipv6.messages import (ConfirmMessage, DeclineMessage, InformationRequestMessage, RebindMessage,
                                   ReleaseMessage, RenewMessage, RequestMessage, SolicitMessage)
from dhcpkit.ipv6.option_handlers import OptionHandler
from dhcpkit.ipv6.transaction_bundle import TransactionBundle

__all__ = ['UnicastPolicyOptionHandler', 'UNICAST_ALLOWED']

#: The mark the Server Unicast option handler sets in ``pre()`` when this server allows unicast
UNICAST_ALLOWED = 'unicast-allowed'

# RFC 8415 section 18.4: the messages a client unicasts after it received a Server Unicast option
_UNICAST_MESSAGES = (RequestMessage, RenewMessage, ReleaseMessage, DeclineMessage)

# RFC 8415 section 16: messages a server discards when a client sent them straight to a unicast address
_MULTICAST_ONLY_MESSAGES = (SolicitMessage, ConfirmMessage, RebindMessage, InformationRequestMessage)


class UnicastPolicyOptionHandler(OptionHandler):
    """
    Drop a Solicit, Confirm, Rebind or Information-request that a client sent straight to a unicast address, and
    refuse, with UseMulticast, a Request, Renew, Release or Decline sent that way when no Server Unicast option is
    configured. Relayed messages always reach us by unicast, so only direct ones are checked. This handler runs after
    the configured handlers so that it sees their marks.
    """

    def pre(self, bundle: TransactionBundle) -> None:
        if bundle.received_over_multicast or bundle.relayed:
            return
        if isinstance(bundle.request, _MULTICAST_ONLY_MESSAGES):
            raise CannotRespondError(f"{type(bundle.request).__name__} may not be sent to a unicast address")
        if isinstance(bundle.request, _UNICAST_MESSAGES) and UNICAST_ALLOWED not in bundle.marks:
            raise UseMulticastError(f"{type(bundle.request).__name__} was unicast without permission")
