"""
Option handlers: the pieces of server behaviour that the message handler runs for every transaction.

Each handler gets three chances to act on a :class:`~dhcpkit.ipv6.transaction_bundle.TransactionBundle`:
:meth:`OptionHandler.pre` before the response exists (to check the request and refuse it by raising one of the
exceptions in :mod:`dhcpkit.ipv6.exceptions`), :meth:`OptionHandler.handle` to add to the response, and
:meth:`OptionHandler.post` to finish it. :class:`RelayOptionHandler` subclasses also see each relay pair.

Handlers are configured by ``[option NAME [ID]]`` sections; NAME is looked up in :data:`option_handler_registry`,
filled from the ``dhcpkit.ipv6.option_handlers`` entry point group.
"""
from typing import Any, TypeVar

from dhcpkit.ipv6.config import ConfigSection
from dhcpkit.ipv6.messages import RelayForwardMessage, RelayReplyMessage
from dhcpkit.ipv6.option_base import Option
from dhcpkit.ipv6.transaction_bundle import TransactionBundle
from dhcpkit.registry import Registry

__all__ = ['OptionHandler', 'RelayOptionHandler', 'SimpleOptionHandler', 'CopyOptionHandler',
           'CopyRelayOptionHandler', 'option_handler_registry']

SomeHandler = TypeVar('SomeHandler', bound='OptionHandler')

#: Option handler classes by configuration name, filled from the ``dhcpkit.ipv6.option_handlers`` entry points
option_handler_registry: Registry[str, type['OptionHandler']] = Registry('dhcpkit.ipv6.option_handlers', None)


class OptionHandler:
    """
    The base class of option handlers. Handlers are built when the configuration is (re)loaded and then shared by
    every worker thread, so they must not keep per-transaction state on ``self``: use ``bundle.handler_data``.
    """

    @classmethod
    def from_config(cls: type[SomeHandler], section: ConfigSection,
                    option_handler_id: str | None = None) -> SomeHandler:
        """
        Build a handler from its configuration section. Read every key you accept through the section's getters;
        keys that nobody reads are reported to the operator as unknown.

        :param section: the ``[option NAME [ID]]`` section
        :param option_handler_id: the ID part of the section name, if any
        :return: the handler
        :raises dhcpkit.ipv6.config.ConfigError: when a value is missing or wrong
        """
        if option_handler_id is not None:
            raise section.error(None, f"{cls.__name__} does not take an ID in its section name")
        return cls()

    def open(self, config: dict[str, Any]) -> None:
        """
        Open what the handler needs (files, databases) once it has been accepted into service. The daemon builds its
        message handler after dropping privileges, so what this opens belongs to the user the server runs as; it runs
        again for the new handlers at every reload.

        :param config: the whole configuration, for settings outside the handler's own section (such as
                       ``config['server']['state-directory']``)
        """

    def close(self) -> None:
        """Release what :meth:`open` opened, when the handler is replaced or the server stops."""

    def pre(self, bundle: TransactionBundle) -> None:
        """
        Look at the request before a response exists; raise an exception from :mod:`dhcpkit.ipv6.exceptions` to
        refuse it.

        :param bundle: the transaction
        """

    def handle(self, bundle: TransactionBundle) -> None:
        """
        Add to the response.

        :param bundle: the transaction
        """

    def post(self, bundle: TransactionBundle) -> None:
        """
        Finish the response after every handler's :meth:`handle` has run.

        :param bundle: the transaction
        """


class RelayOptionHandler(OptionHandler):
    """
    A handler that works on relay messages: :meth:`handle_relay` is called for every pair of incoming Relay-forward
    and outgoing Relay-reply, closest to the client first, once the response is complete.
    """

    def handle_relay(self, bundle: TransactionBundle, relay_in: RelayForwardMessage,
                     relay_out: RelayReplyMessage) -> None:
        """
        Add to one outgoing relay message.

        :param bundle: the transaction
        :param relay_in: the incoming relay message
        :param relay_out: the outgoing relay message that answers it
        """


class SimpleOptionHandler(OptionHandler):
    """
    Add a fixed option to every response that may carry it, when the client asked for it in its Option Request
    option (or always, with `always_send`).
    """

    def __init__(self, option: Option, always_send: bool = False):
        self.option = option
        self.always_send = always_send

    def handle(self, bundle: TransactionBundle) -> None:
        response = bundle.response
        if response is None or not response.may_contain(self.option):
            return
        if self.always_send or bundle.option_requested(self.option.option_type):
            response.options.append(self.option)


class CopyOptionHandler(OptionHandler):
    """Copy options of a class from the request into the response."""

    def __init__(self, option_class: type[Option]):
        self.option_class = option_class

    def handle(self, bundle: TransactionBundle) -> None:
        response = bundle.response
        if response is None or not response.may_contain(self.option_class):
            return
        response.options.extend(bundle.request.get_options_of_type(self.option_class))


class CopyRelayOptionHandler(RelayOptionHandler):
    """Copy options of a class from each incoming relay message into the relay reply that answers it."""

    def __init__(self, option_class: type[Option]):
        self.option_class = option_class

    def handle_relay(self, bundle: TransactionBundle, relay_in: RelayForwardMessage,
                     relay_out: RelayReplyMessage) -> None:
        relay_out.options.extend(relay_in.get_options_of_type(self.option_class))
