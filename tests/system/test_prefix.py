"""Prefix delegation (IA_PD) from a pool with ISC ``dhclient -6 -P`` on the server's link.

dhcpcd and WIDE dhcp6c ask for a prefix together with an address: see ``test_address.py``.
"""

from __future__ import annotations

import ipaddress

from tests.netns import TestNetwork, require_program
from tests.system.clients import Dhclient, dhclient_duid
from tests.system.daemon import DIRECT_ADDRESSES, DIRECT_PREFIXES, PrefixPool, Daemon, ServerConfig, Topology, explain

SHORT_PREFIXES = PrefixPool(
    DIRECT_PREFIXES.link, DIRECT_PREFIXES.prefix, DIRECT_PREFIXES.delegated_length,
    preferred_lifetime=20, valid_lifetime=40,
)  # fmt: skip


def test_dhclient_gets_and_renews_a_prefix(net: TestNetwork) -> None:
    require_program("dhclient")
    Topology(net).build()
    # An address pool too: a client that asks only for a prefix must not get an address
    daemon = Daemon(net, ServerConfig(pools=[DIRECT_ADDRESSES, SHORT_PREFIXES]))
    client = Dhclient(net, mode="-P")
    with explain(daemon, client):
        daemon.start()
        client.start()
        bound = client.script.wait_reason("BOUND6")
        prefix = ipaddress.IPv6Network(bound.get("new_ip6_prefix", ""))
        assert prefix.prefixlen == SHORT_PREFIXES.delegated_length
        assert prefix.subnet_of(ipaddress.IPv6Network(SHORT_PREFIXES.prefix)), f"{prefix} is not from the pool"
        assert "new_ip6_address" not in bound, bound
        assert bound.get("new_preferred_life") == "20" and bound.get("new_max_life") == "40", bound

        lease = daemon.wait_lease_state(str(prefix), "bound")
        assert lease.lease_type == "pd"
        assert lease.duid == dhclient_duid(bound["new_dhcp6_client_id"])
        assert [lease.resource for lease in daemon.leases()] == [str(prefix)]
        first_valid_until = lease.valid_until

        renewed = client.script.wait_reason("RENEW6", "REBIND6", timeout=30.0)
        assert renewed["reason"] == "RENEW6", "the server did not answer the Renew, the client had to rebind"
        assert renewed.get("new_ip6_prefix") == str(prefix)
        lease = daemon.wait_lease_state(str(prefix), "bound")
        assert lease.valid_until > first_valid_until, "the Renew did not extend the lease in the store"

        assert daemon.statistics()["exceptions"] == 0
        client.stop()
        daemon.stop_cleanly()
