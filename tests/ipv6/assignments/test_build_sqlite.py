"""
``ipv6-dhcp-build-sqlite`` (:mod:`dhcpkit.ipv6.assignments.build_sqlite`): builds the database from a CSV file, checks
every row first, and replaces a live database atomically.
"""
import os
import sqlite3
import stat
import subprocess
import sys
import threading
from ipaddress import IPv6Address, IPv6Network
from pathlib import Path

import pytest

from dhcpkit.ipv6.assignments import Assignment
from dhcpkit.ipv6.assignments.build_sqlite import run
from dhcpkit.ipv6.assignments.sqlite_source import SQLiteAssignmentSource

CSV = '''id,address,prefix
DUID:000300010011223344FF,2001:db8:0:1::100,2001:db8:200::/48
interface-id-str:Fa2/3,2001:db8:0:1::101,
remote-id:9:0102,,2001:db8:202::/48
remote-id-str:40208:SIII-Tester,2001:db8:0:1::103,2001:db8:203::/48
'''
ROWS = [
    ('duid:000300010011223344ff', '2001:db8:0:1::100', '2001:db8:200::/48'),
    ('interface-id-str:Fa2/3', '2001:db8:0:1::101', None),
    ('remote-id:9:0102', None, '2001:db8:202::/48'),
    ('remote-id-str:40208:SIII-Tester', '2001:db8:0:1::103', '2001:db8:203::/48'),
]


def csv_file(tmp_path: Path, text: str = CSV, name: str = 'assignments.csv') -> str:
    path = tmp_path / name
    path.write_text(text, encoding='utf-8')
    return str(path)


def rows_of(database: str) -> list[tuple[str, str | None, str | None]]:
    connection = sqlite3.connect(database)
    try:
        return list(connection.execute('SELECT id, address, prefix FROM assignments ORDER BY rowid'))
    finally:
        connection.close()


def leftovers(tmp_path: Path) -> list[str]:
    return sorted(name for name in os.listdir(tmp_path) if name.endswith(('.tmp', '-journal')))


def test_builds_a_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    database = str(tmp_path / 'assignments.sqlite')
    assert run([csv_file(tmp_path), database]) == 0
    assert rows_of(database) == ROWS
    assert 'Wrote 4 assignments' in capsys.readouterr().out
    assert leftovers(tmp_path) == []
    assert stat.S_IMODE(os.stat(database).st_mode) & 0o444 == 0o444 & ~_umask()


def _umask() -> int:
    umask = os.umask(0o022)
    os.umask(umask)
    return umask


def test_refuses_to_replace_without_force(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    database = tmp_path / 'assignments.sqlite'
    database.write_bytes(b'precious')
    assert run([csv_file(tmp_path), str(database)]) == 1
    assert 'use -f' in capsys.readouterr().err
    assert database.read_bytes() == b'precious'


def test_force_replaces_and_keeps_the_permissions(tmp_path: Path) -> None:
    database = str(tmp_path / 'assignments.sqlite')
    assert run([csv_file(tmp_path, CSV.replace('::103', '::104')), database]) == 0
    os.chmod(database, 0o640)
    inode = os.stat(database).st_ino
    assert run(['-f', csv_file(tmp_path), database]) == 0
    assert rows_of(database) == ROWS
    assert os.stat(database).st_ino != inode, "the file is replaced, not changed in place"
    assert stat.S_IMODE(os.stat(database).st_mode) == 0o640
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize('bad_csv', [
    'id,address,prefix\nduid:00,2001:db8::1,\nduid:00,2001:db8::2,\n',
    'id,address,prefix\nduid:00,not-an-address,\n',
    'id,address\nduid:00,2001:db8::1\n',
])
def test_bad_csv_leaves_the_old_database(tmp_path: Path, capsys: pytest.CaptureFixture[str], bad_csv: str) -> None:
    database = str(tmp_path / 'assignments.sqlite')
    assert run([csv_file(tmp_path), database]) == 0
    before = Path(database).read_bytes()
    capsys.readouterr()
    bad = csv_file(tmp_path, bad_csv, 'bad.csv')
    assert run(['--force', bad, database]) == 1
    error = capsys.readouterr().err
    assert f'{bad}:' in error
    assert Path(database).read_bytes() == before
    assert rows_of(database) == ROWS
    assert leftovers(tmp_path) == []


def test_missing_csv(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run([str(tmp_path / 'missing.csv'), str(tmp_path / 'assignments.sqlite')]) == 1
    assert 'missing.csv' in capsys.readouterr().err
    assert os.listdir(tmp_path) == []


def test_refuses_to_overwrite_the_csv_itself(tmp_path: Path) -> None:
    path = csv_file(tmp_path)
    assert run(['-f', path, path]) == 1
    assert Path(path).read_text(encoding='utf-8') == CSV


def test_unwritable_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run([csv_file(tmp_path), str(tmp_path / 'no-such-directory' / 'assignments.sqlite')]) == 1
    assert 'cannot build' in capsys.readouterr().err


def test_wrong_arguments() -> None:
    with pytest.raises(SystemExit) as excinfo:
        run(['only-one-argument'])
    assert excinfo.value.code == 2


def test_command_line(tmp_path: Path) -> None:
    database = str(tmp_path / 'assignments.sqlite')
    result = subprocess.run([sys.executable, '-m', 'dhcpkit.ipv6.assignments.build_sqlite', csv_file(tmp_path),
                             database], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert rows_of(database) == ROWS


def test_replacing_under_a_reading_server(tmp_path: Path) -> None:
    """A server thread keeps looking up while the database is rebuilt again and again: every answer is complete."""
    database = str(tmp_path / 'assignments.sqlite')
    first = csv_file(tmp_path, CSV, 'first.csv')
    second = csv_file(tmp_path, CSV.replace('::100', '::200'), 'second.csv')
    assert run([first, database]) == 0
    source = SQLiteAssignmentSource(database, IPv6Network('2001:db8:0:1::/64'), check_interval=0)
    answers = {Assignment(IPv6Address(f'2001:db8:0:1::{number}'), IPv6Network('2001:db8:200::/48'))
               for number in (100, 200)}
    problems: list[str] = []
    lookups = 0
    stop = threading.Event()

    def read() -> None:
        nonlocal lookups
        while not stop.is_set():
            try:
                found = source.find(['duid:000300010011223344ff'])
            except Exception as error:  # any failure of the reader is what this test looks for
                problems.append(repr(error))
                return
            if found not in answers:
                problems.append(f"unexpected answer {found!r}")
            lookups += 1

    reader = threading.Thread(target=read)
    reader.start()
    try:
        for number in range(30):
            assert run(['-f', second if number % 2 == 0 else first, database]) == 0
    finally:
        stop.set()
        reader.join()
    assert problems == []
    assert lookups > 0
    assert source.get('duid:000300010011223344ff') == \
        Assignment(IPv6Address('2001:db8:0:1::100'), IPv6Network('2001:db8:200::/48'))
    source.close()
    assert leftovers(tmp_path) == []
