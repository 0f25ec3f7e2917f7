"""
Rebind (RFC 8415 sections 16.7 and 18.3.5): any server may extend the leases, so the message names no server. Our
server has no binding for any IA (no pools are configured) and answers each with NoBinding.
"""
from ipaddress import IPv6Address, IPv6Network
from pathlib import Path

import pytest

from dhcpkit.ipv6.extensions.dns import OPTION_DNS_SERVERS, RecursiveNameServersOption
from dhcpkit.ipv6.extensions.prefix_delegation import IAPDOption
from dhcpkit.ipv6.messages import ReplyMessage
from dhcpkit.ipv6.options import STATUS_NOBINDING, STATUS_SUCCESS, ClientIdOption, IANAOption, ServerIdOption
from dhcpkit.protocol_element import ValidationError
from tests.ipv6.message_handlers.client import (DNS_CONFIG, DNS_SERVERS, SERVER_DUID, IAView, InProcessClient,
                                                assert_empty_ia, find_ia, load_handler, status_of)

ADDRESS = IPv6Address('2001:db8:1::1234')
PREFIX = IPv6Network('2001:db8:100::/56')


def client_with_unknown_leases(directory: Path, body: str = '') -> InProcessClient:
    client = InProcessClient(load_handler(directory, body))
    client.set_ias(1, 1)
    client.iana[b'\0\0\0\1'] = IAView(b'\0\0\0\1', 1800, 2880, {ADDRESS: (3600, 7200)})
    client.iapd[(0x101).to_bytes(4, 'big')] = IAView((0x101).to_bytes(4, 'big'), 1800, 2880, {PREFIX: (3600, 7200)})
    return client


@pytest.fixture
def client(tmp_path: Path) -> InProcessClient:
    return client_with_unknown_leases(tmp_path)


def test_rebind_names_no_server(client: InProcessClient) -> None:
    rebind = client.build_rebind()
    assert rebind.get_option_of_type(ServerIdOption) is None
    assert find_ia(rebind, IANAOption, 1).get_addresses() == [ADDRESS]  # type: ignore[union-attr]


def test_unknown_ias_get_no_binding(client: InProcessClient) -> None:
    reply = client.rebind()
    assert isinstance(reply, ReplyMessage)
    assert reply.get_options_of_type(ServerIdOption) == [ServerIdOption(SERVER_DUID)]
    assert reply.get_options_of_type(ClientIdOption) == [ClientIdOption(client.duid)]
    assert status_of(reply) in (None, STATUS_SUCCESS)
    assert_empty_ia(find_ia(reply, IANAOption, 1), STATUS_NOBINDING)
    assert_empty_ia(find_ia(reply, IAPDOption, 0x101), STATUS_NOBINDING)
    # The client now talks to the server that answered
    assert client.server_duid == SERVER_DUID
    assert client.iana[b'\0\0\0\1'].status_code == STATUS_NOBINDING


def test_rebind_with_server_id_is_dropped(client: InProcessClient) -> None:
    """RFC 8415 section 16.7: a Rebind that carries a Server Identifier is discarded, even if it names us."""
    rebind = client.build_rebind()
    rebind.options.append(ServerIdOption(SERVER_DUID))
    with pytest.raises(ValidationError, match='RebindMessage may not contain ServerIdOption'):
        rebind.validate()
    assert client.exchange(rebind, validate=False) is None


def test_rebind_without_client_id_is_dropped(client: InProcessClient) -> None:
    rebind = client.build_rebind()
    rebind.options = [option for option in rebind.options if not isinstance(option, ClientIdOption)]
    with pytest.raises(ValidationError, match='RebindMessage must contain ClientIdOption'):
        rebind.validate()
    assert client.exchange(rebind, validate=False) is None


def test_rebind_gets_requested_options(tmp_path: Path) -> None:
    client = client_with_unknown_leases(tmp_path, DNS_CONFIG)
    reply = client.rebind(oro=[OPTION_DNS_SERVERS])
    assert isinstance(reply, ReplyMessage)
    assert reply.get_options_of_type(RecursiveNameServersOption) == [RecursiveNameServersOption(DNS_SERVERS)]
    reply = client.rebind()
    assert isinstance(reply, ReplyMessage)
    assert reply.get_option_of_type(RecursiveNameServersOption) is None
