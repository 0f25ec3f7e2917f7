"""
Tests for the resource arithmetic of :mod:`dhcpkit.ipv6.leases.pools`: sizes, positions, membership, and where each
client starts looking.
"""
from ipaddress import IPv6Address, IPv6Network

import pytest

from dhcpkit.ipv6.leases import LEASE_TYPE_NA, LEASE_TYPE_PD
from dhcpkit.ipv6.leases.pools import AddressRange, PrefixRange

DUID = bytes.fromhex('00030001020000000001')


def address_range(first: str, last: str) -> AddressRange:
    return AddressRange(IPv6Address(first), IPv6Address(last))


# AddressRange

@pytest.mark.parametrize(('first', 'last', 'size'), [
    ('2001:db8::1', '2001:db8::1', 1),
    ('2001:db8::1', '2001:db8::4', 4),
    ('2001:db8:1::1:0', '2001:db8:1::1:ffff', 65536),
    ('2001:db8:1::1:0', '2001:db8:1::ffff:ffff', 0xffff0000),
    ('2001:db8::', '2001:db8::ffff:ffff:ffff:ffff', 1 << 64),
])
def test_address_range_size(first: str, last: str, size: int) -> None:
    pool = address_range(first, last)
    assert pool.size == size
    assert pool.lease_type == LEASE_TYPE_NA
    assert pool.resource_at(0) == str(IPv6Address(first))
    assert pool.resource_at(size - 1) == str(IPv6Address(last))


def test_address_range_backwards_is_refused() -> None:
    with pytest.raises(ValueError, match='ends before it starts'):
        address_range('2001:db8::2', '2001:db8::1')


def test_address_range_resource_at_is_canonical() -> None:
    pool = address_range('2001:0db8:0000::00ff', '2001:db8::1:0')
    assert [pool.resource_at(index) for index in (0, 1, 2)] == ['2001:db8::ff', '2001:db8::100', '2001:db8::101']
    assert pool.resource_at(pool.size - 1) == '2001:db8::1:0'


def test_address_range_carries_across_groups() -> None:
    pool = address_range('2001:db8::fffe', '2001:db8::1:1')
    assert [pool.resource_at(index) for index in range(pool.size)] == [
        '2001:db8::fffe', '2001:db8::ffff', '2001:db8::1:0', '2001:db8::1:1']


@pytest.mark.parametrize(('resource', 'inside'), [
    ('2001:db8::10', True),
    ('2001:db8::20', True),
    ('2001:db8::15', True),
    ('2001:0db8:0::0015', True),
    ('2001:db8::f', False),
    ('2001:db8::21', False),
    ('2001:db8:1::15', False),
    ('::', False),
    ('2001:db8::10/128', False),
    ('2001:db8::/64', False),
    ('192.0.2.1', False),
    ('not an address', False),
    ('', False),
])
def test_address_range_contains(resource: str, inside: bool) -> None:
    assert address_range('2001:db8::10', '2001:db8::20').contains(resource) is inside


def test_address_range_pool_id_is_stable() -> None:
    assert address_range('2001:db8::10', '2001:db8::20').pool_id == 'na 2001:db8::10-2001:db8::20'
    assert (address_range('2001:db8::10', '2001:db8::20').pool_id
            != address_range('2001:db8::10', '2001:db8::21').pool_id)


# PrefixRange

@pytest.mark.parametrize(('aggregate', 'length', 'size'), [
    ('2001:db8:100::/40', 56, 1 << 16),
    ('2001:db8:100::/48', 64, 1 << 16),
    ('2001:db8:100::/56', 64, 256),
    ('2001:db8:100::/63', 64, 2),
    ('2001:db8::/32', 128, 1 << 96),
])
def test_prefix_range_size(aggregate: str, length: int, size: int) -> None:
    pool = PrefixRange(IPv6Network(aggregate), length)
    assert pool.size == size
    assert pool.lease_type == LEASE_TYPE_PD
    network = IPv6Network(aggregate)
    assert pool.resource_at(0) == f'{network.network_address}/{length}'
    assert IPv6Network(pool.resource_at(size - 1)).broadcast_address == network.broadcast_address


@pytest.mark.parametrize(('aggregate', 'length'), [
    ('2001:db8:100::/48', 48),
    ('2001:db8:100::/48', 40),
    ('2001:db8:100::/48', 129),
])
def test_prefix_range_bad_lengths(aggregate: str, length: int) -> None:
    with pytest.raises(ValueError, match='Delegated length'):
        PrefixRange(IPv6Network(aggregate), length)


def test_prefixes_are_aligned_and_do_not_overlap() -> None:
    aggregate = IPv6Network('2001:db8:100::/52')
    pool = PrefixRange(aggregate, 60)
    prefixes = [IPv6Network(pool.resource_at(index)) for index in range(pool.size)]  # strict: aligned or ValueError
    assert len(prefixes) == 256
    assert all(prefix.prefixlen == 60 and prefix.subnet_of(aggregate) for prefix in prefixes)
    # Consecutive and adjacent: together they cover the aggregate exactly once
    for before, after in zip(prefixes, prefixes[1:]):
        assert int(after.network_address) == int(before.broadcast_address) + 1
    assert prefixes[0].network_address == aggregate.network_address
    assert prefixes[-1].broadcast_address == aggregate.broadcast_address
    assert sorted(aggregate.subnets(new_prefix=60)) == prefixes


def test_prefix_resource_at_is_canonical() -> None:
    pool = PrefixRange(IPv6Network('2001:0db8:0100::/40'), 56)
    assert pool.resource_at(0) == '2001:db8:100::/56'
    assert pool.resource_at(1) == '2001:db8:100:100::/56'
    assert pool.resource_at(0x100) == '2001:db8:101::/56'
    assert pool.resource_at(pool.size - 1) == '2001:db8:1ff:ff00::/56'
    assert all(pool.resource_at(index) == str(IPv6Network(pool.resource_at(index))) for index in range(0, 65536, 997))


@pytest.mark.parametrize(('resource', 'inside'), [
    ('2001:db8:100::/56', True),
    ('2001:db8:1ff:ff00::/56', True),
    ('2001:db8:123:4500::/56', True),
    ('2001:db8:100::/48', False),            # the wrong length
    ('2001:db8:100::/64', False),
    ('2001:db8:100::/40', False),            # the aggregate itself
    ('2001:db8:200::/56', False),            # outside
    ('2001:db8:ff:ff00::/56', False),
    ('2001:db8:100::1/56', False),           # host bits set: not a prefix we hand out
    ('2001:db8:100::', False),               # an address is a /128
    ('not a prefix', False),
])
def test_prefix_range_contains(resource: str, inside: bool) -> None:
    assert PrefixRange(IPv6Network('2001:db8:100::/40'), 56).contains(resource) is inside


def test_prefix_range_contains_everything_it_hands_out() -> None:
    pool = PrefixRange(IPv6Network('2001:db8:100::/48'), 64)
    assert all(pool.contains(pool.resource_at(index)) for index in range(0, pool.size, 251))


# Where a client starts

def test_start_index_is_stable_per_client() -> None:
    pool = address_range('2001:db8::1', '2001:db8::ffff')
    first = pool.start_index(DUID, b'\x00\x00\x00\x01')
    assert 0 <= first < pool.size
    # The same on another instance of the same pool (after a restart or a reload)
    assert address_range('2001:db8::1', '2001:db8::ffff').start_index(DUID, b'\x00\x00\x00\x01') == first
    assert pool.start_index(DUID, b'\x00\x00\x00\x01') == first


def test_start_index_depends_on_duid_and_iaid() -> None:
    pool = address_range('2001:db8::1', '2001:db8::ffff')
    starts = {pool.start_index(bytes([0, 3, 0, 1, 2, 0, 0, 0, 0, number]), iaid.to_bytes(4, 'big'))
              for number in range(20) for iaid in range(5)}
    # 100 IAs in a pool of 65535: collisions would be suspicious
    assert len(starts) >= 98


def test_start_index_spreads_over_the_pool() -> None:
    pool = address_range('2001:db8::0', '2001:db8::3ff')
    starts = [pool.start_index(DUID, number.to_bytes(4, 'big')) for number in range(4096)]
    buckets = [0] * 4
    for start in starts:
        buckets[start * 4 // pool.size] += 1
    assert all(700 < count < 1350 for count in buckets), buckets


def test_start_index_in_a_pool_of_one() -> None:
    pool = address_range('2001:db8::1', '2001:db8::1')
    assert pool.start_index(DUID, b'\x00\x00\x00\x07') == 0


def test_candidates_start_at_the_start_index_and_wrap() -> None:
    pool = address_range('2001:db8::0', '2001:db8::9')
    iaid = b'\x00\x00\x00\x01'
    start = pool.start_index(DUID, iaid)
    everything = list(pool.candidates(DUID, iaid, 100))
    assert len(everything) == 10 and len(set(everything)) == 10
    assert everything[0] == pool.resource_at(start)
    assert everything == [pool.resource_at((start + offset) % 10) for offset in range(10)]
    assert list(pool.candidates(DUID, iaid, 3)) == everything[:3]


def test_prefix_start_index_is_stable() -> None:
    pool = PrefixRange(IPv6Network('2001:db8:100::/48'), 64)
    again = PrefixRange(IPv6Network('2001:db8:100::/48'), 64)
    assert pool.start_index(DUID, b'\x00\x00\x01\x01') == again.start_index(DUID, b'\x00\x00\x01\x01')
    assert pool.contains(next(pool.candidates(DUID, b'\x00\x00\x01\x01', 1)))


def test_address_of_parses_like_ipv6address_and_rejects_what_it_rejects() -> None:
    from dhcpkit.ipv6.leases.pools import address_of
    for text in ('2001:db8::1', '::', '::ffff:192.0.2.1', 'fe80::1:2:3:4'):
        assert address_of(text) == IPv6Address(text)
    for text in ('2001:db8::g', '2001:db8::1%eth0', '1.2.3.4', '', '2001:db8::/64'):
        with pytest.raises(ValueError):
            address_of(text)


def test_network_of_parses_like_ipv6network_and_rejects_what_it_rejects() -> None:
    from dhcpkit.ipv6.leases.pools import network_of
    for text in ('2001:db8:100::/56', '::/0', '2001:db8::1/128'):
        assert network_of(text) == IPv6Network(text)
    for text in ('2001:db8:100::1/56', '2001:db8::', '2001:db8::/129', '2001:db8::/-1', '2001:db8::/x', 'x/64', '/64'):
        with pytest.raises(ValueError):
            network_of(text)
