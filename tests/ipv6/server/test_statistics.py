"""Tests for dhcpkit.ipv6.server.statistics."""
import re
import threading

import pytest

from dhcpkit.ipv6.server.statistics import COUNTERS, Statistics


def test_counters_start_at_zero_and_count() -> None:
    statistics = Statistics()
    assert statistics.snapshot() == dict.fromkeys(COUNTERS, 0)
    statistics.increment('received')
    statistics.increment('received', 2)
    statistics.increment('malformed')
    assert statistics['received'] == 3
    assert statistics['malformed'] == 1


def test_unknown_counter_fails_loudly() -> None:
    with pytest.raises(KeyError):
        Statistics().increment('recieved')


def test_log_line_names_every_counter_in_order() -> None:
    statistics = Statistics()
    statistics.increment('replied', 5)
    line = statistics.log_line()
    assert line.startswith('statistics: received=0 malformed=0 invalid=0 dropped-queue-full=0 dropped-filtered=0 '
                           'handled=0 replied=5 no-reply=0 exceptions=0')
    assert re.findall(r'([a-z-]+)=\d+', line) == list(COUNTERS)


def test_increments_from_many_threads_are_not_lost() -> None:
    statistics = Statistics()

    def count() -> None:
        for _ in range(10000):
            statistics.increment('handled')
    threads = [threading.Thread(target=count) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert statistics['handled'] == 80000
