"""
Release (RFC 8415 sections 16.8 and 18.3.7): the client gives leases back; the Reply carries a Success status, and
every IA the server has no binding for comes back with only a NoBinding status. No pools are configured, so every IA
is unknown here.
"""
from ipaddress import IPv6Address, IPv6Network
from pathlib import Path

import pytest

from dhcpkit.ipv6.duids import EnterpriseDUID
from dhcpkit.ipv6.extensions.dns import RecursiveNameServersOption
from dhcpkit.ipv6.extensions.prefix_delegation import IAPDOption
from dhcpkit.ipv6.messages import ReplyMessage
from dhcpkit.ipv6.options import (STATUS_NOBINDING, STATUS_SUCCESS, ClientIdOption, IANAOption, OptionRequestOption,
                                  ServerIdOption, StatusCodeOption)
from dhcpkit.protocol_element import ValidationError
from tests.ipv6.message_handlers.client import (DNS_CONFIG, SERVER_DUID, IAView, InProcessClient, assert_empty_ia,
                                                find_ia, load_handler, status_of)

ADDRESSES = [IPv6Address('2001:db8:1::1234'), IPv6Address('2001:db8:1::5678')]
PREFIX = IPv6Network('2001:db8:100::/56')


def client_with_unknown_leases(directory: Path, body: str = '') -> InProcessClient:
    client = InProcessClient(load_handler(directory, body))
    client.solicit(ia_na=2, ia_pd=1)
    client.iana[b'\0\0\0\1'].leases = {ADDRESSES[0]: (3600, 7200)}
    client.iana[b'\0\0\0\2'].leases = {ADDRESSES[1]: (3600, 7200)}
    client.iapd[(0x101).to_bytes(4, 'big')] = IAView((0x101).to_bytes(4, 'big'), 1800, 2880, {PREFIX: (3600, 7200)})
    return client


@pytest.fixture
def client(tmp_path: Path) -> InProcessClient:
    return client_with_unknown_leases(tmp_path)


def test_reply_has_success_and_no_binding_per_ia(client: InProcessClient) -> None:
    reply = client.release()
    assert isinstance(reply, ReplyMessage)
    assert reply.get_options_of_type(ServerIdOption) == [ServerIdOption(SERVER_DUID)]
    assert reply.get_options_of_type(ClientIdOption) == [ClientIdOption(client.duid)]
    statuses = reply.get_options_of_type(StatusCodeOption)
    assert len(statuses) == 1 and statuses[0].status_code == STATUS_SUCCESS
    assert len(reply.get_options_of_type(IANAOption)) == 2
    assert len(reply.get_options_of_type(IAPDOption)) == 1
    # "No other options are included in the IA option"
    assert_empty_ia(find_ia(reply, IANAOption, 1), STATUS_NOBINDING)
    assert_empty_ia(find_ia(reply, IANAOption, 2), STATUS_NOBINDING)
    assert_empty_ia(find_ia(reply, IAPDOption, 0x101), STATUS_NOBINDING)


def test_client_stops_using_released_leases(client: InProcessClient) -> None:
    assert sorted(client.addresses) == ADDRESSES
    client.release()
    assert client.addresses == [] and client.prefixes == []


def test_release_without_ias_gets_success(client: InProcessClient) -> None:
    client.set_ias(0, 0)
    reply = client.release()
    assert isinstance(reply, ReplyMessage)
    assert status_of(reply) == STATUS_SUCCESS
    assert reply.get_options_of_type(IANAOption) == [] and reply.get_options_of_type(IAPDOption) == []


def test_release_for_another_server_is_dropped(client: InProcessClient) -> None:
    assert client.release(server_duid=EnterpriseDUID(40208, b'another server')) is None


def test_release_without_server_id_is_dropped(client: InProcessClient) -> None:
    release = client.build_release()
    release.options = [option for option in release.options if not isinstance(option, ServerIdOption)]
    with pytest.raises(ValidationError, match='ReleaseMessage must contain ServerIdOption'):
        release.validate()
    assert client.exchange(release, validate=False) is None


def test_release_without_client_id_is_dropped(client: InProcessClient) -> None:
    release = client.build_release()
    release.options = [option for option in release.options if not isinstance(option, ClientIdOption)]
    with pytest.raises(ValidationError, match='ReleaseMessage must contain ClientIdOption'):
        release.validate()
    assert client.exchange(release, validate=False) is None


def test_release_may_not_ask_for_options(tmp_path: Path) -> None:
    """RFC 8415 appendix B: a Release carries no Option Request option, so configured options stay out."""
    client = client_with_unknown_leases(tmp_path, DNS_CONFIG)
    release = client.build_release()
    assert release.get_option_of_type(OptionRequestOption) is None
    reply = client.exchange(release)
    assert isinstance(reply, ReplyMessage)
    assert reply.get_option_of_type(RecursiveNameServersOption) is None
