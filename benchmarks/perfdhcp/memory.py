"""
The memory test of the perfdhcp benchmark: the resident memory of ``ipv6-dhcpd`` after start-up with N leases in
its store against an empty store, and the same for Kea's memfile, so the cost of a lease in memory can be stated
next to its size on disk and next to Kea's.
"""
import contextlib
import os
import pwd
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from harness import (ADDRESS_FIRST, ADDRESS_LAST, ADDRESS_POOL_SIZE, NOBODY, PREFERRED_LIFETIME, SCENARIOS,
                     VALID_LIFETIME, Dhcpkit, Kea, Server, report_errors, status_kib, wait_idle,
                     wait_ready)
from tests.netns import TestNetwork

LeaseRow = tuple[str, str, str, bytes, bytes, str, int, int, int]

#: What each server logs at INFO once it serves: timing start-up by it is finer than polling with perfdhcp
READY_LINES = {'dhcpkit': r'Ready: serving', 'kea': r'DHCP6_STARTED'}


@dataclass
class MemoryReading:
    """A server's memory after start-up with a number of leases in its store."""

    leases: int
    rss_kib: int
    peak_kib: int
    startup_seconds: float
    file_bytes: int


def lease_row(index: int, pool_id: str, now: int) -> LeaseRow:
    """The ``index``-th lease as ipv6-dhcpd stores it: a bound address for a client of its own (DUID-LL)."""
    duid = bytes.fromhex('0003000102') + index.to_bytes(5, 'big')  # hardware type 1, MAC 02:xx:xx:xx:xx:xx
    return (str(ADDRESS_FIRST + index), 'na', pool_id, duid, b'\x00\x00\x00\x01', 'bound',
            now + PREFERRED_LIFETIME, now + VALID_LIFETIME, now)


def field_bytes(leases: int) -> int:
    """
    What one lease record holds, field by field (texts and blobs at their length, times as 8 bytes, the pool id,
    shared by every lease of the pool, left out): the least any store must keep per lease.
    """
    resource, lease_type, _pool, duid, iaid, state, *times = lease_row(max(leases - 1, 0), '', 0)
    return len(resource) + len(lease_type) + len(duid) + len(iaid) + len(state) + 8 * len(times)


def prefill_dhcpkit(directory: Path, count: int) -> Path:
    """
    Write ``count`` bound address leases straight into leases.sqlite, as the daemon's address pool would have. The
    store's own class creates the schema, so the rows follow its real layout.

    :return: the database file
    """
    from dhcpkit.ipv6.leases.sqlite_store import LEASE_DATABASE_NAME, SQLiteLeaseStore
    state = directory / 'state'
    state.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = state / LEASE_DATABASE_NAME
    SQLiteLeaseStore(str(path)).close()
    now = int(time.time())
    pool_id = f'na {ADDRESS_FIRST}-{ADDRESS_LAST}'

    def rows() -> Iterator[LeaseRow]:
        for index in range(count):
            yield lease_row(index, pool_id, now)

    with contextlib.closing(sqlite3.connect(path)) as connection:
        with connection:
            connection.executemany(
                'INSERT INTO leases (resource, lease_type, pool, duid, iaid, state, preferred_until, valid_until, '
                'updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)', rows())
        connection.execute('PRAGMA wal_checkpoint(TRUNCATE)')
    account = pwd.getpwnam(NOBODY)  # the daemon opens it after dropping to nobody
    for file in state.iterdir():
        os.chown(file, account.pw_uid, account.pw_gid)
    return path


def prefill_kea(directory: Path, count: int) -> Path:
    """
    Write the same leases into Kea's memfile CSV (its 2.2 column layout), which Kea reads whole at start-up.

    :return: the lease file
    """
    directory.mkdir(mode=0o755, parents=True, exist_ok=True)
    path = Kea.lease_file(directory)
    now = int(time.time())
    with open(path, 'w', encoding='ascii') as csv:
        csv.write('address,duid,valid_lifetime,expire,subnet_id,pref_lifetime,lease_type,iaid,prefix_len,fqdn_fwd,'
                  'fqdn_rev,hostname,hwaddr,state,user_context,hwtype,hwaddr_source\n')
        for index in range(count):
            address, _type, _pool, duid, _iaid, _state, _preferred, valid_until, _updated = lease_row(index, '', now)
            mac = ':'.join(f'{byte:02x}' for byte in duid[4:])
            csv.write(f"{address},{duid.hex(':')},{VALID_LIFETIME},{valid_until},1,{PREFERRED_LIFETIME},0,1,128,0,0,,"
                      f"{mac},0,,1,2\n")
    return path


PREFILL: dict[str, Callable[[Path, int], Path]] = {'dhcpkit': prefill_dhcpkit, 'kea': prefill_kea}


def measure_memory(net: TestNetwork, server: Server, leases: int, directory: Path) -> MemoryReading:
    """Start a server on a store holding ``leases`` leases and read its memory once it serves."""
    print(f"  {server.name}: {leases} leases", flush=True)
    lease_file = PREFILL[server.name](directory, leases)
    started = time.monotonic()
    process = server.start(net, directory)
    try:
        process.wait_for_output(READY_LINES[server.name], timeout=600)
        startup = time.monotonic() - started
        wait_ready(net, process, SCENARIOS['address-4way'], timeout=60)
        wait_idle(process.pid)
        reading = MemoryReading(leases, status_kib(process.pid, 'VmRSS'), status_kib(process.pid, 'VmHWM'), startup,
                                sum(file.stat().st_size for file in lease_file.parent.glob(lease_file.name + '*')))
    finally:
        net.stop(process, timeout=60)
    report_errors(server.name, process)
    print(f"    RSS {reading.rss_kib} KiB (peak {reading.peak_kib} KiB), serving after {startup:.1f} s, lease file "
          f"{reading.file_bytes} bytes", flush=True)
    return reading


def server_lines(name: str, empty: MemoryReading, full: MemoryReading) -> list[str]:
    """One server's readings and what a lease costs it."""
    per_lease = (full.rss_kib - empty.rss_kib) * 1024 / full.leases
    peak_per_lease = (full.peak_kib - empty.peak_kib) * 1024 / full.leases
    on_disk = (full.file_bytes - empty.file_bytes) / full.leases
    return [
        f"  {name:8} empty store: RSS {empty.rss_kib / 1024:7.1f} MiB, peak {empty.peak_kib / 1024:7.1f} MiB, "
        f"serving after {empty.startup_seconds:5.1f} s",
        f"  {name:8} {full.leases} leases: RSS {full.rss_kib / 1024:7.1f} MiB, peak {full.peak_kib / 1024:7.1f} MiB, "
        f"serving after {full.startup_seconds:5.1f} s",
        f"  {name:8} per lease: {per_lease:.0f} bytes resident ({peak_per_lease:.0f} at the start-up peak), "
        f"{on_disk:.0f} bytes in its lease file",
    ]


def run_memory_test(net: TestNetwork, leases: int, servers: list[str]) -> list[str]:
    """Each server with an empty and with a filled store, each reading from a process of its own."""
    if leases > ADDRESS_POOL_SIZE:
        raise ValueError(f"at most {ADDRESS_POOL_SIZE} leases fit the pool")
    lines = [
        f"Memory test: {leases} bound address leases against none, pool of {ADDRESS_POOL_SIZE} addresses (method: "
        "leases written into the lease file, server started and timed to the line it logs at INFO when it serves, "
        "ten 4-way exchanges done with perfdhcp, then VmRSS and VmHWM read from /proc/PID/status)",
    ]
    for name in servers:
        server: Server = Dhcpkit(threads=10, log_level='info') if name == 'dhcpkit' else Kea(0, log_severity='INFO')
        empty = measure_memory(net, server, 0, net.workdir / f'memory-{name}-empty')
        full = measure_memory(net, server, leases, net.workdir / f'memory-{name}-full')
        lines += server_lines(name, empty, full)
    lines.append(f"  the fields of one lease themselves take {field_bytes(leases)} bytes")
    return lines
