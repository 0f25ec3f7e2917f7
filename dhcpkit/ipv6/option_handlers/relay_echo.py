"""
Options that go back to the relays: the Interface-Id (RFC 8415 section 21.18, always echoed), the Remote-Id and
Subscriber-Id that identify the line, and whatever a relay asks for with an Echo Request option (RFC 4994).
"""
from dhcpkit.ipv6.extensions.relay_echo_request import EchoRequestOption
from dhcpkit.ipv6.extensions.remote_id import RemoteIdOption
from dhcpkit.ipv6.extensions.subscriber_id import SubscriberIdOption
from dhcpkit.ipv6.messages import RelayForwardMessage, RelayReplyMessage
from dhcpkit.ipv6.option_handlers import CopyRelayOptionHandler, RelayOptionHandler
from dhcpkit.ipv6.options import InterfaceIdOption, RelayMessageOption
from dhcpkit.ipv6.transaction_bundle import TransactionBundle

__all__ = ['InterfaceIdOptionHandler', 'RemoteIdOptionHandler', 'SubscriberIdOptionHandler',
           'EchoRequestOptionHandler']


class InterfaceIdOptionHandler(CopyRelayOptionHandler):
    """Echo the Interface-Id into each Relay-reply: the relay needs it to find the client's interface."""

    def __init__(self) -> None:
        super().__init__(InterfaceIdOption)


class RemoteIdOptionHandler(CopyRelayOptionHandler):
    """Echo the Remote-Id (RFC 4649) into each Relay-reply."""

    def __init__(self) -> None:
        super().__init__(RemoteIdOption)


class SubscriberIdOptionHandler(CopyRelayOptionHandler):
    """Echo the Subscriber-Id (RFC 4580) into each Relay-reply."""

    def __init__(self) -> None:
        super().__init__(SubscriberIdOption)


class EchoRequestOptionHandler(RelayOptionHandler):
    """Echo every option a relay names in its Echo Request option (RFC 4994 section 4), unless already there."""

    def handle_relay(self, bundle: TransactionBundle, relay_in: RelayForwardMessage,
                     relay_out: RelayReplyMessage) -> None:
        echo_request = relay_in.get_option_of_type(EchoRequestOption)
        if echo_request is None:
            return
        present = {option.option_type for option in relay_out.options}
        for option in relay_in.options:
            if (option.option_type in echo_request.requested_options and option.option_type not in present
                    and not isinstance(option, RelayMessageOption) and relay_out.may_contain(option)):
                relay_out.options.append(option)
