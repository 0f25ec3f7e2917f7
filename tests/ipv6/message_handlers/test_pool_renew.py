"""
Renew against dynamic pools (RFC 8415 section 18.3.4): a binding the server knows is extended (durably: the stored
valid time moves on), an IA it does not know gets NoBinding, and what the client lists but does not hold gets
lifetimes of zero.
"""
from ipaddress import IPv6Address, IPv6Network
from pathlib import Path

from dhcpkit.ipv6.extensions.prefix_delegation import IAPDOption, IAPrefixOption
from dhcpkit.ipv6.message_handlers.standard import StandardMessageHandler
from dhcpkit.ipv6.messages import ReplyMessage
from dhcpkit.ipv6.options import STATUS_NOBINDING, IAAddressOption, IANAOption
from dhcpkit.ipv6.server.config_loader import load_config
from tests.ipv6.message_handlers.client import InProcessClient, find_ia, status_of, write_config
from tests.ipv6.message_handlers.pool_helpers import (NA_PREFERRED, NA_VALID, PD_PREFERRED, PD_VALID,
                                                      POOL_SERVER_DUID_HEX, Clock, HandlerFactory, pool_client,
                                                      pool_config, stored_leases)
from tests.ipv6.message_handlers.pool_helpers import clock, handler, handler_factory  # noqa: F401 (fixtures)

IAID_1 = (1).to_bytes(4, 'big')
PD_IAID_1 = (0x101).to_bytes(4, 'big')


def bound_client(handler: StandardMessageHandler) -> InProcessClient:
    client = pool_client(handler)
    client.solicit(ia_na=1, ia_pd=1)
    client.request()
    assert len(client.addresses) == 1 and len(client.prefixes) == 1
    return client


def bound_client_na(handler: StandardMessageHandler) -> InProcessClient:
    client = pool_client(handler)
    client.solicit(ia_na=1)
    client.request()
    assert len(client.addresses) == 1
    return client


def test_renew_after_a_reload_with_the_same_pools(handler_factory: HandlerFactory, tmp_path: Path) -> None:
    handler = handler_factory()
    client = bound_client(handler)
    held = (client.addresses, client.prefixes)
    same = write_config(tmp_path, pool_config(), rapid_commit=True, duid=POOL_SERVER_DUID_HEX, name='same.ini')
    handler.reload(load_config(str(same)))
    reply = client.renew()
    assert status_of(find_ia(reply, IANAOption, IAID_1)) is None
    assert (client.addresses, client.prefixes) == held


def test_renew_extends(handler: StandardMessageHandler, tmp_path: Path, clock: Clock) -> None:
    client = bound_client(handler)
    before = stored_leases(tmp_path)
    clock.advance(1000)
    reply = client.renew()
    assert isinstance(reply, ReplyMessage)

    iana = find_ia(reply, IANAOption, IAID_1)
    address = iana.get_option_of_type(IAAddressOption)
    assert status_of(iana) is None and address is not None and [address.address] == client.addresses
    assert (address.preferred_lifetime, address.valid_lifetime, iana.t1, iana.t2) == (
        NA_PREFERRED, NA_VALID, NA_PREFERRED // 2, NA_PREFERRED * 4 // 5)
    iapd = find_ia(reply, IAPDOption, PD_IAID_1)
    prefix = iapd.get_option_of_type(IAPrefixOption)
    assert status_of(iapd) is None and prefix is not None and [prefix.prefix] == client.prefixes
    assert (prefix.preferred_lifetime, prefix.valid_lifetime) == (PD_PREFERRED, PD_VALID)

    after = stored_leases(tmp_path)
    assert set(after) == set(before)
    for resource, row in after.items():
        assert row.state == 'bound'
        assert row.valid_until == before[resource].valid_until + 1000
        assert row.preferred_until == before[resource].preferred_until + 1000
        assert row.updated == int(clock.now)


def test_renew_many_times_keeps_the_lease(handler: StandardMessageHandler, tmp_path: Path, clock: Clock) -> None:
    client = bound_client(handler)
    held = (client.addresses, client.prefixes)
    for _ in range(5):
        clock.advance(NA_PREFERRED // 2)
        client.renew()
    # Long after the first valid lifetime would have ended, the leases are still there and still bound
    assert (client.addresses, client.prefixes) == held
    assert all(row.valid_until > clock.now for row in stored_leases(tmp_path).values())


def test_renew_unknown_ia_gets_no_binding(handler: StandardMessageHandler, tmp_path: Path) -> None:
    client = pool_client(handler)
    client.solicit(ia_na=1, ia_pd=1)  # chooses the server, commits nothing
    # The client believes it holds an address and a prefix from the pools, but the server never gave them
    client.iana[IAID_1].leases = {IPv6Address('2001:db8:1::1:1234'): (3600, 7200)}
    client.iapd[PD_IAID_1].leases = {IPv6Network('2001:db8:100:1234::/64'): (3600, 7200)}
    reply = client.renew()
    iana = find_ia(reply, IANAOption, IAID_1)
    iapd = find_ia(reply, IAPDOption, PD_IAID_1)
    assert status_of(iana) == STATUS_NOBINDING and iana.get_addresses() == []
    assert status_of(iapd) == STATUS_NOBINDING and iapd.get_prefixes() == []
    assert stored_leases(tmp_path) == {}


def test_renew_an_ia_of_another_client_gets_no_binding(handler: StandardMessageHandler, tmp_path: Path) -> None:
    owner = bound_client(handler)
    intruder = pool_client(handler)
    intruder.solicit(ia_na=1)
    intruder.iana[IAID_1].leases = {owner.addresses[0]: (3600, 7200)}
    reply = intruder.renew()
    assert status_of(find_ia(reply, IANAOption, IAID_1)) == STATUS_NOBINDING
    assert stored_leases(tmp_path)[str(owner.addresses[0])].duid == owner.duid.save()


def test_renew_after_expiry_gets_no_binding(handler: StandardMessageHandler, clock: Clock) -> None:
    client = bound_client(handler)
    clock.advance(PD_VALID + 1)
    reply = client.renew()
    assert status_of(find_ia(reply, IANAOption, IAID_1)) == STATUS_NOBINDING
    assert status_of(find_ia(reply, IAPDOption, PD_IAID_1)) == STATUS_NOBINDING


def test_renew_after_release_gets_no_binding(handler: StandardMessageHandler) -> None:
    client = bound_client(handler)
    held = {IAID_1: dict(client.iana[IAID_1].leases)}
    client.release()
    client.iana[IAID_1].leases = held[IAID_1]
    reply = client.renew()
    assert status_of(find_ia(reply, IANAOption, IAID_1)) == STATUS_NOBINDING


def test_renew_listing_a_stale_address(handler: StandardMessageHandler, tmp_path: Path) -> None:
    client = bound_client(handler)
    [address] = client.addresses
    stale = IPv6Address('2001:db8:1::1:ffff') if address != IPv6Address('2001:db8:1::1:ffff') \
        else IPv6Address('2001:db8:1::1:fffe')
    client.iana[IAID_1].leases[stale] = (3600, 7200)
    reply = client.renew()
    iana = find_ia(reply, IANAOption, IAID_1)
    lifetimes = {option.address: (option.preferred_lifetime, option.valid_lifetime)
                 for option in iana.options if isinstance(option, IAAddressOption)}
    assert lifetimes == {address: (NA_PREFERRED, NA_VALID), stale: (0, 0)}
    assert client.addresses == [address]
    assert str(stale) not in stored_leases(tmp_path)


def test_renew_with_an_empty_ia_extends_what_it_holds(handler: StandardMessageHandler, tmp_path: Path,
                                                      clock: Clock) -> None:
    client = bound_client(handler)
    held = client.addresses
    client.iana[IAID_1].leases = {}
    clock.advance(60)
    reply = client.renew()
    assert find_ia(reply, IANAOption, IAID_1).get_addresses() == held
    assert stored_leases(tmp_path)[str(held[0])].updated == int(clock.now)


def test_renew_after_the_range_was_widened(handler_factory: HandlerFactory, tmp_path: Path) -> None:
    """A reload that widens the range keeps every binding: leases belong to the pool whose range holds them."""
    handler = handler_factory(address_range='2001:db8:1::1:0-2001:db8:1::1:ff', prefix=None)
    client = bound_client_na(handler)
    [address] = client.addresses
    wider = write_config(tmp_path, pool_config(address_range='2001:db8:1::1:0-2001:db8:1::1:fff', prefix=None),
                         rapid_commit=True, duid=POOL_SERVER_DUID_HEX, name='wider.ini')
    handler.reload(load_config(str(wider)))
    reply = client.renew()
    iana = find_ia(reply, IANAOption, IAID_1)
    assert status_of(iana) is None
    assert iana.get_addresses() == [address]
    assert stored_leases(tmp_path)[str(address)].state == 'bound'
