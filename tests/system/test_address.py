"""Addresses (IA_NA) from a pool with real clients on the server's link: dhclient (with renewal), dhcpcd and WIDE
dhcp6c (both asking for an address and a prefix in the same exchange)."""

from __future__ import annotations

import ipaddress

from tests.netns import TestNetwork, require_program
from tests.system.clients import Dhclient, Dhcp6c, Dhcpcd, dhclient_duid, words
from tests.system.daemon import (
    DIRECT_ADDRESSES,
    DIRECT_PREFIXES,
    DNS_SERVERS,
    AddressPool,
    Daemon,
    ServerConfig,
    Topology,
    explain,
)

#: Short lifetimes, so that T1 (half the preferred lifetime) comes after 10 s
SHORT_ADDRESSES = AddressPool(
    DIRECT_ADDRESSES.link, DIRECT_ADDRESSES.first, DIRECT_ADDRESSES.last, preferred_lifetime=20, valid_lifetime=40
)
#: T1 plus retransmission jitter and a slow shared machine
RENEW_TIMEOUT = 30.0


def in_pool(address: str, pool: AddressPool) -> bool:
    value = ipaddress.IPv6Address(address)
    return ipaddress.IPv6Address(pool.first) <= value <= ipaddress.IPv6Address(pool.last)


def test_dhclient_gets_and_renews_an_address(net: TestNetwork) -> None:
    require_program("dhclient")
    Topology(net).build()
    daemon = Daemon(net, ServerConfig(pools=[SHORT_ADDRESSES]))
    client = Dhclient(net)
    with explain(daemon, client):
        daemon.start()
        client.start()
        bound = client.script.wait_reason("BOUND6")
        address = bound.get("new_ip6_address", "")
        assert in_pool(address, SHORT_ADDRESSES), f"BOUND6 with {address!r}, not from the pool"
        assert bound.get("new_ip6_prefixlen") == "128"
        assert bound.get("new_preferred_life") == "20" and bound.get("new_max_life") == "40", bound
        assert words(bound.get("new_dhcp6_name_servers")) == list(DNS_SERVERS)

        lease = daemon.wait_lease_state(address, "bound")
        assert lease.lease_type == "na"
        assert lease.duid == dhclient_duid(bound["new_dhcp6_client_id"])
        first_valid_until = lease.valid_until

        # T1 = 10 s: the client renews (or, failing that, rebinds) the same address
        renewed = client.script.wait_reason("RENEW6", "REBIND6", timeout=RENEW_TIMEOUT)
        assert renewed["reason"] == "RENEW6", "the server did not answer the Renew, the client had to rebind"
        assert renewed.get("new_ip6_address") == address
        assert renewed.get("new_max_life") == "40"
        lease = daemon.wait_lease_state(address, "bound")
        assert lease.valid_until > first_valid_until, "the Renew did not extend the lease in the store"

        statistics = daemon.statistics()
        assert statistics["replied"] >= 3, statistics  # Advertise, Reply to Request, Reply to Renew
        assert statistics["exceptions"] == 0, statistics
        assert client.running()
        client.stop()
        daemon.stop_cleanly()


def test_dhcpcd_gets_an_address_and_a_prefix(net: TestNetwork) -> None:
    require_program("dhcpcd")
    topology = Topology(net).build()
    daemon = Daemon(net, ServerConfig(pools=[DIRECT_ADDRESSES, DIRECT_PREFIXES]))
    client = Dhcpcd(net)
    with explain(daemon, client):
        daemon.start()
        client.start()
        bound = client.script.wait_reason("BOUND6")
        address = bound.get("new_dhcp6_ia_na1_ia_addr1", "")
        assert in_pool(address, DIRECT_ADDRESSES), f"BOUND6 with address {address!r}, not from the pool"
        prefix = ipaddress.IPv6Network(
            f"{bound['new_dhcp6_ia_pd1_prefix1']}/{bound['new_dhcp6_ia_pd1_prefix1_length']}"
        )
        assert prefix.prefixlen == DIRECT_PREFIXES.delegated_length
        assert prefix.subnet_of(ipaddress.IPv6Network(DIRECT_PREFIXES.prefix))
        assert words(bound.get("new_dhcp6_name_servers")) == list(DNS_SERVERS)
        # dhcpcd configures the address itself
        assert address in topology.client_addresses()

        duid = bound["new_dhcp6_client_id"].lower()
        for resource, lease_type in ((address, "na"), (str(prefix), "pd")):
            lease = daemon.wait_lease_state(resource, "bound")
            assert (lease.lease_type, lease.duid) == (lease_type, duid)
        assert daemon.statistics()["exceptions"] == 0
        client.stop()
        daemon.stop_cleanly()


def test_dhcp6c_gets_an_address_and_a_prefix(net: TestNetwork) -> None:
    require_program("dhcp6c")
    topology = Topology(net).build()
    daemon = Daemon(net, ServerConfig(pools=[DIRECT_ADDRESSES, DIRECT_PREFIXES]))
    client = Dhcp6c(net, information_only=False)
    with explain(daemon, client):
        daemon.start()
        client.start()
        # dhcp6c runs its script after it has processed the Reply to its Request
        call = client.wait_configured()
        assert words(call["new_domain_name_servers"]) == list(DNS_SERVERS)
        # It tells about its leases only in its debug output (and adds the address to the interface)
        address = client.lease_from_log("IA_NA address")
        prefix = ipaddress.IPv6Network(client.lease_from_log("IA_PD prefix"))
        assert in_pool(address, DIRECT_ADDRESSES), f"dhcp6c got address {address!r}, not from the pool"
        assert prefix.prefixlen == DIRECT_PREFIXES.delegated_length
        assert prefix.subnet_of(ipaddress.IPv6Network(DIRECT_PREFIXES.prefix))
        assert address in topology.client_addresses()

        duid = client.duid()
        for resource, lease_type in ((address, "na"), (str(prefix), "pd")):
            lease = daemon.wait_lease_state(resource, "bound")
            assert (lease.lease_type, lease.duid) == (lease_type, duid)
        assert daemon.statistics()["exceptions"] == 0
        client.stop()
        daemon.stop_cleanly()
