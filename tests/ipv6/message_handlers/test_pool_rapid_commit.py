"""
Solicit with Rapid Commit against dynamic pools (RFC 8415 sections 18.3.1 and 21.14): when the server allows it, the
Reply commits the leases durably at once; when it does not, the Advertise only offers.
"""
from pathlib import Path

from dhcpkit.ipv6.extensions.prefix_delegation import IAPDOption
from dhcpkit.ipv6.message_handlers.standard import StandardMessageHandler
from dhcpkit.ipv6.messages import AdvertiseMessage, ReplyMessage
from dhcpkit.ipv6.options import IANAOption, RapidCommitOption
from tests.ipv6.message_handlers.client import find_ia, status_of
from tests.ipv6.message_handlers.pool_helpers import HandlerFactory, pool_client, stored_leases
from tests.ipv6.message_handlers.pool_helpers import handler, handler_factory  # noqa: F401 (fixtures)


def test_rapid_commit_commits(handler: StandardMessageHandler, tmp_path: Path) -> None:
    client = pool_client(handler)
    reply = client.solicit(ia_na=2, ia_pd=1, rapid_commit=True)
    assert isinstance(reply, ReplyMessage)
    assert reply.get_option_of_type(RapidCommitOption) is not None
    for option in reply.get_options_of_type(IANAOption) + reply.get_options_of_type(IAPDOption):
        assert status_of(option) is None
    assert len(client.addresses) == 2 and len(client.prefixes) == 1
    rows = stored_leases(tmp_path)
    assert set(rows) == {str(resource) for resource in client.addresses + client.prefixes}
    assert {row.state for row in rows.values()} == {'bound'}
    assert {row.duid for row in rows.values()} == {client.duid.save()}


def test_rapid_commit_then_renew(handler: StandardMessageHandler) -> None:
    client = pool_client(handler)
    client.solicit(ia_na=1, ia_pd=1, rapid_commit=True)
    held = (client.addresses, client.prefixes)
    reply = client.renew()
    assert isinstance(reply, ReplyMessage) and status_of(find_ia(reply, IANAOption, 1)) is None
    assert (client.addresses, client.prefixes) == held


def test_rapid_commit_not_allowed_only_offers(handler_factory: HandlerFactory, tmp_path: Path) -> None:
    handler = handler_factory(rapid_commit=False)
    client = pool_client(handler)
    advertise = client.solicit(ia_na=1, ia_pd=1, rapid_commit=True)
    assert isinstance(advertise, AdvertiseMessage)
    assert advertise.get_option_of_type(RapidCommitOption) is None
    assert len(find_ia(advertise, IANAOption, 1).get_addresses()) == 1
    assert client.addresses == []
    assert stored_leases(tmp_path) == {}


def test_rapid_commit_keeps_affinity(handler: StandardMessageHandler) -> None:
    client = pool_client(handler)
    client.solicit(ia_na=1, ia_pd=1)
    offered = client.advertise
    client.solicit(ia_na=1, ia_pd=1, rapid_commit=True)
    assert client.addresses == find_ia(offered, IANAOption, 1).get_addresses()
    assert client.prefixes == find_ia(offered, IAPDOption, 0x101).get_prefixes()
