"""
Assignments from an SQLite database (:mod:`dhcpkit.ipv6.assignments.sqlite_source`): lookups, the checks when it is
opened, read-only access, and switching to a replaced file while it is in use.
"""
import logging
import os
import sqlite3
import threading
from ipaddress import IPv6Address, IPv6Network
from pathlib import Path

import pytest

from dhcpkit.ipv6.assignments import Assignment, AssignmentSourceError
from dhcpkit.ipv6.assignments.build_sqlite import build_database
from dhcpkit.ipv6.assignments.sqlite_source import SCHEMA, SQLiteAssignmentSource
from dhcpkit.ipv6.config import ConfigError

LINK = IPv6Network('2001:db8:0:1::/64')
DUID_KEY = 'duid:000300010011223344ff'

FIRST = '''id,address,prefix
duid:000300010011223344ff,2001:db8:0:1::100,2001:db8:200::/48
interface-id-str:Fa2/3,2001:db8:0:1::101,
remote-id:9:0102,,2001:db8:202::/48
'''
SECOND = FIRST.replace('2001:db8:0:1::100', '2001:db8:0:1::200')


def build(tmp_path: Path, text: str, name: str = 'assignments.sqlite') -> str:
    """Build a database from CSV text the way the build tool does, replacing any database of that name."""
    csv_path = tmp_path / 'assignments.csv'
    csv_path.write_text(text, encoding='utf-8')
    database = str(tmp_path / name)
    build_database(str(csv_path), database)
    return database


def handmade(tmp_path: Path, rows: list[tuple[object, object, object]], schema: str = SCHEMA) -> str:
    """A database made without the build tool."""
    database = str(tmp_path / 'handmade.sqlite')
    connection = sqlite3.connect(database)
    with connection:
        connection.execute(schema)
        if rows:
            connection.executemany('INSERT INTO assignments VALUES (?, ?, ?)', rows)
    connection.close()
    return database


def test_lookups(tmp_path: Path) -> None:
    source = SQLiteAssignmentSource(build(tmp_path, FIRST), LINK)
    try:
        assert source.get(DUID_KEY) == Assignment(IPv6Address('2001:db8:0:1::100'), IPv6Network('2001:db8:200::/48'))
        assert source.get('interface-id-str:Fa2/3') == Assignment(IPv6Address('2001:db8:0:1::101'), None)
        assert source.get('remote-id:9:0102') == Assignment(None, IPv6Network('2001:db8:202::/48'))
        assert source.get('remote-id:9:0103') is None
        # One query for all keys, and still the first key in the caller's order wins
        assert source.find_entry(['duid:00', 'remote-id:9:0102', DUID_KEY]) == \
            ('remote-id:9:0102', Assignment(None, IPv6Network('2001:db8:202::/48')))
        assert source.find([]) is None
        assert source.find(['duid:00']) is None
    finally:
        source.close()


def test_opened_read_only(tmp_path: Path) -> None:
    source = SQLiteAssignmentSource(build(tmp_path, FIRST))
    connection = source._connection
    assert connection is not None
    with pytest.raises(sqlite3.OperationalError, match='readonly'):
        connection.execute("INSERT INTO assignments VALUES ('duid:01', '2001:db8::1', NULL)")
    source.close()


def test_closed_source_cannot_answer(tmp_path: Path) -> None:
    source = SQLiteAssignmentSource(build(tmp_path, FIRST))
    source.close()
    source.close()
    with pytest.raises(AssignmentSourceError):
        source.find([DUID_KEY])


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(OSError):
        SQLiteAssignmentSource(str(tmp_path / 'missing.sqlite'))


def test_address_outside_the_link(tmp_path: Path) -> None:
    database = build(tmp_path, FIRST)
    with pytest.raises(ConfigError) as excinfo:
        SQLiteAssignmentSource(database, IPv6Network('2001:db8:0:2::/64'))
    assert excinfo.value.filename == database
    assert f"entry '{DUID_KEY}'" in str(excinfo.value)
    assert 'not inside the link prefix 2001:db8:0:2::/64' in str(excinfo.value)


@pytest.mark.parametrize('rows, words', [
    ([('DUID:00', '2001:db8:0:1::1', None)], "must be written as 'duid:00'"),
    ([('mac:00', '2001:db8:0:1::1', None)], 'not a key'),
    ([('duid:00', '2001:db8:0:1::x', None)], 'IPv6 address'),
    ([('duid:00', None, None)], 'neither an address nor a prefix'),
    ([('duid:00', '', '')], 'neither an address nor a prefix'),
    ([('duid:00', b'\x20\x01', None)], 'must hold text'),
    ([('duid:00', None, '2001:db8:200::1/48')], 'host bits'),
])
def test_bad_rows(tmp_path: Path, rows: list[tuple[object, object, object]], words: str) -> None:
    database = handmade(tmp_path, rows)
    with pytest.raises(ConfigError) as excinfo:
        SQLiteAssignmentSource(database, LINK)
    assert excinfo.value.filename == database
    assert words in str(excinfo.value)


def test_not_an_assignments_database(tmp_path: Path) -> None:
    database = handmade(tmp_path, [], 'CREATE TABLE other (id TEXT, address TEXT, prefix TEXT)')
    with pytest.raises(ConfigError, match='not a readable assignments database'):
        SQLiteAssignmentSource(database)
    text_file = tmp_path / 'text.sqlite'
    text_file.write_text('id,address,prefix\n' * 100)
    with pytest.raises(ConfigError, match='not a readable assignments database'):
        SQLiteAssignmentSource(str(text_file))


def test_switches_to_a_replaced_file(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    database = build(tmp_path, FIRST)
    source = SQLiteAssignmentSource(database, LINK, check_interval=0)
    assert source.find([DUID_KEY]) == Assignment(IPv6Address('2001:db8:0:1::100'), IPv6Network('2001:db8:200::/48'))
    build(tmp_path, SECOND)
    with caplog.at_level(logging.INFO):
        assert source.find([DUID_KEY]) == Assignment(IPv6Address('2001:db8:0:1::200'),
                                                     IPv6Network('2001:db8:200::/48'))
    assert 'Switched to the new version' in caplog.text
    source.close()


def test_looks_at_the_file_at_most_once_per_interval(tmp_path: Path) -> None:
    database = build(tmp_path, FIRST)
    source = SQLiteAssignmentSource(database, LINK, check_interval=3600)
    build(tmp_path, SECOND)
    assert source.find([DUID_KEY]) == Assignment(IPv6Address('2001:db8:0:1::100'), IPv6Network('2001:db8:200::/48'))
    source.refresh(force=True)
    assert source.find([DUID_KEY]) == Assignment(IPv6Address('2001:db8:0:1::200'), IPv6Network('2001:db8:200::/48'))
    source.close()


def test_keeps_serving_when_the_new_file_is_bad(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    database = build(tmp_path, FIRST)
    source = SQLiteAssignmentSource(database, LINK, check_interval=0)
    # A database with an address outside the link replaces the good one
    build(tmp_path, FIRST.replace('2001:db8:0:1::101', '2001:db8:0:9::101'))
    with caplog.at_level(logging.ERROR):
        assert source.get(DUID_KEY) == Assignment(IPv6Address('2001:db8:0:1::100'),
                                                  IPv6Network('2001:db8:200::/48'))
        assert source.get('interface-id-str:Fa2/3') == Assignment(IPv6Address('2001:db8:0:1::101'), None)
    errors = [record for record in caplog.records if record.levelno == logging.ERROR]
    assert len(errors) == 1, "a rejected file is not tried (and reported) again until it changes"
    assert 'not inside the link prefix' in errors[0].getMessage()
    # A good version after the bad one is taken
    build(tmp_path, SECOND)
    assert source.get(DUID_KEY) == Assignment(IPv6Address('2001:db8:0:1::200'), IPv6Network('2001:db8:200::/48'))
    source.close()


def test_keeps_serving_when_the_file_disappears(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    database = build(tmp_path, FIRST)
    source = SQLiteAssignmentSource(database, LINK, check_interval=0)
    os.unlink(database)
    with caplog.at_level(logging.WARNING):
        for _ in range(3):
            assert source.get(DUID_KEY) == Assignment(IPv6Address('2001:db8:0:1::100'),
                                                      IPv6Network('2001:db8:200::/48'))
    assert [record.levelno for record in caplog.records] == [logging.WARNING]
    build(tmp_path, SECOND)
    assert source.get(DUID_KEY) == Assignment(IPv6Address('2001:db8:0:1::200'), IPv6Network('2001:db8:200::/48'))
    source.close()


def test_many_threads_while_the_file_is_replaced(tmp_path: Path) -> None:
    database = build(tmp_path, FIRST)
    source = SQLiteAssignmentSource(database, LINK, check_interval=0)
    expected = {IPv6Address('2001:db8:0:1::100'), IPv6Address('2001:db8:0:1::200')}
    errors: list[BaseException] = []
    seen: set[IPv6Address | None] = set()
    stop = threading.Event()

    def read() -> None:
        while not stop.is_set():
            try:
                assignment = source.find(['duid:00', DUID_KEY])
                assert assignment is not None
                seen.add(assignment.address)
            except BaseException as error:  # noqa: B902 - any failure counts
                errors.append(error)
                return

    readers = [threading.Thread(target=read) for _ in range(4)]
    for reader in readers:
        reader.start()
    for number in range(20):
        build(tmp_path, SECOND if number % 2 == 0 else FIRST)
    build(tmp_path, SECOND)
    stop.set()
    for reader in readers:
        reader.join()
    assert errors == []
    assert seen <= expected and seen
    assert source.get(DUID_KEY) == Assignment(IPv6Address('2001:db8:0:1::200'), IPv6Network('2001:db8:200::/48'))
    source.close()
