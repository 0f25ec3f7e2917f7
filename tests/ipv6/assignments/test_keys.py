"""
The keys that identify a client (:func:`dhcpkit.ipv6.assignments.client_keys`), in their documented order, and the
checks of what operators write (:func:`normalize_key`, :func:`parse_assignment`).
"""
from collections.abc import Sequence
from ipaddress import IPv6Address, IPv6Network

import pytest

from dhcpkit.ipv6.assignments import (KEY_KINDS, Assignment, AssignmentSource, client_keys, normalize_key,
                                      parse_assignment)
from dhcpkit.ipv6.duids import DUID, EnterpriseDUID, LinkLayerDUID, LinkLayerTimeDUID, UUIDDUID
from dhcpkit.ipv6.extensions.linklayer_id import ClientLinkLayerAddressOption
from dhcpkit.ipv6.extensions.remote_id import RemoteIdOption
from dhcpkit.ipv6.extensions.subscriber_id import SubscriberIdOption
from dhcpkit.ipv6.messages import RelayForwardMessage, SolicitMessage
from dhcpkit.ipv6.option_base import Option
from dhcpkit.ipv6.options import ClientIdOption, ElapsedTimeOption, InterfaceIdOption, RelayMessageOption
from dhcpkit.ipv6.transaction_bundle import TransactionBundle

MAC = bytes.fromhex('0011223344ff')
DUID_LL = LinkLayerDUID(1, MAC)
DUID_LL_KEY = 'duid:000300010011223344ff'
MAC_KEYS = ['linklayer-id:1:0011223344ff', 'linklayer-id-str:1:00:11:22:33:44:ff']


def bundle_for(duid: DUID | None, *relays: Sequence[Option], server_interface: bytes = b'eth0') -> TransactionBundle:
    """
    A Solicit as the server sees it.

    :param duid: the client's DUID, or None for a request without Client Identifier
    :param relays: the options of each real relay agent, the one closest to the client FIRST
    :param server_interface: the Interface-Id the listener puts in its own Relay-forward
    """
    options: list[Option] = [ClientIdOption(duid)] if duid is not None else []
    message: SolicitMessage | RelayForwardMessage = SolicitMessage(b'\x01\x02\x03', options + [ElapsedTimeOption(0)])
    for hop_count, relay_options in enumerate(relays):
        message = RelayForwardMessage(hop_count, IPv6Address('2001:db8:0:1::1'), IPv6Address(f'fe80::{hop_count + 1}'),
                                      [*relay_options, RelayMessageOption(message)])
    wrapper = RelayForwardMessage(len(relays), IPv6Address(0), IPv6Address('fe80::99'),
                                  [InterfaceIdOption(server_interface), RelayMessageOption(message)])
    return TransactionBundle(wrapper, received_over_multicast=not relays)


# The keys of a request

def test_direct_client_uses_duid_server_interface_and_duid_ll() -> None:
    assert client_keys(bundle_for(DUID_LL)) == [
        DUID_LL_KEY, 'interface-id:65746830', 'interface-id-str:eth0', *MAC_KEYS]


def test_link_layer_address_from_duid_llt() -> None:
    duid = LinkLayerTimeDUID(6, 0x12345678, bytes.fromhex('0a0b0c0d0e0f'))
    keys = client_keys(bundle_for(duid))
    assert keys[0] == 'duid:' + duid.save().hex()
    assert keys[-2:] == ['linklayer-id:6:0a0b0c0d0e0f', 'linklayer-id-str:6:0a:0b:0c:0d:0e:0f']


@pytest.mark.parametrize('duid', [EnterpriseDUID(40208, b'client-1'), UUIDDUID()])
def test_no_link_layer_address_from_other_duids(duid: DUID) -> None:
    assert not any(key.startswith('linklayer-id') for key in client_keys(bundle_for(duid)))


def test_without_client_id_there_is_no_duid_key() -> None:
    assert client_keys(bundle_for(None)) == ['interface-id:65746830', 'interface-id-str:eth0']


def test_relay_interface_id_replaces_the_server_interface() -> None:
    keys = client_keys(bundle_for(DUID_LL, [InterfaceIdOption(b'Fa2/3')]))
    assert keys == [DUID_LL_KEY, 'interface-id:4661322f33', 'interface-id-str:Fa2/3', *MAC_KEYS]


def test_relay_without_interface_id_does_not_fall_back_to_the_server_interface() -> None:
    keys = client_keys(bundle_for(DUID_LL, [RemoteIdOption(9, b'\x01\x02')]))
    assert keys == [DUID_LL_KEY, 'remote-id:9:0102', *MAC_KEYS]


def test_interface_id_of_the_relay_closest_to_the_client_that_has_one() -> None:
    inner, outer = [InterfaceIdOption(b'port-1')], [InterfaceIdOption(b'uplink-7')]
    assert client_keys(bundle_for(None, inner, outer))[:2] == ['interface-id:706f72742d31', 'interface-id-str:port-1']
    assert client_keys(bundle_for(None, [], outer))[:2] == ['interface-id:75706c696e6b2d37',
                                                            'interface-id-str:uplink-7']


def test_remote_id_and_subscriber_id_of_the_relay_closest_to_the_client() -> None:
    inner = [RemoteIdOption(40208, b'SIII-Tester'), SubscriberIdOption(b'customer-17')]
    outer = [RemoteIdOption(9, b'\x01\x02'), SubscriberIdOption(b'\xff\x00')]
    keys = client_keys(bundle_for(None, inner, outer))
    assert keys == ['remote-id:40208:' + b'SIII-Tester'.hex(), 'remote-id-str:40208:SIII-Tester',
                    'subscriber-id:' + b'customer-17'.hex(), 'subscriber-id-str:customer-17']
    keys = client_keys(bundle_for(None, [], outer))
    assert keys == ['remote-id:9:0102', 'subscriber-id:ff00']


def test_rfc6939_option_wins_over_the_duid() -> None:
    relay_mac = bytes.fromhex('02aabbccddee')
    keys = client_keys(bundle_for(DUID_LL, [ClientLinkLayerAddressOption(1, relay_mac)]))
    assert keys == [DUID_LL_KEY, 'linklayer-id:1:02aabbccddee', 'linklayer-id-str:1:02:aa:bb:cc:dd:ee']


def test_rfc6939_option_from_an_outer_relay_when_the_inner_has_none() -> None:
    keys = client_keys(bundle_for(None, [], [ClientLinkLayerAddressOption(1, MAC)]))
    assert keys == MAC_KEYS


def test_full_order() -> None:
    relay = [InterfaceIdOption(b'Fa2/3'), RemoteIdOption(9, b'Tester'), SubscriberIdOption(b'sub'),
             ClientLinkLayerAddressOption(1, MAC)]
    duid = EnterpriseDUID(40208, b'x')
    keys = client_keys(bundle_for(duid, relay))
    assert keys == ['duid:0002' + '00009d10' + '78',
                    'interface-id:' + b'Fa2/3'.hex(), 'interface-id-str:Fa2/3',
                    'remote-id:9:' + b'Tester'.hex(), 'remote-id-str:9:Tester',
                    'subscriber-id:' + b'sub'.hex(), 'subscriber-id-str:sub',
                    *MAC_KEYS]
    assert [key.split(':')[0] for key in keys] == list(KEY_KINDS)


@pytest.mark.parametrize('value', [b'\x01\x02', b'\xff\xfe', b' padded', b'padded ', b'tab\there', b'new\nline'])
def test_no_text_key_for_unprintable_values(value: bytes) -> None:
    keys = client_keys(bundle_for(None, [InterfaceIdOption(value)]))
    assert keys == [f'interface-id:{value.hex()}']


def test_text_keys_for_utf8() -> None:
    keys = client_keys(bundle_for(None, [SubscriberIdOption('kunde-ü'.encode())]))
    assert keys == ['subscriber-id:' + 'kunde-ü'.encode().hex(), 'subscriber-id-str:kunde-ü']


def test_hex_is_lowercase() -> None:
    keys = client_keys(bundle_for(LinkLayerDUID(1, bytes.fromhex('AABBCCDDEEFF'))))
    assert keys[0] == 'duid:00030001aabbccddeeff'
    assert all(key == key.lower() for key in keys if not key.startswith('interface-id-str'))


# Normalizing keys

@pytest.mark.parametrize('text, normalized', [
    ('duid:000300010011223344FF', 'duid:000300010011223344ff'),
    ('DUID:000300010011223344ff', 'duid:000300010011223344ff'),
    ('interface-id:4661322F33', 'interface-id:4661322f33'),
    ('interface-id-str:Fa2/3', 'interface-id-str:Fa2/3'),
    ('interface-id-str:a:b', 'interface-id-str:a:b'),
    ('remote-id:9:0102', 'remote-id:9:0102'),
    ('remote-id:009:0A0B', 'remote-id:9:0a0b'),
    ('remote-id-str:40208:SIII-Tester', 'remote-id-str:40208:SIII-Tester'),
    ('remote-id-str:40208:with:colons', 'remote-id-str:40208:with:colons'),
    ('subscriber-id:ABCD', 'subscriber-id:abcd'),
    ('subscriber-id-str:Customer 17', 'subscriber-id-str:Customer 17'),
    ('linklayer-id:1:0011223344FF', 'linklayer-id:1:0011223344ff'),
    ('linklayer-id-str:1:00:11:22:33:44:FF', 'linklayer-id-str:1:00:11:22:33:44:ff'),
    ('linklayer-id-str:1:00-11-22-33-44-ff', 'linklayer-id-str:1:00:11:22:33:44:ff'),
    ('  duid:0003000100112233  ', 'duid:0003000100112233'),
])
def test_normalize_key(text: str, normalized: str) -> None:
    assert normalize_key(text) == normalized
    assert normalize_key(normalized) == normalized


@pytest.mark.parametrize('text', [
    '000300010011223344ff', 'mac:0011223344ff', 'duid:', 'duid:123', 'duid:xyz0', 'duid:00 11',
    'interface-id:eth0', 'interface-id-str:', 'interface-id-str: padded', 'interface-id-str:tab\tin',
    'remote-id:0102', 'remote-id:x:0102', 'remote-id:4294967296:01', 'remote-id:9:', 'remote-id-str:9:',
    'remote-id-str:SIII-Tester', 'subscriber-id:zz', 'subscriber-id-str:',
    'linklayer-id:1:', 'linklayer-id:65536:00', 'linklayer-id:1:0g', 'linklayer-id-str:1:0011223344ff',
    'linklayer-id-str:1:00:11:2', 'linklayer-id-str:x:00:11:22:33:44:55',
])
def test_normalize_key_refuses(text: str) -> None:
    with pytest.raises(ValueError):
        normalize_key(text)


def test_every_computed_key_is_normalized() -> None:
    relay = [InterfaceIdOption(b'Fa2/3'), RemoteIdOption(9, b'\x01\x02'), SubscriberIdOption(b'sub'),
             ClientLinkLayerAddressOption(1, MAC)]
    for key in client_keys(bundle_for(DUID_LL, relay)):
        assert normalize_key(key) == key


# Addresses and prefixes of entries

@pytest.mark.parametrize('address, prefix, assignment', [
    ('2001:db8::1', '', Assignment(IPv6Address('2001:db8::1'), None)),
    ('', '2001:db8:200::/48', Assignment(None, IPv6Network('2001:db8:200::/48'))),
    (' 2001:db8::1 ', None, Assignment(IPv6Address('2001:db8::1'), None)),
    ('2001:db8::1', '2001:db8:200::/56', Assignment(IPv6Address('2001:db8::1'), IPv6Network('2001:db8:200::/56'))),
])
def test_parse_assignment(address: str, prefix: str | None, assignment: Assignment) -> None:
    assert parse_assignment(address, prefix) == assignment


@pytest.mark.parametrize('address, prefix', [
    ('', ''), (None, None), ('2001:db8::g', ''), ('ff02::1', ''), ('::', ''), ('::1', ''), ('fe80::1', ''),
    ('2001:db8::1%eth0', ''), ('', '2001:db8:200::1/48'), ('', '::/0'), ('', 'ff00::/8'), ('', '2001:db8::/129'),
    ('', '2001:db8::'), ('', '2001:db8::/48%eth0'),
])
def test_parse_assignment_refuses(address: str | None, prefix: str | None) -> None:
    with pytest.raises(ValueError):
        parse_assignment(address, prefix)


# The source interface

class DictSource(AssignmentSource):
    def __init__(self, entries: dict[str, Assignment]):
        self.entries = entries
        self.asked: list[str] = []

    def get(self, key: str) -> Assignment | None:
        self.asked.append(key)
        return self.entries.get(key)


def test_first_key_with_an_entry_wins() -> None:
    by_duid = Assignment(IPv6Address('2001:db8::1'), None)
    by_remote_id = Assignment(None, IPv6Network('2001:db8:100::/56'))
    source = DictSource({'remote-id:9:0102': by_remote_id, 'duid:00': by_duid})
    assert source.find(['duid:00', 'remote-id:9:0102']) == by_duid
    assert source.asked == ['duid:00']
    assert source.find(['duid:01', 'remote-id:9:0102']) == by_remote_id
    assert source.find_entry(['duid:01', 'remote-id:9:0102']) == ('remote-id:9:0102', by_remote_id)
    assert source.find(['duid:01']) is None
    assert source.find([]) is None
