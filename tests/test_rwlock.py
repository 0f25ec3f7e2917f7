"""Tests for dhcpkit.rwlock: many readers at once, one writer alone, writers not starved by readers."""
import threading
import time

import pytest

from dhcpkit.rwlock import RWLock


def test_readers_share_the_lock() -> None:
    lock = RWLock()
    inside = threading.Barrier(3, timeout=10)

    def read() -> None:
        with lock.read_lock():
            inside.wait()  # only passes when all three readers are inside at once
    threads = [threading.Thread(target=read) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert not inside.broken


def test_writer_waits_for_readers_and_new_readers_wait_for_the_writer() -> None:
    lock = RWLock()
    events: list[str] = []
    lock.acquire_read()

    def write() -> None:
        with lock.write_lock():
            events.append('write')

    def read() -> None:
        with lock.read_lock():
            events.append('late read')
    writer = threading.Thread(target=write)
    writer.start()
    time.sleep(0.05)
    late_reader = threading.Thread(target=read)
    late_reader.start()
    time.sleep(0.05)
    assert events == []  # the writer waits for the first reader; the late reader waits behind the writer
    lock.release_read()
    writer.join(timeout=10)
    late_reader.join(timeout=10)
    assert events == ['write', 'late read']


def test_lock_is_released_when_the_block_raises() -> None:
    lock = RWLock()
    with pytest.raises(RuntimeError):
        with lock.read_lock():
            raise RuntimeError('boom')
    with pytest.raises(RuntimeError):
        with lock.write_lock():
            raise RuntimeError('boom')
    with lock.write_lock():  # would block forever if either were still held
        pass


def test_writer_waits_for_the_last_of_several_readers() -> None:
    lock = RWLock()
    entered = threading.Event()
    lock.acquire_read()
    lock.acquire_read()

    def write() -> None:
        with lock.write_lock():
            entered.set()
    writer = threading.Thread(target=write)
    writer.start()
    time.sleep(0.05)
    lock.release_read()
    assert not entered.wait(0.05)  # one reader is still inside
    lock.release_read()  # the last reader wakes the waiting writer
    assert entered.wait(10)
    writer.join(timeout=10)
