"""
Static assignments from an SQLite database built by ``ipv6-dhcp-build-sqlite`` from an assignments CSV file (see
:mod:`dhcpkit.ipv6.assignments.build_sqlite`).

The database has one table, ``assignments(id TEXT PRIMARY KEY, address TEXT, prefix TEXT)``, with normalized keys.
The server opens it read-only and never changes it. To update it on a live server, the build tool writes a new file
next to it and renames it over the old one; the source notices the new file (it looks at most once per
``check_interval`` seconds) and switches to it once the whole new file has passed the same checks as at start-up.
Until then, and when the new file is not usable, the old one keeps serving.
"""
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Iterable
from ipaddress import IPv6Network
from pathlib import Path

from dhcpkit.ipv6.assignments import (Assignment, AssignmentSource, AssignmentSourceError, normalize_key,
                                      parse_assignment)
from dhcpkit.ipv6.assignments.csv_source import check_on_link
from dhcpkit.ipv6.config import ConfigError

__all__ = ['SQLiteAssignmentSource', 'SCHEMA', 'check_database']

logger = logging.getLogger(__name__)

#: The table of an assignments database
SCHEMA = 'CREATE TABLE assignments (id TEXT PRIMARY KEY, address TEXT, prefix TEXT)'

#: What identifies one version of the file: device, inode, modification time and size
Signature = tuple[int, int, int, int]


def _signature(path: str) -> Signature:
    status = os.stat(path)
    return status.st_dev, status.st_ino, status.st_mtime_ns, status.st_size


def _entry(key: object, address: object, prefix: object, link: IPv6Network | None) -> Assignment:
    """Check one row as the CSV source checks a line."""
    if not isinstance(key, str) or not all(value is None or isinstance(value, str) for value in (address, prefix)):
        raise ValueError("the columns must hold text")
    normalized = normalize_key(key)
    if normalized != key:
        raise ValueError(f"the key must be written as {normalized!r} to be found")
    assert address is None or isinstance(address, str)
    assert prefix is None or isinstance(prefix, str)
    assignment = parse_assignment(address, prefix)
    check_on_link(key, assignment, link)
    return assignment


def check_database(connection: sqlite3.Connection, path: str, link: IPv6Network | None = None) -> int:
    """
    Check every row of an assignments database.

    :param connection: the open database
    :param path: its file, for messages
    :param link: when given, every address must be inside this link prefix
    :return: the number of entries
    :raises ConfigError: naming the file and the entry of the first problem
    """
    count = 0
    key: object = None
    try:
        for key, address, prefix in connection.execute('SELECT id, address, prefix FROM assignments'):
            _entry(key, address, prefix, link)
            count += 1
    except sqlite3.Error as error:
        raise ConfigError(f"not a readable assignments database: {error}", path) from None
    except ValueError as error:
        raise ConfigError(f"entry {key!r}: {error}", path) from None
    return count


class SQLiteAssignmentSource(AssignmentSource):
    """
    Assignments looked up in an SQLite database, opened read-only. One connection serves all threads behind a lock (a
    lookup by primary key takes microseconds).

    :ivar path: the database file
    :ivar link: the link prefix every address must be inside, or None
    :ivar check_interval: the least number of seconds between two looks at whether the file was replaced
    """

    def __init__(self, path: str, link: IPv6Network | None = None, check_interval: float = 1.0):
        """
        Open and check the database.

        :param path: the database file
        :param link: when given, every address must be inside this link prefix
        :param check_interval: seconds between looks at whether the file was replaced
        :raises ConfigError: when the database is not usable
        :raises OSError: when the file does not exist or cannot be read
        """
        self.path = path
        self.link = link
        self.check_interval = check_interval
        self._lock = threading.Lock()
        self._connection: sqlite3.Connection | None
        # The version of the file last looked at (None: it could not be seen), so each version is tried only once
        self._seen: Signature | None
        self._connection, self._seen = self._open()
        self._next_check = time.monotonic() + check_interval
        self._reopening = False

    def _open(self) -> tuple[sqlite3.Connection, Signature]:
        """Open and check the file as it is now; the signature is taken first, so a later change is never missed."""
        signature = _signature(self.path)
        uri = Path(os.path.abspath(self.path)).as_uri() + '?mode=ro'
        try:
            connection = sqlite3.connect(uri, uri=True, check_same_thread=False)
        except sqlite3.Error as error:
            raise ConfigError(f"cannot open the assignments database: {error}", self.path) from None
        try:
            count = check_database(connection, self.path, self.link)
        except BaseException:
            connection.close()
            raise
        logger.debug("Opened %s with %d assignments", self.path, count)
        return connection, signature

    def refresh(self, force: bool = False) -> None:
        """
        Switch to a new version of the file when there is one and it passes the checks. Called before every lookup;
        it only looks at the file once per :attr:`check_interval` (unless `force`), and only one thread at a time
        opens a new version while the others keep using the current one.

        :param force: look now
        """
        now = time.monotonic()
        with self._lock:
            if self._reopening or self._connection is None or (now < self._next_check and not force):
                return
            self._next_check = now + self.check_interval
            try:
                signature: Signature | None = _signature(self.path)
            except OSError as error:
                signature = None
                if self._seen is not None:
                    logger.warning("Cannot see %s (%s): keeping the assignments read before", self.path, error)
            if signature == self._seen:
                return
            self._seen = signature
            if signature is None:
                return
            self._reopening = True
        old = None
        try:
            connection, signature = self._open()
        except (ConfigError, OSError) as error:
            logger.error("Keeping the assignments read before, because the new %s is not usable: %s", self.path,
                         error)
        else:
            with self._lock:
                if self._connection is None:
                    old = connection
                else:
                    old, self._connection = self._connection, connection
                    self._seen = signature
                    logger.info("Switched to the new version of %s", self.path)
        finally:
            with self._lock:
                self._reopening = False
            if old is not None:
                old.close()

    def find_entry(self, keys: Iterable[str]) -> tuple[str, Assignment] | None:
        wanted = list(keys)
        if not wanted:
            return None
        self.refresh()
        query = f'SELECT id, address, prefix FROM assignments WHERE id IN ({", ".join("?" * len(wanted))})'
        with self._lock:
            if self._connection is None:
                raise AssignmentSourceError(f"{self.path} is closed")
            try:
                rows = self._connection.execute(query, wanted).fetchall()
            except sqlite3.Error as error:
                raise AssignmentSourceError(f"cannot read {self.path}: {error}") from None
        found = {row[0]: row for row in rows}
        for key in wanted:
            if key in found:
                _key, address, prefix = found[key]
                try:
                    return key, _entry(key, address, prefix, self.link)
                except ValueError as error:
                    # Only possible when someone changed the file in place instead of replacing it
                    logger.error("Ignoring entry %r of %s: %s", key, self.path, error)
        return None

    def get(self, key: str) -> Assignment | None:
        entry = self.find_entry([key])
        return entry[1] if entry else None

    def close(self) -> None:
        with self._lock:
            connection, self._connection = self._connection, None
        if connection is not None:
            connection.close()
