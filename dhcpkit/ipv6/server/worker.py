"""
The worker threads: validate a received message, let the message handler answer it, send the answer.

Handling can wait (on the configuration lock during a reload, on a lease database), so it runs in a thread pool and
the main thread keeps reading the socket. The number of packets in flight is bounded by ``[server] queue-size``: a
server that cannot keep up drops new packets at once, rather than answering them after the client has given up.
Unexpected exceptions are logged, counted and fed to :class:`~dhcpkit.ipv6.server.runaway.RunawayProtection`.
"""
import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Callable

from dhcpkit.ipv6.message_handlers import MessageHandler
from dhcpkit.ipv6.server.packets import OutgoingPacket, PacketRejected, ReceivedPacket, build_reply, check_request
from dhcpkit.ipv6.server.runaway import RunawayProtection
from dhcpkit.ipv6.server.statistics import Statistics
from dhcpkit.protocol_element import ValidationError

__all__ = ['Worker']

logger = logging.getLogger(__name__)


class Worker:
    """
    A thread pool with a bounded number of packets in flight.

    :ivar handler: the message handler
    :ivar queue_size: the most packets waiting or being handled at once
    :ivar runaway: the exception rate limit
    """

    def __init__(self, handler: MessageHandler, statistics: Statistics, send: Callable[[OutgoingPacket], None],
                 threads: int, queue_size: int, runaway: RunawayProtection,
                 on_runaway: Callable[[], None] = lambda: None):
        """
        :param handler: the message handler
        :param statistics: the counters to update
        :param send: sends a reply (:meth:`~dhcpkit.ipv6.server.listener.Listener.send`)
        :param threads: the number of worker threads
        :param queue_size: the most packets in flight
        :param runaway: the exception rate limit
        :param on_runaway: called (from a worker thread) when the limit trips, to wake up the main thread
        """
        self.handler = handler
        self.statistics = statistics
        self.send = send
        self.queue_size = queue_size
        self.runaway = runaway
        self.on_runaway = on_runaway
        self._executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix='dhcpkit-worker')
        self._in_flight = 0
        self._idle = threading.Condition()

    @property
    def in_flight(self) -> int:
        """The number of packets waiting for or being handled by a thread."""
        with self._idle:
            return self._in_flight

    def submit(self, packet: ReceivedPacket) -> bool:
        """
        Queue a packet for a worker thread.

        :param packet: the received packet
        :return: whether it was queued (False: dropped because too many are in flight)
        """
        with self._idle:
            full = self._in_flight >= self.queue_size
            if not full:
                self._in_flight += 1
        if full:
            self.queue_full(packet)
            return False
        try:
            self._executor.submit(self._run, packet)
        except RuntimeError:  # shut down already
            self._finished()
            return False
        return True

    def queue_full(self, packet: ReceivedPacket) -> None:
        """
        Deal with a packet that does not fit: drop it. This is the one place to change for another policy.

        :param packet: the packet that does not fit
        """
        self.statistics.increment('dropped-queue-full')
        logger.debug("Dropping packet from %s: %d packets in flight", packet.source, self.queue_size)

    def _finished(self) -> None:
        with self._idle:
            self._in_flight -= 1
            if self._in_flight == 0:
                self._idle.notify_all()

    def _run(self, packet: ReceivedPacket) -> None:
        try:
            self.process(packet)
        except Exception:
            self.report_exception(f"handling {type(packet.message).__name__} from {packet.source} on "
                                  f"{packet.interface.name}")
        finally:
            self._finished()

    def process(self, packet: ReceivedPacket) -> None:
        """
        Handle one packet: validate, answer, send. Runs in a worker thread.

        :param packet: the received packet
        """
        try:
            packet.message.validate()
            check_request(packet.message)
        except (ValidationError, PacketRejected) as error:
            self.statistics.increment('invalid')
            logger.debug("Dropping invalid message from %s on %s: %s", packet.source, packet.interface.name, error)
            return

        reply = self.handler.handle(packet.wrapped, packet.received_over_multicast)
        self.statistics.increment('handled')
        if reply is None:
            self.statistics.increment('no-reply')
            return

        outgoing = build_reply(reply, packet)
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug("Sending to %s on %s: %r", outgoing.destination, packet.interface.name,
                         reply.relayed_message)
        try:
            self.send(outgoing)
        except OSError as error:
            # The network's problem (the client's address is gone, no route), not a bug: no runaway protection
            self.statistics.increment('send-failed')
            logger.warning("Cannot send reply to %s on %s: %s", outgoing.destination, packet.interface.name,
                           error.strerror or error)
            return
        self.statistics.increment('replied')

    def report_exception(self, context: str) -> None:
        """
        Log the exception being handled with its traceback, count it, and trip the runaway protection when they
        come too fast. Call from inside an ``except`` block.

        :param context: what was going on, for the log
        """
        logger.exception("Unexpected error while %s", context)
        self.statistics.increment('exceptions')
        if self.runaway.record():
            self.on_runaway()

    def drain(self, timeout: float) -> bool:
        """
        Wait until no packet is in flight.

        :param timeout: the most seconds to wait
        :return: whether everything finished in time
        """
        deadline = time.monotonic() + timeout
        with self._idle:
            while self._in_flight > 0:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._idle.wait(remaining)
        return True

    def shutdown(self, wait: bool = True) -> None:
        """
        Stop the threads.

        :param wait: wait for queued packets; otherwise cancel the ones that have not started
        """
        self._executor.shutdown(wait=wait, cancel_futures=not wait)
