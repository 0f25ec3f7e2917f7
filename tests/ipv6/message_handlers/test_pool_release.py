"""
Release against dynamic pools (RFC 8415 section 18.3.7): the leases become released in the store, the Reply says
Success, and a released resource goes back to the client that had it, or to another client only when nothing else
is free.
"""
import time
from ipaddress import IPv6Address
from pathlib import Path

import pytest

from dhcpkit.ipv6.extensions.client_fqdn import ClientFQDNOption
from dhcpkit.ipv6.leases import LEASE_TYPE_NA, Lease
from dhcpkit.ipv6.leases.lifecycle import LeaseState
from dhcpkit.ipv6.message_handlers.standard import StandardMessageHandler
from dhcpkit.ipv6.messages import ReplyMessage
from dhcpkit.ipv6.option_handlers import pools as pools_module
from dhcpkit.ipv6.options import (STATUS_NOADDRSAVAIL, STATUS_NOBINDING, STATUS_SUCCESS, IANAOption,
                                  ReconfigureAcceptOption)
from tests.ipv6.message_handlers.client import find_ia, status_of
from tests.ipv6.message_handlers.pool_helpers import (Clock, HandlerFactory, client_duid, pool_client,
                                                      stored_leases)
from tests.ipv6.message_handlers.pool_helpers import clock, handler, handler_factory  # noqa: F401 (fixtures)

IAID_1 = (1).to_bytes(4, 'big')


def test_release_frees(handler: StandardMessageHandler, tmp_path: Path, clock: Clock) -> None:
    client = pool_client(handler)
    client.solicit(ia_na=2, ia_pd=1)
    client.request()
    resources = {str(resource) for resource in client.addresses + client.prefixes}
    clock.advance(100)
    reply = client.release()
    assert isinstance(reply, ReplyMessage)
    assert status_of(reply) == STATUS_SUCCESS
    # Released IAs are not repeated (RFC 8415 18.3.7 only asks for IAs without a binding)
    assert reply.get_options_of_type(IANAOption) == []
    rows = stored_leases(tmp_path)
    assert set(rows) == resources
    for row in rows.values():
        assert row.state == 'released'
        assert row.valid_until <= int(clock.now) and row.updated == int(clock.now)


def test_release_with_options_that_only_belong_in_other_messages(handler: StandardMessageHandler,
                                                                 tmp_path: Path) -> None:
    # dhclient as NetworkManager configures it ("send fqdn.fqdn", "send dhcp6.reconf-accept") keeps both options in
    # its Release: the lease is still given back
    client = pool_client(handler)
    client.solicit(ia_na=1)
    client.request()
    release = client.build_release()
    release.options += [ClientFQDNOption(1, 'laptop.example.com.'), ReconfigureAcceptOption()]
    reply = client.exchange(release)
    assert isinstance(reply, ReplyMessage)
    assert status_of(reply) == STATUS_SUCCESS
    assert [row.state for row in stored_leases(tmp_path).values()] == ['released']


def test_release_unknown_ia_gets_no_binding(handler: StandardMessageHandler, tmp_path: Path) -> None:
    client = pool_client(handler)
    client.solicit(ia_na=1)
    client.iana[IAID_1].leases = {IPv6Address('2001:db8:1::1:1'): (3600, 7200)}
    reply = client.release()
    assert status_of(reply) == STATUS_SUCCESS
    assert status_of(find_ia(reply, IANAOption, IAID_1)) == STATUS_NOBINDING
    assert stored_leases(tmp_path) == {}


def test_release_of_another_clients_address_changes_nothing(handler: StandardMessageHandler, tmp_path: Path) -> None:
    owner = pool_client(handler)
    owner.solicit()
    owner.request()
    before = stored_leases(tmp_path)
    intruder = pool_client(handler)
    intruder.solicit()
    intruder.iana[IAID_1].leases = {owner.addresses[0]: (3600, 7200)}
    reply = intruder.release()
    assert status_of(find_ia(reply, IANAOption, IAID_1)) == STATUS_NOBINDING
    assert stored_leases(tmp_path) == before


def test_released_address_goes_to_others_last(handler_factory: HandlerFactory, tmp_path: Path) -> None:
    handler = handler_factory(address_range='2001:db8:1::1:0-2001:db8:1::1:1', prefix=None)
    first = pool_client(handler)
    first.solicit()
    first.request()
    [released] = first.addresses
    first.release()

    # Another client gets the address nobody had, not the released one
    second = pool_client(handler)
    second.solicit()
    second.request()
    assert second.addresses and second.addresses != [released]

    # When nothing else is left, the released address goes to a third client
    third = pool_client(handler)
    third.solicit()
    third.request()
    assert third.addresses == [released]
    row = stored_leases(tmp_path)[str(released)]
    assert (row.state, row.duid) == ('bound', third.duid.save())

    # ... and now the one that released it finds the pool empty
    reply = first.solicit()
    assert status_of(find_ia(reply, IANAOption, IAID_1)) == STATUS_NOADDRSAVAIL


def test_released_address_goes_to_others_last_in_a_large_pool(handler_factory: HandlerFactory,
                                                              tmp_path: Path) -> None:
    size = pools_module.PROBES + 36
    handler = handler_factory(address_range=f'2001:db8:1::1:0-2001:db8:1::1:{size - 1:x}', prefix=None)
    pool_handler = next(option_handler for option_handler in handler.option_handlers
                        if isinstance(option_handler, pools_module.AddressPoolOptionHandler))
    pool, store = pool_handler.pool, pool_handler.store
    assert store is not None
    # A client whose PROBES positions include position 0, where the full scan starts
    duid = next(client_duid(number) for number in range(10 ** 6, 10 ** 6 + 1000)
                if (pool.size - pool.start_index(client_duid(number).save(), IAID_1)) % pool.size < pools_module.PROBES)
    start = pool.start_index(duid.save(), IAID_1)
    window = [(start + offset) % pool.size for offset in range(pools_module.PROBES)]
    assert 0 in window
    now = int(time.time())
    # Every position the client probes is bound to someone else, except position 0, which another client released
    for index in window:
        state = LeaseState.RELEASED if index == 0 else LeaseState.BOUND
        owner = client_duid(2 * 10 ** 6 + index).save()
        assert store.claim(Lease(pool.resource_at(index), LEASE_TYPE_NA, pool.pool_id, owner, IAID_1, state,
                                 now + 3600, now + 7200, now), now)
    client = pool_client(handler, duid=duid)
    client.solicit()
    client.request()
    assert client.addresses, "there are never-used addresses outside the probed positions"
    assert client.addresses != [IPv6Address(pool.resource_at(0))], "got another client's released address"
