"""A message handler that always fails, for the runaway-protection process test (loaded by ``message-handler``)."""
from dhcpkit.ipv6.message_handlers import MessageHandler
from dhcpkit.ipv6.messages import RelayForwardMessage, RelayReplyMessage


class FailingHandler(MessageHandler):
    """Raise on every request, as a handler whose database has gone away would."""

    def handle(self, received_message: RelayForwardMessage,
               received_over_multicast: bool) -> RelayReplyMessage | None:
        raise RuntimeError("this handler always fails")
