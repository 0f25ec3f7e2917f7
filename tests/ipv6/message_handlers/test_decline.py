"""
Decline (RFC 8415 sections 16.9 and 18.3.8): the client found an address in use on the link; the Reply carries a
Success status, and every IA the server has no binding for comes back with only a NoBinding status. No pools are
configured, so every IA is unknown here.
"""
from ipaddress import IPv6Address, IPv6Network
from pathlib import Path

import pytest

from dhcpkit.ipv6.duids import EnterpriseDUID
from dhcpkit.ipv6.extensions.prefix_delegation import IAPDOption, IAPrefixOption
from dhcpkit.ipv6.messages import ReplyMessage
from dhcpkit.ipv6.options import (STATUS_NOBINDING, STATUS_SUCCESS, ClientIdOption, IANAOption, ServerIdOption,
                                  StatusCodeOption)
from dhcpkit.protocol_element import ValidationError
from tests.ipv6.message_handlers.client import (SERVER_DUID, InProcessClient, assert_empty_ia, find_ia, load_handler,
                                                status_of)

ADDRESSES = [IPv6Address('2001:db8:1::1234'), IPv6Address('2001:db8:1::5678')]


@pytest.fixture
def client(tmp_path: Path) -> InProcessClient:
    client = InProcessClient(load_handler(tmp_path))
    client.solicit(ia_na=2)
    client.iana[b'\0\0\0\1'].leases = {ADDRESSES[0]: (3600, 7200)}
    client.iana[b'\0\0\0\2'].leases = {ADDRESSES[1]: (3600, 7200)}
    return client


def test_decline_puts_the_address_in_the_ia_that_holds_it(client: InProcessClient) -> None:
    decline = client.build_decline([ADDRESSES[1]])
    assert [ia.iaid for ia in decline.get_options_of_type(IANAOption)] == [b'\0\0\0\2']
    assert find_ia(decline, IANAOption, 2).get_addresses() == [ADDRESSES[1]]  # type: ignore[union-attr]


def test_reply_has_success_and_no_binding(client: InProcessClient) -> None:
    reply = client.decline(ADDRESSES[1])
    assert isinstance(reply, ReplyMessage)
    assert reply.get_options_of_type(ServerIdOption) == [ServerIdOption(SERVER_DUID)]
    assert reply.get_options_of_type(ClientIdOption) == [ClientIdOption(client.duid)]
    statuses = reply.get_options_of_type(StatusCodeOption)
    assert len(statuses) == 1 and statuses[0].status_code == STATUS_SUCCESS
    assert [ia.iaid for ia in reply.get_options_of_type(IANAOption)] == [b'\0\0\0\2']
    assert_empty_ia(find_ia(reply, IANAOption, 2), STATUS_NOBINDING)


def test_client_stops_using_the_declined_address(client: InProcessClient) -> None:
    client.decline(ADDRESSES[0])
    assert client.addresses == [ADDRESSES[1]]


def test_decline_for_another_server_is_dropped(client: InProcessClient) -> None:
    assert client.decline(ADDRESSES[0], server_duid=EnterpriseDUID(40208, b'another server')) is None


def test_decline_without_server_id_is_dropped(client: InProcessClient) -> None:
    decline = client.build_decline([ADDRESSES[0]])
    decline.options = [option for option in decline.options if not isinstance(option, ServerIdOption)]
    with pytest.raises(ValidationError, match='DeclineMessage must contain ServerIdOption'):
        decline.validate()
    assert client.exchange(decline, validate=False) is None


def test_decline_without_client_id_is_dropped(client: InProcessClient) -> None:
    decline = client.build_decline([ADDRESSES[0]])
    decline.options = [option for option in decline.options if not isinstance(option, ClientIdOption)]
    with pytest.raises(ValidationError, match='DeclineMessage must contain ClientIdOption'):
        decline.validate()
    assert client.exchange(decline, validate=False) is None


def test_prefixes_cannot_be_declined(client: InProcessClient) -> None:
    """RFC 8415 appendix B: IA_PD does not appear in Decline (a client declines addresses only)."""
    decline = client.build_decline([ADDRESSES[0]])
    decline.options.append(IAPDOption(b'\0\0\1\1', 0, 0, [IAPrefixOption(IPv6Network('2001:db8:100::/56'))]))
    with pytest.raises(ValidationError, match='DeclineMessage may not contain IAPDOption'):
        decline.validate()


def test_decline_with_two_ias(client: InProcessClient) -> None:
    reply = client.exchange(client.build_decline(ADDRESSES))
    assert isinstance(reply, ReplyMessage)
    assert status_of(reply) == STATUS_SUCCESS
    assert [status_of(ia) for ia in reply.get_options_of_type(IANAOption)] == [STATUS_NOBINDING] * 2
    assert client.addresses == []
