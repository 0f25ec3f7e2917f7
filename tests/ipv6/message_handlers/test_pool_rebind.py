"""
Rebind against dynamic pools (RFC 8415 section 18.3.5): any server that knows the binding extends it; leases that do
not belong on the client's link come back with lifetimes of zero; an unknown IA gets NoBinding.
"""
from ipaddress import IPv6Address, IPv6Network
from pathlib import Path

from dhcpkit.ipv6.extensions.prefix_delegation import IAPDOption, IAPrefixOption
from dhcpkit.ipv6.message_handlers.standard import StandardMessageHandler
from dhcpkit.ipv6.messages import ReplyMessage
from dhcpkit.ipv6.options import STATUS_NOBINDING, IAAddressOption, IANAOption
from tests.ipv6.message_handlers.client import find_ia, status_of
from tests.ipv6.message_handlers.pool_helpers import (NA_PREFERRED, NA_VALID, PD_PREFERRED, PD_VALID, Clock,
                                                      pool_client, stored_leases)
from tests.ipv6.message_handlers.pool_helpers import clock, handler, handler_factory  # noqa: F401 (fixtures)

IAID_1 = (1).to_bytes(4, 'big')
PD_IAID_1 = (0x101).to_bytes(4, 'big')
FOREIGN_ADDRESS = IPv6Address('2001:db8:99::5')
FOREIGN_PREFIX = IPv6Network('2001:db8:999::/56')


def test_rebind_extends(handler: StandardMessageHandler, tmp_path: Path, clock: Clock) -> None:
    client = pool_client(handler)
    client.solicit(ia_na=1, ia_pd=1)
    client.request()
    held = (client.addresses, client.prefixes)
    before = stored_leases(tmp_path)
    clock.advance(NA_PREFERRED * 4 // 5 + 1)  # past T2
    reply = client.rebind()
    assert isinstance(reply, ReplyMessage)
    iana = find_ia(reply, IANAOption, IAID_1)
    address = iana.get_option_of_type(IAAddressOption)
    assert (address.preferred_lifetime, address.valid_lifetime) == (NA_PREFERRED, NA_VALID)
    assert (iana.t1, iana.t2) == (NA_PREFERRED // 2, NA_PREFERRED * 4 // 5)
    prefix = find_ia(reply, IAPDOption, PD_IAID_1).get_option_of_type(IAPrefixOption)
    assert (prefix.preferred_lifetime, prefix.valid_lifetime) == (PD_PREFERRED, PD_VALID)
    assert (client.addresses, client.prefixes) == held
    after = stored_leases(tmp_path)
    for resource, row in after.items():
        assert row.valid_until == before[resource].valid_until + NA_PREFERRED * 4 // 5 + 1
        assert row.state == 'bound'


def test_rebind_with_leases_outside_every_link(handler: StandardMessageHandler, tmp_path: Path) -> None:
    # A client that moved here from a network the server knows nothing about
    client = pool_client(handler)
    client.set_ias(1, 1)
    client.iana[IAID_1].leases = {FOREIGN_ADDRESS: (3600, 7200)}
    client.iapd[PD_IAID_1].leases = {FOREIGN_PREFIX: (3600, 7200)}
    reply = client.rebind()
    assert isinstance(reply, ReplyMessage)
    iana = find_ia(reply, IANAOption, IAID_1)
    assert status_of(iana) is None
    assert [(option.address, option.preferred_lifetime, option.valid_lifetime)
            for option in iana.options if isinstance(option, IAAddressOption)] == [(FOREIGN_ADDRESS, 0, 0)]
    assert (iana.t1, iana.t2) == (0, 0)
    iapd = find_ia(reply, IAPDOption, PD_IAID_1)
    assert [(option.prefix, option.preferred_lifetime, option.valid_lifetime)
            for option in iapd.options if isinstance(option, IAPrefixOption)] == [(FOREIGN_PREFIX, 0, 0)]
    # The client drops them, and nothing was stored
    assert client.addresses == [] and client.prefixes == []
    assert stored_leases(tmp_path) == {}


def test_rebind_unknown_ia_with_on_link_leases_gets_no_binding(handler: StandardMessageHandler,
                                                               tmp_path: Path) -> None:
    client = pool_client(handler)
    client.set_ias(1, 1)
    client.iana[IAID_1].leases = {IPv6Address('2001:db8:1::1:77'): (3600, 7200)}
    client.iapd[PD_IAID_1].leases = {IPv6Network('2001:db8:100:77::/64'): (3600, 7200)}
    reply = client.rebind()
    assert status_of(find_ia(reply, IANAOption, IAID_1)) == STATUS_NOBINDING
    assert status_of(find_ia(reply, IAPDOption, PD_IAID_1)) == STATUS_NOBINDING
    assert stored_leases(tmp_path) == {}


def test_rebind_with_a_held_and_a_foreign_address(handler: StandardMessageHandler) -> None:
    client = pool_client(handler)
    client.solicit(ia_na=1)
    client.request()
    [address] = client.addresses
    client.iana[IAID_1].leases[FOREIGN_ADDRESS] = (3600, 7200)
    reply = client.rebind()
    iana = find_ia(reply, IANAOption, IAID_1)
    lifetimes = {option.address: (option.preferred_lifetime, option.valid_lifetime)
                 for option in iana.options if isinstance(option, IAAddressOption)}
    assert lifetimes == {address: (NA_PREFERRED, NA_VALID), FOREIGN_ADDRESS: (0, 0)}
    assert (iana.t1, iana.t2) == (NA_PREFERRED // 2, NA_PREFERRED * 4 // 5)
    assert client.addresses == [address]


def test_rebind_after_expiry_gets_no_binding(handler: StandardMessageHandler, clock: Clock) -> None:
    client = pool_client(handler)
    client.solicit(ia_na=1)
    client.request()
    clock.advance(NA_VALID)
    reply = client.rebind()
    assert status_of(find_ia(reply, IANAOption, IAID_1)) == STATUS_NOBINDING
