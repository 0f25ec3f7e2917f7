"""
``ipv6-dhcp-build-sqlite [-f] CSV DB``: build the SQLite database of
:class:`~dhcpkit.ipv6.assignments.sqlite_source.SQLiteAssignmentSource` from an assignments CSV file.

Every row is checked as the CSV source checks it; a bad row stops the tool before anything is written. The database is
written to a temporary file in the directory of DB and then renamed over DB, so a server reading DB always sees either
the whole old database or the whole new one, and switches to the new one by itself.
"""
import argparse
import contextlib
import os
import sqlite3
import sys
import tempfile
from collections.abc import Sequence

from dhcpkit.ipv6.assignments import Assignment
from dhcpkit.ipv6.assignments.csv_source import read_csv
from dhcpkit.ipv6.assignments.sqlite_source import SCHEMA
from dhcpkit.ipv6.config import ConfigError

__all__ = ['run', 'build_database', 'write_database']


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog='ipv6-dhcp-build-sqlite',
        description="Build the SQLite database of static assignments from a CSV file with the columns "
                    "id,address,prefix. The new database replaces DB atomically, so this is safe while a server "
                    "reads DB.")
    parser.add_argument('-f', '--force', action='store_true', help="replace DB when it exists")
    parser.add_argument('csv', metavar='CSV', help="the assignments CSV file")
    parser.add_argument('database', metavar='DB', help="the SQLite database to create or replace")
    return parser


def _new_file_mode(database: str) -> int:
    """The permissions of the old database, or the usual ones for a new file (the server must be able to read it)."""
    try:
        return os.stat(database).st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0o022)
        os.umask(umask)
        return 0o644 & ~umask


def write_database(path: str, entries: dict[str, Assignment]) -> None:
    """
    Write entries into a new, empty database file and make it durable.

    :param path: the file (existing and empty, or absent)
    :param entries: the entries by normalized key
    """
    connection = sqlite3.connect(path)
    try:
        connection.execute('PRAGMA journal_mode = DELETE')
        with connection:
            connection.execute(SCHEMA)
            connection.executemany(
                'INSERT INTO assignments (id, address, prefix) VALUES (?, ?, ?)',
                ((key, str(assignment.address) if assignment.address else None,
                  str(assignment.prefix) if assignment.prefix else None) for key, assignment in entries.items()))
    finally:
        connection.close()
    with open(path, 'rb') as database_file:
        os.fsync(database_file.fileno())


def _sync_directory(directory: str) -> None:
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def build_database(csv_path: str, database: str) -> int:
    """
    Build a database from a CSV file and put it in place of `database` in one atomic rename.

    :param csv_path: the assignments CSV file
    :param database: the database file to create or replace
    :return: the number of entries written
    :raises ConfigError: for a bad row in the CSV file (nothing is written then)
    :raises OSError: when a file cannot be read or written
    :raises sqlite3.Error: when the database cannot be written
    """
    entries = read_csv(csv_path)
    directory = os.path.dirname(os.path.abspath(database))
    descriptor, temporary = tempfile.mkstemp(dir=directory, prefix=f'.{os.path.basename(database)}.',
                                             suffix='.tmp')
    os.close(descriptor)
    try:
        os.chmod(temporary, _new_file_mode(database))
        write_database(temporary, entries)
        os.replace(temporary, database)
    except BaseException:
        for leftover in (temporary, temporary + '-journal'):
            with contextlib.suppress(OSError):
                os.unlink(leftover)
        raise
    _sync_directory(directory)
    return len(entries)


def run(argv: Sequence[str] | None = None) -> int:
    """
    The command line tool.

    :param argv: the arguments (without the program name); None for :data:`sys.argv`
    :return: the exit status: 0 when the database was written, 1 when not, 2 for wrong arguments
    """
    arguments = _parser().parse_args(argv)
    csv_path: str = arguments.csv
    database: str = arguments.database
    if os.path.lexists(database):
        if os.path.exists(csv_path) and os.path.samefile(csv_path, database):
            print(f"ipv6-dhcp-build-sqlite: {database} is the CSV file itself", file=sys.stderr)
            return 1
        if not arguments.force:
            print(f"ipv6-dhcp-build-sqlite: {database} exists; use -f to replace it", file=sys.stderr)
            return 1
        if os.path.isdir(database):
            print(f"ipv6-dhcp-build-sqlite: {database} is a directory", file=sys.stderr)
            return 1
    try:
        count = build_database(csv_path, database)
    except ConfigError as error:
        print(f"ipv6-dhcp-build-sqlite: {error}", file=sys.stderr)
        return 1
    except (OSError, sqlite3.Error) as error:
        print(f"ipv6-dhcp-build-sqlite: cannot build {database}: {error}", file=sys.stderr)
        return 1
    print(f"Wrote {count} assignments to {database}")
    return 0


if __name__ == '__main__':
    sys.exit(run())
