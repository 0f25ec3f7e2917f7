"""
The embedded lease store: one SQLite database (standard library) in the state directory, with an index in memory.

Reads are served from memory, from an index that keeps each lease as one compact record and builds a
:class:`~dhcpkit.ipv6.leases.Lease` only for the caller who asks: a few hundred bytes a lease rather than the
thousand that a Lease and its nine field objects take. Every change is applied to the memory index under a lock
(that is where two clients competing for one resource are told apart) and then committed with group commit: the
thread that gets the commit lock writes every change that is waiting at that moment, its own and those of the
threads queued behind it, in one transaction. A change returns only when its transaction is committed. The
database runs in WAL mode; how far a commit goes is the operator's choice (``[server] lease-sync``):

- ``full`` (the default, ``synchronous=FULL``): every commit is flushed to the disk with fsync, so a lease the server
  confirms in a Reply survives a crash of the server or of the machine (a power cut) at any instant;
- ``normal`` (``synchronous=NORMAL``): a commit is in the operating system's hands when it returns, so a lease survives
  a crash or kill of the server process at any instant, but the latest leases may be lost when the machine itself
  goes down. This is what lease stores that append to a file without fsync (such as Kea's memfile) promise, at a
  fraction of the cost.

Either way one commit serves every Reply that was waiting for it. No thread is dedicated to writing, so a lone request
does not pay for waking one.
"""
import itertools
import logging
import os
import sqlite3
import struct
import threading
from typing import Any, Iterable, Sequence

from dhcpkit.ipv6.leases import Lease, LeaseStore
from dhcpkit.ipv6.leases.lifecycle import LeaseState

__all__ = ['SQLiteLeaseStore', 'open_lease_store', 'release_lease_store', 'LEASE_DATABASE_NAME',
           'LeaseStoreError', 'SYNC_MODES']

logger = logging.getLogger(__name__)

#: The file name of the lease database inside the state directory
LEASE_DATABASE_NAME = 'leases.sqlite'

#: ``[server] lease-sync`` values and the SQLite ``synchronous`` setting of each
SYNC_MODES = {'full': 'FULL', 'normal': 'NORMAL'}

# Every read is served from the memory index, so the table is written far more than it is searched: it is one B-tree
# keyed by the resource (WITHOUT ROWID), with no other index to update at every commit (measured: a third less CPU
# per commit). Databases made by earlier versions, with a rowid table and a client index, keep working unchanged.
_SCHEMA = '''
CREATE TABLE IF NOT EXISTS leases (
    resource        TEXT PRIMARY KEY,
    lease_type      TEXT NOT NULL,
    pool            TEXT NOT NULL,
    duid            BLOB NOT NULL,
    iaid            BLOB NOT NULL,
    state           TEXT NOT NULL,
    preferred_until INTEGER NOT NULL,
    valid_until     INTEGER NOT NULL,
    updated         INTEGER NOT NULL
) WITHOUT ROWID;
'''

_COLUMNS = 'resource, lease_type, pool, duid, iaid, state, preferred_until, valid_until, updated'
_UPSERT = f'INSERT OR REPLACE INTO leases ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)'
_DELETE = 'DELETE FROM leases WHERE resource = ?'

Row = tuple[str, str, str, bytes, bytes, str, int, int, int]

# The memory index keeps each lease as one bytes object rather than a Lease with nine objects of its own (about 300
# bytes resident a lease instead of 1,100), and bytes are no work for the garbage collector. A record is
#
#     pool code (uint32) | state code (uint8) | preferred_until | valid_until | updated (int64 each) | client key
#
# and the client key, which also keys the index by client, is
#
#     lease type code (uint8) | IAID length (uint8) | IAID | DUID
#
# Pool ids and lease types are numbered as they are first seen (a pool's thousands of leases share one string).
_FIXED = struct.Struct('<IBqqq')
_CLIENT_KEY_HEAD = struct.Struct('<BB')
_RECORD = struct.Struct('<IBqqqBB')
_POOL_CODE = struct.Struct('<I')
_CLIENT_KEY_AT = _FIXED.size
_IAID_AT = _RECORD.size

_STATES = tuple(LeaseState)
_STATE_CODES = {state: code for code, state in enumerate(_STATES)}
_STATE_CODES_BY_VALUE = {state.value: code for code, state in enumerate(_STATES)}
_FREE_CODES = frozenset(_STATE_CODES[state] for state in (LeaseState.RELEASED, LeaseState.EXPIRED, LeaseState.FREE))
_IN_USE_CODES = frozenset(_STATE_CODES[state] for state in (LeaseState.BOUND, LeaseState.DECLINED))
_DECLINED_CODE = _STATE_CODES[LeaseState.DECLINED]

#: The resources of one IA: nearly always one, so a lone resource is kept without a container around it
HeldResources = str | tuple[str, ...]


class LeaseStoreError(Exception):
    """The database could not store a change; the change is not durable and must not be promised to a client."""


class _Write:
    """
    One change waiting to be committed: an upsert (the row to store) or a delete (of the resource). Its place in the
    queue tells when it is committed (see :meth:`SQLiteLeaseStore.sync`), so it needs no event of its own to wait on.
    """

    __slots__ = ('row', 'resource', 'sequence', 'error')

    def __init__(self, row: Row | None, resource: str, sequence: int):
        self.row = row
        self.resource = resource
        self.sequence = sequence
        self.error: BaseException | None = None


class _Names:
    """
    The few distinct strings of one column (pool ids, lease types), numbered in the order they are first seen, so
    that a record holds a number instead of a string per lease.
    """

    __slots__ = ('names', 'codes', '_lock')

    def __init__(self) -> None:
        self.names: list[str] = []
        self.codes: dict[str, int] = {}
        self._lock = threading.Lock()

    def code(self, name: str) -> int:
        """
        :param name: a name, new or known
        :return: its number
        """
        code = self.codes.get(name)
        if code is None:
            with self._lock:
                code = self.codes.get(name)
                if code is None:
                    # The name goes in the list first, so a number anyone can see always has its name
                    code = len(self.names)
                    self.names.append(name)
                    self.codes[name] = code
        return code


def _client_key(lease_type_code: int, duid: bytes, iaid: bytes) -> bytes:
    return _CLIENT_KEY_HEAD.pack(lease_type_code, len(iaid)) + iaid + duid


def _row(lease: Lease, pool: str) -> Row:
    return (lease.resource, lease.lease_type, pool, lease.duid, lease.iaid, lease.state.value,
            lease.preferred_until, lease.valid_until, lease.updated)


class SQLiteLeaseStore(LeaseStore):
    """
    Leases in an SQLite database file, indexed in memory, written with group commit.

    :ivar path: the database file
    :ivar sync: the ``lease-sync`` mode: ``full`` or ``normal``
    """

    def __init__(self, path: str, sync: str = 'full'):
        if sync not in SYNC_MODES:
            raise ValueError(f"Unknown lease-sync mode {sync!r}; expected one of {', '.join(SYNC_MODES)}")
        self.path = path
        self.sync_mode = sync
        directory = os.path.dirname(os.path.abspath(path))
        os.makedirs(directory, mode=0o700, exist_ok=True)
        self._connection = sqlite3.connect(path, timeout=30, check_same_thread=False, isolation_level=None)
        self._connection.execute('PRAGMA journal_mode = WAL')
        self._connection.execute(f'PRAGMA synchronous = {SYNC_MODES[sync]}')
        self._connection.executescript(_SCHEMA)

        self._lock = threading.Lock()
        self._pools = _Names()
        self._lease_types = _Names()
        self._by_resource: dict[str, bytes] = {}
        self._by_client: dict[bytes, HeldResources] = {}
        # Changes are queued under self._lock in the order they change the index, numbered from 1. Every change up to
        # number self._committed has been through a commit (successful, or failed with the error on each _Write).
        self._pending: list[_Write] = []
        self._queued = 0
        self._committed = 0
        self._commit_lock = threading.Lock()
        self._closed = False
        self._load_index()

    # The memory index

    def _load_index(self) -> None:
        """
        Make the index the database's, plus the changes still queued (after a failed commit, other threads' changes
        that were queued meanwhile are still to be committed, and their leases must stay taken).
        """
        # Row by row rather than fetchall(): rows read all at once set the peak memory, and once freed they leave
        # holes between the records that stay that the process keeps (measured: 860 against 330 bytes per lease)
        cursor = self._connection.execute(f'SELECT {_COLUMNS} FROM leases')
        with self._lock:
            self._by_resource.clear()
            self._by_client.clear()
            for row in cursor:
                self._index_row(row)
            for write in self._pending:
                if write.row is not None:
                    self._index_row(write.row)
                else:
                    current = self._by_resource.pop(write.resource, None)
                    if current is not None:
                        self._unindex_client(current[_CLIENT_KEY_AT:], write.resource)

    def _index_row(self, row: Sequence[Any]) -> None:
        resource = str(row[0])
        client_key = _client_key(self._lease_types.code(str(row[1])), bytes(row[3]), bytes(row[4]))
        record = _FIXED.pack(self._pools.code(str(row[2])), _STATE_CODES_BY_VALUE[row[5]], int(row[6]),
                             int(row[7]), int(row[8])) + client_key
        self._index(resource, record, client_key, self._by_resource.get(resource))

    def _index(self, resource: str, record: bytes, client_key: bytes, old: bytes | None) -> None:
        """Store a record (called with the lock held); `old` is the record it replaces."""
        self._by_resource[resource] = record
        if old is not None:
            old_client_key = old[_CLIENT_KEY_AT:]
            if old_client_key == client_key:
                return
            self._unindex_client(old_client_key, resource)
        held = self._by_client.get(client_key)
        if held is None:
            self._by_client[client_key] = resource
        elif isinstance(held, str):
            if held != resource:
                self._by_client[client_key] = (held, resource)
        elif resource not in held:
            self._by_client[client_key] = held + (resource,)

    def _unindex_client(self, client_key: bytes, resource: str) -> None:
        held = self._by_client.get(client_key)
        if held == resource:
            del self._by_client[client_key]
        elif isinstance(held, tuple):
            remaining = tuple(other for other in held if other != resource)
            self._by_client[client_key] = remaining[0] if len(remaining) == 1 else remaining

    def _lease(self, resource: str, record: bytes) -> Lease:
        """A new Lease from a record: callers may change what they get without touching the index."""
        pool, state, preferred_until, valid_until, updated, lease_type, iaid_length = _RECORD.unpack_from(record)
        duid_at = _IAID_AT + iaid_length
        return Lease(resource, self._lease_types.names[lease_type], self._pools.names[pool], record[duid_at:],
                     record[_IAID_AT:duid_at], _STATES[state], preferred_until, valid_until, updated)

    # Reads

    def get(self, resource: str) -> Lease | None:
        with self._lock:
            record = self._by_resource.get(resource)
        return None if record is None else self._lease(resource, record)

    def find_by_client(self, duid: bytes, iaid: bytes, lease_type: str) -> list[Lease]:
        lease_type_code = self._lease_types.codes.get(lease_type)
        if lease_type_code is None:
            return []
        with self._lock:
            held = self._by_client.get(_client_key(lease_type_code, duid, iaid), ())
            resources = (held,) if isinstance(held, str) else held
            records = [self._by_resource[resource] for resource in resources]
        # Every record found has the client key asked for: its DUID, IAID and lease type are the caller's
        pool_names = self._pools.names
        leases = []
        for resource, record in zip(resources, records):
            pool, state, preferred_until, valid_until, updated = _FIXED.unpack_from(record)
            leases.append(Lease(resource, lease_type, pool_names[pool], duid, iaid, _STATES[state],
                                preferred_until, valid_until, updated))
        if len(leases) > 1:
            leases.sort(key=lambda lease: lease.updated, reverse=True)
        return leases

    def used_resources(self, pool: str, now: int) -> set[str]:
        pool_code = self._pools.codes.get(pool)
        if pool_code is None:
            return set()
        prefix = _POOL_CODE.pack(pool_code)
        used = set()
        with self._lock:
            for resource, record in self._by_resource.items():
                if record.startswith(prefix):
                    _pool, state, _preferred_until, valid_until, _updated = _FIXED.unpack_from(record)
                    if state in _IN_USE_CODES and valid_until > now:
                        used.add(resource)
        return used

    def leases(self) -> Iterable[Lease]:
        with self._lock:
            records = list(self._by_resource.items())
        leases = [self._lease(resource, record) for resource, record in records]
        leases.sort(key=lambda lease: (lease.lease_type, lease.resource))
        return leases

    # Changes: decided in memory under the lock, then made durable by the writer before returning

    def claim(self, lease: Lease, now: int, pending: list[Any] | None = None) -> bool:
        client_key = _client_key(self._lease_types.code(lease.lease_type), lease.duid, lease.iaid)
        record = _FIXED.pack(self._pools.code(lease.pool), _STATE_CODES[lease.state], lease.preferred_until,
                             lease.valid_until, lease.updated) + client_key
        row = _row(lease, lease.pool)
        with self._lock:
            current = self._by_resource.get(lease.resource)
            if current is not None and not self._claimable(current, client_key, now):
                return False
            write = self._queue(row, lease.resource)
            self._index(lease.resource, record, client_key, current)
        self._wait_or_collect(write, pending)
        return True

    @staticmethod
    def _claimable(current: bytes, client_key: bytes, now: int) -> bool:
        """A resource can be claimed when it is the same IA's (and not declined), released, expired or free."""
        _pool, state, _preferred_until, valid_until, _updated = _FIXED.unpack_from(current)
        if state != _DECLINED_CODE and current[_CLIENT_KEY_AT:] == client_key:
            return True
        return state in _FREE_CODES or valid_until <= now

    def update(self, lease: Lease, pending: list[Any] | None = None) -> bool:
        lease_type_code = self._lease_types.codes.get(lease.lease_type)
        if lease_type_code is None:
            return False
        client_key = _client_key(lease_type_code, lease.duid, lease.iaid)
        with self._lock:
            current = self._by_resource.get(lease.resource)
            if current is None or current[_CLIENT_KEY_AT:] != client_key:
                return False
            # The lease stays in the pool it was claimed from
            pool_code, = _POOL_CODE.unpack_from(current)
            write = self._queue(_row(lease, self._pools.names[pool_code]), lease.resource)
            self._by_resource[lease.resource] = _FIXED.pack(
                pool_code, _STATE_CODES[lease.state], lease.preferred_until, lease.valid_until,
                lease.updated) + client_key
        self._wait_or_collect(write, pending)
        return True

    def delete(self, resource: str) -> bool:
        with self._lock:
            current = self._by_resource.get(resource)
            if current is None:
                return False
            write = self._queue(None, resource)
            del self._by_resource[resource]
            self._unindex_client(current[_CLIENT_KEY_AT:], resource)
        self._wait_or_collect(write, None)
        return True

    def _queue(self, row: Row | None, resource: str) -> _Write:
        """
        Queue a change for the database (called with self._lock held, before the index changes, so that a closed
        store changes nothing and the database gets the changes of one resource in the order the index did).
        """
        if self._closed:
            raise LeaseStoreError("The lease store is closed")
        self._queued += 1
        write = _Write(row, resource, self._queued)
        self._pending.append(write)
        return write

    def _wait_or_collect(self, write: _Write, pending: list[Any] | None) -> None:
        """Unless the caller collects the change in `pending`, make it durable now."""
        if pending is None:
            self.sync([write])
        else:
            pending.append(write)

    def sync(self, pending: list[Any]) -> None:
        """
        Make queued changes durable: commit them, together with whatever other threads queued meanwhile. When
        another thread is committing already, waiting for the commit lock is waiting for it; its transaction may
        well have carried these changes too, which the sequence numbers tell.
        """
        if not pending:
            return
        last = max(write.sequence for write in pending)
        if self._committed < last:
            with self._commit_lock:
                if self._committed < last:
                    with self._lock:
                        batch, self._pending = self._pending, []
                    self._commit(batch)
        errors = [write for write in pending if write.error is not None]
        pending.clear()
        if errors:
            raise LeaseStoreError(f"Cannot store the lease of {errors[0].resource}: {errors[0].error}") \
                from errors[0].error

    def _commit(self, batch: list[_Write]) -> None:
        """
        Write a batch of changes in one transaction (called with the commit lock held). A lone change is one statement,
        a transaction of its own; a batch is one executemany per run of upserts or deletes.
        """
        error: BaseException | None = None
        try:
            if len(batch) == 1:
                write = batch[0]
                if write.row is None:
                    self._connection.execute(_DELETE, (write.resource,))
                else:
                    self._connection.execute(_UPSERT, write.row)
            else:
                self._connection.execute('BEGIN IMMEDIATE')
                for upserts, writes in itertools.groupby(batch, key=lambda write: write.row is not None):
                    if upserts:
                        self._connection.executemany(_UPSERT, [write.row for write in writes if write.row])
                    else:
                        self._connection.executemany(_DELETE, [(write.resource,) for write in writes])
                self._connection.execute('COMMIT')
        except Exception as exception:
            error = exception
            logger.error("Cannot write %d lease changes to %s: %s", len(batch), self.path, exception)
            try:
                self._connection.execute('ROLLBACK')
            except sqlite3.Error:
                pass
            # The memory index ran ahead of the database: make it the database's again
            try:
                self._load_index()
            except sqlite3.Error:
                logger.exception("Cannot reload the lease index from %s", self.path)
            # Exactly the writers of this batch learn of it
            for write in batch:
                write.error = error
        self._committed = batch[-1].sequence

    def set_sync_mode(self, sync: str) -> None:
        """
        Change how far commits go (see the module documentation), between two commits.

        :param sync: ``full`` or ``normal``
        """
        if sync not in SYNC_MODES:
            raise ValueError(f"Unknown lease-sync mode {sync!r}; expected one of {', '.join(SYNC_MODES)}")
        with self._commit_lock:
            self._connection.execute(f'PRAGMA synchronous = {SYNC_MODES[sync]}')
            self.sync_mode = sync

    def close(self) -> None:
        """Commit what is still queued (a worker may hold back the commit of a batch), then close the database."""
        with self._lock:
            self._closed = True
        with self._commit_lock:
            with self._lock:
                batch, self._pending = self._pending, []
            if batch:
                self._commit(batch)
            self._connection.close()


_open_stores: dict[str, tuple[SQLiteLeaseStore, int]] = {}
_open_stores_lock = threading.Lock()


def open_lease_store(state_directory: str, sync: str = 'full') -> SQLiteLeaseStore:
    """
    Return the process's store for a state directory, opening it on first use. Every pool handler of a
    configuration shares one store, and a reload that keeps the directory keeps the open database.

    :param state_directory: the ``[server] state-directory``
    :param sync: the ``[server] lease-sync`` mode; a reload may change it on the open store
    :return: the store; give it back with :func:`release_lease_store`
    """
    path = os.path.join(os.path.abspath(state_directory), LEASE_DATABASE_NAME)
    with _open_stores_lock:
        store, users = _open_stores.get(path, (None, 0))
        if store is None:
            store = SQLiteLeaseStore(path, sync)
        elif store.sync_mode != sync:
            store.set_sync_mode(sync)
        _open_stores[path] = (store, users + 1)
        return store


def release_lease_store(store: SQLiteLeaseStore) -> None:
    """
    Give back a store from :func:`open_lease_store`; the last user closes it.

    :param store: the store
    """
    with _open_stores_lock:
        current, users = _open_stores.get(store.path, (None, 0))
        if current is not store:
            return
        if users <= 1:
            del _open_stores[store.path]
            store.close()
        else:
            _open_stores[store.path] = (store, users - 1)
