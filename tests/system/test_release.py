"""Releasing leases: every real client's way of giving back what it got, and the pool taking it back."""

from __future__ import annotations

import ipaddress

from tests.netns import TestNetwork, require_program
from tests.system.clients import Dhclient, Dhcp6c, Dhcpcd, dhclient_duid
from tests.system.daemon import (
    DIRECT_ADDRESSES,
    DIRECT_LINK,
    DIRECT_PREFIXES,
    AddressPool,
    Daemon,
    ServerConfig,
    Topology,
    explain,
)


def test_dhclient_releases_its_address(net: TestNetwork) -> None:
    require_program("dhclient")
    Topology(net).build()
    daemon = Daemon(net, ServerConfig(pools=[DIRECT_ADDRESSES]))
    client = Dhclient(net)
    with explain(daemon, client):
        daemon.start()
        client.start()
        address = client.script.wait_reason("BOUND6")["new_ip6_address"]
        daemon.wait_lease_state(address, "bound")
        # dhclient -r stops the running instance (pid file) and sends a Release for the lease in the lease file
        client.release()
        client.wait_exit()
        daemon.wait_lease_state(address, "released")
        statistics = daemon.statistics()
        assert statistics["replied"] >= 3 and statistics["exceptions"] == 0, statistics
        daemon.stop_cleanly()


def test_dhclient_releases_its_prefix(net: TestNetwork) -> None:
    require_program("dhclient")
    Topology(net).build()
    daemon = Daemon(net, ServerConfig(pools=[DIRECT_PREFIXES]))
    client = Dhclient(net, mode="-P")
    with explain(daemon, client):
        daemon.start()
        client.start()
        prefix = client.script.wait_reason("BOUND6")["new_ip6_prefix"]
        daemon.wait_lease_state(prefix, "bound")
        client.release()
        client.wait_exit()
        daemon.wait_lease_state(prefix, "released")
        assert daemon.statistics()["exceptions"] == 0
        daemon.stop_cleanly()


def test_dhcpcd_releases_when_it_stops(net: TestNetwork) -> None:
    require_program("dhcpcd")
    Topology(net).build()
    daemon = Daemon(net, ServerConfig(pools=[DIRECT_ADDRESSES, DIRECT_PREFIXES]))
    client = Dhcpcd(net)
    with explain(daemon, client):
        daemon.start()
        client.start()
        bound = client.script.wait_reason("BOUND6")
        address = bound["new_dhcp6_ia_na1_ia_addr1"]
        prefix = f"{bound['new_dhcp6_ia_pd1_prefix1']}/{bound['new_dhcp6_ia_pd1_prefix1_length']}"
        daemon.wait_lease_state(address, "bound")
        daemon.wait_lease_state(prefix, "bound")
        # With "release" in its configuration dhcpcd sends one Release for both IAs when it stops
        assert client.stop() == 0
        assert "RELEASE6" in [call.get("reason") for call in client.script.calls()]
        daemon.wait_lease_state(address, "released")
        daemon.wait_lease_state(prefix, "released")
        assert daemon.statistics()["exceptions"] == 0
        daemon.stop_cleanly()


def test_dhcp6c_releases_on_sigterm(net: TestNetwork) -> None:
    require_program("dhcp6c")
    Topology(net).build()
    daemon = Daemon(net, ServerConfig(pools=[DIRECT_ADDRESSES, DIRECT_PREFIXES]))
    client = Dhcp6c(net, information_only=False)
    with explain(daemon, client):
        daemon.start()
        client.start()
        client.wait_configured()
        address = client.lease_from_log("IA_NA address")
        prefix = client.lease_from_log("IA_PD prefix")
        daemon.wait_lease_state(address, "bound")
        daemon.wait_lease_state(prefix, "bound")
        # dhcp6c releases each IA in its own Release and waits for the Replies before it exits
        assert client.stop() == 0
        daemon.wait_lease_state(address, "released")
        daemon.wait_lease_state(prefix, "released")
        assert daemon.statistics()["exceptions"] == 0
        daemon.stop_cleanly()


def test_released_address_goes_to_the_next_client(net: TestNetwork) -> None:
    """With a pool of one address, a second client gets it only after the first released it."""
    require_program("dhclient")
    Topology(net).build()
    only = str(ipaddress.IPv6Network(DIRECT_LINK)[0x100])
    daemon = Daemon(net, ServerConfig(pools=[AddressPool(DIRECT_LINK, only, only)]))
    # Different DUID types, so that the two are different clients for the server
    first = Dhclient(net, name="first", duid_type="LLT")
    second = Dhclient(net, name="second", duid_type="LL")
    with explain(daemon, first, second):
        daemon.start()
        first.start()
        bound = first.script.wait_reason("BOUND6")
        assert bound["new_ip6_address"] == only
        first_duid = dhclient_duid(bound["new_dhcp6_client_id"])
        assert daemon.wait_lease_state(only, "bound").duid == first_duid
        first.release()
        first.wait_exit()
        daemon.wait_lease_state(only, "released")

        second.start()
        bound = second.script.wait_reason("BOUND6")
        second_duid = dhclient_duid(bound["new_dhcp6_client_id"])
        assert second_duid != first_duid
        assert bound["new_ip6_address"] == only
        assert daemon.wait_lease_state(only, "bound").duid == second_duid
        assert daemon.statistics()["exceptions"] == 0
        second.stop()
        daemon.stop_cleanly()
