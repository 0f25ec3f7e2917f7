"""perfdhcp with 10,000 distinct clients gets 10,000 distinct addresses and prefixes, and the store agrees.

Kea's ``perfdhcp -6`` runs 10,000 4-way exchanges (Solicit, Advertise,
Request, Reply), each from a client of its own and each asking for an address
(IA_NA) and a prefix (IA_PD), against the real ``ipv6-dhcpd`` on the direct
link 2001:db8:1::/64. ``tcpdump`` in the client namespace records what really
arrived. The test then holds three accounts against each other:

* perfdhcp's final report: 10,000 Advertise and 10,000 Reply received, no
  drops, no rejected leases;
* the capture: 10,000 Replies to 10,000 different DUIDs, giving 10,000
  different addresses and 10,000 different prefixes, one of each per client;
* the lease store, read after a clean stop: exactly those 10,000 addresses and
  10,000 prefixes are bound, each to the client IA (DUID + IAID) whose Reply
  named it, and nothing else is in it.

Rate: the daemon (Python, one fsync per committed lease, two leases per
Request) was measured on this 2-core shared machine to hold about 450
exchanges/s before its queue overflows; the test asks for 250/s (perfdhcp
achieves about 230/s), so 10,000 exchanges take about 45 s.
"""

from __future__ import annotations

import ipaddress
import json
import subprocess
import time

import pytest

from tests.netns import TestNetwork, require_program
from tests.system.daemon import LogSource, Topology, explain, venv_program
from tests.system.perfdhcp_support import (
    ADDRESS_FIRST,
    ADDRESS_LAST,
    DELEGATED_LENGTH,
    PREFIX_AGGREGATE,
    Capture,
    LoadDaemon,
    broken_promises,
    double_holdings,
    exchanges_in,
    parse_perfdhcp_report,
    perfdhcp_argv,
    promises_in,
    read_store,
)

pytestmark = pytest.mark.system

CLIENTS = 10_000
#: Exchanges per second asked of perfdhcp: about half of what the daemon holds here
RATE = 250
#: perfdhcp stops sending after this many seconds even if it has not reached CLIENTS (then the test fails)
PERIOD = 2.5 * CLIENTS / RATE
#: perfdhcp's own bound plus its exit wait and some slack
PERFDHCP_TIMEOUT = PERIOD + 30


def test_ten_thousand_clients_get_distinct_addresses_and_prefixes(net: TestNetwork) -> None:
    perfdhcp = require_program("perfdhcp")
    require_program("tcpdump")
    Topology(net).build()
    daemon = LoadDaemon(net)
    capture = Capture(net)
    perfdhcp_log = net.workdir / "perfdhcp.log"
    with explain(daemon, capture, LogSource("perfdhcp output", path=perfdhcp_log)):
        daemon.start()
        capture.start()

        cpu_before = daemon.cpu_seconds()
        began = time.monotonic()
        argv = perfdhcp_argv(perfdhcp, clients=CLIENTS, exchanges=CLIENTS, rate=RATE, period=PERIOD,
                             extra=["-d", "5", "-d", "5"])
        result = net.run("client", argv, timeout=PERFDHCP_TIMEOUT, check=False)
        elapsed = time.monotonic() - began
        cpu_used = daemon.cpu_seconds() - cpu_before
        perfdhcp_log.write_text(f"$ {' '.join(argv)}\n{result.stdout}\n{result.stderr}")

        statistics = daemon.statistics()
        assert daemon.stop() == 0
        capture.stop()
        final = daemon.final_statistics()

        # perfdhcp's account: every exchange completed
        report = parse_perfdhcp_report(result.stdout)
        assert result.returncode == 0, f"perfdhcp exited with {result.returncode}"
        for exchange in ("SOLICIT-ADVERTISE", "REQUEST-REPLY"):
            counters = report.get(exchange, {})
            assert (counters.get("sent packets"), counters.get("received packets"), counters.get("drops"),
                    counters.get("rejected leases")) == (CLIENTS, CLIENTS, 0, 0), (exchange, counters)

        # The daemon's account: no packet dropped or failed
        assert statistics == final, "the daemon counted packets after perfdhcp had finished"
        assert (final["received"], final["handled"], final["replied"]) == (2 * CLIENTS,) * 3, final
        assert final["exceptions"] == final["dropped-queue-full"] == final["send-failed"] == 0, final
        assert "Traceback" not in daemon.runs[-1].output()

        # The capture's account: what the clients were told
        exchanges = exchanges_in(capture.datagrams())
        assert not exchanges.malformed, exchanges.malformed[:5]
        assert {name: exchanges.counts[name] for name in
                ("SolicitMessage", "AdvertiseMessage", "RequestMessage", "ReplyMessage")} == dict.fromkeys(
            ("SolicitMessage", "AdvertiseMessage", "RequestMessage", "ReplyMessage"), CLIENTS), exchanges.counts
        promises = promises_in(exchanges.replies)
        clients = {promise.duid for promise in promises}
        assert len(clients) == CLIENTS, f"{len(clients)} different DUIDs got a lease"
        for lease_type in ("na", "pd"):
            given = [promise for promise in promises if promise.lease_type == lease_type]
            assert len(given) == CLIENTS, f"{len(given)} {lease_type} leases in {len(exchanges.replies)} Replies"
            assert len({promise.resource for promise in given}) == CLIENTS, f"{lease_type} resources repeat"
            assert len({promise.ia for promise in given}) == CLIENTS, f"a client IA got two {lease_type} leases"
        first, last = ipaddress.IPv6Address(ADDRESS_FIRST), ipaddress.IPv6Address(ADDRESS_LAST)
        aggregate = ipaddress.IPv6Network(PREFIX_AGGREGATE)
        for promise in promises:
            if promise.lease_type == "na":
                assert first <= ipaddress.IPv6Address(promise.resource) <= last, promise.describe()
            else:
                prefix = ipaddress.IPv6Network(promise.resource)
                assert prefix.prefixlen == DELEGATED_LENGTH and prefix.subnet_of(aggregate), promise.describe()

        # The store's account: exactly the promised leases, each bound to its client IA
        now = time.time()
        leases = read_store(daemon.state_directory, net.workdir / "store-copy")
        assert broken_promises(promises, leases, now) == []
        assert double_holdings(leases, now) == []
        for lease_type in ("na", "pd"):
            bound = {lease.resource for lease in leases if lease.lease_type == lease_type and lease.bound(now)}
            assert len(bound) == CLIENTS, f"the store binds {len(bound)} {lease_type} leases"
        assert {(lease.resource, lease.ia) for lease in leases if lease.bound(now)} == {
            (promise.resource, promise.ia) for promise in promises}
        assert all(lease.bound(now) for lease in leases), "the store holds records that are not bound leases"

        # The leases tool reads the same store
        tool = venv_program("ipv6-dhcp-leases")
        if tool.exists():
            listed = subprocess.run([str(tool), "--config", str(daemon.config_path), "--json"], capture_output=True,
                                    text=True, timeout=60, check=False)
            assert listed.returncode == 0, listed.stderr
            records = json.loads(listed.stdout)
            assert sorted((record["type"], record.get("address") or record["prefix"], record["duid"],
                           record["iaid"], record["state"]) for record in records) == sorted(
                (lease.lease_type, lease.resource, lease.duid.hex(), lease.iaid.hex(), lease.state)
                for lease in leases)

    achieved = report.get("rate", {}).get("exchanges/s", 0.0)
    print(f"\nperfdhcp: {' '.join(argv[1:])}\n{CLIENTS} exchanges in {elapsed:.1f} s, {achieved:.0f}/s achieved; "
          f"daemon CPU {cpu_used:.1f} s = {1000 * cpu_used / CLIENTS:.2f} ms per 4-way exchange; "
          f"capture: {capture.summary}")
