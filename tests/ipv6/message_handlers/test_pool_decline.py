"""
Decline against dynamic pools (RFC 8415 section 18.3.8): the address is quarantined (declined in the store, with the
quarantine's end as its valid time) and nobody, not even the client that declined it, gets it before the
quarantine-time has passed.
"""
import time
from pathlib import Path

from dhcpkit.ipv6.message_handlers.standard import StandardMessageHandler
from dhcpkit.ipv6.messages import ReplyMessage
from dhcpkit.ipv6.options import STATUS_NOADDRSAVAIL, STATUS_NOBINDING, STATUS_SUCCESS, IANAOption
from tests.ipv6.message_handlers.client import find_ia, status_of
from tests.ipv6.message_handlers.pool_helpers import Clock, HandlerFactory, pool_client, stored_leases
from tests.ipv6.message_handlers.pool_helpers import clock, handler, handler_factory  # noqa: F401 (fixtures)

IAID_1 = (1).to_bytes(4, 'big')
ONE_ADDRESS = '2001:db8:1::1:0-2001:db8:1::1:0'


def test_decline_quarantines(handler_factory: HandlerFactory, tmp_path: Path, clock: Clock) -> None:
    handler = handler_factory(quarantine_time='10m')
    client = pool_client(handler)
    client.solicit(ia_na=2)
    client.request()
    declined, kept = client.iana[IAID_1].leases, client.iana[(2).to_bytes(4, 'big')].leases
    [address], [other] = list(declined), list(kept)
    reply = client.decline(address)
    assert isinstance(reply, ReplyMessage)
    assert status_of(reply) == STATUS_SUCCESS
    assert reply.get_options_of_type(IANAOption) == []
    rows = stored_leases(tmp_path)
    assert rows[str(address)].state == 'declined'
    assert rows[str(address)].valid_until == int(clock.now) + 600
    assert rows[str(address)].duid == client.duid.save()
    # Only the declined address: the other IA keeps its lease
    assert rows[str(other)].state == 'bound'
    assert client.addresses == [other]


def test_declined_address_is_given_to_nobody_until_the_quarantine_ends(handler_factory: HandlerFactory,
                                                                       tmp_path: Path, clock: Clock) -> None:
    handler = handler_factory(address_range=ONE_ADDRESS, prefix=None, quarantine_time='10m')
    first = pool_client(handler)
    first.solicit()
    first.request()
    [address] = first.addresses
    first.decline(address)

    others = [pool_client(handler), first]
    for step in (0, 300, 299):
        clock.advance(step)
        for client in others:
            reply = client.solicit()
            assert status_of(find_ia(reply, IANAOption, IAID_1)) == STATUS_NOADDRSAVAIL, step
            reply = client.request()
            assert status_of(find_ia(reply, IANAOption, IAID_1)) == STATUS_NOADDRSAVAIL, step
    assert stored_leases(tmp_path)[str(address)].state == 'declined'

    clock.advance(1)  # 600 s after the Decline
    second = others[0]
    second.solicit()
    second.request()
    assert second.addresses == [address]
    row = stored_leases(tmp_path)[str(address)]
    assert (row.state, row.duid) == ('bound', second.duid.save())


def test_declining_client_gets_another_address(handler_factory: HandlerFactory, tmp_path: Path) -> None:
    handler = handler_factory(address_range='2001:db8:1::1:0-2001:db8:1::1:1', prefix=None)
    client = pool_client(handler)
    client.solicit()
    client.request()
    [declined] = client.addresses
    client.decline(declined)
    # RFC 8415 18.2.8: the client starts over, and must not get the declined address back
    client.solicit()
    client.request()
    assert client.addresses and client.addresses != [declined]
    assert stored_leases(tmp_path)[str(declined)].state == 'declined'


def test_quarantine_with_the_real_clock(handler_factory: HandlerFactory, tmp_path: Path) -> None:
    handler = handler_factory(address_range=ONE_ADDRESS, prefix=None, quarantine_time='1')
    first, second = pool_client(handler), pool_client(handler)
    first.solicit()
    first.request()
    [address] = first.addresses
    first.decline(address)
    second.solicit()
    assert status_of(find_ia(second.request(), IANAOption, IAID_1)) == STATUS_NOADDRSAVAIL
    time.sleep(1.1)  # the store keeps whole seconds: the quarantine is over within 2 s
    second.solicit()
    second.request()
    assert second.addresses == [address]


def test_decline_of_an_address_not_held_gets_no_binding(handler: StandardMessageHandler, tmp_path: Path) -> None:
    owner = pool_client(handler)
    owner.solicit()
    owner.request()
    before = stored_leases(tmp_path)
    intruder = pool_client(handler)
    intruder.solicit()
    reply = intruder.decline(owner.addresses[0])
    assert status_of(reply) == STATUS_SUCCESS
    assert status_of(find_ia(reply, IANAOption, IAID_1)) == STATUS_NOBINDING
    assert stored_leases(tmp_path) == before
