"""
The state of one transaction: the request as it arrived (with every relay it passed), and the response as the option
handlers build it.

The server treats itself as the outermost relay, so the incoming message is always a Relay-forward; the bundle
unpacks that chain once, so handlers see the client's message in :attr:`TransactionBundle.request` and the relays in
:attr:`TransactionBundle.incoming_relay_messages`, closest to the client first.
"""
from ipaddress import IPv6Address
from typing import Any, TypeVar

from dhcpkit.ipv6.extensions.prefix_delegation import IAPDOption
from dhcpkit.ipv6.messages import ClientServerMessage, Message, RelayForwardMessage, RelayReplyMessage
from dhcpkit.ipv6.option_base import Option
from dhcpkit.ipv6.options import IANAOption, IATAOption, OptionRequestOption, RelayMessageOption

__all__ = ['TransactionBundle']

SomeOption = TypeVar('SomeOption', bound=Option)

IAOption = IANAOption | IATAOption | IAPDOption

_IA_CLASSES = (IANAOption, IATAOption, IAPDOption)


class TransactionBundle:
    """
    One request and its response, passed to every option handler.

    :ivar incoming_message: the message as the server received it (our own Relay-forward on the outside)
    :ivar received_over_multicast: whether the client's (or first relay's) packet was sent to a multicast address
    :ivar allow_rapid_commit: whether the configuration allows a two-message exchange
    :ivar request: the client's message
    :ivar incoming_relay_messages: the Relay-forward messages, closest to the client first
    :ivar response: the message for the client, set by the message handler and filled by option handlers
    :ivar outgoing_relay_messages: the Relay-reply messages, closest to the client first, once created
    :ivar handled_options: the IA options of the request that a handler has answered
    :ivar marks: labels that handlers set to tell later handlers something
    :ivar handler_data: a place for handlers to keep per-transaction state, keyed by their own names
    """

    def __init__(self, incoming_message: Message, received_over_multicast: bool, allow_rapid_commit: bool = False):
        self.incoming_message = incoming_message
        self.received_over_multicast = received_over_multicast
        self.allow_rapid_commit = allow_rapid_commit

        relays: list[RelayForwardMessage] = []
        message: Message | None = incoming_message
        while isinstance(message, RelayForwardMessage):
            relays.append(message)
            message = message.relayed_message
        relays.reverse()
        if not isinstance(message, ClientServerMessage):
            raise ValueError("The innermost message of a relay chain must be a client message")

        self.request: ClientServerMessage = message
        self.incoming_relay_messages: list[RelayForwardMessage] = relays
        self.response: ClientServerMessage | None = None
        self.outgoing_relay_messages: list[RelayReplyMessage] | None = None
        self.handled_options: list[Option] = []
        self.marks: set[str] = set()
        self.handler_data: dict[str, Any] = {}
        # The request's IA options, found on first use: several handlers ask in every transaction
        self._request_ias: list[IAOption] | None = None

    def __str__(self) -> str:
        peer = self.incoming_relay_messages[0].peer_address if self.incoming_relay_messages else '?'
        return f"{type(self.request).__name__} from {peer}"

    @property
    def relayed(self) -> bool:
        """Whether the request came through at least one relay agent besides the server's own wrapping."""
        return len(self.incoming_relay_messages) > 1

    def get_link_address(self) -> IPv6Address:
        """
        Find the address that identifies the client's link: the link-address of the relay closest to the client that
        has one (RFC 8415 section 13.1), or ``::`` when none has.

        :return: the link address
        """
        for relay in self.incoming_relay_messages:
            if not relay.link_address.is_unspecified:
                return relay.link_address
        return IPv6Address(0)

    def get_unanswered_ia_options(self) -> list[IAOption]:
        """
        The IA options (IA_NA, IA_TA and IA_PD) of the request that no handler has marked as handled. The request is
        the client's message as received: the bundle finds its IA options once, on the first call, so a handler that
        changed ``request.options`` afterwards would not be seen here.

        :return: the unanswered IA options
        """
        ias = self._request_ias
        if ias is None:
            ias = self._request_ias = [option for option in self.request.options if isinstance(option, _IA_CLASSES)]
        if not self.handled_options:
            return list(ias)
        handled = {id(option) for option in self.handled_options}
        return [option for option in ias if id(option) not in handled]

    def get_unanswered_iana_options(self) -> list[IANAOption]:
        """:return: the unanswered IA_NA options"""
        return [option for option in self.get_unanswered_ia_options() if isinstance(option, IANAOption)]

    def get_unanswered_iata_options(self) -> list[IATAOption]:
        """:return: the unanswered IA_TA options"""
        return [option for option in self.get_unanswered_ia_options() if isinstance(option, IATAOption)]

    def get_unanswered_iapd_options(self) -> list[IAPDOption]:
        """:return: the unanswered IA_PD options"""
        return [option for option in self.get_unanswered_ia_options() if isinstance(option, IAPDOption)]

    def mark_handled(self, option: Option) -> None:
        """
        Record that an IA option of the request has been answered, so that no later handler answers it again.

        :param option: the option from the request
        """
        if not any(option is handled for handled in self.handled_options):
            self.handled_options.append(option)

    def create_outgoing_relay_messages(self) -> None:
        """
        Create a Relay-reply for every incoming Relay-forward, with the same hop count and addresses. Relay option
        handlers then add their options (such as the Interface-Id echo) to them.
        """
        self.outgoing_relay_messages = [RelayReplyMessage(relay.hop_count, relay.link_address, relay.peer_address)
                                        for relay in self.incoming_relay_messages]

    @property
    def outgoing_message(self) -> RelayReplyMessage | None:
        """
        The response wrapped in the outgoing relay messages, ready for the listener; None when there is no response.
        """
        if self.response is None:
            return None
        if self.outgoing_relay_messages is None:
            self.create_outgoing_relay_messages()
        assert self.outgoing_relay_messages is not None
        message: Message = self.response
        for relay in self.outgoing_relay_messages:
            relay.options = [option for option in relay.options if not isinstance(option, RelayMessageOption)]
            relay.options.append(RelayMessageOption(message))
            message = relay
        return message if isinstance(message, RelayReplyMessage) else None

    def get_request_option(self, klass: type[SomeOption]) -> SomeOption | None:
        """
        Return the request's first option of a class, or None.

        :param klass: the option class
        :return: the option
        """
        return self.request.get_option_of_type(klass)

    def requested_option_types(self) -> set[int]:
        """
        The option codes the client asked for in its Option Request option.

        :return: the codes
        """
        oro = self.request.get_option_of_type(OptionRequestOption)
        return set(oro.requested_options) if oro else set()

    def option_requested(self, option_type: int) -> bool:
        """
        Whether the client asked for an option code in its Option Request option: what
        :meth:`requested_option_types` tells, without building a set for one question.

        :param option_type: the option code
        :return: whether it was asked for
        """
        oro = self.request.get_option_of_type(OptionRequestOption)
        return oro is not None and option_type in oro.requested_options
