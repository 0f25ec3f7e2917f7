"""
The worker threads: validate a received message, let the message handler answer it, send the answer.

Handling can wait (on the configuration lock during a reload, on the lease database), so it runs in a thread pool and
the main thread keeps reading the socket. Packets wait in one bounded queue that the pool's threads take from. The
hand-off costs two context switches per packet whatever we do, so it does nothing else: the queue is two deques under
a plain lock, and idle threads sleep in :class:`queue.SimpleQueue` (implemented in C) until the main thread puts one
wake-up in it for every packet it queued.

When the server falls behind it sheds load where that costs clients least: threads take packets that continue an
exchange (Requests, Renews, ...) before Solicits, which only start one; when the queue is full the OLDEST waiting
packet is dropped to make room, the oldest Solicit first: its client has probably retransmitted already, and the
newest packets are the ones whose clients are still listening. Every drop is counted. Unexpected exceptions are
logged, counted and fed to :class:`~dhcpkit.ipv6.server.runaway.RunawayProtection`.
"""
import logging
import queue
import threading
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from typing import Callable, Iterable

from dhcpkit.ipv6.message_handlers import MessageHandler
from dhcpkit.ipv6.server.log_limits import LogLimiter
from dhcpkit.ipv6.server.packets import OutgoingPacket, PacketRejected, ReceivedPacket, build_reply, check_request
from dhcpkit.ipv6.server.runaway import RunawayProtection
from dhcpkit.ipv6.server.statistics import Statistics
from dhcpkit.protocol_element import ValidationError

__all__ = ['Worker', 'WaitingPackets', 'MAX_QUEUE_WAIT', 'CONTINUATIONS_PER_SOLICIT']

#: Seconds a packet may wait for a thread. Clients retransmit after a second (SOL_TIMEOUT and REQ_TIMEOUT in RFC 8415
#: section 7.6), so by then the same request is in the queue again, newer: the old copy is dropped instead of being
#: answered twice.
MAX_QUEUE_WAIT = 1.0

#: Seconds between looks at the queue while draining it at shutdown
DRAIN_POLL_INTERVAL = 0.005

#: While both wait, a thread takes this many packets that continue an exchange for every Solicit it takes
CONTINUATIONS_PER_SOLICIT = 3

logger = logging.getLogger(__name__)


class WaitingPackets:
    """
    The packets waiting for a thread, in two lines: Solicits, which start an exchange, and everything else (Requests,
    Renews, ...), which continues one the server has already spent an Advertise or a Reply on. Threads take from the
    second line first, so that under overload the server finishes the exchanges it started instead of starting ever
    more that it cannot finish; one Solicit in every :data:`CONTINUATIONS_PER_SOLICIT` + 1 is still taken while both
    wait, so that a flood of other messages cannot keep new clients out altogether. Not thread-safe: the worker
    holds its lock around every call.
    """

    def __init__(self) -> None:
        self.solicits: deque[ReceivedPacket] = deque()
        self.continuations: deque[ReceivedPacket] = deque()
        self._continuations_in_a_row = 0

    def __len__(self) -> int:
        return len(self.solicits) + len(self.continuations)

    def append(self, packet: ReceivedPacket) -> None:
        """:param packet: a newly received packet"""
        (self.solicits if packet.starts_exchange else self.continuations).append(packet)

    def take(self) -> ReceivedPacket:
        """
        :return: the packet to handle next (see the class documentation)
        :raises IndexError: when nothing waits
        """
        if self.continuations and (not self.solicits
                                   or self._continuations_in_a_row < CONTINUATIONS_PER_SOLICIT):
            self._continuations_in_a_row += 1
            return self.continuations.popleft()
        self._continuations_in_a_row = 0
        return self.solicits.popleft()

    def drop_oldest(self) -> ReceivedPacket:
        """
        Take out the packet to drop when the queue is full: the oldest Solicit if one waits, else the oldest other
        packet. A Solicit only starts an exchange; a Request or Renew finishes one the server has already spent an
        Advertise on.

        :return: the dropped packet
        :raises IndexError: when nothing waits
        """
        return (self.solicits or self.continuations).popleft()

    def clear(self) -> None:
        """Forget every waiting packet."""
        self.solicits.clear()
        self.continuations.clear()


class Worker:
    """
    A thread pool whose threads take packets from one bounded queue that drops its oldest packet when full.

    :ivar handler: the message handler
    :ivar queue_size: the most packets waiting for a thread (packets being handled are not counted)
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
        :param queue_size: the most packets waiting for a thread
        :param runaway: the exception rate limit
        :param on_runaway: called (from a worker thread) when the limit trips, to wake up the main thread
        """
        self.handler = handler
        self.statistics = statistics
        self.send = send
        self.queue_size = queue_size
        self.runaway = runaway
        self.on_runaway = on_runaway
        self._send_failure_log = LogLimiter()
        self._waiting = WaitingPackets()
        self._busy = 0
        self._stopping = False
        # Guards _waiting, _busy and _stopping, for a few operations at a time
        self._lock = threading.Lock()
        # One wake-up per queued packet, and one per thread to stop it
        self._wake_ups: queue.SimpleQueue[None] = queue.SimpleQueue()
        self._threads = threads
        self._executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix='dhcpkit-worker')
        for _thread in range(threads):
            self._executor.submit(self._serve)

    @property
    def full(self) -> bool:
        """Whether the queue is full: the threads are behind, and new Solicits would only push out other work."""
        return len(self._waiting) >= self.queue_size

    @property
    def in_flight(self) -> int:
        """The number of packets waiting for or being handled by a thread."""
        with self._lock:
            return len(self._waiting) + self._busy

    def submit(self, packet: ReceivedPacket) -> bool:
        """
        Queue a packet for a worker thread.

        :param packet: the received packet
        :return: whether it was queued (False only when the worker is shutting down)
        """
        return self.submit_all([packet]) == 1

    def submit_all(self, packets: Iterable[ReceivedPacket]) -> int:
        """
        Queue packets for the worker threads in one go (one lock, one wake-up), dropping the oldest waiting packets
        when the queue overflows.

        :param packets: the received packets, oldest first
        :return: how many were queued
        """
        dropped: list[ReceivedPacket] = []
        queued = 0
        with self._lock:
            if self._stopping:
                return 0
            for packet in packets:
                if len(self._waiting) >= self.queue_size:
                    dropped.append(self._waiting.drop_oldest())
                self._waiting.append(packet)
                queued += 1
        for _packet in range(queued - len(dropped)):
            self._wake_ups.put(None)
        for packet in dropped:
            self.queue_full(packet)
        return queued

    def queue_full(self, packet: ReceivedPacket) -> None:
        """
        Count a packet that was dropped from the queue to make room for a newer one.

        :param packet: the dropped packet
        """
        self.statistics.increment('dropped-queue-full')
        logger.debug("Dropping the oldest waiting packet, from %s: %d packets were waiting", packet.source,
                     self.queue_size)

    def _serve(self) -> None:
        """The loop of one pool thread: take the oldest waiting packet, handle it, repeat until shut down."""
        wait = self._wake_ups.get
        while True:
            wait()
            with self._lock:
                if not self._waiting:
                    if self._stopping:
                        return
                    continue  # its packet was dropped to make room, or another thread took it
                packet = self._waiting.take()
                self._busy += 1
            try:
                if time.monotonic() - packet.received_at > MAX_QUEUE_WAIT:
                    self.statistics.increment('dropped-stale')
                    continue
                self.process(packet)
            except Exception:
                self.report_exception(f"handling {type(packet.message).__name__} from {packet.source} on "
                                      f"{packet.interface.name}")
            finally:
                with self._lock:
                    self._busy -= 1

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
            suppressed = self._send_failure_log.allow(outgoing.destination)
            if suppressed is not None:
                logger.warning("Cannot send reply to %s on %s: %s%s", outgoing.destination, packet.interface.name,
                               error.strerror or error,
                               f" ({suppressed} more failures to it not logged)" if suppressed else "")
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
        Wait until no packet is waiting or being handled. Only used when stopping, so it simply looks again every
        few milliseconds.

        :param timeout: the most seconds to wait
        :return: whether everything finished in time
        """
        deadline = time.monotonic() + timeout
        while self.in_flight:
            if time.monotonic() >= deadline:
                return False
            time.sleep(DRAIN_POLL_INTERVAL)
        return True

    def shutdown(self, wait: bool = True) -> None:
        """
        Stop the threads.

        :param wait: handle the packets still waiting first; otherwise drop them
        """
        with self._lock:
            self._stopping = True
            if not wait:
                self._waiting.clear()
        # Every thread ends when it wakes up to an empty queue; the queued packets' wake-ups come first
        for _thread in range(self._threads):
            self._wake_ups.put(None)
        self._executor.shutdown(wait=wait)
