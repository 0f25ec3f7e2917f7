"""
A readers-writer lock: many threads may read the configuration at once, one thread at a time may replace it.

Writers take priority over new readers, so a reload waiting for the lock is not starved by a steady stream of
requests; readers already holding the lock finish first.
"""
import threading
from contextlib import contextmanager
from typing import Iterator

__all__ = ['RWLock']


class RWLock:
    """Many readers or one writer. Use the :meth:`read_lock` and :meth:`write_lock` context managers."""

    def __init__(self) -> None:
        self._condition = threading.Condition(threading.Lock())
        self._readers = 0
        self._writer_active = False
        self._writers_waiting = 0

    def acquire_read(self) -> None:
        """Block until no writer holds or waits for the lock, then count this thread as a reader."""
        with self._condition:
            while self._writer_active or self._writers_waiting:
                self._condition.wait()
            self._readers += 1

    def release_read(self) -> None:
        """Stop being a reader; wake a waiting writer when this was the last one."""
        with self._condition:
            self._readers -= 1
            if self._readers == 0:
                self._condition.notify_all()

    def acquire_write(self) -> None:
        """Block until no reader or writer holds the lock, then hold it alone."""
        with self._condition:
            self._writers_waiting += 1
            try:
                while self._writer_active or self._readers:
                    self._condition.wait()
            finally:
                self._writers_waiting -= 1
            self._writer_active = True

    def release_write(self) -> None:
        """Release the lock held for writing and wake everyone waiting."""
        with self._condition:
            self._writer_active = False
            self._condition.notify_all()

    @contextmanager
    def read_lock(self) -> Iterator[None]:
        """Hold the lock for reading for the duration of the ``with`` block."""
        self.acquire_read()
        try:
            yield
        finally:
            self.release_read()

    @contextmanager
    def write_lock(self) -> Iterator[None]:
        """Hold the lock for writing for the duration of the ``with`` block."""
        self.acquire_write()
        try:
            yield
        finally:
            self.release_write()
