"""
A message handler that only prints what it receives: for looking at real traffic without answering it.
"""
import logging

from dhcpkit.ipv6.message_handlers import MessageHandler
from dhcpkit.ipv6.messages import RelayForwardMessage, RelayReplyMessage

__all__ = ['DumpRequestsMessageHandler', 'handler']

logger = logging.getLogger(__name__)


class DumpRequestsMessageHandler(MessageHandler):
    """Log every request (at INFO, so it shows without -v) and never reply."""

    def handle(self, received_message: RelayForwardMessage,
               received_over_multicast: bool) -> RelayReplyMessage | None:
        """
        Log the request.

        :param received_message: the packet as the server's own Relay-forward message
        :param received_over_multicast: whether the packet was sent to a multicast address
        :return: always None: no reply is sent
        """
        kind = 'multicast' if received_over_multicast else 'unicast'
        logger.info("Received %s message: %r", kind, received_message)
        return None


#: The seed-era way of naming a handler in the configuration: a module with a ``handler`` attribute
handler = DumpRequestsMessageHandler
