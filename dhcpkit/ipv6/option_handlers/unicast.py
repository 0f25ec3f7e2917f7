"""
The unicast policy of RFC 8415 section 18.4: a client may only unicast to a server that gave it a Server Unicast
option; otherwise the server answers with a UseMulticast status.
"""
from dhcpkit.ipv6.exceptions import UseMulticastError
from dhcpkit.ipv6.messages import DeclineMessage, ReleaseMessage, RenewMessage, RequestMessage
from dhcpkit.ipv6.option_handlers import OptionHandler
from dhcpkit.ipv6.transaction_bundle import TransactionBundle

__all__ = ['UnicastPolicyOptionHandler', 'UNICAST_ALLOWED']

#: The mark the Server Unicast option handler sets in ``pre()`` when this server allows unicast
UNICAST_ALLOWED = 'unicast-allowed'

# RFC 8415 section 18.4: the messages a client unicasts after it received a Server Unicast option
_UNICAST_MESSAGES = (RequestMessage, RenewMessage, ReleaseMessage, DeclineMessage)


class UnicastPolicyOptionHandler(OptionHandler):
    """
    Refuse, with UseMulticast, a Request, Renew, Release or Decline that the client sent straight to a unicast address
    of this server when no Server Unicast option is configured. Relayed messages always reach us by unicast, so only
    direct ones are checked. This handler runs after the configured handlers so that it sees their marks.
    """

    def pre(self, bundle: TransactionBundle) -> None:
        if (isinstance(bundle.request, _UNICAST_MESSAGES) and not bundle.received_over_multicast
                and not bundle.relayed and UNICAST_ALLOWED not in bundle.marks):
            raise UseMulticastError(f"{type(bundle.request).__name__} was unicast without permission")
