"""Tests for dhcpkit.ipv6.server.signals: signals become bytes on a pipe for the main loop."""
import os
import select
import signal

from dhcpkit.ipv6.server.signals import SignalWatcher


def readable(watcher: SignalWatcher, timeout: float = 5.0) -> bool:
    return bool(select.select([watcher.fileno()], [], [], timeout)[0])


def test_signals_arrive_in_order_without_duplicates() -> None:
    before = signal.getsignal(signal.SIGUSR1)
    with SignalWatcher() as watcher:
        assert watcher.pending() == []
        os.kill(os.getpid(), signal.SIGUSR1)
        os.kill(os.getpid(), signal.SIGHUP)
        os.kill(os.getpid(), signal.SIGUSR1)
        assert readable(watcher)
        assert watcher.pending() == [signal.SIGUSR1, signal.SIGHUP]
        assert watcher.pending() == []
    assert signal.getsignal(signal.SIGUSR1) == before


def test_wake_wakes_without_a_signal() -> None:
    with SignalWatcher() as watcher:
        watcher.wake()
        assert readable(watcher)
        assert watcher.pending() == []
        assert not readable(watcher, 0)


def test_wake_on_a_full_pipe_does_not_block() -> None:
    with SignalWatcher() as watcher:
        for _ in range(100000):
            watcher.wake()
        assert watcher.pending() == []
