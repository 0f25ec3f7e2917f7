"""address_text and network_text give exactly what str() gives, for every address."""
from ipaddress import IPv6Address, IPv6Network

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dhcpkit.ipv6.text import address_text, network_text


@pytest.mark.parametrize('text', ['::', '::1', '::ffff:1.2.3.4', '::1.2.3.4', '::ffff:0:1.2.3.4', '64:ff9b::1.2.3.4',
                                  '2001:db8::1', '2001:db8:0:1::', '2001:0:0:1::1', '1:0:0:2:0:0:0:3', 'fe80::1',
                                  'ff02::1:2', '2001:db8:1:2:3:4:5:6', '0:1:0:1:0:1:0:1', '::2:0:0:3'])
def test_known_forms(text: str) -> None:
    address = IPv6Address(text)
    assert address_text(address) == str(address)


@given(st.integers(0, 2 ** 128 - 1))
def test_any_address(value: int) -> None:
    address = IPv6Address(value)
    assert address_text(address) == str(address)


@given(st.sampled_from([0, 0xffff, 0xffff0000, 0x64ff9b]).flatmap(
    lambda high: st.integers(0, 2 ** 32 - 1).map(lambda low: (high << 32) | low)))
def test_addresses_with_ipv4_parts(value: int) -> None:
    address = IPv6Address(value)
    assert address_text(address) == str(address)


@given(st.integers(0, 2 ** 128 - 1), st.integers(0, 128))
def test_any_prefix(value: int, length: int) -> None:
    network = IPv6Network((value >> (128 - length) << (128 - length) if length else 0, length))
    assert network_text(network) == str(network)
