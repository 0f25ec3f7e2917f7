"""
The worker threads: read requests from the socket, validate them, let the message handler answer, send the answers.

The threads of the pool take turns at the socket (the leader/follower pattern). The one thread that holds the
reader's turn waits for the socket, reads what has arrived into the queue and answers up to :data:`TAKE_BATCH`
packets from it in a row; then it commits the lease changes of its batch in one go and sends the replies. Where that
commit would keep it waiting on a slow disk (commits took longer than :data:`SLOW_COMMIT`) while more packets wait, it
first passes the turn on, so that the next thread reads and answers meanwhile; otherwise it keeps the turn, because
waking another thread costs more than a quick commit. So a packet is read, answered and sent by one thread, the main
thread only waits for signals, and usually one thread is busy at a time however many the pool has: each more thread
that wants the interpreter lock at once costs every thread time, and under the lock one thread answering is as fast
as several. The turn goes to the thread that started waiting last, and not at all while another thread still commits
and sends (that one takes it when done), so on a slow disk the same two threads alternate while the others sleep.
Those are there for when threads wait: on the disk, or in a handler on something slow; a waiting thread takes a turn
that was left free, or held by one packet (or one batch's delivery), for :data:`STALL_TIME`.

A Reply never leaves before its lease is durable: the pool handlers' commits are deferred
(:mod:`dhcpkit.ipv6.leases.deferred`) only until the thread that answered has committed them, and a reply whose
changes could not be committed is not sent (counted as ``not-durable``).

Packets wait in one bounded queue. When the server falls behind it sheds load where that costs clients least:
threads take packets that continue an exchange (Requests, Renews, ...) before Solicits, which only start one; when
the queue is full the OLDEST waiting packet is dropped to make room, the oldest Solicit first: its client has
probably retransmitted already, and the newest packets are the ones whose clients are still listening. Every drop is
counted. Unexpected exceptions are logged, counted and fed to :class:`~dhcpkit.ipv6.server.runaway.RunawayProtection`.
"""
import logging
import os
import select
import threading
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from typing import Callable, Iterable, NamedTuple, Protocol

from dhcpkit.ipv6.leases.deferred import DeferredCommits, deferring_commits
from dhcpkit.ipv6.message_handlers import MessageHandler
from dhcpkit.ipv6.server.log_limits import LogLimiter
from dhcpkit.ipv6.server.packets import OutgoingPacket, PacketRejected, ReceivedPacket, build_reply, check_request
from dhcpkit.ipv6.server.runaway import RunawayProtection
from dhcpkit.ipv6.server.statistics import Statistics
from dhcpkit.protocol_element import ValidationError

__all__ = ['Worker', 'PacketSource', 'WaitingPackets', 'MAX_QUEUE_WAIT', 'SOLICIT_MAX_WAIT', 'SOLICIT_READ_MAX_WAIT',
           'OVERLOAD_TIME', 'CONTINUATIONS_PER_SOLICIT', 'TAKE_BATCH', 'RECEIVE_PACING', 'STALL_TIME', 'SLOW_COMMIT', 'stall_wait']

#: Seconds a packet may wait for a thread. Clients retransmit after a second (SOL_TIMEOUT and REQ_TIMEOUT in RFC 8415
#: section 7.6), so by then the same request is in the queue again, newer: the old copy is dropped instead of being
#: answered twice.
MAX_QUEUE_WAIT = 1.0

#: Seconds a Solicit may wait before it is dropped unanswered (counted as ``dropped-behind``) while the server is
#: overloaded (see :data:`OVERLOAD_TIME`). A server that is this far behind for good cannot start new exchanges
#: without delaying the ones under way: everything read after this Solicit, the Requests of clients that already have
#: an Advertise among it, waits behind it in the kernel's first-come buffer. So under overload the backlog stays a
#: fraction of a second long, the Requests in it are answered while their clients still listen, and the Solicits that
#: are answered are recent ones. Without load nothing waits this long.
SOLICIT_MAX_WAIT = 0.25

#: Seconds a Solicit may have waited in the socket for the listener to still parse and queue it while the server is
#: overloaded and the socket backlogged (the last read stopped at its limit); older ones are dropped unparsed
#: (``dropped-behind``). Half of :data:`SOLICIT_MAX_WAIT`, so that what the listener accepts has time left to wait in
#: the queue. Under overload the oldest datagram in the socket is always about as old as the listener's limit; when
#: that limit was SOLICIT_MAX_WAIT itself, most accepted Solicits crossed it in the queue and were dropped there, after
#: their parse was paid for (61 % of the drops, at three times the 2-way rate held).
SOLICIT_READ_MAX_WAIT = SOLICIT_MAX_WAIT / 2

#: Seconds the socket must stay backlogged (every read stopping at its limit) before the server counts as overloaded,
#: and then stay caught up before it no longer does. Only an overloaded server sheds Solicits by their age
#: (:data:`SOLICIT_MAX_WAIT`, :data:`SOLICIT_READ_MAX_WAIT`). After a stall at a load the server can carry (the host
#: gave its CPU to someone else, the disk was slow) it catches up within a fraction of a second, and the Solicits that
#: piled up meanwhile are worth answering: their clients listen for a second. Shedding them after every stall longer
#: than SOLICIT_READ_MAX_WAIT lost up to 1.4 % of the exchanges at rates that took half a core.
OVERLOAD_TIME = 0.5

#: Seconds between looks at the queue while draining it at shutdown
DRAIN_POLL_INTERVAL = 0.005

#: While both wait, a thread takes this many packets that continue an exchange for every Solicit it takes
CONTINUATIONS_PER_SOLICIT = 3

#: The most packets one thread answers in a row while it holds the reader's turn. Several save a hand-over of the turn
#: per packet under load, and their lease changes are committed together; few enough that the replies of the first
#: are not held back for long (a packet takes a fraction of a millisecond).
TAKE_BATCH = 8

#: Seconds the thread holding the reader's turn may spend on one packet before a waiting thread takes the
#: turn over: a handler that waits on something slow then holds up only its own batch.
STALL_TIME = 0.1

#: Seconds the reading thread waits, once the socket has something, before it reads: under load a few more datagrams
#: arrive meanwhile, and one wake-up then serves all of them instead of one each. A client waits a second for an
#: answer; a millisecond more does not matter to it. When the last read left datagrams in the socket (overload), the
#: next one starts at once: sleeping then is time the server does not have.
RECEIVE_PACING = 0.001

#: Seconds a batch's commit may take for the thread that answered the batch to go on committing the next ones itself,
#: holding the reader's turn. Longer commits wait on a slow disk: then, when more packets wait, the thread passes the
#: turn on before it commits, so that another thread answers them meanwhile. A commit of eight leases with ``fsync``
#: took about half a millisecond on the benchmark machine, and waking a thread for every batch cost more than that (a
#: fifth more CPU per exchange, and a lower rate held, than with one thread).
SLOW_COMMIT = 0.002

#: Milliseconds a reading thread waits for the socket before it looks at the worker's state again
POLL_TIMEOUT = 500

logger = logging.getLogger(__name__)


def stall_wait(answering_since: float | None, now: float) -> float:
    """
    How long a waiting thread sleeps before it looks at the reader's turn again: until the holder has been answering
    its packet for :data:`STALL_TIME`, so that a stuck holder's turn is taken over then rather than up to a whole
    STALL_TIME later (a stall of 0.1 s used to cost up to 0.2 s, and Solicits that waited that long are dropped).

    :param answering_since: when the holder started on its packet (monotonic), or None when it is not answering one
    :param now: the monotonic time
    :return: seconds, from a millisecond to STALL_TIME
    """
    if answering_since is None:
        return STALL_TIME
    return min(STALL_TIME, max(0.001, answering_since + STALL_TIME - now))


class PacketSource(Protocol):
    """Where the worker's threads read packets: the :class:`~dhcpkit.ipv6.server.listener.Listener`."""

    #: whether the last :meth:`receive` stopped at its limit, with more datagrams waiting
    backlogged: bool

    #: whether the socket has stayed backlogged for :data:`OVERLOAD_TIME` (and not caught up for as long since)
    overloaded: bool

    def fileno(self) -> int:
        """:return: the socket's file descriptor, to wait for"""

    def receive(self, limit: int = ..., shed_solicits: bool = False) -> list[ReceivedPacket]:
        """Read what has arrived without blocking; see :meth:`~dhcpkit.ipv6.server.listener.Listener.receive`."""


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


class _Answered(NamedTuple):
    """A packet answered under the reader's turn, whose reply waits for its lease changes to be committed."""

    packet: ReceivedPacket
    outgoing: OutgoingPacket | None
    deferred: DeferredCommits


class Worker:
    """
    A thread pool whose threads take turns reading the socket and handle packets from one bounded queue that drops
    its oldest packet when full.

    :ivar handler: the message handler
    :ivar queue_size: the most packets waiting for a thread (packets being handled are not counted)
    :ivar runaway: the exception rate limit
    """

    def __init__(self, handler: MessageHandler, statistics: Statistics, send: Callable[[OutgoingPacket], None],
                 threads: int, queue_size: int, runaway: RunawayProtection,
                 on_runaway: Callable[[], None] = lambda: None, source: PacketSource | None = None):
        """
        :param handler: the message handler
        :param statistics: the counters to update
        :param send: sends a reply (:meth:`~dhcpkit.ipv6.server.listener.Listener.send`)
        :param threads: the number of worker threads
        :param queue_size: the most packets waiting for a thread
        :param runaway: the exception rate limit
        :param on_runaway: called (from a worker thread) when the limit trips, to wake up the main thread
        :param source: where the threads read packets; without one, packets only come from :meth:`submit_all`
        """
        self.handler = handler
        self.statistics = statistics
        self.send = send
        self.queue_size = queue_size
        self.runaway = runaway
        self.on_runaway = on_runaway
        self.source = source
        self._send_failure_log = LogLimiter()
        self._waiting = WaitingPackets()
        self._busy = 0
        self._stopping = False
        self._reading = source is not None
        # Guards _waiting, _busy, _stopping and the turn's state below, for a few operations at a time
        self._lock = threading.Lock()
        # The reader's turn: its holder (_turn_holder, None when nobody has it) waits for the socket and answers a
        # batch from the queue. The threads waiting for it wait on their own lock in _idle, the latest to arrive
        # last: the turn goes to that one (see _take_turn)
        self._turn_holder: int | None = None
        self._idle: list[tuple[int, threading.Lock]] = []
        # How many threads are committing and sending a batch they answered
        self._delivering = 0
        # Whether the last batch's commit took longer than SLOW_COMMIT (written by one thread at a time, read without
        # the lock: a stale value only makes one batch take the other way)
        self._slow_commits = False
        self._answering_since: float | None = None
        # Written to when packets are queued from outside (tests, tools) and when stopping, to end a wait early
        self._wake_read, self._wake_write = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)
        self._wake_poll = select.poll()
        self._wake_poll.register(self._wake_read, select.POLLIN)
        self._source_poll = select.poll()
        self._source_poll.register(self._wake_read, select.POLLIN)
        self._source_fd = -1
        if source is not None:
            self._source_fd = source.fileno()
            self._source_poll.register(self._source_fd, select.POLLIN)
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

    # Queueing

    def submit(self, packet: ReceivedPacket) -> bool:
        """
        Queue a packet for a worker thread.

        :param packet: the received packet
        :return: whether it was queued (False only when the worker is shutting down)
        """
        return self.submit_all([packet]) == 1

    def submit_all(self, packets: Iterable[ReceivedPacket]) -> int:
        """
        Queue packets for the worker threads in one go, dropping the oldest waiting packets when the queue overflows.

        :param packets: the received packets, oldest first
        :return: how many were queued
        """
        queued = self._queue(packets)
        if queued:
            self._wake()
        return queued

    def _queue(self, packets: Iterable[ReceivedPacket]) -> int:
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

    def _wake(self) -> None:
        """End the wait of the thread that holds the reader's turn."""
        try:
            os.write(self._wake_write, b'\0')
        except (BlockingIOError, InterruptedError):
            pass  # the pipe is full of wake-ups already

    # The threads

    def _serve(self) -> None:
        """
        The loop of one pool thread: take the reader's turn, answer a batch, commit its lease changes and send its
        replies; when those commits are slow and more packets wait, pass the turn on first, so that the next thread
        answers them meanwhile.
        """
        me = threading.get_ident()
        waker = threading.Lock()
        while True:
            self._take_turn(me, waker)
            answered: list[_Answered] = []
            try:
                while True:
                    with self._lock:
                        if self._stopping and not self._waiting:
                            return
                        idle = not self._waiting
                    if idle:
                        self._wait_and_read()
                    answered = self._answer_batch(me)
                    if not answered or (self._slow_commits and any(item.deferred for item in answered)
                                        and self._more_to_read()):
                        break
                    # Nothing to commit (Advertises, answers without leases), commits that do not keep this thread
                    # waiting long, or nothing else to do meanwhile: waking the next thread would cost more than it
                    # saves, so this thread delivers the batch itself
                    answered, delivering = [], answered
                    if not self._deliver_holding_turn(me, delivering):
                        break
            finally:
                self._pass_turn(me, bool(answered))
            if answered:
                self._deliver(answered)

    def _take_turn(self, me: int, waker: threading.Lock) -> None:
        """
        Wait for the reader's turn. With quick commits one thread keeps it; on a slow disk, under load, two threads
        take turns, one answering while the other commits and sends its batch, and the rest of the pool sleeps (see
        :meth:`_pass_turn`): handing the turn round the whole pool cost about 10 % more CPU per exchange with 10
        threads than with 2. A waiting thread looks at the turn every :data:`STALL_TIME`: when nobody has it, or its
        holder has been answering one packet (or delivering one batch) for longer than that (a handler or a disk
        waiting on something slow), the first to notice takes it, so that one slow request or commit cannot hold up
        everyone else's.

        :param me: this thread's identity
        :param waker: this thread's own lock, free between calls; the thread that passes the turn releases it
        """
        with self._lock:
            if self._turn_holder is None:
                self._turn_holder = me
                return
            waker.acquire()
            self._idle.append((me, waker))
        while not waker.acquire(timeout=stall_wait(self._answering_since, time.monotonic())):
            if self._take_over(me, waker):
                break
        waker.release()

    def _take_over(self, me: int, waker: threading.Lock) -> bool:
        """:return: whether this thread took the turn: left free, or over from a holder stuck in one packet"""
        with self._lock:
            if (me, waker) not in self._idle:
                return False  # the turn is being passed to this thread: its wait is about to end
            since = self._answering_since
            free = self._turn_holder is None
            stuck = not free and since is not None and time.monotonic() - since >= STALL_TIME
            if not (free or stuck):
                return False
            self._idle.remove((me, waker))
            self._turn_holder, self._answering_since = me, None
        if stuck:
            self.statistics.increment('reader-taken-over')
        return True

    def _pass_turn(self, me: int, delivering: bool) -> None:
        """
        Pass the reader's turn on, unless another thread took it over meanwhile: to the thread that started waiting
        last, or, while another thread still commits and sends its batch, to nobody. That thread takes the free turn
        when it is done, as the next waiting thread would otherwise do: the packets that arrive meanwhile make its
        batch larger, which costs less per packet, and the threads of the pool that are not needed are not woken.

        :param me: this thread's identity
        :param delivering: whether this thread goes on to commit and send a batch
        """
        with self._lock:
            others_delivering = self._delivering
            if delivering:
                self._delivering += 1
            if self._turn_holder != me:
                return
            self._answering_since = None
            if not self._idle or others_delivering:
                self._turn_holder = None
                return
            self._turn_holder, waker = self._idle.pop()
            waker.release()

    def _wait_and_read(self) -> None:
        """Wait (holding the reader's turn) until the socket has packets or someone wakes us, and queue them."""
        reading = self._reading
        for fd, _events in (self._source_poll if reading else self._wake_poll).poll(POLL_TIMEOUT):
            if fd == self._wake_read:
                if not self._stopping:  # when stopping, the pipe stays readable so that every thread sees it
                    try:
                        os.read(self._wake_read, 4096)
                    except (BlockingIOError, InterruptedError):
                        pass
            elif reading and self.source is not None:
                if not self.source.backlogged:
                    time.sleep(RECEIVE_PACING)
                try:
                    self._queue(self.source.receive(shed_solicits=self.full))
                except Exception:
                    self.report_exception("receiving packets")

    def _next_packet(self, me: int) -> ReceivedPacket | None:
        """
        Take the next packet to answer while this thread holds the reader's turn, dropping those that waited too
        long; packets stay in the queue until then, so that a thread that takes the turn over finds them.

        :return: the packet, or None when nothing waits or the turn was taken over
        """
        stale = behind = 0
        packet: ReceivedPacket | None = None
        now = time.monotonic()
        # Without a source to tell overload from a stall, every Solicit that waited this long counts as behind
        solicit_max_wait = SOLICIT_MAX_WAIT if self.source is None or self.source.overloaded else MAX_QUEUE_WAIT
        with self._lock:
            if self._turn_holder == me:
                while self._waiting:
                    candidate = self._waiting.take()
                    waited = now - candidate.received_at
                    if waited > MAX_QUEUE_WAIT:
                        stale += 1
                    elif waited > solicit_max_wait and candidate.starts_exchange:
                        behind += 1
                    else:
                        packet = candidate
                        self._busy += 1
                        break
            self._answering_since = now if packet is not None else None
        if stale:
            self.statistics.increment('dropped-stale', stale)
        if behind:
            self.statistics.increment('dropped-behind', behind)
        return packet

    def _answer_batch(self, me: int) -> list['_Answered']:
        """Answer up to :data:`TAKE_BATCH` packets in a row, holding the reader's turn."""
        answered: list[_Answered] = []
        while len(answered) < TAKE_BATCH:
            packet = self._next_packet(me)
            if packet is None:
                break
            deferred = DeferredCommits()
            outgoing = None
            try:
                with deferring_commits(deferred):
                    outgoing = self.answer(packet)
            except Exception:
                self.report_exception(f"handling {type(packet.message).__name__} from {packet.source} on "
                                      f"{packet.interface.name}")
            answered.append(_Answered(packet, outgoing, deferred))
        return answered

    def answer(self, packet: ReceivedPacket) -> OutgoingPacket | None:
        """
        Validate one packet and let the message handler answer it.

        :param packet: the received packet
        :return: the reply to send, or None
        """
        try:
            packet.message.validate()
            check_request(packet.message)
        except (ValidationError, PacketRejected) as error:
            self.statistics.increment('invalid')
            logger.debug("Dropping invalid message from %s on %s: %s", packet.source, packet.interface.name, error)
            return None

        reply = self.handler.handle(packet.wrapped, packet.received_over_multicast)
        self.statistics.increment('handled')
        if reply is None:
            self.statistics.increment('no-reply')
            return None

        outgoing = build_reply(reply, packet)
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug("Sending to %s on %s: %r", outgoing.destination, packet.interface.name,
                         reply.relayed_message)
        return outgoing

    def _deliver(self, answered: list['_Answered']) -> None:
        """Commit and send a batch after passing the turn on (the other way is :meth:`_deliver_holding_turn`)."""
        try:
            self._commit_and_send(answered)
        finally:
            with self._lock:
                self._busy -= len(answered)
                self._delivering -= 1

    def _more_to_read(self) -> bool:
        """:return: whether packets wait in the queue or the socket (or a wake-up in the pipe), without waiting"""
        with self._lock:
            if self._waiting:
                return True
        return bool(self._source_poll.poll(0)) if self._reading else False

    def _deliver_holding_turn(self, me: int, answered: list['_Answered']) -> bool:
        """
        Commit and send a batch holding the reader's turn. A commit or send that hangs counts as a packet that takes
        long: a waiting thread takes the turn over after :data:`STALL_TIME`.

        :return: whether this thread still holds the turn
        """
        with self._lock:
            if self._turn_holder == me:
                self._answering_since = time.monotonic()
        try:
            self._commit_and_send(answered)
        finally:
            with self._lock:
                self._busy -= len(answered)
                holds_turn = self._turn_holder == me
                if holds_turn:
                    self._answering_since = None
        return holds_turn

    def _commit_and_send(self, answered: list['_Answered']) -> None:
        """Commit the lease changes of a batch (the first commit takes them all), and send each reply whose changes
        are durable."""
        committing: float | None = None
        for packet, outgoing, deferred in answered:
            if deferred:
                if committing is None:
                    committing = time.monotonic()
                try:
                    deferred.commit()
                except Exception as error:
                    # The lease is not durable, so it must not be promised; the client will ask again
                    self.statistics.increment('not-durable')
                    logger.error("Not answering %s from %s: its lease changes could not be stored: %s",
                                 type(packet.message).__name__, packet.source, error)
                    continue
            if outgoing is not None:
                try:
                    self.send_reply(outgoing, packet)
                except Exception:
                    self.report_exception(f"sending the reply to {packet.source} on {packet.interface.name}")
        if committing is not None:
            # The first commit of a batch does the work (and the sends between commits take microseconds)
            self._slow_commits = time.monotonic() - committing > SLOW_COMMIT

    def send_reply(self, outgoing: OutgoingPacket, packet: ReceivedPacket) -> None:
        """
        Send a reply, counting what the network refuses.

        :param outgoing: the reply
        :param packet: the request it answers
        """
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

    # Stopping

    def stop_reading(self) -> None:
        """Stop reading the socket (when stopping: what was read is still handled, nothing new is taken in)."""
        self._reading = False
        self._wake()

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
        self._reading = False
        with self._lock:
            self._stopping = True
            if not wait:
                self._waiting.clear()
        # Every thread ends when it finds the queue empty; the pipe stays readable so that none waits for long
        self._wake()
        self._executor.shutdown(wait=wait)
        if wait:
            self._close_pipe()

    def _close_pipe(self) -> None:
        for fd in (self._wake_read, self._wake_write):
            try:
                os.close(fd)
            except OSError:
                pass
