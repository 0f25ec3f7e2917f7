"""Tests for dhcpkit.ipv6.server.log_limits: one line per peer per interval, suppressed lines counted."""
from dhcpkit.ipv6.server.log_limits import LogLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_one_line_per_key_per_interval_and_the_count_of_what_was_suppressed() -> None:
    clock = Clock()
    limiter = LogLimiter(interval=60, clock=clock)
    assert limiter.allow('fe80::1') == 0
    assert limiter.allow('fe80::1') is None
    assert limiter.allow('fe80::1') is None
    assert limiter.allow('fe80::2') == 0  # another peer has its own budget
    clock.now += 61
    assert limiter.allow('fe80::1') == 2
    assert limiter.allow('fe80::1') is None


def test_memory_is_bounded() -> None:
    limiter = LogLimiter(interval=60, max_keys=3, clock=Clock())
    for peer in range(10):
        assert limiter.allow(peer) == 0
    assert len(limiter._last) == 3
    assert limiter.allow(9) is None  # the newest are remembered
    assert limiter.allow(0) == 0  # the oldest were forgotten
