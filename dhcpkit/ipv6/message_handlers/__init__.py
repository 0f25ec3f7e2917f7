"""
Message handlers: the objects that turn a received message into a response.

The server wraps every received packet in its own :class:`~dhcpkit.ipv6.messages.RelayForwardMessage` (with an
:class:`~dhcpkit.ipv6.options.InterfaceIdOption` naming the interface and the sender as peer address) and calls
:meth:`MessageHandler.handle` from a worker thread. The handler returns a
:class:`~dhcpkit.ipv6.messages.RelayReplyMessage` to send, or None.
"""
from typing import Any

from dhcpkit.ipv6.messages import RelayForwardMessage, RelayReplyMessage
from dhcpkit.rwlock import RWLock

__all__ = ['MessageHandler']


class MessageHandler:
    """
    The base class of message handlers.

    Worker threads call :meth:`handle` concurrently while the main thread may call :meth:`reload`, so everything that
    depends on the configuration must be read under ``self.lock.read_lock()``.

    :ivar config: the configuration as a dictionary (see :mod:`dhcpkit.ipv6.server.config_loader`)
    :ivar lock: the lock that guards :attr:`config` and whatever :meth:`handle_reload` builds
    """

    def __init__(self, config: dict[str, Any]):
        self.lock = RWLock()
        with self.lock.write_lock():
            self.config = config
            self.handle_reload()

    def reload(self, new_config: dict[str, Any]) -> None:
        """
        Swap in a new configuration while no request is being handled.

        :param new_config: the new configuration
        """
        with self.lock.write_lock():
            old_config = self.config
            self.config = new_config
            try:
                self.handle_reload()
            except BaseException:
                # handle_reload builds everything before it replaces anything, so the old state is intact
                self.config = old_config
                raise

    def handle_reload(self) -> None:
        """
        Build whatever the handler derives from :attr:`config`. Called with the write lock held, at construction and
        at every reload. Build everything first and replace the old state only at the end: when this raises, the
        reload is undone and the old state must still be whole.
        """

    def close(self) -> None:
        """Release resources (files, databases) when the server stops."""

    def handle(self, received_message: RelayForwardMessage,
               received_over_multicast: bool) -> RelayReplyMessage | None:
        """
        Handle one received message.

        :param received_message: the packet as the server's own Relay-forward message
        :param received_over_multicast: whether the packet was sent to a multicast address
        :return: the response wrapped in at least one Relay-reply, or None to send nothing
        """
        raise NotImplementedError
