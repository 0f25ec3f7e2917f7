"""Tests for :mod:`dhcpkit.ipv6.extensions.pd_exclude` (RFC 6603)."""
from ipaddress import IPv6Network

import pytest
from hypothesis import given

from dhcpkit.ipv6.extensions.pd_exclude import PDExcludeOption
from dhcpkit.ipv6.extensions.prefix_delegation import IAPDOption, IAPrefixOption
from dhcpkit.ipv6.option_base import Option
from dhcpkit.ipv6.options import StatusCodeOption
from dhcpkit.protocol_element import ValidationError
from tests.strategies.pd_exclude import STRATEGIES, delegated_and_excluded
from tests.wire_checks import option_module_tests

CASES = [
    (bytes.fromhex('0043 0003 40 0001'), PDExcludeOption(64, b'\x00\x01')),
    (bytes.fromhex('0043 0002 40 d0'), PDExcludeOption(64, b'\xd0')),
    (bytes.fromhex('0043 0011 80 ffffffffffffffffffffffffffffffff'), PDExcludeOption(128, b'\xff' * 16)),
    (bytes.fromhex('0043 0002 01 80'), PDExcludeOption(1, b'\x80')),
]

INVALID = [
    PDExcludeOption(0, b'\x00'),
    PDExcludeOption(129, b'\x00'),
    PDExcludeOption(64, b''),
    PDExcludeOption(64, b'\x00' * 9),  # a /64 needs at most 8 bytes (when delegated from ::/0)
    PDExcludeOption(1, b'\x00\x00'),
    PDExcludeOption(64, '00'),  # type: ignore[arg-type]
]

MALFORMED = [
    bytes.fromhex('0043 0000'),
    bytes.fromhex('0043 0001 40'),  # no subnet ID
    bytes.fromhex('0043 0012 80 ffffffffffffffffffffffffffffffff ff'),  # 17-byte subnet ID
]

# (delegated prefix, option, excluded prefix)
PREFIXES = [
    (IPv6Network('2001:db8::/48'), PDExcludeOption(64, b'\x00\x01'), IPv6Network('2001:db8:0:1::/64')),
    # Not on a byte boundary: the 5 bits after the /59 are 11010, left-aligned in one byte
    (IPv6Network('2001:db8:0:20::/59'), PDExcludeOption(64, b'\xd0'), IPv6Network('2001:db8:0:3a::/64')),
    (IPv6Network('2001:db8:0:100::/56'), PDExcludeOption(64, b'\x00'), IPv6Network('2001:db8:0:100::/64')),
    (IPv6Network('::/0'), PDExcludeOption(128, b'\xff' * 16),
     IPv6Network('ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128')),
    (IPv6Network('2001:db8::/127'), PDExcludeOption(128, b'\x80'), IPv6Network('2001:db8::1/128')),
]


# The standard tests of an option module, made from the tables above (tests/wire_checks.py)
(test_parse, test_save, test_validate, test_truncated, test_option_length_past_data, test_validate_invalid,
 test_malformed, test_roundtrip) = option_module_tests(CASES, INVALID, MALFORMED, STRATEGIES)


@pytest.mark.parametrize('delegated, option, excluded', PREFIXES)
def test_excluded_prefix(delegated: IPv6Network, option: PDExcludeOption, excluded: IPv6Network) -> None:
    assert option.excluded_prefix(delegated) == excluded
    assert PDExcludeOption.from_prefixes(delegated, excluded) == option


@pytest.mark.parametrize('delegated, option', [
    (IPv6Network('2001:db8::/64'), PDExcludeOption(64, b'\x00')),  # not longer than the delegated prefix
    (IPv6Network('2001:db8::/64'), PDExcludeOption(60, b'\x00')),
    (IPv6Network('2001:db8::/48'), PDExcludeOption(64, b'\x01')),  # 16 bits need 2 bytes
    (IPv6Network('2001:db8::/48'), PDExcludeOption(64, b'\x00\x01\x00')),
    (IPv6Network('2001:db8:0:20::/59'), PDExcludeOption(64, b'\xd4')),  # padding bit set
])
def test_excluded_prefix_mismatch(delegated: IPv6Network, option: PDExcludeOption) -> None:
    with pytest.raises(ValidationError):
        option.excluded_prefix(delegated)


@pytest.mark.parametrize('delegated, excluded', [
    (IPv6Network('2001:db8::/48'), IPv6Network('2001:db9::/64')),  # outside
    (IPv6Network('2001:db8::/48'), IPv6Network('2001:db8::/48')),  # not longer
    (IPv6Network('2001:db8::/48'), IPv6Network('2001:db8::/32')),  # shorter
])
def test_from_prefixes_rejects(delegated: IPv6Network, excluded: IPv6Network) -> None:
    with pytest.raises(ValueError):
        PDExcludeOption.from_prefixes(delegated, excluded)


@given(delegated_and_excluded())
def test_prefixes_roundtrip(pair: tuple[IPv6Network, IPv6Network]) -> None:
    delegated, excluded = pair
    option = PDExcludeOption.from_prefixes(delegated, excluded)
    option.validate()
    assert option.excluded_prefix(delegated) == excluded


def _ia_prefix(options: list[Option], prefix: IPv6Network = IPv6Network('2001:db8::/48')) -> IAPrefixOption:
    return IAPrefixOption(prefix, 3600, 7200, options)


@given(delegated_and_excluded())
def test_in_ia_prefix_roundtrip(pair: tuple[IPv6Network, IPv6Network]) -> None:
    delegated, excluded = pair
    prefix = _ia_prefix([PDExcludeOption.from_prefixes(delegated, excluded)], delegated)
    prefix.validate()
    data = prefix.save()
    used, parsed = Option.parse(data)
    assert (used, parsed) == (len(data), prefix)
    assert isinstance(parsed, IAPrefixOption)
    assert parsed.get_option_of_type(PDExcludeOption).excluded_prefix(parsed.prefix) == excluded


def test_out_of_range_parses() -> None:
    # Prefix length 0 is well-formed (validate() rejects it), so it parses and saves back
    data = bytes.fromhex('0043 0002 00 00')
    assert Option.parse(data) == (6, PDExcludeOption(0, b'\x00'))
    assert PDExcludeOption(0, b'\x00').save() == data


def test_in_ia_prefix() -> None:
    exclude = PDExcludeOption(64, b'\x00\x01')
    prefix = _ia_prefix([exclude, StatusCodeOption(0, '')])
    prefix.validate()
    data = prefix.save()
    assert Option.parse(data) == (len(data), prefix)
    assert data.endswith(exclude.save() + StatusCodeOption(0, '').save())
    with pytest.raises(ValidationError):
        _ia_prefix([exclude, exclude]).validate()
    with pytest.raises(ValidationError):
        _ia_prefix([PDExcludeOption(0, b'\x00')]).validate()
    assert not IAPDOption.may_contain(PDExcludeOption)
