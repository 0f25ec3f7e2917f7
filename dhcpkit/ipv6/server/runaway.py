"""
Runaway protection: notice when handling keeps failing, so the daemon can exit instead of spinning.

One unexpected exception is a bug to log and survive. Exceptions arriving faster than ``[server] max-exceptions``
per ``exception-window`` seconds mean something is broken for every request (a lost database, a corrupted state):
then serving nothing while logging tracebacks at full speed helps nobody, and exiting lets a supervisor restart the
daemon and makes the failure visible.
"""
import threading
import time
from collections import deque
from typing import Callable

__all__ = ['RunawayProtection']


class RunawayProtection:
    """
    A sliding-window counter of exceptions.

    :ivar max_exceptions: how many exceptions the window may hold before it trips
    :ivar window: the length of the window in seconds
    """

    def __init__(self, max_exceptions: int, window: float, clock: Callable[[], float] = time.monotonic):
        """
        :param max_exceptions: trip when more than this many exceptions fall within `window`
        :param window: seconds
        :param clock: the time source (a monotonic clock; tests pass their own)
        """
        self._lock = threading.Lock()
        self._clock = clock
        self._times: deque[float] = deque()
        self._tripped = False
        self.max_exceptions = max_exceptions
        self.window = window

    def configure(self, max_exceptions: int, window: float) -> None:
        """
        Change the limits, on a configuration reload. Exceptions already recorded stay recorded.

        :param max_exceptions: the new limit
        :param window: the new window in seconds
        """
        with self._lock:
            self.max_exceptions = max_exceptions
            self.window = window

    def record(self) -> bool:
        """
        Record one exception.

        :return: True when this exception makes more than :attr:`max_exceptions` within :attr:`window` seconds
                 (and from then on: once tripped, it stays tripped)
        """
        now = self._clock()
        with self._lock:
            self._times.append(now)
            while self._times and self._times[0] <= now - self.window:
                self._times.popleft()
            # Only the most recent max_exceptions + 1 times can ever matter
            while len(self._times) > self.max_exceptions + 1:
                self._times.popleft()
            if len(self._times) > self.max_exceptions:
                self._tripped = True
            return self._tripped

    @property
    def tripped(self) -> bool:
        """Whether the limit has been exceeded."""
        with self._lock:
            return self._tripped
