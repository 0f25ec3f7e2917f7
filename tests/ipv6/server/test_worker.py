"""Tests for dhcpkit.ipv6.server.worker: validation, handling, replies, the in-flight bound, runaway protection."""
import queue
import sqlite3
import threading
import time
from contextlib import closing
from ipaddress import IPv6Address
from pathlib import Path
from typing import Any, Callable

import pytest

from dhcpkit.ipv6.message_handlers import MessageHandler
from dhcpkit.ipv6.messages import (AdvertiseMessage, Message, RelayForwardMessage, RelayReplyMessage, ReplyMessage,
                                   SolicitMessage)
from dhcpkit.ipv6.options import ClientIdOption
from dhcpkit.ipv6.server.interfaces import Interface
from dhcpkit.ipv6.server.listener import Listener, open_server_socket
from dhcpkit.ipv6.server.packets import OutgoingPacket, ReceivedPacket, wrap_message
from dhcpkit.ipv6.server.runaway import RunawayProtection
from dhcpkit.ipv6.server.statistics import Statistics
from dhcpkit.ipv6.server.worker import SLOW_COMMIT, TAKE_BATCH, Worker
from dhcpkit.ipv6.duids import LinkLayerDUID

ETH0 = Interface('eth0', 2, True, (IPv6Address('fe80::1'),), (), frozenset({IPv6Address('fe80::1')}))
CLIENT = IPv6Address('fe80::c1')
SOLICIT = SolicitMessage(b'abc', [ClientIdOption(LinkLayerDUID(1, b'\x00\x11\x22\x33\x44\x55'))])


class FakeHandler(MessageHandler):
    """Answers with what `answer` returns; records what it saw."""

    def __init__(self, answer: Callable[[RelayForwardMessage], RelayReplyMessage | None]):
        self.answer = answer
        self.seen: list[tuple[RelayForwardMessage, bool]] = []
        super().__init__({})

    def handle(self, received_message: RelayForwardMessage,
               received_over_multicast: bool) -> RelayReplyMessage | None:
        self.seen.append((received_message, received_over_multicast))
        return self.answer(received_message)


def advertise(relay_forward: RelayForwardMessage) -> RelayReplyMessage:
    return relay_forward.wrap_response(AdvertiseMessage(b'abc'))


def solicit(transaction_id: bytes) -> SolicitMessage:
    return SolicitMessage(transaction_id, SOLICIT.options)


def packet(message: Message = SOLICIT, destination: str = 'ff02::1:2') -> ReceivedPacket:
    return ReceivedPacket(message, wrap_message(message, ETH0, CLIENT), ETH0, CLIENT, IPv6Address(destination))


class Harness:
    def __init__(self, answer: Callable[[RelayForwardMessage], RelayReplyMessage | None] = advertise,
                 queue_size: int = 100, max_exceptions: int = 100, send_error: OSError | None = None,
                 threads: int = 2, source: Listener | None = None):
        self.handler = FakeHandler(answer)
        self.statistics = Statistics()
        self.sent: list[OutgoingPacket] = []
        self.runaway_calls = 0
        self.send_error = send_error
        self.worker = Worker(self.handler, self.statistics, self.send, threads=threads, queue_size=queue_size,
                             runaway=RunawayProtection(max_exceptions, 60.0), on_runaway=self.on_runaway,
                             source=source)

    def send(self, outgoing: OutgoingPacket) -> None:
        if self.send_error:
            raise self.send_error
        self.sent.append(outgoing)

    def on_runaway(self) -> None:
        self.runaway_calls += 1

    def run(self, *packets: ReceivedPacket) -> dict[str, int]:
        for received in packets:
            self.worker.submit(received)
        assert self.worker.drain(10)
        self.worker.shutdown()
        return self.statistics.snapshot()


def test_request_is_answered() -> None:
    harness = Harness()
    counts = harness.run(packet())
    assert (counts['handled'], counts['replied']) == (1, 1)
    assert harness.handler.seen[0][1] is True  # received over multicast
    assert harness.sent == [OutgoingPacket(AdvertiseMessage(b'abc').save(), CLIENT, 546, IPv6Address('fe80::1'), 2)]


def test_no_reply() -> None:
    harness = Harness(answer=lambda _message: None)
    counts = harness.run(packet(destination='fe80::1'))
    assert (counts['handled'], counts['no-reply'], counts['replied']) == (1, 1, 0)
    assert harness.handler.seen[0][1] is False
    assert harness.sent == []


@pytest.mark.parametrize('message', [
    SolicitMessage(b'ab'),  # a transaction id that is too short: validate() refuses it
    SolicitMessage(b'abc'),  # no Client Identifier
    ReplyMessage(b'abc'),  # not a message a server answers
])
def test_invalid_messages_never_reach_the_handler(message: Message) -> None:
    harness = Harness()
    counts = harness.run(packet(message))
    assert counts['invalid'] == 1
    assert harness.handler.seen == []


def test_unexpected_exceptions_are_logged_counted_and_trip_the_protection(caplog: pytest.LogCaptureFixture) -> None:
    def fail(_message: RelayForwardMessage) -> RelayReplyMessage:
        raise RuntimeError("the lease database is gone")
    harness = Harness(answer=fail, max_exceptions=2)
    counts = harness.run(packet(), packet(), packet())
    assert counts['exceptions'] == 3
    assert harness.runaway_calls == 1
    assert harness.worker.runaway.tripped
    assert 'the lease database is gone' in caplog.text
    assert 'Traceback' in caplog.text


def test_answer_to_someone_else_is_an_exception() -> None:
    harness = Harness(answer=lambda message: RelayReplyMessage(0, message.link_address, IPv6Address('fe80::bad'),
                                                               advertise(message).options))
    counts = harness.run(packet())
    assert counts['exceptions'] == 1
    assert harness.sent == []


def test_send_failure_is_counted_but_not_an_exception() -> None:
    harness = Harness(send_error=OSError(101, 'Network is unreachable'))
    counts = harness.run(packet())
    assert (counts['send-failed'], counts['exceptions'], counts['replied']) == (1, 0, 0)


def test_full_queue_drops_the_oldest_waiting_packets() -> None:
    release = threading.Event()
    started = threading.Semaphore(0)
    handled: list[bytes] = []

    def slow(message: RelayForwardMessage) -> RelayReplyMessage:
        started.release()
        assert release.wait(10)
        inner = message.relayed_message
        assert isinstance(inner, SolicitMessage)
        handled.append(inner.transaction_id)
        return advertise(message)
    harness = Harness(answer=slow, queue_size=3)
    # both threads pick up a packet and block in the handler
    assert harness.worker.submit_all([packet(solicit(b'T1\x00')), packet(solicit(b'T2\x00'))]) == 2
    assert started.acquire(timeout=10) and started.acquire(timeout=10)
    # five more arrive while both threads are busy: the queue holds three, so the two oldest go
    assert harness.worker.submit_all([packet(solicit(bytes([ord('W'), n, 0]))) for n in range(5)]) == 5
    assert harness.worker.in_flight == 5
    assert harness.statistics['dropped-queue-full'] == 2
    release.set()
    counts = harness.run()
    assert counts['replied'] == 5
    assert sorted(handled) == sorted([b'T1\x00', b'T2\x00', b'W\x02\x00', b'W\x03\x00', b'W\x04\x00'])
    assert harness.worker.in_flight == 0


def test_submit_after_shutdown_is_refused() -> None:
    harness = Harness()
    harness.worker.shutdown()
    assert harness.worker.submit(packet()) is False


def test_drain_times_out_with_work_in_flight() -> None:
    release = threading.Event()

    def stuck(message: RelayForwardMessage) -> Any:
        release.wait(10)
        return None
    harness = Harness(answer=stuck)
    harness.worker.submit(packet())
    assert not harness.worker.drain(0.05)
    release.set()
    assert harness.worker.drain(10)
    harness.worker.shutdown()


def test_send_failures_to_one_peer_are_logged_once_a_minute(caplog: pytest.LogCaptureFixture) -> None:
    harness = Harness(send_error=OSError(101, 'Network is unreachable'))
    counts = harness.run(packet(), packet(), packet())
    assert counts['send-failed'] == 3
    assert caplog.text.count('Cannot send reply to fe80::c1') == 1


def test_packets_that_waited_too_long_are_dropped_as_stale() -> None:
    import dataclasses
    from dhcpkit.ipv6.server.worker import MAX_QUEUE_WAIT
    harness = Harness()
    old = dataclasses.replace(packet(), received_at=time.monotonic() - MAX_QUEUE_WAIT - 0.5)
    counts = harness.run(old, packet())
    assert (counts['dropped-stale'], counts['handled'], counts['replied']) == (1, 1, 1)
    assert len(harness.handler.seen) == 1


def test_solicits_that_waited_behind_the_rest_are_dropped_but_other_messages_answered() -> None:
    import dataclasses
    from dhcpkit.ipv6.messages import InformationRequestMessage
    from dhcpkit.ipv6.server.worker import MAX_QUEUE_WAIT, SOLICIT_MAX_WAIT
    harness = Harness()
    waited = time.monotonic() - (SOLICIT_MAX_WAIT + MAX_QUEUE_WAIT) / 2
    late_solicit = dataclasses.replace(packet(solicit(b'S1\x00')), received_at=waited)
    late_request = dataclasses.replace(packet(InformationRequestMessage(b'R1\x00')), received_at=waited)
    counts = harness.run(late_solicit, late_request, packet(solicit(b'S2\x00')))
    assert (counts['dropped-behind'], counts['dropped-stale'], counts['handled']) == (1, 0, 2)
    assert sorted(seen.relayed_message.transaction_id for seen, _multicast in harness.handler.seen) == [
        b'R1\x00', b'S2\x00']


@pytest.mark.parametrize('overloaded', [False, True])
def test_solicits_that_waited_are_dropped_only_when_the_listener_says_the_server_is_overloaded(
        overloaded: bool) -> None:
    # After a stall the listener is not overloaded yet: a Solicit that waited longer than SOLICIT_MAX_WAIT is still
    # answered, its client listens for a second
    import dataclasses
    from dhcpkit.ipv6.server.worker import MAX_QUEUE_WAIT, SOLICIT_MAX_WAIT
    listener = Listener(open_server_socket(port=0), Statistics())  # idle: nothing is sent to it
    listener.overloaded = overloaded
    try:
        harness = Harness(source=listener)
        waited = time.monotonic() - (SOLICIT_MAX_WAIT + MAX_QUEUE_WAIT) / 2
        counts = harness.run(dataclasses.replace(packet(solicit(b'S1\x00')), received_at=waited))
    finally:
        listener.close()
    assert (counts['dropped-behind'], counts['handled']) == ((1, 0) if overloaded else (0, 1))


def test_full_queue_drops_solicits_before_requests() -> None:
    from dhcpkit.ipv6.messages import RequestMessage
    from dhcpkit.ipv6.options import ServerIdOption
    release = threading.Event()
    started = threading.Semaphore(0)
    handled: list[str] = []

    def slow(message: RelayForwardMessage) -> RelayReplyMessage | None:
        started.release()
        assert release.wait(10)
        inner = message.relayed_message
        handled.append(f'{type(inner).__name__}:{inner.transaction_id!r}')  # type: ignore[union-attr]
        return None
    harness = Harness(answer=slow, queue_size=3)
    assert harness.worker.submit_all([packet(solicit(b'B1\x00')), packet(solicit(b'B2\x00'))]) == 2
    assert started.acquire(timeout=10) and started.acquire(timeout=10)
    request = RequestMessage(b'R1\x00', SOLICIT.options + [ServerIdOption(LinkLayerDUID(1, bytes(6)))])
    # queued: request, solicit S1, solicit S2; then S3 and S4 arrive: S1 and S2 go, the older request stays
    harness.worker.submit_all([packet(request), packet(solicit(b'S1\x00')), packet(solicit(b'S2\x00')),
                               packet(solicit(b'S3\x00')), packet(solicit(b'S4\x00'))])
    assert harness.statistics['dropped-queue-full'] == 2
    release.set()
    harness.run()
    assert "RequestMessage:b'R1\\x00'" in handled
    assert sorted(handled) == sorted(["SolicitMessage:b'B1\\x00'", "SolicitMessage:b'B2\\x00'",
                                      "RequestMessage:b'R1\\x00'", "SolicitMessage:b'S3\\x00'",
                                      "SolicitMessage:b'S4\\x00'"])


def test_every_packet_ends_once_under_drops_from_many_threads() -> None:
    # Wake-ups are counted separately from the queue: after a flood with drops, every packet must be either handled
    # or counted as dropped, and every thread must still stop
    def slowish(message: RelayForwardMessage) -> RelayReplyMessage:
        time.sleep(0.0005)
        return advertise(message)
    harness = Harness(answer=slowish, queue_size=5)
    harness.worker.shutdown(wait=True)  # the Harness's two threads are replaced by six below
    harness.worker = Worker(harness.handler, harness.statistics, harness.send, threads=6, queue_size=5,
                            runaway=RunawayProtection(100, 60.0))
    for burst in range(20):
        harness.worker.submit_all([packet(solicit(bytes([burst, n, 0]))) for n in range(10)])
    assert harness.worker.drain(30)
    started = time.monotonic()
    harness.worker.shutdown(wait=True)
    assert time.monotonic() - started < 10
    counts = harness.statistics.snapshot()
    assert counts['handled'] + counts['dropped-queue-full'] == 200
    assert counts['replied'] == counts['handled'] == len(harness.sent) == len(harness.handler.seen)


def test_shutdown_without_waiting_drops_what_waits_and_stops_every_thread() -> None:
    release = threading.Event()

    def blocked(message: RelayForwardMessage) -> RelayReplyMessage:
        assert release.wait(10)
        return advertise(message)
    harness = Harness(answer=blocked, queue_size=50)
    harness.worker.submit_all([packet(solicit(bytes([n, 0, 0]))) for n in range(20)])
    release.set()
    harness.worker.shutdown(wait=False)
    for thread in threading.enumerate():
        if thread.name.startswith('dhcpkit-worker'):
            thread.join(timeout=10)
            assert not thread.is_alive()
    assert len(harness.handler.seen) <= 20


def test_waiting_packets_serve_continuations_first_but_never_starve_solicits() -> None:
    from dhcpkit.ipv6.messages import RequestMessage
    from dhcpkit.ipv6.server.worker import CONTINUATIONS_PER_SOLICIT, WaitingPackets
    waiting = WaitingPackets()
    solicits = [packet(solicit(bytes([n, 0, 0]))) for n in range(3)]
    requests = [packet(RequestMessage(bytes([n, 1, 0]), SOLICIT.options)) for n in range(10)]
    for item in solicits + requests:
        waiting.append(item)
    assert len(waiting) == 13
    order = [waiting.take() for _ in range(13)]
    assert len(waiting) == 0
    # continuations in their own order, one Solicit after every CONTINUATIONS_PER_SOLICIT of them
    expected = []
    remaining_solicits, remaining_requests = list(solicits), list(requests)
    while remaining_requests or remaining_solicits:
        expected += remaining_requests[:CONTINUATIONS_PER_SOLICIT]
        del remaining_requests[:CONTINUATIONS_PER_SOLICIT]
        if remaining_solicits:
            expected.append(remaining_solicits.pop(0))
    assert order == expected


def test_waiting_packets_drop_the_oldest_solicit_then_the_oldest_other() -> None:
    from dhcpkit.ipv6.messages import RequestMessage
    from dhcpkit.ipv6.server.worker import WaitingPackets
    waiting = WaitingPackets()
    first_request = packet(RequestMessage(b'R1\x00', SOLICIT.options))
    first_solicit, second_solicit = packet(solicit(b'S1\x00')), packet(solicit(b'S2\x00'))
    for item in (first_request, first_solicit, second_solicit):
        waiting.append(item)
    assert waiting.drop_oldest() is first_solicit
    assert waiting.drop_oldest() is second_solicit
    assert waiting.drop_oldest() is first_request
    with pytest.raises(IndexError):
        waiting.drop_oldest()


class FailingStore:
    """A lease store stand-in whose commits fail."""

    def sync(self, pending: list[object]) -> None:
        pending.clear()
        raise RuntimeError('disk full')


def test_replies_leave_only_after_their_lease_changes_are_committed(tmp_path: Path) -> None:
    from dhcpkit.ipv6.leases import LEASE_TYPE_NA, Lease
    from dhcpkit.ipv6.leases.deferred import sync_or_defer
    from dhcpkit.ipv6.leases.lifecycle import LeaseState
    from dhcpkit.ipv6.leases.sqlite_store import SQLiteLeaseStore
    from tests.ipv6.leases.test_sqlite_store import counting_commits
    store = SQLiteLeaseStore(str(tmp_path / 'leases.sqlite'))
    commits = counting_commits(store)

    def assigning(message: RelayForwardMessage) -> RelayReplyMessage:
        number = message.relayed_message.transaction_id[0]  # type: ignore[union-attr]
        pending: list[object] = []
        assert store.claim(Lease(f'2001:db8::{number + 1:x}', LEASE_TYPE_NA, 'pool', bytes([number]) * 6, b'iaid',
                                 LeaseState.BOUND, 2_000_000_000, 2_000_000_000, 0), 0, pending)
        sync_or_defer(store, pending)
        return message.wrap_response(AdvertiseMessage(bytes([number, 0, 0])))
    harness = Harness(answer=assigning)
    unstored_when_sent: list[bytes] = []

    def send(outgoing: OutgoingPacket) -> None:
        number = outgoing.data[1]  # the first byte of the transaction id
        with closing(sqlite3.connect(store.path)) as reader:
            if not reader.execute('SELECT 1 FROM leases WHERE resource = ?', (f'2001:db8::{number + 1:x}',)).fetchone():
                unstored_when_sent.append(bytes([number]))
        harness.sent.append(outgoing)
    harness.worker.send = send
    # Queued in one go, so that the thread holding the reader's turn answers them as one batch
    harness.worker.submit_all([packet(solicit(bytes([n, 0, 0]))) for n in range(5)])
    counts = harness.run()
    store.close()
    assert counts['replied'] == 5
    assert unstored_when_sent == [], "a reply left before its lease was in the database"
    assert sum(commits) == 5 and len(commits) < 5, f"commits of {commits} changes: the batch was not committed at once"


def test_a_reply_whose_lease_changes_cannot_be_committed_is_not_sent(caplog: pytest.LogCaptureFixture) -> None:
    from dhcpkit.ipv6.leases.deferred import sync_or_defer
    store = FailingStore()

    def assigning(message: RelayForwardMessage) -> RelayReplyMessage:
        sync_or_defer(store, ['change'])
        return advertise(message)
    harness = Harness(answer=assigning)
    counts = harness.run(packet(), packet())
    assert (counts['handled'], counts['not-durable'], counts['replied'], counts['exceptions']) == (2, 2, 0, 0)
    assert harness.sent == []
    assert 'its lease changes could not be stored: disk full' in caplog.text


class SlowStore:
    """A lease store stand-in whose commits take `delay` seconds, as on a slow disk."""

    def __init__(self, delay: float):
        self.delay = delay

    def sync(self, pending: list[object]) -> None:
        pending.clear()
        time.sleep(self.delay)


def committing_harness(store: SlowStore, threads: int = 2) -> tuple[Harness, list[int]]:
    """A harness whose every answer has a lease change for `store`, and the threads that sent each reply."""
    from dhcpkit.ipv6.leases.deferred import sync_or_defer

    def assigning(message: RelayForwardMessage) -> RelayReplyMessage:
        sync_or_defer(store, ['change'])  # type: ignore[arg-type]
        return advertise(message)
    harness = Harness(answer=assigning, threads=threads)
    senders: list[int] = []

    def send(outgoing: OutgoingPacket) -> None:
        senders.append(threading.get_ident())
        harness.sent.append(outgoing)
    harness.worker.send = send
    return harness, senders


def test_a_thread_whose_commits_are_quick_keeps_the_turn_and_delivers_its_batches_itself() -> None:
    """Waking another thread for every batch costs more than a quick commit: one thread answers, commits and sends."""
    harness, senders = committing_harness(SlowStore(0))
    for number in range(6):
        harness.worker.submit(packet(solicit(bytes([number, 0, 0]))))
        deadline = time.monotonic() + 10
        while len(senders) <= number and time.monotonic() < deadline:
            time.sleep(0.005)
    counts = harness.run()
    assert counts['replied'] == 6
    # Only a take-over (a thread descheduled for STALL_TIME on a busy machine) may bring in another thread
    assert len(set(senders)) <= 1 + counts['reader-taken-over'], "the turn went round for batches with quick commits"


def test_a_thread_whose_commits_are_slow_passes_the_turn_on_when_more_packets_wait() -> None:
    """When commits wait on the disk (longer than SLOW_COMMIT), another thread answers what waits meanwhile."""
    harness, senders = committing_harness(SlowStore(SLOW_COMMIT * 5))
    harness.worker.submit_all([packet(solicit(bytes([number, 0, 0]))) for number in range(4 * TAKE_BATCH)])
    counts = harness.run()
    assert counts['replied'] == 4 * TAKE_BATCH
    assert len(set(senders)) == 2, "one thread committed every batch while the others slept"


def test_a_handler_stuck_on_one_packet_does_not_hold_up_the_others() -> None:
    release = threading.Event()
    answered = threading.Event()

    def stuck_on_the_first(message: RelayForwardMessage) -> RelayReplyMessage:
        if message.relayed_message.transaction_id == b'S1\x00':  # type: ignore[union-attr]
            assert release.wait(10)
        else:
            answered.set()
        return advertise(message)
    harness = Harness(answer=stuck_on_the_first)
    harness.worker.submit(packet(solicit(b'S1\x00')))
    time.sleep(0.01)
    harness.worker.submit(packet(solicit(b'S2\x00')))
    # The next thread in line takes the reader's turn over from the stuck one and answers the second packet
    assert answered.wait(10)
    assert harness.statistics['reader-taken-over'] >= 1
    release.set()
    counts = harness.run()
    assert counts['replied'] == 2


def test_a_waiting_thread_looks_again_when_the_holder_would_count_as_stuck() -> None:
    from dhcpkit.ipv6.server.worker import STALL_TIME, stall_wait
    assert stall_wait(None, 100.0) == STALL_TIME
    assert abs(stall_wait(100.0, 100.0) - STALL_TIME) < 1e-9
    assert abs(stall_wait(100.0, 100.0 + STALL_TIME * 0.75) - STALL_TIME * 0.25) < 1e-9
    # Already stuck (or the clock jumped): look again soon, never spin
    assert stall_wait(100.0, 100.0 + STALL_TIME * 5) == 0.001
    assert stall_wait(100.0 + STALL_TIME * 5, 100.0) == STALL_TIME


def test_threads_stuck_sending_do_not_hold_up_the_others() -> None:
    """
    While the threads that answered S1 and S2 are stuck sending, a third takes the turn (left free, or taken over
    after STALL_TIME) and answers S3. Each is submitted once the one before is stuck, so that each is a batch of its
    own: what shares a batch with a stuck reply waits for it.
    """
    release = threading.Event()
    stuck = {b'S1\x00', b'S2\x00'}
    sent: list[bytes] = []
    stuck_sending: queue.SimpleQueue[bytes] = queue.SimpleQueue()

    def echo(message: RelayForwardMessage) -> RelayReplyMessage:
        return message.wrap_response(AdvertiseMessage(message.relayed_message.transaction_id))  # type: ignore[union-attr]
    harness = Harness(answer=echo, threads=3)

    def send(outgoing: OutgoingPacket) -> None:
        transaction_id = outgoing.data[1:4]
        if transaction_id in stuck:
            stuck_sending.put(transaction_id)
            assert release.wait(10)
        sent.append(transaction_id)
    harness.worker.send = send
    for transaction_id in (b'S1\x00', b'S2\x00', b'S3\x00'):
        harness.worker.submit(packet(solicit(transaction_id)))
        if transaction_id in stuck:
            assert stuck_sending.get(timeout=5) == transaction_id
    deadline = time.monotonic() + 10
    while b'S3\x00' not in sent and time.monotonic() < deadline:
        time.sleep(0.01)
    assert sent == [b'S3\x00']
    release.set()
    counts = harness.run()
    assert counts['replied'] == 3 and sorted(sent) == [b'S1\x00', b'S2\x00', b'S3\x00']
