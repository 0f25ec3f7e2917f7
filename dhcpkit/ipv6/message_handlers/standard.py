"""
The standard message handler: RFC 8415 server behaviour built from option handlers.

Every transaction runs the same pipeline over a :class:`~dhcpkit.ipv6.transaction_bundle.TransactionBundle`:
``pre()`` of every handler, the empty response, ``handle()``, ``post()``, and finally the relay handlers. The
handlers come in three groups: the ones the server always needs (server and client identifiers), the ones configured
in ``[option ...]`` sections in file order, and the ones that finish the response (unanswered IAs, T1/T2, statuses).
Exceptions from :mod:`dhcpkit.ipv6.exceptions` become wire behaviour here and nowhere else.
"""
import logging
from typing import Any, Callable, NamedTuple

from dhcpkit.ipv6.duids import DUID
from dhcpkit.ipv6.exceptions import CannotRespondError, ReplyWithStatusError, UseMulticastError
from dhcpkit.ipv6.extensions.prefix_delegation import IAPDOption
from dhcpkit.ipv6.message_handlers import MessageHandler
from dhcpkit.ipv6.messages import (AdvertiseMessage, ClientServerMessage, ConfirmMessage, DeclineMessage,
                                   InformationRequestMessage, RebindMessage, RelayForwardMessage, RelayReplyMessage,
                                   ReleaseMessage, RenewMessage, ReplyMessage, RequestMessage, SolicitMessage)
from dhcpkit.ipv6.option_base import Option
from dhcpkit.ipv6.option_handlers import OptionHandler, RelayOptionHandler
from dhcpkit.ipv6.option_handlers.client_id import ClientIdOptionHandler
from dhcpkit.ipv6.option_handlers.relay_echo import (EchoRequestOptionHandler, InterfaceIdOptionHandler,
                                                     RemoteIdOptionHandler, SubscriberIdOptionHandler)
from dhcpkit.ipv6.option_handlers.server_id import ServerIdOptionHandler
from dhcpkit.ipv6.option_handlers.status import ReplyStatusOptionHandler
from dhcpkit.ipv6.option_handlers.timing_limits import IANATimingLimitsOptionHandler, IAPDTimingLimitsOptionHandler
from dhcpkit.ipv6.option_handlers.unanswered_ia import UnansweredIAOptionHandler
from dhcpkit.ipv6.option_handlers.unicast import UnicastPolicyOptionHandler
from dhcpkit.ipv6.options import (STATUS_USEMULTICAST, ClientIdOption, IANAOption, IATAOption, RapidCommitOption,
                                  ServerIdOption, StatusCodeOption)
from dhcpkit.ipv6.text import address_text, network_text
from dhcpkit.ipv6.transaction_bundle import TransactionBundle

__all__ = ['StandardMessageHandler', 'handler']

logger = logging.getLogger(__name__)

# RFC 8415 section 18.3: the client messages a server answers with a Reply
_REPLY_TO = (RequestMessage, ConfirmMessage, RenewMessage, RebindMessage, ReleaseMessage, DeclineMessage,
             InformationRequestMessage)


class HandlerPhases(NamedTuple):
    """
    The methods to call in each phase of a transaction, worked out once per reload: a handler that does not override
    a phase costs nothing in it.
    """
    pre: list[Callable[[TransactionBundle], None]]
    handle: list[Callable[[TransactionBundle], None]]
    post: list[Callable[[TransactionBundle], None]]
    handle_relay: list[Callable[[TransactionBundle, RelayForwardMessage, RelayReplyMessage], None]]

    @classmethod
    def of(cls, option_handlers: list[OptionHandler]) -> 'HandlerPhases':
        """
        :param option_handlers: the handlers in the order they run
        :return: their phases
        """
        def overriding(name: str) -> list[Any]:
            return [getattr(option_handler, name) for option_handler in option_handlers
                    if getattr(type(option_handler), name) is not getattr(OptionHandler, name)]

        return cls(overriding('pre'), overriding('handle'), overriding('post'),
                   [option_handler.handle_relay for option_handler in option_handlers
                    if isinstance(option_handler, RelayOptionHandler)
                    and type(option_handler).handle_relay is not RelayOptionHandler.handle_relay])


class StandardMessageHandler(MessageHandler):
    """
    A DHCPv6 server that follows RFC 8415 section 18.3, extended by the option handlers in the configuration.

    :ivar server_duid: this server's DUID
    :ivar allow_rapid_commit: whether a Solicit with Rapid Commit gets a committed Reply
    :ivar option_handlers: every handler, in the order they run
    :ivar phases: the handlers' methods for each phase
    """

    server_duid: DUID
    allow_rapid_commit: bool
    option_handlers: list[OptionHandler]
    phases: HandlerPhases

    def handle_reload(self) -> None:
        """
        Build the option handlers from the configuration: the fixed ones around the configured ones, in file order.
        Handlers are built from sections that the configuration loader has already checked.
        """
        server_config = self.config['server']
        configured = [handler_class.from_config(section, handler_id)
                      for handler_class, section, handler_id in self.config['option-handlers']]
        opened: list[OptionHandler] = []
        try:
            for option_handler in configured:
                option_handler.open(self.config)
                opened.append(option_handler)
        except BaseException:
            for option_handler in opened:
                option_handler.close()
            raise

        # Everything is built: only now replace the old state (see MessageHandler.handle_reload)
        old_handlers = getattr(self, 'option_handlers', [])
        self.server_duid = server_config['duid']
        self.allow_rapid_commit = server_config['allow-rapid-commit']
        self.option_handlers = (self.setup_handlers(self.server_duid) + configured
                                + self.cleanup_handlers(configured))
        self.phases = HandlerPhases.of(self.option_handlers)
        for option_handler in old_handlers:
            option_handler.close()

    def setup_handlers(self, server_duid: DUID) -> list[OptionHandler]:
        """
        :param server_duid: this server's DUID
        :return: the handlers that run before the configured ones
        """
        return [ServerIdOptionHandler(server_duid), ClientIdOptionHandler(),
                InterfaceIdOptionHandler(), RemoteIdOptionHandler(), SubscriberIdOptionHandler(),
                EchoRequestOptionHandler()]

    def cleanup_handlers(self, configured: list[OptionHandler]) -> list[OptionHandler]:
        """
        :param configured: the configured handlers, so that defaults are only added where nothing was configured
        :return: the handlers that run after the configured ones
        """
        handlers: list[OptionHandler] = [UnicastPolicyOptionHandler(), UnansweredIAOptionHandler()]
        for timing_class in (IANATimingLimitsOptionHandler, IAPDTimingLimitsOptionHandler):
            if not any(isinstance(option_handler, timing_class) for option_handler in configured):
                handlers.append(timing_class())
        handlers.append(ReplyStatusOptionHandler())
        return handlers

    def close(self) -> None:
        """Close every configured handler's resources."""
        with self.lock.write_lock():
            for option_handler in self.option_handlers:
                option_handler.close()

    def init_response(self, bundle: TransactionBundle) -> ClientServerMessage:
        """
        Create the empty response that RFC 8415 section 18.3 prescribes for the request.

        :param bundle: the transaction
        :return: an Advertise or a Reply with the client's transaction id
        :raises CannotRespondError: for messages a server does not answer
        """
        request = bundle.request
        if isinstance(request, SolicitMessage):
            if bundle.allow_rapid_commit and request.get_option_of_type(RapidCommitOption) is not None:
                return ReplyMessage(request.transaction_id, [RapidCommitOption()])
            return AdvertiseMessage(request.transaction_id)
        if isinstance(request, _REPLY_TO):
            return ReplyMessage(request.transaction_id)
        raise CannotRespondError(f"A server does not answer a {type(request).__name__}")

    def status_reply(self, bundle: TransactionBundle, status_code: int, status_message: str) -> ReplyMessage:
        """
        A Reply with only a status, our Server Identifier and the client's Client Identifier (RFC 8415 section 18.4).

        :param bundle: the transaction
        :param status_code: the status code
        :param status_message: the message for people
        :return: the Reply
        """
        options: list[Option] = [ServerIdOption(self.server_duid)]
        options.extend(bundle.request.get_options_of_type(ClientIdOption))
        options.append(StatusCodeOption(status_code, status_message))
        return ReplyMessage(bundle.request.transaction_id, options)

    def handle(self, received_message: RelayForwardMessage,
               received_over_multicast: bool) -> RelayReplyMessage | None:
        """
        Run the option handlers over the request and return the response, wrapped for the relays it came through.

        :param received_message: the packet as the server's own Relay-forward message
        :param received_over_multicast: whether the packet was sent to a multicast address
        :return: the response wrapped in Relay-reply messages, or None
        """
        with self.lock.read_lock():
            bundle = TransactionBundle(received_message, received_over_multicast, self.allow_rapid_commit)
            try:
                for pre in self.phases.pre:
                    pre(bundle)
                bundle.response = self.init_response(bundle)
                for handle in self.phases.handle:
                    handle(bundle)
                for post in self.phases.post:
                    post(bundle)
            except CannotRespondError as error:
                logger.debug("Not answering %s: %s", bundle, error)
                return None
            except UseMulticastError as error:
                bundle.response = self.status_reply(bundle, STATUS_USEMULTICAST, str(error))
            except ReplyWithStatusError as error:
                bundle.response = self.status_reply(bundle, error.status_code, error.status_message)

            bundle.create_outgoing_relay_messages()
            assert bundle.outgoing_relay_messages is not None
            for handle_relay in self.phases.handle_relay:
                for relay_in, relay_out in zip(bundle.incoming_relay_messages, bundle.outgoing_relay_messages):
                    handle_relay(bundle, relay_in, relay_out)

            if logger.isEnabledFor(logging.INFO):
                logger.info(describe_transaction(bundle))
            return bundle.outgoing_message


def describe_transaction(bundle: TransactionBundle) -> str:
    """
    One line for the log about a transaction: who, what came in, what went out, what was assigned.

    :param bundle: the finished transaction
    :return: the line
    """
    client_id = bundle.request.get_option_of_type(ClientIdOption)
    client = client_id.duid.save().hex() if client_id and client_id.duid else 'no client-id'
    peer = address_text(bundle.incoming_relay_messages[0].peer_address) if bundle.incoming_relay_messages else '?'
    response = bundle.response
    outcome = type(response).__name__ if response else 'nothing'
    assigned: list[str] = []
    statuses: list[str] = []
    if response is not None:
        for option in response.options:
            if isinstance(option, (IANAOption, IATAOption)):
                assigned.extend(address_text(address) for address in option.get_addresses())
            elif isinstance(option, IAPDOption):
                assigned.extend(network_text(prefix) for prefix in option.get_prefixes())
            elif isinstance(option, StatusCodeOption):
                statuses.append(str(option.status_code))
            if isinstance(option, (IANAOption, IATAOption, IAPDOption)):
                status = option.get_option_of_type(StatusCodeOption)
                if status:
                    statuses.append(f"IA {option.iaid.hex()}:{status.status_code}")
    line = (f"{type(bundle.request).__name__} from {client} at {peer}"
            f"{' (relayed)' if bundle.relayed else ''} -> {outcome}")
    if assigned:
        line += f", assigned {', '.join(assigned)}"
    if statuses:
        line += f", status {', '.join(statuses)}"
    return line


#: The seed-era way of naming a handler in the configuration: a module with a ``handler`` attribute
handler = StandardMessageHandler
