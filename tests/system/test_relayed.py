"""Real clients through ISC ``dhcrelay -6`` in a namespace between them and the server.

The client's namespace has no path to the server's other than through the relay, so every answer the client gets
went client -> relay -> server -> relay -> client. The relay puts its client-side address ``2001:db8:2::1`` in the
link-address, so the server must pick the pools of ``2001:db8:2::/64``; it listens for the relay's unicast on its
global address (``global-unicast-addresses = all``).
"""

from __future__ import annotations

import ipaddress

from tests.netns import TestNetwork, require_program
from tests.system.clients import Dhclient, Dhcp6c, Dhcrelay, dhclient_duid, words
from tests.system.daemon import (
    DIRECT_ADDRESSES,
    DIRECT_PREFIXES,
    DNS_SERVERS,
    RELAY_SERVER_SIDE_ADDRESS,
    RELAYED_ADDRESSES,
    RELAYED_PREFIXES,
    AddressPool,
    Daemon,
    PrefixPool,
    ServerConfig,
    Topology,
    explain,
)

#: Pools for both links, so that picking the wrong link shows
POOLS: list[AddressPool | PrefixPool] = [DIRECT_ADDRESSES, DIRECT_PREFIXES, RELAYED_ADDRESSES, RELAYED_PREFIXES]


def relayed_setup(net: TestNetwork) -> tuple[Daemon, Dhcrelay]:
    require_program("dhcrelay")
    Topology(net, relayed=True).build()
    return Daemon(net, ServerConfig(global_unicast=True, pools=POOLS)), Dhcrelay(net)


def assert_relayed(daemon: Daemon) -> None:
    """The daemon saw the requests come from the relay (its debug log names every sender)."""
    assert f"Received from {RELAY_SERVER_SIDE_ADDRESS} " in daemon.output(), "no request came from the relay"


def test_dhclient_information_only_through_relay(net: TestNetwork) -> None:
    require_program("dhclient")
    daemon, relay = relayed_setup(net)
    client = Dhclient(net, mode="-S")
    with explain(daemon, relay, client):
        daemon.start()
        relay.start()
        client.start()
        call = client.script.wait_for(lambda c: "new_dhcp6_name_servers" in c, "new_dhcp6_name_servers")
        assert words(call["new_dhcp6_name_servers"]) == list(DNS_SERVERS)
        assert_relayed(daemon)
        statistics = daemon.statistics()
        assert statistics["replied"] >= 1 and statistics["exceptions"] == 0, statistics
        client.stop()
        daemon.stop_cleanly()


def test_dhcp6c_information_only_through_relay(net: TestNetwork) -> None:
    require_program("dhcp6c")
    daemon, relay = relayed_setup(net)
    client = Dhcp6c(net, information_only=True)
    with explain(daemon, relay, client):
        daemon.start()
        relay.start()
        client.start()
        call = client.wait_configured()
        assert words(call["new_domain_name_servers"]) == list(DNS_SERVERS)
        assert_relayed(daemon)
        assert daemon.statistics()["exceptions"] == 0
        client.stop()
        daemon.stop_cleanly()


def test_dhclient_address_through_relay_and_release(net: TestNetwork) -> None:
    require_program("dhclient")
    daemon, relay = relayed_setup(net)
    client = Dhclient(net)
    with explain(daemon, relay, client):
        daemon.start()
        relay.start()
        client.start()
        bound = client.script.wait_reason("BOUND6")
        address = ipaddress.IPv6Address(bound.get("new_ip6_address", "::"))
        first, last = ipaddress.IPv6Address(RELAYED_ADDRESSES.first), ipaddress.IPv6Address(RELAYED_ADDRESSES.last)
        assert first <= address <= last, f"got {address}, not from the relayed link's pool"
        assert words(bound.get("new_dhcp6_name_servers")) == list(DNS_SERVERS)
        lease = daemon.wait_lease_state(str(address), "bound")
        assert (lease.lease_type, lease.duid) == ("na", dhclient_duid(bound["new_dhcp6_client_id"]))
        assert_relayed(daemon)

        client.release()
        client.wait_exit()
        daemon.wait_lease_state(str(address), "released")
        statistics = daemon.statistics()
        # Advertise, Reply to the Request, Reply to the Release: each in a Relay-reply
        assert statistics["replied"] >= 3 and statistics["exceptions"] == 0, statistics
        daemon.stop_cleanly()
