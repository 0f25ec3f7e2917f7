"""Durability: a lease that the server has put in a Reply is in the store before the Reply leaves.

Under load from Kea's ``perfdhcp -6`` (4-way exchanges, an address and a
prefix per client), the test kills the real ``ipv6-dhcpd`` with SIGKILL at
random moments (seeded: :data:`SEED`, or ``DHCPKIT_DURABILITY_SEED`` from the
environment), restarts it each time with the same configuration and state
directory, and at the end, after perfdhcp finished and the daemon stopped
cleanly, checks that every address and prefix that any client was told in a
Reply is still bound in the store to that client (the DUID of the Reply's
Client Identifier and the IAID of the IA it was in) and to nobody else.

It runs once for each ``[server] lease-sync`` mode: ``full`` (fsync per commit) and
``normal`` (the commit is handed to the kernel), since both promise that a lease
survives the death of the server process.

The capture runs in the CLIENT namespace, so a Reply counts only if it really
left the server. Each SIGKILL leaves the pid file behind, naming the dead
process; the restart must not be blocked by it.

perfdhcp's clients come back: ``-R`` is smaller than the number of
exchanges, so later exchanges repeat earlier clients, whose Request then
extends a lease (a store update) instead of claiming a new one.
"""

from __future__ import annotations

import os
import random
import signal
import time
from collections import Counter
from dataclasses import dataclass

import pytest

from tests.netns import TestNetwork, require_program
from tests.system.daemon import LogSource, Topology, explain
from tests.system.perfdhcp_support import (
    Capture,
    LaterProcess,
    LoadDaemon,
    broken_promises,
    double_holdings,
    exchanges_in,
    parse_perfdhcp_report,
    perfdhcp_argv,
    promises_in,
    read_store,
    unanswered_requests,
)

pytestmark = pytest.mark.system

#: The seed of the kill moments; set DHCPKIT_DURABILITY_SEED to try others
SEED = int(os.environ.get("DHCPKIT_DURABILITY_SEED", "20261125"))
KILLS = 3
#: Each run of the daemon serves this long (seconds, uniformly random) before it is killed
LOAD_BEFORE_KILL = (1.0, 4.0)
#: Load on the last run before perfdhcp is told to stop
LAST_RUN_LOAD = 3.0
#: Exchanges per second: well within what the daemon holds (see test_perfdhcp.py)
RATE = 200
#: Different clients; fewer than the exchanges, so that clients come back and renew their binding with a Request
CLIENTS = 1000
#: perfdhcp's own bounds; the test stops it (SIGINT) long before
PERIOD = 90.0
EXCHANGES = int(RATE * PERIOD)
#: A killed run must have sent at least this many Replies, or the kill did not happen under load
MINIMUM_REPLIES_PER_RUN = 20


@dataclass
class Kill:
    """One SIGKILL: the run it ended, what the pid file said afterwards, how long the restart took."""

    pid: int
    served_from: float
    killed_at: float
    pid_file: str
    restart_seconds: float = 0.0


@pytest.mark.parametrize("lease_sync", ["full", "normal"])
def test_leases_in_replies_survive_sigkill(net: TestNetwork, lease_sync: str) -> None:
    perfdhcp = require_program("perfdhcp")
    require_program("tcpdump")
    rng = random.Random(SEED)
    delays = [rng.uniform(*LOAD_BEFORE_KILL) for _ in range(KILLS)]
    Topology(net).build()
    daemon = LoadDaemon(net, lease_sync=lease_sync)
    capture = Capture(net)
    perfdhcp_log = LaterProcess("perfdhcp log")
    kills: list[Kill] = []
    context = f"seed {SEED}, kills after {', '.join(f'{delay:.2f}' for delay in delays)} s"
    journal = net.workdir / "kills.log"
    journal.write_text(context + "\n")
    with explain(daemon, capture, perfdhcp_log, LogSource("kills", path=journal)):
        daemon.start()
        capture.start()
        argv = perfdhcp_argv(perfdhcp, clients=CLIENTS, exchanges=EXCHANGES, rate=RATE, period=PERIOD)
        load = perfdhcp_log.process = net.popen("client", argv)
        served_from = time.time()

        for delay in delays:
            time.sleep(delay)
            assert load.running(), f"perfdhcp stopped early:\n{load.output()}"
            assert daemon.process is not None and daemon.process.running(), "the daemon died by itself"
            killed_at = time.time()
            pid = daemon.kill()
            # SIGKILL leaves the pid file behind, naming the dead process
            pid_file = daemon.pid_file.read_text().strip() if daemon.pid_file.exists() else "(none)"
            kill = Kill(pid, served_from, killed_at, pid_file)
            kills.append(kill)
            with journal.open("a") as log:
                log.write(f"killed pid {pid} at {killed_at:.3f}, pid file then held {pid_file}\n")
            kill.restart_seconds = daemon.start()
            served_from = time.time()

        time.sleep(LAST_RUN_LOAD)
        assert load.running(), f"perfdhcp stopped early:\n{load.output()}"
        load.send_signal(signal.SIGINT)
        load.wait(20)
        # A clean stop answers what is in flight; then the capture has every Reply that left
        assert daemon.stop() == 0
        capture.stop()
        assert not daemon.pid_file.exists(), "the clean stop left its pid file"

        final = daemon.final_statistics()
        assert final["exceptions"] == 0, final
        for run in daemon.runs:
            assert "Traceback" not in run.output(), f"run {run.pid} logged a traceback"
        for kill in kills:
            assert kill.pid_file == str(kill.pid), f"after SIGKILL of {kill.pid} the pid file held {kill.pid_file}"

        exchanges = exchanges_in(capture.datagrams())
        assert not exchanges.malformed, exchanges.malformed[:5]
        promises = promises_in(exchanges.replies)
        for number, kill in enumerate(kills, 1):
            replies = sum(1 for datagram, _reply in exchanges.replies
                          if kill.served_from <= datagram.time <= kill.killed_at)
            assert replies >= MINIMUM_REPLIES_PER_RUN, f"run {number} sent only {replies} Replies before SIGKILL"

        now = time.time()
        leases = read_store(daemon.state_directory, net.workdir / "store-copy")
        problems = broken_promises(promises, leases, now)
        assert problems == [], "promises broken:\n" + "\n".join(problems)
        assert double_holdings(leases, now) == []

    told = {(promise.resource, promise.ia) for promise in promises}
    untold = sum(1 for lease in leases if lease.bound(now) and (lease.resource, lease.ia) not in told)
    returning = sum(1 for count in Counter(promise.ia for promise in promises).values() if count > 1)
    report = parse_perfdhcp_report(load.output())
    print(f"\n{context}; restarts took {', '.join(f'{kill.restart_seconds:.1f}' for kill in kills)} s\n"
          f"perfdhcp: {' '.join(argv[1:])} (stopped by SIGINT, exit {load.returncode}), "
          f"REQUEST-REPLY {report.get('REQUEST-REPLY', {})}\n"
          f"captured: {dict(exchanges.counts)}; {len(promises)} leases promised to "
          f"{len({promise.duid for promise in promises})} clients ({returning} IAs told more than once), all bound "
          f"to them in the store; "
          f"{unanswered_requests(exchanges)} Requests never answered; {untold} bound leases never told")
