"""
A readers-writer lock: many threads may read the configuration at once, one thread at a time may replace it.

Writers take priority over new readers, so a reload waiting for the lock is not starved by a steady stream of
requests; readers already holding the lock finish first.
"""
import threading
from types import TracebackType
from typing import Callable

__all__ = ['RWLock']


class RWLock:
    """Many readers or one writer. Use the :meth:`read_lock` and :meth:`write_lock` context managers."""

    def __init__(self) -> None:
        # Readers enter through the condition's lock itself: its C context manager costs less than the Condition's
        self._lock = threading.Lock()
        self._condition = threading.Condition(self._lock)
        self._readers = 0
        self._writer_active = False
        self._writers_waiting = 0
        self._reading = _Held(self.acquire_read, self.release_read)
        self._writing = _Held(self.acquire_write, self.release_write)

    def acquire_read(self) -> None:
        """Block until no writer holds or waits for the lock, then count this thread as a reader."""
        with self._lock:
            while self._writer_active or self._writers_waiting:
                self._condition.wait()
            self._readers += 1

    def release_read(self) -> None:
        """Stop being a reader; wake a waiting writer when this was the last one (only writers wait for that)."""
        with self._lock:
            self._readers -= 1
            if self._readers == 0 and self._writers_waiting:
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

    def read_lock(self) -> '_Held':
        """Hold the lock for reading for the duration of the ``with`` block."""
        return self._reading

    def write_lock(self) -> '_Held':
        """Hold the lock for writing for the duration of the ``with`` block."""
        return self._writing


class _Held:
    """
    The ``with`` block of one side of an :class:`RWLock`. Every request takes the read lock, so this is a plain
    object made once per lock, not a generator-based context manager made at every use.
    """

    __slots__ = ('_acquire', '_release')

    def __init__(self, acquire: Callable[[], None], release: Callable[[], None]):
        self._acquire = acquire
        self._release = release

    def __enter__(self) -> None:
        self._acquire()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self._release()
