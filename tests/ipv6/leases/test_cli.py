"""
Tests for ``ipv6-dhcp-leases`` (:mod:`dhcpkit.ipv6.leases.cli`): listing as a table and as JSON, filters, deleting,
and what happens with a broken configuration or without a database.
"""
import json
import os
import re
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dhcpkit.ipv6.leases import FOREVER, LEASE_TYPE_NA, LEASE_TYPE_PD, Lease
from dhcpkit.ipv6.leases.cli import TABLE_COLUMNS, format_time, run
from dhcpkit.ipv6.leases.lifecycle import LeaseState
from dhcpkit.ipv6.leases.sqlite_store import LEASE_DATABASE_NAME, SQLiteLeaseStore

NOW = int(time.time())
NA_POOL = 'na 2001:db8:1::1:0-2001:db8:1::1:ffff'
PD_POOL = 'pd 2001:db8:100::/40/56'
DUID_A = bytes.fromhex('00030001020000000001')
DUID_B = bytes.fromhex('00030001020000000002')
IAID_1 = bytes.fromhex('00000001')
IAID_PD = bytes.fromhex('00000101')

LEASES = [
    Lease('2001:db8:1::1:10', LEASE_TYPE_NA, NA_POOL, DUID_A, IAID_1, LeaseState.BOUND, NOW + 3600, NOW + 7200, NOW),
    Lease('2001:db8:1::1:9', LEASE_TYPE_NA, NA_POOL, DUID_B, IAID_1, LeaseState.BOUND, NOW - 7200, NOW - 3600,
          NOW - 10800),                                                                          # expired
    Lease('2001:db8:1::1:a', LEASE_TYPE_NA, NA_POOL, DUID_B, IAID_1, LeaseState.RELEASED, NOW - 60, NOW - 60, NOW - 60),
    Lease('2001:db8:1::1:b', LEASE_TYPE_NA, NA_POOL, DUID_B, IAID_1, LeaseState.DECLINED, NOW - 60, NOW + 3600,
          NOW - 60),
    Lease('2001:db8:100::/56', LEASE_TYPE_PD, PD_POOL, DUID_A, IAID_PD, LeaseState.BOUND, NOW + 3600, NOW + 7200, NOW),
    Lease('2001:db8:1ff:ff00::/56', LEASE_TYPE_PD, PD_POOL, DUID_B, IAID_PD, LeaseState.BOUND, FOREVER, FOREVER, NOW),
]


def write_config(directory: Path) -> Path:
    path = directory / 'ipv6-dhcpd.ini'
    path.write_text(f"[server]\n"
                    f"duid = 0003000100aabbccddee\n"
                    f"state-directory = {directory / 'state'}\n"
                    f"\n"
                    f"[option AddressPool 2001:db8:1::/64]\n"
                    f"range = 2001:db8:1::1:0-2001:db8:1::1:ffff\n", encoding='utf-8')
    return path


@pytest.fixture
def config(tmp_path: Path) -> str:
    """A configuration whose state directory holds a lease database with LEASES in it."""
    path = write_config(tmp_path)
    store = SQLiteLeaseStore(str(tmp_path / 'state' / LEASE_DATABASE_NAME))
    try:
        for lease in LEASES:
            assert store.claim(lease, NOW)
    finally:
        store.close()
    return str(path)


def listed_json(config: str, capsys: pytest.CaptureFixture[str], *arguments: str) -> list[dict[str, object]]:
    assert run(['--config', config, '--json', *arguments]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert isinstance(listed, list)
    return listed


def resources(listed: list[dict[str, object]]) -> list[object]:
    return [entry.get('address', entry.get('prefix')) for entry in listed]


# The table

def test_table(config: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(['--config', config]) == 0
    output = capsys.readouterr()
    lines = output.out.splitlines()
    assert lines[0].split() == list(TABLE_COLUMNS)
    assert len(lines) == 1 + len(LEASES)
    # Aligned: every column starts at the same position on every line
    starts = [match.start() for match in re.finditer(r'\S+', lines[0])]
    for line in lines[1:]:
        assert [match.start() for match in re.finditer(r'\S+', line)] == starts, line
    rows = [line.split() for line in lines[1:]]
    # Numeric order, addresses first: ::1:9 before ::1:a before ::1:b before ::1:10
    assert [row[1] for row in rows] == ['2001:db8:1::1:9', '2001:db8:1::1:a', '2001:db8:1::1:b', '2001:db8:1::1:10',
                                        '2001:db8:100::/56', '2001:db8:1ff:ff00::/56']
    by_resource = {row[1]: row for row in rows}
    assert by_resource['2001:db8:1::1:10'] == ['na', '2001:db8:1::1:10', DUID_A.hex(), '00000001', 'bound',
                                               format_time(NOW + 3600), format_time(NOW + 7200)]
    assert by_resource['2001:db8:1::1:9'][4] == 'expired'      # the effective state
    assert by_resource['2001:db8:1::1:a'][4] == 'released'
    assert by_resource['2001:db8:1::1:b'][4] == 'declined'
    assert by_resource['2001:db8:1ff:ff00::/56'][0] == 'pd'
    assert by_resource['2001:db8:1ff:ff00::/56'][5:] == ['infinite', 'infinite']
    assert by_resource['2001:db8:100::/56'][3] == '00000101'
    assert output.err == ''


def test_table_without_matches(config: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(['--config', config, '--duid', 'ffff']) == 0
    assert capsys.readouterr().out.strip() == 'No leases'


def test_format_time() -> None:
    assert format_time(1795600800) == '2026-11-25T10:00:00Z'
    assert format_time(0) == '1970-01-01T00:00:00Z'
    assert format_time(FOREVER) is None


# JSON

def test_json(config: str, capsys: pytest.CaptureFixture[str]) -> None:
    listed = listed_json(config, capsys)
    assert len(listed) == len(LEASES)
    by_resource = {entry.get('address', entry.get('prefix')): entry for entry in listed}
    assert by_resource['2001:db8:1::1:10'] == {
        'type': 'na', 'address': '2001:db8:1::1:10', 'duid': DUID_A.hex(), 'iaid': '00000001', 'state': 'bound',
        'preferred-until': format_time(NOW + 3600), 'valid-until': format_time(NOW + 7200),
        'updated': format_time(NOW), 'pool': NA_POOL}
    assert by_resource['2001:db8:1ff:ff00::/56'] == {
        'type': 'pd', 'prefix': '2001:db8:1ff:ff00::/56', 'duid': DUID_B.hex(), 'iaid': '00000101', 'state': 'bound',
        'preferred-until': None, 'valid-until': None, 'updated': format_time(NOW), 'pool': PD_POOL}
    assert by_resource['2001:db8:1::1:9']['state'] == 'expired'
    for entry in listed:
        assert ('address' in entry) == (entry['type'] == 'na') and ('prefix' in entry) == (entry['type'] == 'pd')
        for key in ('preferred-until', 'valid-until', 'updated'):
            value = entry[key]
            assert value is None or re.fullmatch(r'\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ', str(value)), value


def test_json_empty(config: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert listed_json(config, capsys, '--address', '2001:db8::dead') == []


def test_declined_past_quarantine_shows_free(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = str(write_config(tmp_path))
    store = SQLiteLeaseStore(str(tmp_path / 'state' / LEASE_DATABASE_NAME))
    assert store.claim(Lease('2001:db8:1::1:1', LEASE_TYPE_NA, NA_POOL, DUID_A, IAID_1, LeaseState.DECLINED,
                             NOW - 100, NOW - 1, NOW - 100), NOW)
    store.close()
    assert [entry['state'] for entry in listed_json(config, capsys)] == ['free']


# Filters

def test_filter_by_duid(config: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert resources(listed_json(config, capsys, '--duid', DUID_A.hex())) == ['2001:db8:1::1:10', '2001:db8:100::/56']
    colons = ':'.join(f'{byte:02x}' for byte in DUID_B)
    assert len(listed_json(config, capsys, '--duid', colons)) == 4


def test_filter_by_address(config: str, capsys: pytest.CaptureFixture[str]) -> None:
    # Any spelling of the address finds it; only exact matches
    assert resources(listed_json(config, capsys, '--address', '2001:0db8:1:0::1:000a')) == ['2001:db8:1::1:a']
    assert resources(listed_json(config, capsys, '--address', '2001:db8:1::1:1')) == []
    # A PD lease never matches an address
    assert resources(listed_json(config, capsys, '--address', '2001:db8:100::')) == []


def test_filter_by_prefix(config: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert resources(listed_json(config, capsys, '--prefix', '2001:db8:100::/40')) == [
        '2001:db8:100::/56', '2001:db8:1ff:ff00::/56']
    assert resources(listed_json(config, capsys, '--prefix', '2001:db8:100::/48')) == ['2001:db8:100::/56']
    assert resources(listed_json(config, capsys, '--prefix', '2001:db8:100::/56')) == ['2001:db8:100::/56']
    # A longer prefix is inside the lease, not the lease inside it
    assert resources(listed_json(config, capsys, '--prefix', '2001:db8:100::/64')) == []
    # NA leases never match a prefix, even when the address is inside it
    assert resources(listed_json(config, capsys, '--prefix', '2001:db8:1::/64')) == []


def test_filters_combine(config: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert resources(listed_json(config, capsys, '--prefix', '2001:db8:100::/40', '--duid', DUID_B.hex())) == [
        '2001:db8:1ff:ff00::/56']


@pytest.mark.parametrize('arguments', [
    ['--duid', 'xyz'], ['--duid', ''], ['--address', '2001:db8::/64'], ['--address', '10.0.0.1'],
    ['--prefix', '2001:db8::1/64'], ['--prefix', 'nonsense'], ['--delete', 'nonsense'],
    ['--delete', '2001:db8:1::1:10', '--json'], ['--delete', '2001:db8:1::1:10', '--duid', 'aa'],
])
def test_bad_arguments(config: str, capsys: pytest.CaptureFixture[str], arguments: list[str]) -> None:
    with pytest.raises(SystemExit) as info:
        run(['--config', config, *arguments])
    assert info.value.code == 2
    assert 'ipv6-dhcp-leases' in capsys.readouterr().err


def test_config_is_required(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        run([])
    assert info.value.code == 2
    assert '--config' in capsys.readouterr().err


# Deleting

def test_delete(config: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(['--config', config, '--delete', '2001:db8:1::1:10']) == 0
    assert '2001:db8:1::1:10' in capsys.readouterr().out
    assert '2001:db8:1::1:10' not in resources(listed_json(config, capsys))
    # A prefix, written differently
    assert run(['--config', config, '--delete', '2001:0db8:0100:0::/56']) == 0
    capsys.readouterr()
    assert len(listed_json(config, capsys)) == len(LEASES) - 2
    # Really gone from the file
    connection = sqlite3.connect(tmp_path / 'state' / LEASE_DATABASE_NAME)
    assert connection.execute('SELECT COUNT(*) FROM leases').fetchone()[0] == len(LEASES) - 2
    connection.close()


def test_delete_unknown(config: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(['--config', config, '--delete', '2001:db8:1::1:1']) == 1
    output = capsys.readouterr()
    assert 'no lease for 2001:db8:1::1:1' in output.err
    assert len(listed_json(config, capsys)) == len(LEASES)


# No database, broken things

def test_no_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = str(write_config(tmp_path))
    assert run(['--config', config]) == 0
    output = capsys.readouterr()
    assert output.out.strip() == 'No leases'
    assert 'no lease database' in output.err
    assert run(['--config', config, '--json']) == 0
    assert json.loads(capsys.readouterr().out) == []
    # Looking does not create the database (the tool may run as another user than the server)
    assert not (tmp_path / 'state').exists()
    assert run(['--config', config, '--delete', '2001:db8:1::1:1']) == 1
    assert 'no lease database' in capsys.readouterr().err
    assert not (tmp_path / 'state').exists()


@pytest.mark.parametrize('text', [
    '[server]\nthreads = many\n',
    '[server]\nduid = 0003000100aabbccddee\nno-such-key = 1\n',
    '[nonsense]\n',
    '[server]\nduid = 0003000100aabbccddee\n'
    '[option AddressPool 2001:db8:1::/64]\nrange = 2001:db8:2::1-2001:db8:2::5\n',
])
def test_broken_config(tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str) -> None:
    path = tmp_path / 'broken.ini'
    path.write_text(text, encoding='utf-8')
    assert run(['--config', str(path)]) == 1
    output = capsys.readouterr()
    assert output.out == ''
    assert output.err.startswith('ipv6-dhcp-leases: invalid configuration:')
    assert re.search(r'broken\.ini:\d+:', output.err), output.err  # file and line
    assert len(output.err.splitlines()) == 1  # a message, not a traceback


def test_missing_config(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(['--config', str(tmp_path / 'nope.ini')]) == 1
    assert 'nope.ini' in capsys.readouterr().err


def test_not_a_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = str(write_config(tmp_path))
    (tmp_path / 'state').mkdir()
    (tmp_path / 'state' / LEASE_DATABASE_NAME).write_bytes(b'this is not sqlite' * 100)
    assert run(['--config', config]) == 1
    output = capsys.readouterr()
    assert 'cannot read the lease database' in output.err
    assert len(output.err.splitlines()) == 1


# The installed script

def test_installed_script(config: str) -> None:
    script = Path(sys.executable).parent / 'ipv6-dhcp-leases'
    command = [str(script)] if script.exists() else [sys.executable, '-m', 'dhcpkit.ipv6.leases.cli']
    result = subprocess.run([*command, '--config', config, '--json', '--duid', DUID_A.hex()],
                            capture_output=True, text=True, timeout=60, env={**os.environ, 'PYTHONWARNINGS': 'ignore'})
    assert result.returncode == 0, result.stderr
    assert resources(json.loads(result.stdout)) == ['2001:db8:1::1:10', '2001:db8:100::/56']
    result = subprocess.run([*command, '--config', config, '--delete', '2001:db8:1::1:ffff'],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert 'no lease for 2001:db8:1::1:ffff' in result.stderr
