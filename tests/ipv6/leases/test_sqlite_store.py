"""
Tests for :class:`dhcpkit.ipv6.leases.sqlite_store.SQLiteLeaseStore` (and :class:`dhcpkit.ipv6.leases.Lease`).

What the server relies on: a claim is atomic (one winner per resource, even across threads), it respects other
clients' bindings and quarantines, and it is durable and visible to anyone reading the file when it returns.
"""
import dataclasses
import sqlite3
import threading
from pathlib import Path

import pytest

from dhcpkit.ipv6.leases import FOREVER, LEASE_TYPE_NA, LEASE_TYPE_PD, Lease
from dhcpkit.ipv6.leases.lifecycle import LeaseState
from dhcpkit.ipv6.leases.sqlite_store import (LEASE_DATABASE_NAME, LeaseStoreError, SQLiteLeaseStore,
                                              open_lease_store, release_lease_store)

NOW = 1_800_000_000
POOL = 'na 2001:db8:1::1:0-2001:db8:1::1:ffff'
PD_POOL = 'pd 2001:db8:100::/48/64'
DUID_A = bytes.fromhex('00030001020000000001')
DUID_B = bytes.fromhex('00030001020000000002')
IAID_1 = bytes.fromhex('00000001')
IAID_2 = bytes.fromhex('00000002')


def lease(resource: str = '2001:db8:1::1:1', duid: bytes = DUID_A, iaid: bytes = IAID_1,
          state: LeaseState = LeaseState.BOUND, valid: int = 7200, lease_type: str = LEASE_TYPE_NA,
          pool: str = POOL, now: int = NOW) -> Lease:
    """A lease with lifetimes counted from `now` (valid for `valid` seconds, preferred for half of that)."""
    return Lease(resource, lease_type, pool, duid, iaid, state, now + valid // 2, now + valid, now)


@pytest.fixture
def store(tmp_path: Path):
    opened = SQLiteLeaseStore(str(tmp_path / LEASE_DATABASE_NAME))
    yield opened
    opened.close()


def raw_rows(path: str) -> list[tuple]:
    """Read the table with a connection of our own, as another process would."""
    connection = sqlite3.connect(path)
    try:
        return connection.execute('SELECT resource, duid, iaid, state, valid_until FROM leases '
                                  'ORDER BY resource').fetchall()
    finally:
        connection.close()


# Lease itself

@pytest.mark.parametrize(('state', 'valid_until', 'now', 'expected'), [
    (LeaseState.BOUND, NOW + 1, NOW, LeaseState.BOUND),
    (LeaseState.BOUND, NOW, NOW, LeaseState.EXPIRED),
    (LeaseState.BOUND, NOW - 1, NOW, LeaseState.EXPIRED),
    (LeaseState.BOUND, FOREVER, NOW, LeaseState.BOUND),
    (LeaseState.DECLINED, NOW + 1, NOW, LeaseState.DECLINED),
    (LeaseState.DECLINED, NOW, NOW, LeaseState.FREE),
    (LeaseState.RELEASED, NOW + 100, NOW, LeaseState.RELEASED),
    (LeaseState.EXPIRED, NOW + 100, NOW, LeaseState.EXPIRED),
])
def test_effective_state(state: LeaseState, valid_until: int, now: int, expected: LeaseState) -> None:
    record = dataclasses.replace(lease(state=state), valid_until=valid_until)
    assert record.effective_state(now) == expected


def test_belongs_to() -> None:
    record = lease()
    assert record.belongs_to(DUID_A, IAID_1, LEASE_TYPE_NA)
    assert not record.belongs_to(DUID_B, IAID_1, LEASE_TYPE_NA)
    assert not record.belongs_to(DUID_A, IAID_2, LEASE_TYPE_NA)
    assert not record.belongs_to(DUID_A, IAID_1, LEASE_TYPE_PD)


# The basic operations

def test_empty(store: SQLiteLeaseStore) -> None:
    assert store.get('2001:db8:1::1:1') is None
    assert store.find_by_client(DUID_A, IAID_1, LEASE_TYPE_NA) == []
    assert list(store.leases()) == []
    assert store.used_resources(POOL, NOW) == set()
    assert not store.delete('2001:db8:1::1:1')
    assert not store.update(lease())


def test_claim_and_get(store: SQLiteLeaseStore) -> None:
    record = lease()
    assert store.claim(record, NOW)
    stored = store.get(record.resource)
    assert stored == record
    assert isinstance(stored.duid, bytes) and isinstance(stored.iaid, bytes)
    assert stored.state is LeaseState.BOUND


def test_claim_prefix(store: SQLiteLeaseStore) -> None:
    record = lease('2001:db8:100:1::/64', lease_type=LEASE_TYPE_PD, pool=PD_POOL)
    assert store.claim(record, NOW)
    assert store.get('2001:db8:100:1::/64') == record
    assert store.find_by_client(DUID_A, IAID_1, LEASE_TYPE_PD) == [record]
    assert store.find_by_client(DUID_A, IAID_1, LEASE_TYPE_NA) == []


def test_forever_is_stored(store: SQLiteLeaseStore) -> None:
    record = dataclasses.replace(lease(), preferred_until=FOREVER, valid_until=FOREVER)
    assert store.claim(record, NOW)
    assert store.get(record.resource) == record


def test_update(store: SQLiteLeaseStore) -> None:
    assert store.claim(lease(), NOW)
    later = lease(now=NOW + 100)
    assert store.update(later)
    assert store.get(later.resource) == later


def test_update_needs_the_same_ia(store: SQLiteLeaseStore) -> None:
    assert store.claim(lease(), NOW)
    for other in (lease(duid=DUID_B), lease(iaid=IAID_2), lease(lease_type=LEASE_TYPE_PD),
                  lease('2001:db8:1::1:2')):
        assert not store.update(dataclasses.replace(other, state=LeaseState.RELEASED))
    assert store.get('2001:db8:1::1:1') == lease()


def test_update_to_released_and_declined(store: SQLiteLeaseStore) -> None:
    assert store.claim(lease(), NOW)
    assert store.update(dataclasses.replace(lease(), state=LeaseState.RELEASED, valid_until=NOW))
    assert store.get('2001:db8:1::1:1').state == LeaseState.RELEASED
    assert store.update(dataclasses.replace(lease(), state=LeaseState.DECLINED, valid_until=NOW + 60))
    assert store.get('2001:db8:1::1:1').state == LeaseState.DECLINED


def test_find_by_client(store: SQLiteLeaseStore) -> None:
    first = lease('2001:db8:1::1:1')
    second = lease('2001:db8:1::1:2', now=NOW + 10)
    other_ia = lease('2001:db8:1::1:3', iaid=IAID_2)
    other_client = lease('2001:db8:1::1:4', duid=DUID_B)
    for record in (first, second, other_ia, other_client):
        assert store.claim(record, NOW)
    # Most recently changed first
    assert store.find_by_client(DUID_A, IAID_1, LEASE_TYPE_NA) == [second, first]
    assert store.find_by_client(DUID_A, IAID_2, LEASE_TYPE_NA) == [other_ia]
    assert store.find_by_client(DUID_B, IAID_1, LEASE_TYPE_NA) == [other_client]
    assert store.find_by_client(DUID_B, IAID_2, LEASE_TYPE_NA) == []


def test_find_by_client_returns_every_state(store: SQLiteLeaseStore) -> None:
    assert store.claim(lease('2001:db8:1::1:1'), NOW)
    assert store.claim(lease('2001:db8:1::1:2', state=LeaseState.RELEASED), NOW)
    assert store.claim(lease('2001:db8:1::1:3', state=LeaseState.DECLINED), NOW)
    found = store.find_by_client(DUID_A, IAID_1, LEASE_TYPE_NA)
    assert {record.state for record in found} == {LeaseState.BOUND, LeaseState.RELEASED, LeaseState.DECLINED}


def test_used_resources(store: SQLiteLeaseStore) -> None:
    assert store.claim(lease('2001:db8:1::1:1'), NOW)                                   # bound
    assert store.claim(lease('2001:db8:1::1:2', state=LeaseState.DECLINED), NOW)        # quarantined
    assert store.claim(lease('2001:db8:1::1:3', state=LeaseState.RELEASED), NOW)        # free again
    assert store.claim(lease('2001:db8:1::1:4', state=LeaseState.EXPIRED), NOW)         # free again
    assert store.claim(lease('2001:db8:1::1:5', valid=10, now=NOW - 100), NOW)          # bound, but past
    assert store.claim(lease('2001:db8:1::1:6', state=LeaseState.DECLINED, valid=10, now=NOW - 100), NOW)
    assert store.claim(lease('2001:db8:100::/64', lease_type=LEASE_TYPE_PD, pool=PD_POOL), NOW)
    assert store.used_resources(POOL, NOW) == {'2001:db8:1::1:1', '2001:db8:1::1:2'}
    assert store.used_resources(PD_POOL, NOW) == {'2001:db8:100::/64'}
    assert store.used_resources('no such pool', NOW) == set()
    # Later, everything has run out
    assert store.used_resources(POOL, NOW + 7200) == set()


def test_leases_lists_everything_sorted(store: SQLiteLeaseStore) -> None:
    records = [lease('2001:db8:1::1:2'), lease('2001:db8:100::/64', lease_type=LEASE_TYPE_PD, pool=PD_POOL),
               lease('2001:db8:1::1:1', duid=DUID_B, state=LeaseState.RELEASED)]
    for record in records:
        assert store.claim(record, NOW)
    assert list(store.leases()) == [records[2], records[0], records[1]]


def test_delete(store: SQLiteLeaseStore) -> None:
    assert store.claim(lease(), NOW)
    assert store.delete('2001:db8:1::1:1')
    assert store.get('2001:db8:1::1:1') is None
    assert not store.delete('2001:db8:1::1:1')
    # A deleted lease is free for anyone
    assert store.claim(lease(duid=DUID_B), NOW)


# Claim conflicts

def test_another_clients_bound_lease_cannot_be_claimed(store: SQLiteLeaseStore) -> None:
    assert store.claim(lease(), NOW)
    for other in (lease(duid=DUID_B), lease(iaid=IAID_2)):
        assert not store.claim(other, NOW)
    assert store.get('2001:db8:1::1:1') == lease()


def test_a_different_lease_type_is_another_holder(store: SQLiteLeaseStore) -> None:
    assert store.claim(lease(), NOW)
    assert not store.claim(lease(lease_type=LEASE_TYPE_PD), NOW)


def test_infinite_lease_cannot_be_claimed(store: SQLiteLeaseStore) -> None:
    assert store.claim(dataclasses.replace(lease(), preferred_until=FOREVER, valid_until=FOREVER), NOW)
    assert not store.claim(lease(duid=DUID_B, now=NOW + 10 ** 9), NOW + 10 ** 9)


def test_same_ia_can_claim_again(store: SQLiteLeaseStore) -> None:
    assert store.claim(lease(), NOW)
    renewed = lease(now=NOW + 100)
    assert store.claim(renewed, NOW + 100)
    assert store.get(renewed.resource) == renewed


@pytest.mark.parametrize('state', [LeaseState.RELEASED, LeaseState.EXPIRED, LeaseState.FREE])
def test_released_or_expired_can_be_claimed_by_anyone(store: SQLiteLeaseStore, state: LeaseState) -> None:
    assert store.claim(lease(state=state), NOW)
    taken = lease(duid=DUID_B, now=NOW + 1)
    assert store.claim(taken, NOW + 1)
    assert store.get(taken.resource) == taken


def test_lease_past_its_valid_time_can_be_claimed(store: SQLiteLeaseStore) -> None:
    assert store.claim(lease(valid=100), NOW)
    assert not store.claim(lease(duid=DUID_B, now=NOW + 99), NOW + 99)
    taken = lease(duid=DUID_B, now=NOW + 100)
    assert store.claim(taken, NOW + 100)
    assert store.get(taken.resource) == taken


def test_declined_lease_is_quarantined_for_everyone(store: SQLiteLeaseStore) -> None:
    assert store.claim(lease(), NOW)
    quarantined = dataclasses.replace(lease(), state=LeaseState.DECLINED, preferred_until=NOW,
                                      valid_until=NOW + 60)
    assert store.update(quarantined)
    # Not the same IA, not another IA of the same client, not another client, until the quarantine ends
    for when in (NOW, NOW + 59):
        assert not store.claim(lease(now=when), when)
        assert not store.claim(lease(iaid=IAID_2, now=when), when)
        assert not store.claim(lease(duid=DUID_B, now=when), when)
    assert store.get(quarantined.resource) == quarantined
    # Then it is free again, for the one that declined it too
    assert store.claim(lease(now=NOW + 60), NOW + 60)
    assert store.get(quarantined.resource).state == LeaseState.BOUND


def test_failed_claim_changes_nothing(store: SQLiteLeaseStore) -> None:
    assert store.claim(lease(), NOW)
    before = raw_rows(store.path)
    assert not store.claim(lease(duid=DUID_B, valid=99999), NOW)
    assert raw_rows(store.path) == before


# Durability

def test_claim_is_visible_to_another_connection_at_once(store: SQLiteLeaseStore) -> None:
    assert store.claim(lease(), NOW)
    # No close, no checkpoint: a separate reader sees it as soon as claim() returned
    assert raw_rows(store.path) == [('2001:db8:1::1:1', DUID_A, IAID_1, 'bound', NOW + 7200)]
    assert store.update(dataclasses.replace(lease(), state=LeaseState.RELEASED))
    assert raw_rows(store.path)[0][3] == 'released'
    assert store.delete('2001:db8:1::1:1')
    assert raw_rows(store.path) == []


def test_pending_changes_are_durable_after_sync(store: SQLiteLeaseStore) -> None:
    pending: list[object] = []
    assert store.claim(lease(), NOW, pending)
    assert store.claim(lease(resource='2001:db8:1::1:2', iaid=IAID_2), NOW, pending)
    assert len(pending) == 2
    # decided at once (a competing client cannot take it), but not promised to be on disk yet
    assert not store.claim(lease(duid=DUID_B), NOW)
    store.sync(pending)
    assert pending == []
    assert [row[0] for row in raw_rows(store.path)] == ['2001:db8:1::1:1', '2001:db8:1::1:2']


def test_concurrent_changes_share_commits(store: SQLiteLeaseStore) -> None:
    # 8 threads x 50 claims: every claim returns durable, and group commit needs fewer transactions than claims
    commits = 0
    real_commit = store._commit

    def counting_commit(batch: list) -> None:  # type: ignore[type-arg]
        nonlocal commits
        commits += 1
        real_commit(batch)
    store._commit = counting_commit  # type: ignore[method-assign]

    def claim_many(thread: int) -> None:
        for number in range(50):
            assert store.claim(lease(resource=f'2001:db8:1::{thread + 1:x}:{number + 1:x}',
                                     duid=bytes([thread]) * 6), NOW)
    threads = [threading.Thread(target=claim_many, args=(thread,)) for thread in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(raw_rows(store.path)) == 400
    assert commits < 400, "no two changes ever shared a transaction"


def test_close_commits_what_is_still_queued(tmp_path: Path) -> None:
    # A worker may hold back the commit of its batch while a reload closes the store: nothing queued is lost
    path = str(tmp_path / LEASE_DATABASE_NAME)
    first = SQLiteLeaseStore(path)
    pending: list[object] = []
    assert first.claim(lease(), NOW, pending)
    assert raw_rows(path) == []
    first.close()
    assert [row[0] for row in raw_rows(path)] == ['2001:db8:1::1:1']
    first.sync(pending)  # the late sync finds the change committed and raises nothing
    assert pending == []


def test_store_survives_reopening(tmp_path: Path) -> None:
    path = str(tmp_path / LEASE_DATABASE_NAME)
    first = SQLiteLeaseStore(path)
    assert first.claim(lease(), NOW)
    # A second store on the same file (another process after a crash would do the same) sees the lease
    second = SQLiteLeaseStore(path)
    try:
        assert second.get('2001:db8:1::1:1') == lease()
        assert not second.claim(lease(duid=DUID_B), NOW)
    finally:
        second.close()
        first.close()


def test_wal_mode_and_full_sync(store: SQLiteLeaseStore) -> None:
    connection = sqlite3.connect(store.path)
    try:
        assert connection.execute('PRAGMA journal_mode').fetchone()[0] == 'wal'
    finally:
        connection.close()
    assert store._connection.execute('PRAGMA synchronous').fetchone()[0] == 2  # FULL


def test_creates_the_state_directory(tmp_path: Path) -> None:
    path = tmp_path / 'state' / 'deeper' / LEASE_DATABASE_NAME
    created = SQLiteLeaseStore(str(path))
    try:
        assert path.exists()
        assert (path.parent.stat().st_mode & 0o777) == 0o700
    finally:
        created.close()


# The memory index: one compact record per lease, and a client index that holds a lone resource without a container

class FailingWrites:
    """A connection whose writes fail (a full disk, say), while reads still work."""

    def __init__(self, connection: sqlite3.Connection):
        self.connection = connection

    def execute(self, sql: str, parameters: tuple = ()) -> sqlite3.Cursor:  # type: ignore[type-arg]
        if sql.startswith(('INSERT', 'DELETE')):
            raise sqlite3.OperationalError('database or disk is full')
        return self.connection.execute(sql, parameters)

    def executemany(self, sql: str, parameters: list) -> sqlite3.Cursor:  # type: ignore[type-arg]
        if sql.startswith(('INSERT', 'DELETE')):
            raise sqlite3.OperationalError('database or disk is full')
        return self.connection.executemany(sql, parameters)


def test_several_resources_of_one_ia(store: SQLiteLeaseStore) -> None:
    records = [lease(f'2001:db8:1::1:{number}', now=NOW + number) for number in range(1, 4)]
    for record in records:
        assert store.claim(record, NOW)
    assert store.find_by_client(DUID_A, IAID_1, LEASE_TYPE_NA) == records[::-1]
    # Renewing one of them keeps the others and puts it first
    renewed = lease('2001:db8:1::1:1', now=NOW + 10)
    assert store.update(renewed)
    assert store.find_by_client(DUID_A, IAID_1, LEASE_TYPE_NA) == [renewed, records[2], records[1]]


def test_lone_resource_is_kept_without_a_container(store: SQLiteLeaseStore) -> None:
    assert store.claim(lease('2001:db8:1::1:1'), NOW)
    assert list(store._by_client.values()) == ['2001:db8:1::1:1']
    assert store.claim(lease('2001:db8:1::1:2'), NOW)
    assert list(store._by_client.values()) == [('2001:db8:1::1:1', '2001:db8:1::1:2')]
    assert store.delete('2001:db8:1::1:1')
    assert list(store._by_client.values()) == ['2001:db8:1::1:2']
    assert store.delete('2001:db8:1::1:2')
    assert store._by_client == {}


def test_claim_by_another_client_moves_the_lease(store: SQLiteLeaseStore) -> None:
    assert store.claim(lease('2001:db8:1::1:1', state=LeaseState.RELEASED), NOW)
    assert store.claim(lease('2001:db8:1::1:2'), NOW)
    taken = lease('2001:db8:1::1:1', duid=DUID_B, iaid=IAID_2, now=NOW + 1)
    assert store.claim(taken, NOW + 1)
    assert store.find_by_client(DUID_A, IAID_1, LEASE_TYPE_NA) == [lease('2001:db8:1::1:2')]
    assert store.find_by_client(DUID_B, IAID_2, LEASE_TYPE_NA) == [taken]
    # The previous holder can no longer change it
    assert not store.update(dataclasses.replace(lease('2001:db8:1::1:1'), state=LeaseState.DECLINED))
    assert store.get('2001:db8:1::1:1') == taken


def test_delete_one_of_several(store: SQLiteLeaseStore) -> None:
    for number in range(1, 4):
        assert store.claim(lease(f'2001:db8:1::1:{number}'), NOW)
    assert store.delete('2001:db8:1::1:2')
    assert [record.resource for record in store.find_by_client(DUID_A, IAID_1, LEASE_TYPE_NA)] == \
        ['2001:db8:1::1:1', '2001:db8:1::1:3']
    assert store.used_resources(POOL, NOW) == {'2001:db8:1::1:1', '2001:db8:1::1:3'}


def test_update_keeps_the_pool_of_the_claim(store: SQLiteLeaseStore) -> None:
    assert store.claim(lease(), NOW)
    assert store.update(lease(pool='another pool', now=NOW + 1))
    assert store.get('2001:db8:1::1:1') == lease(now=NOW + 1)
    assert store.used_resources(POOL, NOW) == {'2001:db8:1::1:1'}
    assert store.used_resources('another pool', NOW) == set()


def test_reads_return_copies(store: SQLiteLeaseStore) -> None:
    assert store.claim(lease(), NOW)
    for record in (store.get('2001:db8:1::1:1'), store.find_by_client(DUID_A, IAID_1, LEASE_TYPE_NA)[0],
                   list(store.leases())[0]):
        assert record is not None
        record.state, record.valid_until, record.pool = LeaseState.RELEASED, NOW, 'changed'
    assert store.get('2001:db8:1::1:1') == lease()


def test_reads_of_an_unknown_lease_type_or_pool(store: SQLiteLeaseStore) -> None:
    assert store.claim(lease(), NOW)
    assert store.find_by_client(DUID_A, IAID_1, 'ta') == []
    assert not store.update(lease(lease_type='ta'))
    assert store.used_resources('no such pool', NOW) == set()


def test_iaid_and_duid_do_not_run_into_each_other(store: SQLiteLeaseStore) -> None:
    # The same bytes split differently between IAID and DUID are two different IAs
    assert store.claim(lease(duid=b'\x05\x06\x07\x08', iaid=b'\x01\x02\x03\x04'), NOW)
    assert store.find_by_client(b'\x04\x05\x06\x07\x08', b'\x01\x02\x03', LEASE_TYPE_NA) == []
    assert not store.claim(lease(duid=b'\x04\x05\x06\x07\x08', iaid=b'\x01\x02\x03'), NOW)


def test_reopened_store_has_the_same_leases(tmp_path: Path) -> None:
    path = str(tmp_path / LEASE_DATABASE_NAME)
    records = [lease('2001:db8:1::1:1'), lease('2001:db8:1::1:2', now=NOW + 5),
               lease('2001:db8:1::1:3', duid=DUID_B, state=LeaseState.DECLINED),
               dataclasses.replace(lease('2001:db8:100::/64', lease_type=LEASE_TYPE_PD, pool=PD_POOL),
                                   preferred_until=FOREVER, valid_until=FOREVER)]
    first = SQLiteLeaseStore(path)
    for record in records:
        assert first.claim(record, NOW)
    first.close()
    second = SQLiteLeaseStore(path)
    try:
        assert list(second.leases()) == sorted(records, key=lambda record: (record.lease_type, record.resource))
        assert second.find_by_client(DUID_A, IAID_1, LEASE_TYPE_NA) == [records[1], records[0]]
        # The pool id is kept once, not once per lease
        loaded = [second.get(record.resource) for record in records[:3]]
        assert loaded[0] is not None and loaded[1] is not None and loaded[0].pool is loaded[1].pool
    finally:
        second.close()


def test_failed_commit_reloads_the_index(store: SQLiteLeaseStore) -> None:
    kept = [lease('2001:db8:1::1:1'), lease('2001:db8:1::1:2', now=NOW + 1)]
    for record in kept:
        assert store.claim(record, NOW)
    connection = store._connection
    store._connection = FailingWrites(connection)  # type: ignore[assignment]
    with pytest.raises(LeaseStoreError, match='2001:db8:1::1:3'):
        store.claim(lease('2001:db8:1::1:3'), NOW)
    with pytest.raises(LeaseStoreError):
        store.update(dataclasses.replace(kept[0], state=LeaseState.RELEASED))
    with pytest.raises(LeaseStoreError):
        store.delete('2001:db8:1::1:2')
    # The memory index is the database's again: none of the failed changes is visible
    assert store.get('2001:db8:1::1:3') is None
    assert store.find_by_client(DUID_A, IAID_1, LEASE_TYPE_NA) == kept[::-1]
    assert store.used_resources(POOL, NOW) == {'2001:db8:1::1:1', '2001:db8:1::1:2'}
    store._connection = connection
    assert store.claim(lease('2001:db8:1::1:3'), NOW)
    assert [row[0] for row in raw_rows(store.path)] == ['2001:db8:1::1:1', '2001:db8:1::1:2', '2001:db8:1::1:3']


def counting_commits(store: SQLiteLeaseStore) -> list[int]:
    """Count the store's commits: the list gets the size of every batch."""
    batches: list[int] = []
    real_commit = store._commit

    def counting_commit(batch: list) -> None:  # type: ignore[type-arg]
        batches.append(len(batch))
        real_commit(batch)
    store._commit = counting_commit  # type: ignore[method-assign]
    return batches


def test_failed_batch_reports_to_its_writers_only(store: SQLiteLeaseStore) -> None:
    batches = counting_commits(store)
    committed: list[object] = []
    assert store.claim(lease('2001:db8:1::1:1'), NOW, committed)
    store.sync(committed)
    connection = store._connection
    first: list[object] = []
    second: list[object] = []
    late: list[object] = []

    class FailingAndQueuing(FailingWrites):
        """Fails, and meanwhile another thread queues a change (which belongs to the next batch)."""
        def executemany(self, sql: str, parameters: list) -> sqlite3.Cursor:  # type: ignore[type-arg]
            if not late:
                assert store.claim(lease('2001:db8:1::1:4', duid=DUID_B), NOW, late)
            return super().executemany(sql, parameters)

    store._connection = FailingAndQueuing(connection)  # type: ignore[assignment]
    assert store.claim(lease('2001:db8:1::1:2'), NOW, first)
    assert store.claim(lease('2001:db8:1::1:3', iaid=IAID_2), NOW, second)
    with pytest.raises(LeaseStoreError, match='2001:db8:1::1:2'):
        store.sync(first)
    # The other writer of the failed batch learns of it without another commit
    with pytest.raises(LeaseStoreError, match='2001:db8:1::1:3'):
        store.sync(second)
    assert batches == [1, 2]
    # The change queued during the failed commit is not part of it: it is still taken, and commits fine
    store._connection = connection
    assert store.get('2001:db8:1::1:2') is None and store.get('2001:db8:1::1:3') is None
    assert not store.claim(lease('2001:db8:1::1:4'), NOW)
    store.sync(late)
    assert batches == [1, 2, 1]
    assert [row[0] for row in raw_rows(store.path)] == ['2001:db8:1::1:1', '2001:db8:1::1:4']


def test_a_batch_keeps_the_order_of_its_changes(store: SQLiteLeaseStore) -> None:
    batches = counting_commits(store)
    pending: list[object] = []
    assert store.claim(lease('2001:db8:1::1:1'), NOW, pending)
    assert store.claim(lease('2001:db8:1::1:2', iaid=IAID_2), NOW, pending)
    assert store.update(lease('2001:db8:1::1:1', state=LeaseState.RELEASED), pending)
    assert store.delete('2001:db8:1::1:1')  # commits everything queued: upserts, then the delete
    assert store.claim(lease('2001:db8:1::1:1', duid=DUID_B), NOW, pending)
    store.sync(pending)
    assert batches == [4, 1]
    assert raw_rows(store.path) == [('2001:db8:1::1:1', DUID_B, IAID_1, 'bound', NOW + 7200),
                                    ('2001:db8:1::1:2', DUID_A, IAID_2, 'bound', NOW + 7200)]


def test_a_closed_store_changes_nothing(store: SQLiteLeaseStore) -> None:
    store.close()
    with pytest.raises(LeaseStoreError):
        store.claim(lease(), NOW)
    assert store.get('2001:db8:1::1:1') is None


# open_lease_store shares one store per directory

def test_open_lease_store_is_shared_and_counted(tmp_path: Path) -> None:
    first = open_lease_store(str(tmp_path))
    second = open_lease_store(str(tmp_path / '.'))
    assert first is second
    assert first.path == str(tmp_path / LEASE_DATABASE_NAME)
    release_lease_store(first)
    assert first.claim(lease(), NOW)  # still open for the second user
    release_lease_store(second)
    with pytest.raises(LeaseStoreError):  # closed by the last user: no more changes
        first.claim(lease(resource='2001:db8:1::1:2'), NOW)
    third = open_lease_store(str(tmp_path))
    try:
        assert third is not first
        assert third.get('2001:db8:1::1:1') == lease()
    finally:
        release_lease_store(third)


def test_release_of_an_unknown_store_is_ignored(tmp_path: Path) -> None:
    stray = SQLiteLeaseStore(str(tmp_path / LEASE_DATABASE_NAME))
    try:
        release_lease_store(stray)
        assert stray.get('2001:db8:1::1:1') is None  # not closed
    finally:
        stray.close()


# Concurrency

THREADS = 8
CLAIMS_PER_THREAD = 200
RESOURCES = [f'2001:db8:1::1:{index:x}' for index in range(300)]


def test_concurrent_claims(store: SQLiteLeaseStore) -> None:
    """8 clients race for an overlapping set of 300 resources, 200 claims each, in different orders."""
    won: dict[bytes, set[str]] = {}
    barrier = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def client(number: int) -> None:
        duid = bytes.fromhex('0003000102') + number.to_bytes(5, 'big')
        mine: set[str] = set()
        try:
            barrier.wait()
            for step in range(CLAIMS_PER_THREAD):
                # Each thread walks the resources with its own stride, so the threads overlap all the time and some
                # ask for resources they already hold
                resource = RESOURCES[(number * 37 + step * (2 * number + 1)) % len(RESOURCES)]
                if store.claim(lease(resource, duid=duid, now=NOW + step), NOW + step):
                    mine.add(resource)
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)
        won[duid] = mine

    threads = [threading.Thread(target=client, args=(number,)) for number in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []

    held: dict[bytes, set[str]] = {}
    for record in store.leases():
        held.setdefault(record.duid, set()).add(record.resource)
    # Every resource is held by exactly one client, and each client holds exactly what it was told it won
    assert sum(len(resources) for resources in held.values()) == len({r.resource for r in store.leases()})
    assert {duid: resources for duid, resources in held.items()} == {duid: mine for duid, mine in won.items() if mine}
    all_won = [resource for mine in won.values() for resource in mine]
    assert len(all_won) == len(set(all_won))
    # The threads really did compete: several won something, and not everything was won by everyone
    assert sum(1 for mine in won.values() if mine) > 1
    assert set(all_won) <= set(RESOURCES)


@pytest.mark.parametrize('mode, synchronous', [('full', 2), ('normal', 1)])
def test_sync_mode_sets_how_far_commits_go(tmp_path: Path, mode: str, synchronous: int) -> None:
    opened = SQLiteLeaseStore(str(tmp_path / LEASE_DATABASE_NAME), mode)
    try:
        assert opened._connection.execute('PRAGMA synchronous').fetchone()[0] == synchronous
        assert opened.claim(lease(), NOW)
        assert raw_rows(opened.path)[0][0] == '2001:db8:1::1:1'
    finally:
        opened.close()


def test_sync_mode_changes_on_an_open_store(tmp_path: Path) -> None:
    first = open_lease_store(str(tmp_path), 'full')
    second = open_lease_store(str(tmp_path), 'normal')
    try:
        assert first is second and first.sync_mode == 'normal'
        assert first._connection.execute('PRAGMA synchronous').fetchone()[0] == 1
    finally:
        release_lease_store(second)
        release_lease_store(first)


def test_unknown_sync_mode_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match='lease-sync'):
        SQLiteLeaseStore(str(tmp_path / LEASE_DATABASE_NAME), 'sometimes')


def test_database_of_the_earlier_layout_keeps_working(tmp_path: Path) -> None:
    # Earlier versions made a rowid table with a client index; such a file must open and take changes unchanged
    path = tmp_path / 'leases.sqlite'
    with sqlite3.connect(path) as connection:
        connection.executescript('''
            CREATE TABLE leases (resource TEXT PRIMARY KEY, lease_type TEXT NOT NULL, pool TEXT NOT NULL,
                                 duid BLOB NOT NULL, iaid BLOB NOT NULL, state TEXT NOT NULL,
                                 preferred_until INTEGER NOT NULL, valid_until INTEGER NOT NULL,
                                 updated INTEGER NOT NULL);
            CREATE INDEX leases_by_client ON leases (duid, iaid, lease_type);
            INSERT INTO leases VALUES ('2001:db8::1', 'na', 'p', x'0003000102', x'00000001', 'bound', 10, 20, 5);
        ''')
    connection.close()
    store = SQLiteLeaseStore(str(path))
    try:
        assert [lease.resource for lease in store.find_by_client(b'\x00\x03\x00\x01\x02', b'\0\0\0\1', 'na')] == [
            '2001:db8::1']
        assert store.claim(Lease('2001:db8::2', 'na', 'p', b'\x00\x03\x00\x01\x02', b'\0\0\0\1', LeaseState.BOUND,
                                 10, 20, 6), now=6)
    finally:
        store.close()
    reopened = SQLiteLeaseStore(str(path))
    try:
        assert {lease.resource for lease in reopened.leases()} == {'2001:db8::1', '2001:db8::2'}
    finally:
        reopened.close()
