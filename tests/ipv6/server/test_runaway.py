"""Tests for dhcpkit.ipv6.server.runaway: the exception rate limit."""
from dhcpkit.ipv6.server.runaway import RunawayProtection


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_trips_on_more_than_the_limit_within_the_window() -> None:
    clock = Clock()
    protection = RunawayProtection(3, 10.0, clock)
    assert [protection.record() for _ in range(3)] == [False, False, False]
    assert not protection.tripped
    clock.now += 9.9
    assert protection.record()
    assert protection.tripped


def test_exceptions_spread_out_never_trip() -> None:
    clock = Clock()
    protection = RunawayProtection(3, 10.0, clock)
    for _ in range(100):
        assert not protection.record()
        clock.now += 3.4  # at most three within any ten seconds
    assert not protection.tripped


def test_old_exceptions_leave_the_window() -> None:
    clock = Clock()
    protection = RunawayProtection(2, 10.0, clock)
    protection.record()
    protection.record()
    clock.now += 10.0
    assert not protection.record()  # the first two are exactly a window old: gone


def test_stays_tripped() -> None:
    clock = Clock()
    protection = RunawayProtection(1, 1.0, clock)
    protection.record()
    assert protection.record()
    clock.now += 100
    assert protection.record()
    assert protection.tripped


def test_configure_changes_the_limit() -> None:
    clock = Clock()
    protection = RunawayProtection(100, 10.0, clock)
    for _ in range(5):
        protection.record()
    protection.configure(5, 10.0)
    assert protection.record()
