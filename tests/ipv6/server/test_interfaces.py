"""Tests for dhcpkit.ipv6.server.interfaces: which interfaces and destinations the server listens on."""
from ipaddress import IPv6Address
from typing import Any

import pytest

from dhcpkit.ipv6.server.interfaces import Interface, NetifacesSource, find_interfaces, is_global_unicast


class FakeSource:
    """A fixed set of interfaces."""

    def __init__(self, interfaces: dict[str, tuple[int, list[str]]]):
        self.interfaces = interfaces

    def names(self) -> list[str]:
        return list(self.interfaces)

    def index(self, name: str) -> int | None:
        return self.interfaces[name][0] if name in self.interfaces else None

    def addresses(self, name: str) -> list[IPv6Address]:
        return [IPv6Address(text) for text in self.interfaces[name][1]]


SYSTEM = FakeSource({
    'lo': (1, ['::1']),
    'eth0': (2, ['2001:db8:1::1', 'fe80::1', 'fd00::1']),
    'eth1': (3, ['fe80::2']),
})


def settings(**values: Any) -> dict[str, Any]:
    base: dict[str, Any] = {'multicast': True, 'link-local-addresses': 'auto', 'global-unicast-addresses': 'none',
                            'reply-from': None}
    base.update({key.replace('_', '-'): value for key, value in values.items()})
    return base


def test_named_interface_defaults() -> None:
    table, missing = find_interfaces({'eth0': settings()}, SYSTEM)
    assert missing == []
    eth0 = table[2]
    assert eth0.name == 'eth0' and eth0.multicast
    assert eth0.link_local_addresses == (IPv6Address('fe80::1'),)
    assert eth0.global_addresses == (IPv6Address('2001:db8:1::1'), IPv6Address('fd00::1'))
    assert eth0.link_address == IPv6Address('2001:db8:1::1')
    assert eth0.accepted_addresses == {IPv6Address('fe80::1')}
    assert eth0.accepts(IPv6Address('ff02::1:2'))
    assert eth0.accepts(IPv6Address('ff05::1:3'))
    assert eth0.accepts(IPv6Address('fe80::1'))
    assert not eth0.accepts(IPv6Address('2001:db8:1::1'))
    assert not eth0.accepts(IPv6Address('ff02::1'))


def test_global_addresses_all_and_list() -> None:
    table, _missing = find_interfaces({'eth0': settings(global_unicast_addresses='all')}, SYSTEM)
    assert table[2].accepted_addresses == {IPv6Address(text) for text in ('fe80::1', '2001:db8:1::1', 'fd00::1')}
    table, _missing = find_interfaces({'eth0': settings(global_unicast_addresses=[IPv6Address('fd00::1')])}, SYSTEM)
    assert table[2].accepted_addresses == {IPv6Address('fe80::1'), IPv6Address('fd00::1')}


def test_explicit_link_local_list() -> None:
    table, _missing = find_interfaces({'eth0': settings(link_local_addresses=[IPv6Address('fe80::99')])}, SYSTEM)
    assert table[2].accepted_addresses == {IPv6Address('fe80::99')}


def test_multicast_off_accepts_no_group() -> None:
    table, _missing = find_interfaces({'eth1': settings(multicast=False)}, SYSTEM)
    assert not table[3].accepts(IPv6Address('ff02::1:2'))
    assert table[3].accepts(IPv6Address('fe80::2'))


def test_loopback_with_global_unicast_address() -> None:
    """The example configuration: lo has no link-local address and ::1 is not a link address."""
    table, _missing = find_interfaces({'lo': settings(multicast=False,
                                                      global_unicast_addresses=[IPv6Address('::1')])}, SYSTEM)
    lo = table[1]
    assert lo.accepts(IPv6Address('::1'))
    assert lo.link_address == IPv6Address('::')
    assert lo.reply_source(IPv6Address('::1')) == IPv6Address('::1')


def test_wildcard_covers_all_but_loopback_and_named_sections_win() -> None:
    table, missing = find_interfaces({'*': settings(multicast=False), 'eth1': settings(multicast=True)}, SYSTEM)
    assert missing == []
    assert sorted(table) == [2, 3]
    assert not table[2].multicast and table[3].multicast


def test_missing_interface_is_reported() -> None:
    table, missing = find_interfaces({'eth9': settings(), 'eth0': settings()}, SYSTEM)
    assert missing == ['eth9']
    assert list(table) == [2]


def test_reply_source() -> None:
    interface = Interface('eth0', 2, True, (IPv6Address('fe80::1'),), (), frozenset())
    assert interface.reply_source(IPv6Address('ff02::1:2')) == IPv6Address('fe80::1')
    assert interface.reply_source(IPv6Address('2001:db8::1')) == IPv6Address('2001:db8::1')
    assert 'eth0 (index 2): multicast' in interface.describe()


@pytest.mark.parametrize('text, expected', [
    ('2001:db8::1', True), ('fd00::1', True), ('2a00::1', True),
    ('fe80::1', False), ('::1', False), ('::', False), ('ff02::1:2', False), ('::ffff:192.0.2.1', False),
])
def test_is_global_unicast(text: str, expected: bool) -> None:
    assert is_global_unicast(IPv6Address(text)) is expected


def test_netifaces_source_sees_loopback() -> None:
    source = NetifacesSource()
    assert 'lo' in source.names()
    assert source.index('lo') == 1
    assert source.index('no-such-interface0') is None
    assert source.addresses('no-such-interface0') == []
