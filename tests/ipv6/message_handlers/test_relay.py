"""
Relayed exchanges (RFC 8415 sections 9, 19.3 and 20.1; RFC 4649, RFC 4580, RFC 4994): the Relay-reply chain mirrors
the Relay-forward chain layer by layer, the Interface-Id, Remote-Id and Subscriber-Id of each relay go back to that
relay, and a relay's Echo Request option gets the options it names echoed.

The client checks the mirroring and the Interface-Id echo of every exchange; these tests add the relay options and
look at each layer explicitly.
"""
from ipaddress import IPv6Address
from pathlib import Path

import pytest

from dhcpkit.ipv6.extensions.dns import OPTION_DNS_SERVERS, RecursiveNameServersOption
from dhcpkit.ipv6.extensions.relay_echo_request import OPTION_ERO, EchoRequestOption
from dhcpkit.ipv6.extensions.remote_id import OPTION_REMOTE_ID, RemoteIdOption
from dhcpkit.ipv6.extensions.subscriber_id import SubscriberIdOption
from dhcpkit.ipv6.messages import AdvertiseMessage, RelayReplyMessage, ReplyMessage
from dhcpkit.ipv6.option_base import UnknownOption
from dhcpkit.ipv6.options import (OPTION_INTERFACE_ID, STATUS_NOADDRSAVAIL, InterfaceIdOption, IANAOption,
                                  RelayMessageOption, VendorClassOption, VendorSpecificInformationOption)
from tests.ipv6.message_handlers.client import (DNS_CONFIG, DNS_SERVERS, InProcessClient, RelayHop, find_ia,
                                                load_handler, status_of)

ONE_RELAY: list[RelayHop] = [
    ('2001:db8:1::1', 'fe80::2:1', [InterfaceIdOption(b'port-7'), RemoteIdOption(9, b'line-7')]),
]

# Outermost (closest to the server) first; the innermost relay's peer is the client
THREE_RELAYS: list[RelayHop] = [
    ('2001:db8:30::1', '2001:db8:20::1', [InterfaceIdOption(b'core-1'), RemoteIdOption(9, b'core')]),
    ('2001:db8:20::1', '2001:db8:10::1', [InterfaceIdOption(b'aggregation-2'), SubscriberIdOption(b'sub-42')]),
    ('2001:db8:10::1', 'fe80::2:1', [InterfaceIdOption(b'access-3'), RemoteIdOption(3561, b'dslam-3')]),
]

# An option from a code range this library does not know: a relay's private information
PRIVATE = UnknownOption(0xfe01, b'relay-private')


def relay_replies(client: InProcessClient) -> list[RelayReplyMessage]:
    assert client.last is not None
    return client.last.relay_replies


def options_without_relay_message(message: RelayReplyMessage) -> list[object]:
    return [option for option in message.options if not isinstance(option, RelayMessageOption)]


@pytest.mark.parametrize('relays', [ONE_RELAY, THREE_RELAYS], ids=['one relay', 'three relays'])
def test_reply_chain_mirrors_the_relays(tmp_path: Path, relays: list[RelayHop]) -> None:
    client = InProcessClient(load_handler(tmp_path), via_relays=relays)
    advertise = client.solicit()
    assert isinstance(advertise, AdvertiseMessage)
    assert status_of(find_ia(advertise, IANAOption, 1)) == STATUS_NOADDRSAVAIL

    replies = relay_replies(client)
    assert len(replies) == len(relays) + 1
    # The listener's own layer: hop count 0, the relay's address as peer, the interface name echoed
    assert (replies[0].hop_count, replies[0].link_address, replies[0].peer_address) == \
           (0, IPv6Address('::'), IPv6Address('2001:db8:ffff::1'))
    assert options_without_relay_message(replies[0]) == [InterfaceIdOption(b'eth0')]
    # Each real relay: the hop counts it set (RFC 8415 section 19.1.2), its addresses, and its options back
    for depth, (reply, (link, peer, options)) in enumerate(zip(replies[1:], relays)):
        assert reply.hop_count == len(relays) - 1 - depth
        assert (reply.link_address, reply.peer_address) == (IPv6Address(link), IPv6Address(peer))
        assert sorted(map(repr, options_without_relay_message(reply))) == sorted(map(repr, options))


def test_request_through_three_relays(tmp_path: Path) -> None:
    client = InProcessClient(load_handler(tmp_path, DNS_CONFIG), via_relays=THREE_RELAYS)
    client.solicit()
    reply = client.request(oro=[OPTION_DNS_SERVERS])
    assert isinstance(reply, ReplyMessage)
    assert reply.get_options_of_type(RecursiveNameServersOption) == [RecursiveNameServersOption(DNS_SERVERS)]
    assert [reply.get_option_of_type(InterfaceIdOption) for reply in relay_replies(client)] == \
           [InterfaceIdOption(b'eth0'), InterfaceIdOption(b'core-1'), InterfaceIdOption(b'aggregation-2'),
            InterfaceIdOption(b'access-3')]


def test_relay_without_interface_id_gets_none_back(tmp_path: Path) -> None:
    client = InProcessClient(load_handler(tmp_path), via_relays=[('2001:db8:1::1', 'fe80::2:1', [])])
    assert client.solicit() is not None
    replies = relay_replies(client)
    assert len(replies) == 2
    assert options_without_relay_message(replies[1]) == []


def test_relay_with_vendor_options_is_answered(tmp_path: Path) -> None:
    # A DOCSIS CMTS adds its capabilities and the cable modem's MAC address (enterprise 4491) to every Relay-forward
    cmts_options = [InterfaceIdOption(b'cable-1'), VendorClassOption(4491, [b'CableLabs']),
                    VendorSpecificInformationOption(4491, [(1, b'\x00\x01'), (1026, b'\x00\x11\x22\x33\x44\x55')])]
    client = InProcessClient(load_handler(tmp_path), via_relays=[('2001:db8:1::1', 'fe80::2:1', cmts_options)])
    assert isinstance(client.solicit(), AdvertiseMessage)
    assert relay_replies(client)[1].get_options_of_type(InterfaceIdOption) == [InterfaceIdOption(b'cable-1')]


def test_echo_request_is_honoured(tmp_path: Path) -> None:
    """RFC 4994 section 5: the server copies the options a relay names in its Echo Request option, once each."""
    relays: list[RelayHop] = [
        ('2001:db8:1::1', 'fe80::2:1', [InterfaceIdOption(b'port-7'), RemoteIdOption(9, b'line-7'), PRIVATE,
                                        EchoRequestOption([OPTION_INTERFACE_ID, OPTION_REMOTE_ID, 0xfe01])]),
    ]
    client = InProcessClient(load_handler(tmp_path), via_relays=relays)
    assert client.solicit() is not None
    relay_reply = relay_replies(client)[1]
    assert relay_reply.get_options_of_type(InterfaceIdOption) == [InterfaceIdOption(b'port-7')]
    assert relay_reply.get_options_of_type(RemoteIdOption) == [RemoteIdOption(9, b'line-7')]
    assert [option for option in relay_reply.options if option.option_type == 0xfe01] == [PRIVATE]


def test_options_not_asked_for_are_not_echoed(tmp_path: Path) -> None:
    relays: list[RelayHop] = [
        ('2001:db8:20::1', '2001:db8:10::1', [PRIVATE, EchoRequestOption([0xfe01])]),
        ('2001:db8:10::1', 'fe80::2:1', [InterfaceIdOption(b'access-3'), PRIVATE]),
    ]
    client = InProcessClient(load_handler(tmp_path), via_relays=relays)
    assert client.solicit() is not None
    outer, inner = relay_replies(client)[1:]
    # Only the relay that asked gets its private option back
    assert [option for option in outer.options if option.option_type == 0xfe01] == [PRIVATE]
    assert [option for option in inner.options if option.option_type == 0xfe01] == []
    assert options_without_relay_message(inner) == [InterfaceIdOption(b'access-3')]


def test_echo_request_for_options_not_sent_adds_nothing(tmp_path: Path) -> None:
    relays: list[RelayHop] = [
        ('2001:db8:1::1', 'fe80::2:1', [InterfaceIdOption(b'port-7'), EchoRequestOption([OPTION_REMOTE_ID, 0xfe01])]),
    ]
    client = InProcessClient(load_handler(tmp_path), via_relays=relays)
    assert client.solicit() is not None
    assert options_without_relay_message(relay_replies(client)[1]) == [InterfaceIdOption(b'port-7')]


def test_echo_request_never_makes_an_invalid_relay_reply(tmp_path: Path) -> None:
    """
    A relay that names the Echo Request option itself must not make the server echo it: that option belongs in
    Relay-forward only (RFC 4994 section 4), and the server never sends a message that does not validate.
    """
    relays: list[RelayHop] = [
        ('2001:db8:1::1', 'fe80::2:1', [InterfaceIdOption(b'port-7'), EchoRequestOption([OPTION_ERO])]),
    ]
    client = InProcessClient(load_handler(tmp_path), via_relays=relays)
    assert client.solicit() is not None  # the client validates the whole Relay-reply chain
    assert relay_replies(client)[1].get_option_of_type(EchoRequestOption) is None
