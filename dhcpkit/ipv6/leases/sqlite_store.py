"""
The embedded lease store: one SQLite database (standard library) in the state directory, with an index in memory.

Reads are served from memory. Every change is applied to the memory index under a lock (that is where two clients
competing for one resource are told apart) and then committed with group commit: the thread that gets the commit
lock writes every change that is waiting at that moment, its own and those of the threads queued behind it, in one
transaction. A change returns only when its transaction is committed. The database runs in WAL mode; how far a
commit goes is the operator's choice (``[server] lease-sync``):

- ``full`` (the default, ``synchronous=FULL``): every commit is flushed to the disk with fsync, so a lease the server
  confirms in a Reply survives a crash of the server or of the machine (a power cut) at any instant;
- ``normal`` (``synchronous=NORMAL``): a commit is in the operating system's hands when it returns, so a lease survives
  a crash or kill of the server process at any instant, but the latest leases may be lost when the machine itself
  goes down. This is what lease stores that append to a file without fsync (such as Kea's memfile) promise, at a
  fraction of the cost.

Either way one commit serves every Reply that was waiting for it. No thread is dedicated to writing, so a lone request
does not pay for waking one.
"""
import logging
import os
import sqlite3
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
);
CREATE INDEX IF NOT EXISTS leases_by_client ON leases (duid, iaid, lease_type);
'''

_COLUMNS = 'resource, lease_type, pool, duid, iaid, state, preferred_until, valid_until, updated'
_UPSERT = f'INSERT OR REPLACE INTO leases ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)'
_DELETE = 'DELETE FROM leases WHERE resource = ?'

ClientKey = tuple[bytes, bytes, str]


class LeaseStoreError(Exception):
    """The database could not store a change; the change is not durable and must not be promised to a client."""


class _Write:
    """One change waiting for the writer: an upsert (a lease) or a delete (a resource)."""

    __slots__ = ('lease', 'resource', 'done', 'error')

    def __init__(self, lease: Lease | None, resource: str):
        self.lease = lease
        self.resource = resource
        self.done = threading.Event()
        self.error: BaseException | None = None


def _row_to_lease(row: Sequence[Any]) -> Lease:
    return Lease(str(row[0]), str(row[1]), str(row[2]), bytes(row[3]), bytes(row[4]), LeaseState(row[5]),
                 int(row[6]), int(row[7]), int(row[8]))


def _copy(lease: Lease) -> Lease:
    return Lease(lease.resource, lease.lease_type, lease.pool, lease.duid, lease.iaid, lease.state,
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
        self._by_resource: dict[str, Lease] = {}
        self._by_client: dict[ClientKey, set[str]] = {}
        self._load_index()

        self._pending: list[_Write] = []
        self._pending_lock = threading.Lock()
        self._commit_lock = threading.Lock()
        self._closed = False

    # The memory index

    def _load_index(self) -> None:
        rows = self._connection.execute(f'SELECT {_COLUMNS} FROM leases').fetchall()
        with self._lock:
            self._by_resource.clear()
            self._by_client.clear()
            for row in rows:
                self._index(_row_to_lease(row))

    def _index(self, lease: Lease) -> None:
        old = self._by_resource.get(lease.resource)
        if old is not None:
            self._unindex_client(old)
        self._by_resource[lease.resource] = lease
        self._by_client.setdefault((lease.duid, lease.iaid, lease.lease_type), set()).add(lease.resource)

    def _unindex_client(self, lease: Lease) -> None:
        key = (lease.duid, lease.iaid, lease.lease_type)
        resources = self._by_client.get(key)
        if resources is not None:
            resources.discard(lease.resource)
            if not resources:
                del self._by_client[key]

    # Reads

    def get(self, resource: str) -> Lease | None:
        with self._lock:
            lease = self._by_resource.get(resource)
            return _copy(lease) if lease else None

    def find_by_client(self, duid: bytes, iaid: bytes, lease_type: str) -> list[Lease]:
        with self._lock:
            leases = [_copy(self._by_resource[resource])
                      for resource in self._by_client.get((duid, iaid, lease_type), ())]
        leases.sort(key=lambda lease: lease.updated, reverse=True)
        return leases

    def used_resources(self, pool: str, now: int) -> set[str]:
        with self._lock:
            return {resource for resource, lease in self._by_resource.items()
                    if lease.pool == pool and lease.state in (LeaseState.BOUND, LeaseState.DECLINED)
                    and lease.valid_until > now}

    def leases(self) -> Iterable[Lease]:
        with self._lock:
            leases = [_copy(lease) for lease in self._by_resource.values()]
        leases.sort(key=lambda lease: (lease.lease_type, lease.resource))
        return leases

    # Changes: decided in memory under the lock, then made durable by the writer before returning

    def claim(self, lease: Lease, now: int, pending: list[Any] | None = None) -> bool:
        with self._lock:
            current = self._by_resource.get(lease.resource)
            if current is not None and not self._claimable(current, lease, now):
                return False
            stored = _copy(lease)
            self._index(stored)
        self._write(stored, lease.resource, pending)
        return True

    @staticmethod
    def _claimable(current: Lease, lease: Lease, now: int) -> bool:
        """A resource can be claimed when it is the same IA's (and not declined), released, expired or free."""
        if current.belongs_to(lease.duid, lease.iaid, lease.lease_type) and current.state != LeaseState.DECLINED:
            return True
        return (current.state in (LeaseState.RELEASED, LeaseState.EXPIRED, LeaseState.FREE)
                or current.valid_until <= now)

    def update(self, lease: Lease, pending: list[Any] | None = None) -> bool:
        with self._lock:
            current = self._by_resource.get(lease.resource)
            if current is None or not current.belongs_to(lease.duid, lease.iaid, lease.lease_type):
                return False
            stored = _copy(lease)
            stored.pool = current.pool
            self._index(stored)
        self._write(stored, lease.resource, pending)
        return True

    def delete(self, resource: str) -> bool:
        with self._lock:
            current = self._by_resource.pop(resource, None)
            if current is None:
                return False
            self._unindex_client(current)
        self._write(None, resource)
        return True

    def _write(self, lease: Lease | None, resource: str, pending: list[Any] | None = None) -> None:
        """
        Queue a change for the database; unless the caller collects it in `pending`, make it durable now.
        """
        write = _Write(lease, resource)
        with self._pending_lock:
            if self._closed:
                raise LeaseStoreError("The lease store is closed")
            self._pending.append(write)
        if pending is None:
            self.sync([write])
        else:
            pending.append(write)

    def sync(self, pending: list[Any]) -> None:
        """
        Make queued changes durable: commit them, together with whatever other threads queued meanwhile. When
        another thread is committing already, wait for it; its transaction may well carry these changes too.
        """
        for write in pending:
            if not write.done.is_set():
                with self._commit_lock:
                    if not write.done.is_set():
                        with self._pending_lock:
                            batch, self._pending = self._pending, []
                        self._commit(batch)
        errors = [write for write in pending if write.error is not None]
        pending.clear()
        if errors:
            raise LeaseStoreError(f"Cannot store the lease of {errors[0].resource}: {errors[0].error}") \
                from errors[0].error

    def _commit(self, batch: list[_Write]) -> None:
        """Write a batch of changes in one transaction (called with the commit lock held), then mark them done."""
        error: BaseException | None = None
        try:
            self._connection.execute('BEGIN IMMEDIATE')
            for write in batch:
                if write.lease is None:
                    self._connection.execute(_DELETE, (write.resource,))
                else:
                    lease = write.lease
                    self._connection.execute(_UPSERT, (
                        lease.resource, lease.lease_type, lease.pool, lease.duid, lease.iaid, lease.state.value,
                        lease.preferred_until, lease.valid_until, lease.updated))
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
        for write in batch:
            write.error = error
            write.done.set()

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
        with self._pending_lock:
            self._closed = True
        with self._commit_lock:
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
