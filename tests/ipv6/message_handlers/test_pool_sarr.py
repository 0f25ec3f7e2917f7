"""
Solicit, Advertise, Request, Reply with dynamic pools (RFC 8415 sections 18.3.1 and 18.3.2): what a client gets, with
which lifetimes and timers, that an Advertise only offers and a Reply commits durably, and that each IA and each
client keeps its own lease.
"""
from ipaddress import IPv6Address
from pathlib import Path
from typing import Any

import pytest

from dhcpkit.ipv6 import INFINITY
from dhcpkit.ipv6.duids import LinkLayerDUID
from dhcpkit.ipv6.extensions.prefix_delegation import STATUS_NOPREFIXAVAIL, IAPDOption, IAPrefixOption
from dhcpkit.ipv6.leases import FOREVER
from dhcpkit.ipv6.message_handlers.standard import StandardMessageHandler
from dhcpkit.ipv6.messages import AdvertiseMessage, ReplyMessage
from dhcpkit.ipv6.option_handlers import pools as pools_module
from dhcpkit.ipv6.options import STATUS_NOADDRSAVAIL, IAAddressOption, IANAOption
from tests.ipv6.message_handlers.client import find_ia, status_of
from tests.ipv6.message_handlers.pool_helpers import (ADDRESS_RANGE, NA_PREFERRED, NA_VALID, OTHER_LINK_ADDRESS,
                                                      PD_AGGREGATE, PD_PREFERRED, PD_VALID, POOL_SERVER_DUID, Clock,
                                                      HandlerFactory, pool_client, stored_leases)
from tests.ipv6.message_handlers.pool_helpers import clock, handler, handler_factory  # noqa: F401 (fixtures)

IAID_1 = (1).to_bytes(4, 'big')
PD_IAID_1 = (0x101).to_bytes(4, 'big')


def in_range(address: object) -> bool:
    return ADDRESS_RANGE[0] <= address <= ADDRESS_RANGE[1]  # type: ignore[operator]


def test_sarr_gives_an_address_and_a_prefix(handler: StandardMessageHandler, tmp_path: Path) -> None:
    client = pool_client(handler)
    advertise = client.solicit(ia_na=1, ia_pd=1)
    assert isinstance(advertise, AdvertiseMessage)
    reply = client.request()
    assert isinstance(reply, ReplyMessage)
    assert status_of(reply) is None

    iana = find_ia(reply, IANAOption, IAID_1)
    assert iana is not None and status_of(iana) is None
    address = iana.get_option_of_type(IAAddressOption)
    assert address is not None and in_range(address.address)
    assert (address.preferred_lifetime, address.valid_lifetime) == (NA_PREFERRED, NA_VALID)
    assert (iana.t1, iana.t2) == (NA_PREFERRED // 2, NA_PREFERRED * 4 // 5)

    iapd = find_ia(reply, IAPDOption, PD_IAID_1)
    assert iapd is not None and status_of(iapd) is None
    prefix = iapd.get_option_of_type(IAPrefixOption)
    assert prefix is not None
    assert prefix.prefix.prefixlen == 64 and prefix.prefix.subnet_of(PD_AGGREGATE)
    assert (prefix.preferred_lifetime, prefix.valid_lifetime) == (PD_PREFERRED, PD_VALID)
    assert (iapd.t1, iapd.t2) == (PD_PREFERRED // 2, PD_PREFERRED * 4 // 5)

    # The client got what it was offered (nobody else was around)
    assert client.addresses == [address.address]
    assert client.prefixes == [prefix.prefix]
    assert find_ia(advertise, IANAOption, IAID_1).get_addresses() == [address.address]
    assert find_ia(advertise, IAPDOption, PD_IAID_1).get_prefixes() == [prefix.prefix]


def test_advertise_has_the_same_lifetimes_and_timers(handler: StandardMessageHandler) -> None:
    advertise = pool_client(handler).solicit(ia_na=1, ia_pd=1)
    iana = find_ia(advertise, IANAOption, IAID_1)
    iapd = find_ia(advertise, IAPDOption, PD_IAID_1)
    address = iana.get_option_of_type(IAAddressOption)
    prefix = iapd.get_option_of_type(IAPrefixOption)
    assert (address.preferred_lifetime, address.valid_lifetime, iana.t1, iana.t2) == (3600, 7200, 1800, 2880)
    assert (prefix.preferred_lifetime, prefix.valid_lifetime, iapd.t1, iapd.t2) == (43200, 86400, 21600, 34560)


def test_advertise_does_not_write_to_the_store(handler: StandardMessageHandler, tmp_path: Path) -> None:
    client = pool_client(handler)
    client.solicit(ia_na=2, ia_pd=2)
    assert stored_leases(tmp_path) == {}
    # Not even when the client solicits again
    client.solicit(ia_na=2, ia_pd=2)
    assert stored_leases(tmp_path) == {}


def test_reply_writes_to_the_store(handler: StandardMessageHandler, tmp_path: Path, clock: Clock) -> None:
    client = pool_client(handler)
    client.solicit(ia_na=1, ia_pd=1)
    client.request()
    now = int(clock.now)
    [address], [prefix] = client.addresses, client.prefixes
    rows = stored_leases(tmp_path)
    assert set(rows) == {str(address), str(prefix)}
    duid = client.duid.save()

    na = rows[str(address)]
    assert (na.lease_type, na.duid, na.iaid, na.state) == ('na', duid, IAID_1, 'bound')
    assert na.pool == f'na {ADDRESS_RANGE[0]}-{ADDRESS_RANGE[1]}'
    assert (na.updated, na.preferred_until, na.valid_until) == (now, now + NA_PREFERRED, now + NA_VALID)

    pd = rows[str(prefix)]
    assert (pd.lease_type, pd.duid, pd.iaid, pd.state) == ('pd', duid, PD_IAID_1, 'bound')
    assert (pd.updated, pd.preferred_until, pd.valid_until) == (now, now + PD_PREFERRED, now + PD_VALID)


def test_reply_is_committed_before_the_reply_is_returned(handler: StandardMessageHandler, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """The lease is in the database file (seen by another connection) at the moment the handler answers."""
    seen_at_reply: list[dict[str, Any]] = []
    original = handler.handle

    def handle_and_look(*args: Any, **kwargs: Any) -> Any:
        response = original(*args, **kwargs)
        seen_at_reply.append(stored_leases(tmp_path))
        return response

    monkeypatch.setattr(handler, 'handle', handle_and_look)
    client = pool_client(handler)
    client.solicit(ia_na=1, ia_pd=1)
    client.request()
    assert seen_at_reply[0] == {}
    assert set(seen_at_reply[1]) == {str(client.addresses[0]), str(client.prefixes[0])}


def test_several_ias_each_get_their_own_lease(handler: StandardMessageHandler, tmp_path: Path) -> None:
    client = pool_client(handler)
    client.solicit(ia_na=3, ia_pd=2)
    reply = client.request()
    assert isinstance(reply, ReplyMessage)
    for iaid, view in client.iana.items():
        assert view.status_code == 0 and len(view.leases) == 1, iaid
    for iaid, view in client.iapd.items():
        assert view.status_code == 0 and len(view.leases) == 1, iaid
    assert len(set(client.addresses)) == 3 and all(in_range(address) for address in client.addresses)
    assert len(set(client.prefixes)) == 2
    rows = stored_leases(tmp_path)
    assert len(rows) == 5
    by_iaid = {(row.lease_type, row.iaid): row.resource for row in rows.values()}
    for iaid, view in client.iana.items():
        assert by_iaid['na', iaid] == str(next(iter(view.leases)))
    for iaid, view in client.iapd.items():
        assert by_iaid['pd', iaid] == str(next(iter(view.leases)))


def test_several_clients_get_different_leases(handler: StandardMessageHandler, tmp_path: Path) -> None:
    clients = [pool_client(handler) for _ in range(5)]
    for client in clients:
        client.solicit(ia_na=1, ia_pd=1)
        client.request()
    addresses = [address for client in clients for address in client.addresses]
    prefixes = [prefix for client in clients for prefix in client.prefixes]
    assert len(set(addresses)) == 5 and len(set(prefixes)) == 5
    assert len(stored_leases(tmp_path)) == 10


def test_affinity_while_bound(handler: StandardMessageHandler, tmp_path: Path) -> None:
    client = pool_client(handler)
    client.solicit(ia_na=1, ia_pd=1)
    client.request()
    first = (client.addresses, client.prefixes)
    rows = stored_leases(tmp_path)

    # A new Solicit from the same DUID and IAIDs is offered the same leases, and the offer changes nothing stored
    advertise = client.solicit(ia_na=1, ia_pd=1)
    assert find_ia(advertise, IANAOption, IAID_1).get_addresses() == first[0]
    assert find_ia(advertise, IAPDOption, PD_IAID_1).get_prefixes() == first[1]
    assert stored_leases(tmp_path) == rows
    client.request()
    assert (client.addresses, client.prefixes) == first
    assert set(stored_leases(tmp_path)) == set(rows)


def test_affinity_is_per_ia(handler: StandardMessageHandler) -> None:
    client = pool_client(handler)
    client.solicit(ia_na=2)
    client.request()
    first = {iaid: list(view.leases) for iaid, view in client.iana.items()}
    # The same client with the same DUID but a fresh view (as after a reboot) gets each IA's own address back
    again = pool_client(handler, duid=client.duid)
    again.solicit(ia_na=2)
    again.request()
    assert {iaid: list(view.leases) for iaid, view in again.iana.items()} == first


def test_affinity_after_release(handler: StandardMessageHandler, tmp_path: Path) -> None:
    client = pool_client(handler)
    client.solicit(ia_na=1, ia_pd=1)
    client.request()
    first = (client.addresses, client.prefixes)
    client.release()
    assert {row.state for row in stored_leases(tmp_path).values()} == {'released'}
    advertise = client.solicit(ia_na=1, ia_pd=1)
    assert find_ia(advertise, IANAOption, IAID_1).get_addresses() == first[0]
    assert find_ia(advertise, IAPDOption, PD_IAID_1).get_prefixes() == first[1]
    client.request()
    assert (client.addresses, client.prefixes) == first
    assert {row.state for row in stored_leases(tmp_path).values()} == {'bound'}


def test_affinity_after_expiry(handler: StandardMessageHandler, clock: Clock) -> None:
    client = pool_client(handler)
    client.solicit(ia_na=1, ia_pd=1)
    client.request()
    first = (client.addresses, client.prefixes)
    clock.advance(PD_VALID + 1)
    client.solicit(ia_na=1, ia_pd=1)
    client.request()
    assert (client.addresses, client.prefixes) == first


def test_an_offer_is_held_for_the_client(handler_factory: HandlerFactory) -> None:
    handler = handler_factory(address_range='2001:db8:1::1:0-2001:db8:1::1:0', prefix=None)
    first, second = pool_client(handler), pool_client(handler)
    offered = find_ia(first.solicit(), IANAOption, IAID_1).get_addresses()
    assert len(offered) == 1
    # The only address is promised to the first client for a while
    assert status_of(find_ia(second.solicit(), IANAOption, IAID_1)) == STATUS_NOADDRSAVAIL
    first.request()
    assert first.addresses == offered
    assert status_of(find_ia(second.solicit(), IANAOption, IAID_1)) == STATUS_NOADDRSAVAIL


def test_an_offer_runs_out(handler_factory: HandlerFactory, clock: Clock) -> None:
    handler = handler_factory(address_range='2001:db8:1::1:0-2001:db8:1::1:0', prefix=None)
    first, second = pool_client(handler), pool_client(handler)
    offered = find_ia(first.solicit(), IANAOption, IAID_1).get_addresses()
    clock.advance(pools_module.OFFER_TIME + 1)
    assert find_ia(second.solicit(), IANAOption, IAID_1).get_addresses() == offered
    second.request()
    assert second.addresses == offered
    # The first client's late Request finds the address gone
    reply = first.request()
    assert status_of(find_ia(reply, IANAOption, IAID_1)) == STATUS_NOADDRSAVAIL


def held_offers(handler: StandardMessageHandler) -> int:
    """How many offers the address pool holds, after checking that its two dicts say the same."""
    pool = next(option_handler for option_handler in handler.option_handlers
                if isinstance(option_handler, pools_module.AddressPoolOptionHandler))
    assert {(duid, iaid): resource for resource, (duid, iaid, _) in pool._offers.items()} == pool._offer_of
    return len(pool._offers)


def test_an_offer_taken_over_leaves_nothing_behind(handler_factory: HandlerFactory, clock: Clock) -> None:
    handler = handler_factory(address_range='2001:db8:1::1:0-2001:db8:1::1:1', prefix=None)
    early, first, second = pool_client(handler), pool_client(handler), pool_client(handler)
    early.solicit()
    clock.advance(pools_module.OFFER_TIME / 2)
    first.solicit()
    clock.advance(pools_module.OFFER_TIME / 2 + 1)
    early.request()  # expired offers are forgotten now; the first client's offer still runs
    clock.advance(pools_module.OFFER_TIME / 2)
    # The first client's offer ran out before the next purge: the second client takes its address over
    assert find_ia(second.solicit(), IANAOption, IAID_1).get_addresses()
    assert held_offers(handler) == 1
    second.request()
    assert held_offers(handler) == 0


def test_the_oldest_offer_gives_way_when_too_many_are_held(handler_factory: HandlerFactory,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pools_module, 'MAX_OFFERS', 2)
    handler = handler_factory(address_range='2001:db8:1::1:0-2001:db8:1::1:2', prefix=None)
    first, second, third, fourth = (pool_client(handler) for _ in range(4))
    offered = [find_ia(client.solicit(), IANAOption, IAID_1).get_addresses() for client in (first, second, third)]
    assert sorted(address for addresses in offered for address in addresses) == [
        IPv6Address('2001:db8:1::1:0'), IPv6Address('2001:db8:1::1:1'), IPv6Address('2001:db8:1::1:2')]
    # The third offer pushed out the first: its address is the one left for a newcomer, the others stay held
    assert find_ia(fourth.solicit(), IANAOption, IAID_1).get_addresses() == offered[0]
    second.request()
    third.request()
    assert (second.addresses, third.addresses) == (offered[1], offered[2])


def test_offers_stay_bounded_under_a_flood_of_solicits(handler_factory: HandlerFactory,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pools_module, 'MAX_OFFERS', 8)
    handler = handler_factory(prefix=None)
    clients = [pool_client(handler) for _ in range(40)]
    for client in clients + clients[-4:]:
        assert find_ia(client.solicit(), IANAOption, IAID_1).get_addresses()
    # One offer per IA, and no more than the bound
    assert held_offers(handler) == 8
    # The newest ones are kept: the last clients still get what they were offered
    for client in clients[-8:]:
        client.request()
        assert len(client.addresses) == 1


def test_request_from_another_link_gets_nothing(handler: StandardMessageHandler, tmp_path: Path) -> None:
    client = pool_client(handler, link_address=OTHER_LINK_ADDRESS)
    advertise = client.solicit(ia_na=1, ia_pd=1)
    assert status_of(find_ia(advertise, IANAOption, IAID_1)) == STATUS_NOADDRSAVAIL
    assert status_of(find_ia(advertise, IAPDOption, PD_IAID_1)) == STATUS_NOPREFIXAVAIL
    reply = client.request()
    assert status_of(find_ia(reply, IANAOption, IAID_1)) == STATUS_NOADDRSAVAIL
    assert status_of(find_ia(reply, IAPDOption, PD_IAID_1)) == STATUS_NOPREFIXAVAIL
    assert client.addresses == [] and client.prefixes == []
    assert stored_leases(tmp_path) == {}


def test_request_from_a_link_without_an_address_gets_nothing(handler: StandardMessageHandler, tmp_path: Path) -> None:
    # A listener on an interface without a global address wraps with link-address ::
    client = pool_client(handler, link_address='::')
    client.solicit(ia_na=1, ia_pd=1)
    reply = client.request()
    assert status_of(find_ia(reply, IANAOption, IAID_1)) == STATUS_NOADDRSAVAIL
    assert stored_leases(tmp_path) == {}


def test_relayed_request_uses_the_relay_link_address(handler: StandardMessageHandler, tmp_path: Path) -> None:
    # The listener's own link-address is on another link; the relay closest to the client says where the client is
    client = pool_client(handler, link_address=OTHER_LINK_ADDRESS,
                         via_relays=[('2001:db8:1::2', 'fe80::1234', [])])
    client.solicit(ia_na=1, ia_pd=1)
    client.request()
    assert len(client.addresses) == 1 and in_range(client.addresses[0])
    assert len(stored_leases(tmp_path)) == 2


def test_tiny_pool_runs_out(handler_factory: HandlerFactory, tmp_path: Path) -> None:
    handler = handler_factory(address_range='2001:db8:1::1:0-2001:db8:1::1:3', prefix=None)
    clients = [pool_client(handler) for _ in range(5)]
    for client in clients[:4]:
        client.solicit()
        reply = client.request()
        assert status_of(find_ia(reply, IANAOption, IAID_1)) is None
    assert sorted(str(address) for client in clients[:4] for address in client.addresses) == [
        '2001:db8:1::1:0', '2001:db8:1::1:1', '2001:db8:1::1:2', '2001:db8:1::1:3']
    last = clients[4]
    assert status_of(find_ia(last.solicit(), IANAOption, IAID_1)) == STATUS_NOADDRSAVAIL
    reply = last.request()
    iana = find_ia(reply, IANAOption, IAID_1)
    assert status_of(iana) == STATUS_NOADDRSAVAIL and iana.get_addresses() == []
    assert last.addresses == []
    assert len(stored_leases(tmp_path)) == 4


def test_request_without_a_solicit(handler: StandardMessageHandler, tmp_path: Path) -> None:
    # A client that kept its server from an earlier exchange may send a Request straight away
    client = pool_client(handler)
    client.set_ias(1, 1)
    client.request(server_duid=POOL_SERVER_DUID)
    assert len(client.addresses) == 1 and len(client.prefixes) == 1
    assert len(stored_leases(tmp_path)) == 2


def garble_timers(message: Any) -> Any:
    """Give every IA of a client's message T1 greater than T2, and every address and prefix in them a preferred
    lifetime greater than the valid one."""
    for ia in message.options:
        if isinstance(ia, (IANAOption, IAPDOption)):
            ia.t1, ia.t2 = 2000, 1000
            for lease in ia.options:
                if isinstance(lease, (IAAddressOption, IAPrefixOption)):
                    lease.preferred_lifetime, lease.valid_lifetime = 300, 100
    return message


def test_timers_and_lifetimes_from_the_client_are_ignored(handler: StandardMessageHandler, tmp_path: Path) -> None:
    # RFC 8415 sections 21.4, 21.6, 21.21 and 21.22: the server MUST ignore T1/T2 and lifetimes in a client's message,
    # so values out of order (which a client would discard in a server's) neither lose the client its answer nor
    # reach the reply
    client = pool_client(handler)
    advertise = client.exchange(garble_timers(client.build_solicit(ia_na=1, ia_pd=1)))
    assert isinstance(advertise, AdvertiseMessage)
    request = garble_timers(client.build_request())
    offered = find_ia(advertise, IANAOption, IAID_1).get_addresses()
    assert find_ia(request, IANAOption, IAID_1).get_addresses() == offered
    reply = client.exchange(request)
    assert isinstance(reply, ReplyMessage) and status_of(reply) is None
    iana = find_ia(reply, IANAOption, IAID_1)
    address = iana.get_option_of_type(IAAddressOption)
    assert address is not None and in_range(address.address)
    assert (address.preferred_lifetime, address.valid_lifetime, iana.t1, iana.t2) == (3600, 7200, 1800, 2880)
    iapd = find_ia(reply, IAPDOption, PD_IAID_1)
    prefix = iapd.get_option_of_type(IAPrefixOption)
    assert prefix is not None
    assert (prefix.preferred_lifetime, prefix.valid_lifetime, iapd.t1, iapd.t2) == (43200, 86400, 21600, 34560)
    assert len(stored_leases(tmp_path)) == 2


def test_a_duid_without_a_link_layer_address_gets_leases(handler: StandardMessageHandler, tmp_path: Path) -> None:
    # A client on an interface without a link-layer address (PPP, a raw-IP modem) may send a DUID-LL of just the
    # hardware type: DUIDs are opaque (RFC 8415 section 11), so it is a client like any other
    client = pool_client(handler, LinkLayerDUID(1, b''))
    client.solicit(ia_na=1, ia_pd=1)
    assert isinstance(client.request(), ReplyMessage)
    assert len(client.addresses) == 1 and len(client.prefixes) == 1
    assert {row.duid for row in stored_leases(tmp_path).values()} == {LinkLayerDUID(1, b'').save()}


def test_infinite_lifetimes(handler_factory: HandlerFactory, tmp_path: Path) -> None:
    handler = handler_factory(na_lifetimes=('infinite', 'infinite'), prefix=None)
    client = pool_client(handler)
    client.solicit()
    reply = client.request()
    iana = find_ia(reply, IANAOption, IAID_1)
    address = iana.get_option_of_type(IAAddressOption)
    assert (address.preferred_lifetime, address.valid_lifetime) == (INFINITY, INFINITY)
    assert (iana.t1, iana.t2) == (INFINITY, INFINITY)
    row = stored_leases(tmp_path)[str(address.address)]
    assert (row.preferred_until, row.valid_until) == (FOREVER, FOREVER)


def test_hints_the_server_cannot_give_are_ignored(handler: StandardMessageHandler, tmp_path: Path) -> None:
    # An IA Address of ::, ::1 or a multicast address is a hint the server cannot use (RFC 8415 section 18.3.1): the
    # client still gets its address
    client = pool_client(handler)
    solicit = client.build_solicit(ia_na=1)
    for option in solicit.options:
        if isinstance(option, IANAOption):
            option.options = [IAAddressOption(IPv6Address(text)) for text in ('::', '::1', 'ff02::1:2')]
    advertise = client.exchange(solicit)
    assert isinstance(advertise, AdvertiseMessage)
    addresses = find_ia(advertise, IANAOption, IAID_1).get_addresses()
    assert len(addresses) == 1 and in_range(addresses[0])
    reply = client.request()
    assert isinstance(reply, ReplyMessage) and status_of(reply) is None
    assert client.addresses == addresses
    assert len(stored_leases(tmp_path)) == 1
