"""
Rate limits for log lines about peers: a misbehaving or vanished peer must not flood the log.

Operators read logs; one line per minute per peer says as much as a thousand. What was suppressed is counted and
reported with the next line that is let through.
"""
import threading
import time
from collections import OrderedDict
from typing import Callable, Hashable

__all__ = ['LogLimiter']


class LogLimiter:
    """
    Let one log line per key through per `interval` seconds.

    :ivar interval: seconds between two lines about the same key
    :ivar max_keys: how many keys to remember; beyond that the oldest are forgotten, so memory stays bounded
    """

    def __init__(self, interval: float = 60.0, max_keys: int = 10000, clock: Callable[[], float] = time.monotonic):
        self.interval = interval
        self.max_keys = max_keys
        self.clock = clock
        self._lock = threading.Lock()
        # Oldest first. An OrderedDict finds its oldest entry at once; a plain dict skips every entry deleted before
        # it, which under a flood of new keys makes each line cost time in proportion to max_keys
        self._last: OrderedDict[Hashable, tuple[float, int]] = OrderedDict()

    def allow(self, key: Hashable) -> int | None:
        """
        Decide whether to log a line about `key` now.

        :param key: what the line is about, such as a peer address
        :return: None to suppress the line, or how many lines about this key were suppressed since the last one
        """
        now = self.clock()
        with self._lock:
            last = self._last.get(key)
            if last is not None and now - last[0] < self.interval:
                self._last[key] = (last[0], last[1] + 1)
                return None
            self._last.pop(key, None)
            if len(self._last) >= self.max_keys:
                self._last.popitem(last=False)
            self._last[key] = (now, 0)
            return last[1] if last is not None else 0
