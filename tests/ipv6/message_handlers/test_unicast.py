"""
The unicast policy (RFC 8415 section 18.4): a client may send Request, Renew, Release and Decline straight to a
unicast address of the server only after the server gave it a Server Unicast option. Otherwise the server answers
with a Reply that holds only its Server Identifier, the Client Identifier and a UseMulticast status. Relayed messages
reach the server by unicast anyway and are not affected.
"""
from collections.abc import Callable, Sequence
from ipaddress import IPv6Address
from pathlib import Path

import pytest

from dhcpkit.ipv6.extensions.dns import OPTION_DNS_SERVERS, OPTION_DOMAIN_LIST
from dhcpkit.ipv6.messages import AdvertiseMessage, ClientServerMessage, ReplyMessage
from dhcpkit.ipv6.options import (STATUS_NOADDRSAVAIL, STATUS_NOBINDING, STATUS_SUCCESS, STATUS_USEMULTICAST,
                                  ClientIdOption, IANAOption, ServerIdOption, ServerUnicastOption, StatusCodeOption)
from tests.ipv6.message_handlers.client import (DNS_CONFIG, SERVER_DUID, InProcessClient, RelayHop, find_ia,
                                                load_handler, status_of)

UNICAST_ADDRESS = IPv6Address('2001:db8::547')
SERVER_UNICAST_CONFIG = f"[option ServerUnicast]\nserver-address = {UNICAST_ADDRESS}\n"
HELD = IPv6Address('2001:db8:1::1234')

Send = Callable[[InProcessClient, bool], ClientServerMessage | None]

# The messages the policy covers, with the IA status the normal Reply gives them when nothing is configured
UNICAST_MESSAGES: list[tuple[str, Send, int, int | None]] = [
    ('request', lambda client, multicast: client.request(multicast=multicast), STATUS_NOADDRSAVAIL, None),
    ('renew', lambda client, multicast: client.renew(multicast=multicast), STATUS_NOBINDING, None),
    ('release', lambda client, multicast: client.release(multicast=multicast), STATUS_NOBINDING, STATUS_SUCCESS),
    ('decline', lambda client, multicast: client.decline(HELD, multicast=multicast), STATUS_NOBINDING,
     STATUS_SUCCESS),
]


def prepared_client(directory: Path, body: str = '', via_relays: Sequence[RelayHop] = ()) -> InProcessClient:
    """A client that chose our server and believes it holds an address."""
    client = InProcessClient(load_handler(directory, body), via_relays=via_relays)
    client.solicit()
    client.iana[b'\0\0\0\1'].leases = {HELD: (3600, 7200)}
    return client


@pytest.mark.parametrize('name, send, ia_status, top_status', UNICAST_MESSAGES, ids=[m[0] for m in UNICAST_MESSAGES])
def test_unicast_without_permission_gets_use_multicast(tmp_path: Path, name: str, send: Send, ia_status: int,
                                                       top_status: int | None) -> None:
    client = prepared_client(tmp_path)
    reply = send(client, False)
    assert isinstance(reply, ReplyMessage)
    assert client.last is not None and client.last.multicast is False
    assert len(reply.options) == 3
    assert reply.options[0] == ServerIdOption(SERVER_DUID)
    assert reply.get_options_of_type(ClientIdOption) == [ClientIdOption(client.duid)]
    statuses = reply.get_options_of_type(StatusCodeOption)
    assert len(statuses) == 1 and statuses[0].status_code == STATUS_USEMULTICAST


@pytest.mark.parametrize('name, send, ia_status, top_status', UNICAST_MESSAGES, ids=[m[0] for m in UNICAST_MESSAGES])
def test_unicast_with_server_unicast_gets_normal_reply(tmp_path: Path, name: str, send: Send, ia_status: int,
                                                       top_status: int | None) -> None:
    client = prepared_client(tmp_path, SERVER_UNICAST_CONFIG)
    reply = send(client, False)
    assert isinstance(reply, ReplyMessage)
    assert status_of(reply) == top_status
    assert status_of(find_ia(reply, IANAOption, 1)) == ia_status
    assert reply.get_options_of_type(ServerUnicastOption) == [ServerUnicastOption(UNICAST_ADDRESS)]


@pytest.mark.parametrize('name, send, ia_status, top_status', UNICAST_MESSAGES, ids=[m[0] for m in UNICAST_MESSAGES])
def test_relayed_unicast_gets_normal_reply(tmp_path: Path, name: str, send: Send, ia_status: int,
                                           top_status: int | None) -> None:
    client = prepared_client(tmp_path, via_relays=[('2001:db8:1::1', 'fe80::2:1', [])])
    reply = send(client, False)
    assert isinstance(reply, ReplyMessage)
    assert client.last is not None and client.last.multicast is False
    assert status_of(reply) == top_status
    assert status_of(find_ia(reply, IANAOption, 1)) == ia_status
    assert reply.get_option_of_type(ServerUnicastOption) is None


@pytest.mark.parametrize('name, send, ia_status, top_status', UNICAST_MESSAGES, ids=[m[0] for m in UNICAST_MESSAGES])
def test_multicast_without_permission_gets_normal_reply(tmp_path: Path, name: str, send: Send, ia_status: int,
                                                        top_status: int | None) -> None:
    client = prepared_client(tmp_path)
    reply = send(client, True)
    assert isinstance(reply, ReplyMessage)
    assert client.last is not None and client.last.multicast is True
    assert status_of(reply) == top_status
    assert status_of(find_ia(reply, IANAOption, 1)) == ia_status


def test_advertise_offers_server_unicast_and_the_client_uses_it(tmp_path: Path) -> None:
    client = InProcessClient(load_handler(tmp_path, SERVER_UNICAST_CONFIG))
    advertise = client.solicit()
    assert isinstance(advertise, AdvertiseMessage)
    assert advertise.get_options_of_type(ServerUnicastOption) == [ServerUnicastOption(UNICAST_ADDRESS)]
    assert client.server_unicast == UNICAST_ADDRESS
    reply = client.request()
    assert client.last is not None and client.last.multicast is False
    assert isinstance(reply, ReplyMessage)
    assert status_of(reply) is None
    assert status_of(find_ia(reply, IANAOption, 1)) == STATUS_NOADDRSAVAIL


def test_client_falls_back_to_multicast_after_use_multicast(tmp_path: Path) -> None:
    """RFC 8415 section 18.2.10: after UseMulticast the client sends the message again over multicast."""
    client = prepared_client(tmp_path)
    client.server_unicast = UNICAST_ADDRESS  # as if an earlier server configuration had allowed it
    reply = client.renew()
    assert client.last is not None and client.last.multicast is False
    assert isinstance(reply, ReplyMessage) and status_of(reply) == STATUS_USEMULTICAST
    assert client.server_unicast is None
    reply = client.renew()
    assert client.last.multicast is True
    assert isinstance(reply, ReplyMessage)
    assert status_of(find_ia(reply, IANAOption, 1)) == STATUS_NOBINDING


# RFC 8415 section 16: a server discards these when they arrive at a unicast address
MULTICAST_ONLY: list[tuple[str, Send]] = [
    ('solicit', lambda client, multicast: client.solicit(multicast=multicast)),
    ('confirm', lambda client, multicast: client.confirm([HELD], multicast=multicast)),
    ('rebind', lambda client, multicast: client.rebind(multicast=multicast)),
    ('information-request', lambda client, multicast: client.information_request(multicast=multicast)),
]


@pytest.mark.parametrize('name, send', MULTICAST_ONLY, ids=[m[0] for m in MULTICAST_ONLY])
@pytest.mark.parametrize('configuration', ['', SERVER_UNICAST_CONFIG], ids=['no server unicast', 'server unicast'])
def test_multicast_only_messages_over_unicast_are_dropped(tmp_path: Path, name: str, send: Send,
                                                          configuration: str) -> None:
    client = prepared_client(tmp_path, configuration)
    assert send(client, False) is None


@pytest.mark.parametrize('name, send', MULTICAST_ONLY[2:], ids=[m[0] for m in MULTICAST_ONLY[2:]])
def test_multicast_only_messages_relayed_are_answered(tmp_path: Path, name: str, send: Send) -> None:
    client = prepared_client(tmp_path, via_relays=[('2001:db8:1::1', 'fe80::2:1', [])])
    assert isinstance(send(client, False), ReplyMessage)


def test_use_multicast_reply_carries_nothing_else(tmp_path: Path) -> None:
    """The UseMulticast Reply has "no other options", even when the client asked for configured ones."""
    client = prepared_client(tmp_path, DNS_CONFIG + "\n[option Preference]\npreference = 7\n")
    reply = client.request(oro=[OPTION_DNS_SERVERS, OPTION_DOMAIN_LIST], multicast=False)
    assert isinstance(reply, ReplyMessage)
    assert [type(option) for option in reply.options] == [ServerIdOption, ClientIdOption, StatusCodeOption]
    assert status_of(reply) == STATUS_USEMULTICAST
