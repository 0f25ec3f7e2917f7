"""
Assignments from a CSV file (:mod:`dhcpkit.ipv6.assignments.csv_source`): the seed-era format, and errors that name the
file and the line.
"""
from ipaddress import IPv6Address, IPv6Network
from pathlib import Path

import pytest

from dhcpkit.ipv6.assignments import Assignment
from dhcpkit.ipv6.assignments.csv_source import CSVAssignmentSource, read_csv
from dhcpkit.ipv6.config import ConfigError

LINK = IPv6Network('2001:db8:0:1::/64')

SEED_CSV = '''id,address,prefix
duid:000300010011223344ff,2001:db8:0:1::100,2001:db8:200::/48
interface-id:4661322f34,2001:db8:0:1::104,
interface-id-str:Fa2/3,2001:db8:0:1::101,2001:db8:201::/48
remote-id:9:0102,,2001:db8:202::/48
remote-id-str:40208:SIII-Tester,2001:db8:0:1::103,2001:db8:203::/48
'''


def write(tmp_path: Path, text: str, name: str = 'assignments.csv', encoding: str = 'utf-8') -> str:
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return str(path)


def test_seed_era_file(tmp_path: Path) -> None:
    source = CSVAssignmentSource(write(tmp_path, SEED_CSV), LINK)
    assert source.entries == {
        'duid:000300010011223344ff': Assignment(IPv6Address('2001:db8:0:1::100'), IPv6Network('2001:db8:200::/48')),
        'interface-id:4661322f34': Assignment(IPv6Address('2001:db8:0:1::104'), None),
        'interface-id-str:Fa2/3': Assignment(IPv6Address('2001:db8:0:1::101'), IPv6Network('2001:db8:201::/48')),
        'remote-id:9:0102': Assignment(None, IPv6Network('2001:db8:202::/48')),
        'remote-id-str:40208:SIII-Tester': Assignment(IPv6Address('2001:db8:0:1::103'),
                                                      IPv6Network('2001:db8:203::/48')),
    }
    assert source.get('remote-id:9:0102') == Assignment(None, IPv6Network('2001:db8:202::/48'))
    assert source.get('remote-id:9:0103') is None
    assert source.find(['duid:00', 'interface-id-str:Fa2/3', 'duid:000300010011223344ff']) == \
        source.entries['interface-id-str:Fa2/3']


def test_keys_are_normalized(tmp_path: Path) -> None:
    entries = read_csv(write(tmp_path, 'id,address,prefix\nDUID:000300010011223344FF,2001:db8:0:1::100,\n'))
    assert list(entries) == ['duid:000300010011223344ff']


def test_header_order_spaces_comments_quotes_and_bom(tmp_path: Path) -> None:
    text = ('# static assignments\n'
            '\n'
            'Prefix, ID, Address\n'
            ',duid:0003000100112233,2001:db8:0:1::1\n'
            '# a comment row, with commas\n'
            ',,\n'
            '"2001:db8:300::/56", "interface-id-str:port 1, slot 2",\n'
            ' 2001:db8:301::/56 , remote-id-str:9:with:colons , 2001:db8:0:1::2 \n')
    entries = read_csv(write(tmp_path, text, encoding='utf-8-sig'), LINK)
    assert entries == {
        'duid:0003000100112233': Assignment(IPv6Address('2001:db8:0:1::1'), None),
        'interface-id-str:port 1, slot 2': Assignment(None, IPv6Network('2001:db8:300::/56')),
        'remote-id-str:9:with:colons': Assignment(IPv6Address('2001:db8:0:1::2'), IPv6Network('2001:db8:301::/56')),
    }


def test_header_only_is_an_empty_source(tmp_path: Path) -> None:
    assert read_csv(write(tmp_path, 'id,address,prefix\n')) == {}


def test_without_link_any_address_is_accepted(tmp_path: Path) -> None:
    entries = read_csv(write(tmp_path, 'id,address,prefix\nduid:00,2001:db8:9::1,\n'))
    assert entries == {'duid:00': Assignment(IPv6Address('2001:db8:9::1'), None)}


@pytest.mark.parametrize('text, line, words', [
    ('', None, 'empty file'),
    ('# only a comment\n', None, 'empty file'),
    ('id,address\nduid:00,2001:db8:0:1::1\n', 1, 'header'),
    ('id,address,prefix,comment\n', 1, 'header'),
    ('id,id,prefix\n', 1, 'header'),
    ('duid:00,2001:db8:0:1::1,\n', 1, 'header'),
    ('id,address,prefix\nduid:00,2001:db8:0:1::1\n', 2, 'expected 3 fields'),
    ('id,address,prefix\nduid:00,2001:db8:0:1::1,,\n', 2, 'expected 3 fields'),
    ('id,address,prefix\nduid:00,2001:db8:0:1::1,\nmac:0011,2001:db8:0:1::2,\n', 3, 'not a key'),
    ('id,address,prefix\nduid:0,2001:db8:0:1::1,\n', 2, 'hex digits'),
    ('id,address,prefix\nremote-id:SIII,2001:db8:0:1::1,\n', 2, 'enterprise number'),
    ('id,address,prefix\nduid:00,2001:db8:0:1::g,\n', 2, 'IPv6 address'),
    ('id,address,prefix\nduid:00,ff02::1,\n', 2, 'unicast'),
    ('id,address,prefix\nduid:00,,2001:db8:200::1/48\n', 2, 'host bits'),
    ('id,address,prefix\nduid:00,,\n', 2, 'neither an address nor a prefix'),
    ('id,address,prefix\nduid:00,2001:db8:0:2::1,\n', 2, 'not inside the link prefix 2001:db8:0:1::/64'),
    ('id,address,prefix\n\nduid:00,2001:db8:0:1::1,\n\nDUID:00,2001:db8:0:1::2,\n', 5,
     'already has an entry on line 3'),
    ('id,address,prefix\nduid:00,"2001:db8:0:1::1\n', 2, 'not valid CSV'),
    ('id,address,prefix\nduid:00,2001:db8:0:1::1,"x"y\n', 2, 'not valid CSV'),
])
def test_bad_file(tmp_path: Path, text: str, line: int | None, words: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as excinfo:
        CSVAssignmentSource(path, LINK)
    error = excinfo.value
    assert error.filename == path
    assert error.line == line
    assert words in str(error)
    assert str(error).startswith(f'{path}:{line}: ' if line else f'{path}: ')


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / 'assignments.csv'
    path.write_bytes(b'id,address,prefix\ninterface-id-str:\xff,2001:db8:0:1::1,\n')
    with pytest.raises(ConfigError) as excinfo:
        read_csv(str(path))
    assert excinfo.value.filename == str(path)
    assert 'UTF-8' in str(excinfo.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(OSError):
        CSVAssignmentSource(str(tmp_path / 'missing.csv'))
