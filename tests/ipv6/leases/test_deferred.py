"""
Tests for :mod:`dhcpkit.ipv6.leases.deferred`: outside a deferring block a sync is a sync; inside one, the changes
wait for the caller's commit, which makes them durable in one transaction.
"""
import threading
from pathlib import Path

import pytest

from dhcpkit.ipv6.leases import LEASE_TYPE_NA, Lease
from dhcpkit.ipv6.leases.deferred import DeferredCommits, deferring_commits, sync_or_defer
from dhcpkit.ipv6.leases.lifecycle import LeaseState
from dhcpkit.ipv6.leases.sqlite_store import LEASE_DATABASE_NAME, SQLiteLeaseStore
from tests.ipv6.leases.test_sqlite_store import counting_commits

NOW = 1_800_000_000


def lease(number: int) -> Lease:
    return Lease(f'2001:db8:1::{number:x}', LEASE_TYPE_NA, 'na pool', bytes([number]) * 6, b'\0\0\0\1',
                 LeaseState.BOUND, NOW + 100, NOW + 200, NOW)


@pytest.fixture
def store(tmp_path: Path):
    opened = SQLiteLeaseStore(str(tmp_path / LEASE_DATABASE_NAME))
    opened.commits = counting_commits(opened)  # type: ignore[attr-defined]
    yield opened
    opened.close()


def stored(store: SQLiteLeaseStore) -> int:
    import sqlite3
    connection = sqlite3.connect(store.path)
    try:
        count: int = connection.execute('SELECT COUNT(*) FROM leases').fetchone()[0]
        return count
    finally:
        connection.close()


def test_outside_a_deferring_block_the_changes_are_durable_at_once(store: SQLiteLeaseStore) -> None:
    pending: list[object] = []
    assert store.claim(lease(1), NOW, pending)
    sync_or_defer(store, pending)
    assert pending == [] and stored(store) == 1


def test_inside_a_deferring_block_the_caller_commits_a_batch_once(store: SQLiteLeaseStore) -> None:
    batch = [DeferredCommits() for _transaction in range(3)]
    for number, deferred in enumerate(batch, start=1):
        with deferring_commits(deferred):
            pending: list[object] = []
            assert store.claim(lease(number), NOW, pending)
            sync_or_defer(store, pending)
            assert pending == []
        assert deferred
    assert stored(store) == 0, "nothing may be committed before the caller asks"
    for deferred in batch:
        deferred.commit()
        assert not deferred
    assert stored(store) == 3
    assert store.commits == [3]  # type: ignore[attr-defined]


def test_a_transaction_without_changes_defers_nothing(store: SQLiteLeaseStore) -> None:
    deferred = DeferredCommits()
    with deferring_commits(deferred):
        sync_or_defer(store, [])
    assert not deferred
    deferred.commit()
    assert store.commits == []  # type: ignore[attr-defined]


def test_blocks_nest_and_belong_to_their_thread(store: SQLiteLeaseStore) -> None:
    outer, inner = DeferredCommits(), DeferredCommits()
    with deferring_commits(outer):
        with deferring_commits(inner):
            pending: list[object] = []
            assert store.claim(lease(1), NOW, pending)
            sync_or_defer(store, pending)

        # Another thread is outside any block: its sync commits at once
        def other_thread() -> None:
            other: list[object] = []
            assert store.claim(lease(2), NOW, other)
            sync_or_defer(store, other)
        thread = threading.Thread(target=other_thread)
        thread.start()
        thread.join()
        pending = []
        assert store.claim(lease(3), NOW, pending)
        sync_or_defer(store, pending)
    assert inner and outer
    assert stored(store) == 2  # lease 2, and lease 1 that rode along in its commit
    pending = []
    assert store.claim(lease(4), NOW, pending)
    sync_or_defer(store, pending)  # after the blocks: at once again
    assert stored(store) == 4


def test_a_failed_commit_is_raised_to_the_caller(store: SQLiteLeaseStore) -> None:
    from dhcpkit.ipv6.leases.sqlite_store import LeaseStoreError
    deferred = DeferredCommits()
    with deferring_commits(deferred):
        pending: list[object] = []
        assert store.claim(lease(1), NOW, pending)
        sync_or_defer(store, pending)
    store._connection.execute('DROP TABLE leases')
    with pytest.raises(LeaseStoreError, match='2001:db8:1::1'):
        deferred.commit()
