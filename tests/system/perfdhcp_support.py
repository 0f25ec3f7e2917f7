"""Load and crash tests of the real ``ipv6-dhcpd`` with Kea's ``perfdhcp``: the shared parts.

The tests (``test_perfdhcp.py``, ``test_durability.py``) run ``perfdhcp -6`` in
the client namespace of a :class:`~tests.system.daemon.Topology` against the
daemon in the server namespace, and record with ``tcpdump`` in the client
namespace what really arrived there. From the capture they take every
*promise* the server made: an address or prefix with a non-zero valid lifetime
in a Reply, for the DUID of the Reply's Client Identifier and the IAID of the
IA it is in. A promise is kept when the lease store, read after the daemon
stopped, binds that resource to that client IA and to nobody else.

What is here:

* :data:`CONFIG`: the daemon's configuration, with pools big enough for tens
  of thousands of clients, logging at INFO (one line per transaction, no
  packet dumps: those would cost more CPU than the server itself);
* :class:`LoadDaemon`: starts, SIGKILLs, restarts and cleanly stops the
  daemon, asks for its statistics and reads its CPU time from ``/proc``;
* :class:`Capture`: ``tcpdump -w`` in a namespace, and a small pcap reader
  (standard library only) that yields the UDP datagrams;
* :func:`promises_in`, :func:`read_store`, :func:`broken_promises` and
  :func:`double_holdings`: what the client was told, what the store says, and
  where they disagree;
* :func:`perfdhcp_argv` and :func:`parse_perfdhcp_report`: running
  ``perfdhcp`` and reading its final report.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import sqlite3
import struct
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from ipaddress import IPv6Address
from pathlib import Path

from dhcpkit.ipv6.extensions.prefix_delegation import IAPDOption, IAPrefixOption
from dhcpkit.ipv6.messages import Message, ReplyMessage, RequestMessage
from dhcpkit.ipv6.options import STATUS_SUCCESS, ClientIdOption, IAAddressOption, IANAOption, StatusCodeOption
from dhcpkit.protocol_element import MalformedInputError
from tests.netns import BackgroundProcess, TestNetwork, wait_until
from tests.system.daemon import LogSource, parse_statistics, venv_program

#: The server's DUID (DUID-LL), fixed so that a restarted daemon is the same server to the clients
SERVER_DUID = "0003000102000000aaaa"

#: The link of the direct topology (``srv0`` has 2001:db8:1::1/64)
LINK = "2001:db8:1::/64"
#: 2**20 addresses: probing finds a free one at once even with tens of thousands bound
ADDRESS_FIRST = "2001:db8:1::10:0"
ADDRESS_LAST = "2001:db8:1::1f:ffff"
#: 2**16 prefixes of /56
PREFIX_AGGREGATE = "2001:db8:100::/40"
DELEGATED_LENGTH = 56
#: Longer than any test, so nothing expires while it runs
PREFERRED_LIFETIME = 3600
VALID_LIFETIME = 7200

CONFIG = """\
[server]
user = nobody
duid = {duid}
threads = {threads}
lease-sync = {lease_sync}
state-directory = {state}
pid-file = {state}/ipv6-dhcpd.pid

[logging]
console = yes
syslog = no
level = info

[interface srv0]
multicast = yes
global-unicast-addresses = none

[option AddressPool {link}]
range = {first}-{last}
preferred-lifetime = {preferred}
valid-lifetime = {valid}

[option PrefixPool {link}]
prefix = {aggregate}
delegated-length = {delegated}
preferred-lifetime = {preferred}
valid-lifetime = {valid}
"""

#: Start-up imports every dhcpkit module before the privilege drop; the machine is shared
START_TIMEOUT = 40.0
#: A clean stop waits for the packets in flight
STOP_TIMEOUT = 40.0

_STATISTICS = re.compile(r"statistics: ((?:[a-z-]+=\d+ ?)+)$", re.MULTILINE)


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a running process (``utime + stime`` of ``/proc/PID/stat``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    # Fields 14 and 15 of proc(5); the split starts at field 3 (state)
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# ---------------------------------------------------------------------------
# The daemon
# ---------------------------------------------------------------------------


class LoadDaemon:
    """``ipv6-dhcpd`` in the server namespace, which may be killed and started again.

    Every run keeps its own log; :meth:`logs` gives them all to
    :func:`tests.system.daemon.explain`.
    """

    def __init__(self, net: TestNetwork, threads: int = 4, namespace: str = "server",
                 lease_sync: str = "full") -> None:
        self.net = net
        self.namespace = namespace
        self.state_directory = net.workdir / "state"
        self.config_path = net.workdir / "ipv6-dhcpd.ini"
        self.pid_file = self.state_directory / "ipv6-dhcpd.pid"
        self.config_path.write_text(
            CONFIG.format(
                duid=SERVER_DUID, threads=threads, lease_sync=lease_sync, state=self.state_directory, link=LINK, first=ADDRESS_FIRST,
                last=ADDRESS_LAST, aggregate=PREFIX_AGGREGATE, delegated=DELEGATED_LENGTH,
                preferred=PREFERRED_LIFETIME, valid=VALID_LIFETIME,
            )
        )
        self.config_path.chmod(0o644)  # the daemon reads it as nobody
        self.runs: list[BackgroundProcess] = []
        self.process: BackgroundProcess | None = None
        #: (pid, exit status) of every run that ended
        self.ended: list[tuple[int, int]] = []

    def start(self, timeout: float = START_TIMEOUT) -> float:
        """Start a run and wait until it serves; returns how long that took in seconds."""
        assert self.process is None, "the daemon is already running"
        began = time.monotonic()
        self.process = self.net.popen(self.namespace, [str(venv_program("ipv6-dhcpd")), str(self.config_path)])
        self.runs.append(self.process)
        self.process.wait_for_output(r"Ready: serving", timeout=timeout)
        self.process.wait_for_output(r"Listening on srv0\b", timeout=5)
        return time.monotonic() - began

    @property
    def pid(self) -> int:
        assert self.process is not None, "the daemon is not running"
        return self.process.pid

    def kill(self) -> int:
        """SIGKILL the running daemon and reap it; returns its pid."""
        assert self.process is not None, "the daemon is not running"
        process, self.process = self.process, None
        process.send_signal(signal.SIGKILL)
        status = self.net.stop(process, timeout=10, sig=signal.SIGKILL)
        self.ended.append((process.pid, status))
        return process.pid

    def stop(self, timeout: float = STOP_TIMEOUT) -> int:
        """SIGTERM, wait for a clean exit; returns the exit status (0 when clean)."""
        assert self.process is not None, "the daemon is not running"
        process, self.process = self.process, None
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout)
        finally:
            status = self.net.stop(process, timeout=2)
        self.ended.append((process.pid, status))
        return status

    def cpu_seconds(self) -> float:
        return cpu_seconds(self.pid)

    def statistics(self, timeout: float = 15.0) -> dict[str, int]:
        """The counters of the running daemon (SIGUSR1 makes it log them)."""
        assert self.process is not None, "the daemon is not running"
        process = self.process
        before = len(_STATISTICS.findall(process.output()))
        process.send_signal(signal.SIGUSR1)
        found = wait_until(
            lambda: (lines := _STATISTICS.findall(process.output()))[before:] and lines,
            timeout,
            "the statistics line after SIGUSR1",
            interval=0.2,
        )
        return parse_statistics(found[before])

    def final_statistics(self) -> dict[str, int]:
        """The counters the last run logged when it stopped."""
        found = _STATISTICS.findall(self.runs[-1].output())
        assert found, "the daemon logged no statistics when it stopped"
        return parse_statistics(found[-1])

    def logs(self) -> list[LogSource]:
        return [LogSource(f"ipv6-dhcpd run {n} (pid {run.pid}) log", process=run) for n, run in
                enumerate(self.runs, 1)] + [LogSource(self.config_path.name, path=self.config_path)]


class LaterProcess:
    """The log of a process started inside an :func:`~tests.system.daemon.explain` block, for its failure message."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.process: BackgroundProcess | None = None

    def logs(self) -> list[LogSource]:
        return [LogSource(self.name, process=self.process)] if self.process is not None else []


# ---------------------------------------------------------------------------
# Capturing
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Datagram:
    """One captured UDP datagram over IPv6."""

    time: float
    source: IPv6Address
    source_port: int
    destination: IPv6Address
    destination_port: int
    payload: bytes


#: pcap link types (tcpdump on a veth gives Ethernet)
LINKTYPE_ETHERNET = 1
LINKTYPE_LINUX_SLL = 113
LINKTYPE_LINUX_SLL2 = 276
ETHERTYPE_IPV6 = 0x86DD
IPPROTO_UDP = 17


def read_pcap(path: Path) -> Iterator[Datagram]:
    """The UDP-over-IPv6 datagrams of a classic pcap file (either byte order, micro- or nanoseconds).

    IPv6 packets with extension headers are skipped (DHCPv6 never uses them,
    MLD reports do), and so is anything cut short by the snapshot length.
    """
    data = path.read_bytes()
    if len(data) < 24:
        raise ValueError(f"{path}: not a pcap file ({len(data)} bytes)")
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        order = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        order = ">"
    else:
        raise ValueError(f"{path}: not a classic pcap file (magic {magic.hex()})")
    divisor = 1e9 if magic in (b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d") else 1e6
    (link_type,) = struct.unpack_from(order + "I", data, 20)
    header = struct.Struct(order + "IIII")
    offset = 24
    while offset + header.size <= len(data):
        seconds, fraction, captured, _original = header.unpack_from(data, offset)
        offset += header.size
        frame = data[offset:offset + captured]
        offset += captured
        packet = _ipv6_packet(frame, link_type)
        if packet is None or len(packet) < 48 or packet[6] != IPPROTO_UDP:
            continue
        source_port, destination_port, udp_length = struct.unpack_from("!HHH", packet, 40)
        if udp_length < 8 or 40 + udp_length > len(packet):
            continue
        yield Datagram(
            time=seconds + fraction / divisor,
            source=IPv6Address(packet[8:24]),
            source_port=source_port,
            destination=IPv6Address(packet[24:40]),
            destination_port=destination_port,
            payload=packet[48:40 + udp_length],
        )


def _ipv6_packet(frame: bytes, link_type: int) -> bytes | None:
    if link_type == LINKTYPE_ETHERNET:
        offset, ethertype_at = 14, 12
    elif link_type == LINKTYPE_LINUX_SLL:
        offset, ethertype_at = 16, 14
    elif link_type == LINKTYPE_LINUX_SLL2:
        offset, ethertype_at = 20, 0
    else:
        raise ValueError(f"unsupported pcap link type {link_type}")
    if len(frame) < offset or struct.unpack_from("!H", frame, ethertype_at)[0] != ETHERTYPE_IPV6:
        return None
    return frame[offset:]


class Capture:
    """``tcpdump -w`` of the DHCPv6 traffic on one interface of one namespace."""

    def __init__(self, net: TestNetwork, namespace: str = "client", interface: str = "cli0",
                 name: str = "dhcpv6") -> None:
        self.net = net
        self.namespace = namespace
        self.interface = interface
        self.path = net.workdir / f"{name}.pcap"
        self.process: BackgroundProcess | None = None
        self.summary = ""

    def start(self, timeout: float = 15.0) -> Capture:
        program = shutil.which("tcpdump", path=os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/sbin"]))
        assert program is not None, "tcpdump is not installed"
        # --immediate-mode: the kernel hands over every packet at once, not in blocks that are only handed over
        # when full or after a timeout (packets in such a block are lost when tcpdump stops); -U: tcpdump writes
        # every packet at once; -B: a 32 MiB kernel buffer, so that bursts wait instead of being dropped
        self.process = self.net.popen(
            self.namespace,
            [program, "-i", self.interface, "-n", "--immediate-mode", "-U", "-B", "32768", "-s", "0", "-w",
             str(self.path), "udp port 546 or udp port 547"],
        )
        self.process.wait_for_output(r"listening on", timeout=timeout)
        return self

    def stop(self, timeout: float = 15.0, settle: float = 1.0) -> str:
        """Stop (SIGINT, so it writes its counts) and return its summary; raise unless every packet was written.

        :param settle: seconds to wait first, for tcpdump to read what the kernel has queued for it
        """
        assert self.process is not None, "the capture is not running"
        time.sleep(settle)
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout)
        finally:
            self.net.stop(self.process, timeout=2)
        output = self.process.output()
        self.summary = " ".join(line.strip() for line in output.splitlines() if "packets" in line)
        captured = re.search(r"(\d+) packets? captured", output)
        received = re.search(r"(\d+) packets? received by filter", output)
        dropped = re.search(r"(\d+) packets? dropped by kernel", output)
        if (captured is None or received is None or dropped is None or int(dropped.group(1)) != 0
                or captured.group(1) != received.group(1)):
            raise AssertionError(f"the capture is incomplete: {self.summary or output}")
        return self.summary

    def datagrams(self) -> list[Datagram]:
        return list(read_pcap(self.path))

    def logs(self) -> list[LogSource]:
        return [LogSource(f"tcpdump ({self.namespace}) log", process=self.process)] if self.process else []


# ---------------------------------------------------------------------------
# What clients were told
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Promise:
    """A resource that a Reply gave to a client IA, with a non-zero valid lifetime."""

    resource: str
    lease_type: str
    duid: bytes
    iaid: bytes
    transaction_id: bytes
    time: float

    @property
    def ia(self) -> tuple[bytes, bytes, str]:
        return self.duid, self.iaid, self.lease_type

    def describe(self) -> str:
        return (f"{self.lease_type} {self.resource} to DUID {self.duid.hex()} IAID {self.iaid.hex()} "
                f"(Reply {self.transaction_id.hex()} at {self.time:.3f})")


@dataclass
class Exchanges:
    """The DHCPv6 messages of a capture, by kind."""

    replies: list[tuple[Datagram, ReplyMessage]] = field(default_factory=list)
    requests: list[tuple[Datagram, RequestMessage]] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)
    malformed: list[str] = field(default_factory=list)


def exchanges_in(datagrams: Iterable[Datagram]) -> Exchanges:
    """Parse the Requests (client to server) and Replies (server to client); count every message type."""
    found = Exchanges()
    for datagram in datagrams:
        to_server = datagram.destination_port == 547
        try:
            _length, message = Message.parse(datagram.payload)
        except MalformedInputError as error:
            found.malformed.append(f"{datagram.source} -> {datagram.destination}: {error}")
            continue
        found.counts[type(message).__name__] += 1
        if isinstance(message, ReplyMessage) and not to_server:
            found.replies.append((datagram, message))
        elif isinstance(message, RequestMessage) and to_server:
            found.requests.append((datagram, message))
    return found


def _succeeded(option: IANAOption | IAPDOption | IAAddressOption | IAPrefixOption) -> bool:
    status = option.get_option_of_type(StatusCodeOption)
    return status is None or status.status_code == STATUS_SUCCESS


def promises_in(replies: Iterable[tuple[Datagram, ReplyMessage]]) -> list[Promise]:
    """Every address (IA_NA) and prefix (IA_PD) with a valid lifetime above zero in the Replies."""
    promises = []
    for datagram, reply in replies:
        client_id = reply.get_option_of_type(ClientIdOption)
        if client_id is None or client_id.duid is None:
            continue
        duid = client_id.duid.save()
        for ia_na in reply.get_options_of_type(IANAOption):
            if not _succeeded(ia_na):
                continue
            for address in ia_na.get_options_of_type(IAAddressOption):
                if address.valid_lifetime > 0 and _succeeded(address):
                    promises.append(Promise(str(address.address), "na", duid, ia_na.iaid, reply.transaction_id,
                                            datagram.time))
        for ia_pd in reply.get_options_of_type(IAPDOption):
            if not _succeeded(ia_pd):
                continue
            for prefix in ia_pd.get_options_of_type(IAPrefixOption):
                if prefix.valid_lifetime > 0 and _succeeded(prefix):
                    promises.append(Promise(str(prefix.prefix), "pd", duid, ia_pd.iaid, reply.transaction_id,
                                            datagram.time))
    return promises


# ---------------------------------------------------------------------------
# What the store says
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class StoredLease:
    """One row of the ``leases`` table."""

    resource: str
    lease_type: str
    duid: bytes
    iaid: bytes
    state: str
    valid_until: int

    @property
    def ia(self) -> tuple[bytes, bytes, str]:
        return self.duid, self.iaid, self.lease_type

    def bound(self, now: float) -> bool:
        return self.state == "bound" and self.valid_until > now

    def describe(self) -> str:
        return (f"{self.lease_type} {self.resource} {self.state} (valid until {self.valid_until}) for DUID "
                f"{self.duid.hex()} IAID {self.iaid.hex()}")


def read_store(state_directory: Path, scratch: Path) -> list[StoredLease]:
    """Every row of the lease database, read from a copy (with its WAL) so that the daemon's files stay untouched.

    Call only when no daemon has the database open. Opening the copy
    read-write lets SQLite apply the WAL exactly as a restarted daemon would.
    """
    database = state_directory / "leases.sqlite"
    if not database.exists():
        return []
    scratch.mkdir(parents=True, exist_ok=True)
    copy = scratch / "leases.sqlite"
    for suffix in ("", "-wal"):
        source = Path(f"{database}{suffix}")
        target = Path(f"{copy}{suffix}")
        target.unlink(missing_ok=True)
        if source.exists():
            shutil.copyfile(source, target)
    Path(f"{copy}-shm").unlink(missing_ok=True)
    connection = sqlite3.connect(copy, timeout=10)
    try:
        integrity = connection.execute("PRAGMA integrity_check").fetchone()[0]
        if integrity != "ok":
            raise AssertionError(f"the lease database is damaged: {integrity}")
        rows = connection.execute("SELECT resource, lease_type, duid, iaid, state, valid_until FROM leases").fetchall()
    finally:
        connection.close()
    return [StoredLease(resource, lease_type, bytes(duid), bytes(iaid), state, valid_until)
            for resource, lease_type, duid, iaid, state, valid_until in rows]


def _listing(problems: Sequence[str], limit: int = 20) -> list[str]:
    if len(problems) <= limit:
        return list(problems)
    return list(problems[:limit]) + [f"... and {len(problems) - limit} more"]


def broken_promises(promises: Iterable[Promise], leases: Iterable[StoredLease], now: float) -> list[str]:
    """How the store fails the promises: a resource not bound to the IA it was given to, or given to two IAs."""
    problems = []
    by_resource: dict[str, list[StoredLease]] = defaultdict(list)
    for lease in leases:
        by_resource[lease.resource].append(lease)
    promised_to: dict[str, set[tuple[bytes, bytes, str]]] = defaultdict(set)
    for promise in promises:
        promised_to[promise.resource].add(promise.ia)
        records = by_resource.get(promise.resource, [])
        if not records:
            problems.append(f"{promise.describe()}: no record in the store")
            continue
        holders = [record for record in records if record.bound(now)]
        if [record.ia for record in holders] != [promise.ia]:
            problems.append(f"{promise.describe()}: the store has "
                            + "; ".join(record.describe() for record in records))
    for resource, ias in promised_to.items():
        if len(ias) > 1:
            problems.append(f"{resource} was given to {len(ias)} client IAs: "
                            + ", ".join(f"{duid.hex()}/{iaid.hex()}" for duid, iaid, _type in sorted(ias)))
    return _listing(problems)


def double_holdings(leases: Iterable[StoredLease], now: float) -> list[str]:
    """Resources bound twice, and client IAs that hold more than one bound lease of a type."""
    bound = [lease for lease in leases if lease.bound(now)]
    problems = [f"{resource} is bound {count} times" for resource, count in
                Counter(lease.resource for lease in bound).items() if count > 1]
    per_ia = Counter(lease.ia for lease in bound)
    problems += [f"DUID {duid.hex()} IAID {iaid.hex()} holds {count} {lease_type} leases"
                 for (duid, iaid, lease_type), count in per_ia.items() if count > 1]
    return _listing(problems)


def unanswered_requests(exchanges: Exchanges) -> int:
    """Requests in the capture that no captured Reply answers (their transaction died with a daemon)."""
    answered = {reply.transaction_id for _datagram, reply in exchanges.replies}
    return sum(1 for _datagram, request in exchanges.requests if request.transaction_id not in answered)


# ---------------------------------------------------------------------------
# perfdhcp
# ---------------------------------------------------------------------------


def perfdhcp_argv(program: str, *, clients: int, exchanges: int, rate: int, period: float,
                  interface: str = "cli0", extra: Sequence[str] = ()) -> list[str]:
    """A ``perfdhcp -6`` run of 4-way exchanges asking for an address and a prefix, bounded by count and time.

    ``-R`` makes ``clients`` different DUIDs (perfdhcp counts them up from its
    base MAC address, so the first ``clients`` exchanges are all different
    clients); ``-W`` lets it collect the last Replies before it reports.
    """
    return [program, "-6", "-l", interface, "-e", "address-and-prefix", "-R", str(clients), "-n", str(exchanges),
            "-r", str(rate), "-p", f"{period:g}", "-W", "3000000", *extra]


def parse_perfdhcp_report(text: str) -> dict[str, dict[str, float]]:
    """The final report of ``perfdhcp``: ``{'SOLICIT-ADVERTISE': {'sent packets': ..., ...}, ...}``.

    ``'rate'`` holds the achieved rate (``{'exchanges/s': ...}``).
    """
    report: dict[str, dict[str, float]] = {}
    section: dict[str, float] | None = None
    for line in text.splitlines():
        heading = re.match(r"\*\*\*Statistics for: (\S+)\*\*\*", line)
        if heading:
            section = report.setdefault(heading.group(1), {})
            continue
        rate = re.match(r"Rate: ([\d.]+) ", line)
        if rate:
            report["rate"] = {"exchanges/s": float(rate.group(1))}
            continue
        pair = re.match(r"([a-z][a-z ]+): ([\d.]+)", line)
        if pair and section is not None:
            section[pair.group(1)] = float(pair.group(2))
    return report
