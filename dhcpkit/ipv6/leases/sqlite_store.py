"""
The embedded lease store: one SQLite database (standard library) in the state directory.

The database runs in WAL mode with ``synchronous=FULL``: a transaction is on disk when its commit returns, so a lease
the server confirms in a Reply survives a crash at any instant. One connection is shared by all worker threads
behind a lock; the claim is a single ``INSERT ... ON CONFLICT DO UPDATE ... WHERE`` statement, so the database itself
decides which of two competing clients gets a resource.
"""
import os
import sqlite3
import threading
from typing import Iterable

from dhcpkit.ipv6.leases import Lease, LeaseStore
from dhcpkit.ipv6.leases.lifecycle import LeaseState

__all__ = ['SQLiteLeaseStore', 'open_lease_store', 'release_lease_store', 'LEASE_DATABASE_NAME']

#: The file name of the lease database inside the state directory
LEASE_DATABASE_NAME = 'leases.sqlite'

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
CREATE INDEX IF NOT EXISTS leases_by_pool ON leases (pool, state, valid_until);
'''

_COLUMNS = 'resource, lease_type, pool, duid, iaid, state, preferred_until, valid_until, updated'

# A claim succeeds when there is no record, or when the record is the same IA's (unless that IA declined it), or
# released, or expired, or its quarantine is over.
_CLAIM = f'''
INSERT INTO leases ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (resource) DO UPDATE SET
    lease_type = excluded.lease_type, pool = excluded.pool, duid = excluded.duid, iaid = excluded.iaid,
    state = excluded.state, preferred_until = excluded.preferred_until, valid_until = excluded.valid_until,
    updated = excluded.updated
WHERE (leases.duid = excluded.duid AND leases.iaid = excluded.iaid AND leases.lease_type = excluded.lease_type
       AND leases.state != 'declined')
   OR leases.state IN ('released', 'expired', 'free')
   OR leases.valid_until <= ?
'''

_UPDATE = '''
UPDATE leases SET state = ?, preferred_until = ?, valid_until = ?, updated = ?
WHERE resource = ? AND duid = ? AND iaid = ? AND lease_type = ?
'''


def _row_to_lease(row: tuple[str, str, str, bytes, bytes, str, int, int, int]) -> Lease:
    return Lease(row[0], row[1], row[2], bytes(row[3]), bytes(row[4]), LeaseState(row[5]), row[6], row[7], row[8])


class SQLiteLeaseStore(LeaseStore):
    """
    Leases in an SQLite database file.

    :ivar path: the database file
    """

    def __init__(self, path: str):
        self.path = path
        self._lock = threading.Lock()
        directory = os.path.dirname(os.path.abspath(path))
        os.makedirs(directory, mode=0o700, exist_ok=True)
        self._connection = sqlite3.connect(path, timeout=30, check_same_thread=False, isolation_level=None)
        self._connection.execute('PRAGMA journal_mode = WAL')
        self._connection.execute('PRAGMA synchronous = FULL')
        self._connection.executescript(_SCHEMA)

    def get(self, resource: str) -> Lease | None:
        with self._lock:
            row = self._connection.execute(f'SELECT {_COLUMNS} FROM leases WHERE resource = ?',
                                           (resource,)).fetchone()
        return _row_to_lease(row) if row else None

    def find_by_client(self, duid: bytes, iaid: bytes, lease_type: str) -> list[Lease]:
        with self._lock:
            rows = self._connection.execute(
                f'SELECT {_COLUMNS} FROM leases WHERE duid = ? AND iaid = ? AND lease_type = ? ORDER BY updated DESC',
                (duid, iaid, lease_type)).fetchall()
        return [_row_to_lease(row) for row in rows]

    def claim(self, lease: Lease, now: int) -> bool:
        with self._lock:
            cursor = self._connection.execute(_CLAIM, (
                lease.resource, lease.lease_type, lease.pool, lease.duid, lease.iaid, lease.state.value,
                lease.preferred_until, lease.valid_until, lease.updated, now))
            return cursor.rowcount == 1

    def update(self, lease: Lease) -> bool:
        with self._lock:
            cursor = self._connection.execute(_UPDATE, (
                lease.state.value, lease.preferred_until, lease.valid_until, lease.updated,
                lease.resource, lease.duid, lease.iaid, lease.lease_type))
            return cursor.rowcount == 1

    def used_resources(self, pool: str, now: int) -> set[str]:
        with self._lock:
            rows = self._connection.execute(
                "SELECT resource FROM leases WHERE pool = ? AND state IN ('bound', 'declined') AND valid_until > ?",
                (pool, now)).fetchall()
        return {row[0] for row in rows}

    def leases(self) -> Iterable[Lease]:
        with self._lock:
            rows = self._connection.execute(f'SELECT {_COLUMNS} FROM leases ORDER BY lease_type, resource').fetchall()
        return [_row_to_lease(row) for row in rows]

    def delete(self, resource: str) -> bool:
        with self._lock:
            cursor = self._connection.execute('DELETE FROM leases WHERE resource = ?', (resource,))
            return cursor.rowcount == 1

    def close(self) -> None:
        with self._lock:
            self._connection.close()


_open_stores: dict[str, tuple[SQLiteLeaseStore, int]] = {}
_open_stores_lock = threading.Lock()


def open_lease_store(state_directory: str) -> SQLiteLeaseStore:
    """
    Return the process's store for a state directory, opening it on first use. Every pool handler of a
    configuration shares one store, and a reload that keeps the directory keeps the open database.

    :param state_directory: the ``[server] state-directory``
    :return: the store; give it back with :func:`release_lease_store`
    """
    path = os.path.join(os.path.abspath(state_directory), LEASE_DATABASE_NAME)
    with _open_stores_lock:
        store, users = _open_stores.get(path, (None, 0))
        if store is None:
            store = SQLiteLeaseStore(path)
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
