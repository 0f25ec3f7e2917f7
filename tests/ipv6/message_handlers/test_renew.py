"""
Renew (RFC 8415 sections 16.6 and 18.3.4): the server that gave the leases extends them; an IA it has no binding for
comes back with NoBinding. Nothing is configured to give leases, so every IA is unknown.
"""
from ipaddress import IPv6Address, IPv6Network
from pathlib import Path

import pytest

from dhcpkit.ipv6.duids import EnterpriseDUID
from dhcpkit.ipv6.extensions.dns import (OPTION_DNS_SERVERS, OPTION_DOMAIN_LIST, DomainSearchListOption,
                                         RecursiveNameServersOption)
from dhcpkit.ipv6.extensions.prefix_delegation import IAPDOption
from dhcpkit.ipv6.messages import RenewMessage, ReplyMessage
from dhcpkit.ipv6.options import STATUS_NOBINDING, STATUS_SUCCESS, ClientIdOption, IANAOption, ServerIdOption
from dhcpkit.protocol_element import ValidationError
from tests.ipv6.message_handlers.client import (DNS_CONFIG, DNS_SERVERS, SEARCH_LIST, SERVER_DUID, IAView,
                                                InProcessClient, assert_empty_ia, find_ia, load_handler, status_of)

ADDRESS = IPv6Address('2001:db8:1::1234')
PREFIX = IPv6Network('2001:db8:100::/56')


def client_with_unknown_leases(handler_directory: Path, body: str = '') -> InProcessClient:
    """A client that believes it holds an address and a prefix from our server, which knows nothing of them."""
    client = InProcessClient(load_handler(handler_directory, body))
    client.solicit(ia_na=1, ia_pd=1)
    client.iana[b'\0\0\0\1'] = IAView(b'\0\0\0\1', 1800, 2880, {ADDRESS: (3600, 7200)})
    client.iapd[(0x101).to_bytes(4, 'big')] = IAView((0x101).to_bytes(4, 'big'), 1800, 2880, {PREFIX: (3600, 7200)})
    return client


@pytest.fixture
def client(tmp_path: Path) -> InProcessClient:
    return client_with_unknown_leases(tmp_path)


def test_renew_carries_the_leases_held(client: InProcessClient) -> None:
    renew = client.build_renew()
    assert renew.get_option_of_type(ServerIdOption) == ServerIdOption(SERVER_DUID)
    iana = find_ia(renew, IANAOption, 1)
    assert iana is not None and iana.get_addresses() == [ADDRESS]
    iapd = find_ia(renew, IAPDOption, 0x101)
    assert iapd is not None and iapd.get_prefixes() == [PREFIX]


def test_unknown_ias_get_no_binding(client: InProcessClient) -> None:
    reply = client.renew()
    assert isinstance(reply, ReplyMessage)
    assert reply.get_options_of_type(ServerIdOption) == [ServerIdOption(SERVER_DUID)]
    assert reply.get_options_of_type(ClientIdOption) == [ClientIdOption(client.duid)]
    assert status_of(reply) in (None, STATUS_SUCCESS)
    assert_empty_ia(find_ia(reply, IANAOption, 1), STATUS_NOBINDING)
    assert_empty_ia(find_ia(reply, IAPDOption, 0x101), STATUS_NOBINDING)
    # RFC 8415 section 18.2.10.1: the client keeps its leases and goes on to send a Request for these IAs
    assert client.iana[b'\0\0\0\1'].status_code == STATUS_NOBINDING
    assert client.iapd[(0x101).to_bytes(4, 'big')].status_code == STATUS_NOBINDING
    assert client.addresses == [ADDRESS]


def test_renew_for_another_server_is_dropped(client: InProcessClient) -> None:
    assert client.renew(server_duid=EnterpriseDUID(40208, b'another server')) is None


def test_renew_without_server_id_is_dropped(client: InProcessClient) -> None:
    renew = client.build_renew()
    renew.options = [option for option in renew.options if not isinstance(option, ServerIdOption)]
    with pytest.raises(ValidationError, match='RenewMessage must contain ServerIdOption'):
        renew.validate()
    assert client.exchange(renew, validate=False) is None


def test_renew_without_client_id_is_dropped(client: InProcessClient) -> None:
    renew = client.build_renew()
    renew.options = [option for option in renew.options if not isinstance(option, ClientIdOption)]
    with pytest.raises(ValidationError, match='RenewMessage must contain ClientIdOption'):
        renew.validate()
    assert client.exchange(renew, validate=False) is None


def test_renew_gets_requested_options(tmp_path: Path) -> None:
    client = client_with_unknown_leases(tmp_path, DNS_CONFIG)
    reply = client.renew(oro=[OPTION_DNS_SERVERS, OPTION_DOMAIN_LIST])
    assert isinstance(reply, ReplyMessage)
    assert reply.get_options_of_type(RecursiveNameServersOption) == [RecursiveNameServersOption(DNS_SERVERS)]
    assert reply.get_options_of_type(DomainSearchListOption) == [DomainSearchListOption(SEARCH_LIST)]
    assert status_of(find_ia(reply, IANAOption, 1)) == STATUS_NOBINDING


def test_renew_without_ias_gets_reply_without_ias(tmp_path: Path) -> None:
    client = InProcessClient(load_handler(tmp_path, DNS_CONFIG))
    client.solicit(ia_na=0)
    reply = client.renew(oro=[OPTION_DNS_SERVERS])
    assert isinstance(reply, ReplyMessage)
    assert isinstance(client.last.request, RenewMessage)  # type: ignore[union-attr]
    assert reply.get_options_of_type(IANAOption) == [] and reply.get_options_of_type(IAPDOption) == []
    assert reply.get_options_of_type(RecursiveNameServersOption) == [RecursiveNameServersOption(DNS_SERVERS)]
