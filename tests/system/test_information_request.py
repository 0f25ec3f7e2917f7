"""Stateless DHCPv6 (Information-request / Reply) with real clients on the server's link.

What the clients understood is read from the environment they give their script: ISC dhclient's
``new_dhcp6_name_servers`` and ``new_dhcp6_domain_search``, WIDE dhcp6c's ``new_domain_name_servers`` and
``new_domain_name``. Clients in other places: ``test_relayed.py``.
"""

from __future__ import annotations

from tests.netns import TestNetwork, require_program
from tests.system.clients import Dhclient, Dhcp6c, domains, words
from tests.system.daemon import (
    DIRECT_ADDRESSES,
    DIRECT_PREFIXES,
    DNS_SERVERS,
    SEARCH_DOMAINS,
    Daemon,
    ServerConfig,
    Topology,
    explain,
)


def test_dhclient_information_only(net: TestNetwork) -> None:
    require_program("dhclient")
    Topology(net).build()
    # Pools must not matter to a stateless client
    daemon = Daemon(net, ServerConfig(pools=[DIRECT_ADDRESSES, DIRECT_PREFIXES]))
    client = Dhclient(net, mode="-S")
    with explain(daemon, client):
        daemon.start()
        client.start()
        call = client.script.wait_for(lambda c: "new_dhcp6_name_servers" in c, "new_dhcp6_name_servers")
        assert words(call["new_dhcp6_name_servers"]) == list(DNS_SERVERS)
        assert domains(call.get("new_dhcp6_domain_search")) == list(SEARCH_DOMAINS)
        assert "new_ip6_address" not in call and "new_ip6_prefix" not in call, call
        assert daemon.leases() == []
        statistics = daemon.statistics()
        assert statistics["replied"] >= 1, statistics
        assert statistics["malformed"] == statistics["invalid"] == statistics["exceptions"] == 0, statistics
        client.stop()
        daemon.stop_cleanly()


def test_dhcp6c_information_only(net: TestNetwork) -> None:
    require_program("dhcp6c")
    Topology(net).build()
    daemon = Daemon(net, ServerConfig())
    client = Dhcp6c(net, information_only=True)
    with explain(daemon, client):
        daemon.start()
        client.start()
        call = client.wait_configured()
        assert words(call["new_domain_name_servers"]) == list(DNS_SERVERS)
        assert domains(call.get("new_domain_name")) == list(SEARCH_DOMAINS)
        statistics = daemon.statistics()
        assert statistics["replied"] >= 1, statistics
        assert statistics["malformed"] == statistics["invalid"] == statistics["exceptions"] == 0, statistics
        client.stop()
        daemon.stop_cleanly()
