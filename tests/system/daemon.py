"""The real ``ipv6-dhcpd`` in a throwaway network, for the system tests.

:class:`Topology` builds the namespaces of :mod:`tests.netns` the way every
system test needs them::

    direct:   [client] cli0 ==veth== srv0 [server]
    relayed:  [client] cli0 ==veth== rly-c [relay] rly-s ==veth== srv0 [server]

``srv0`` carries ``2001:db8:1::1/64``, so that a client on the direct link is
on the pool link ``2001:db8:1::/64``; the relay's client side carries
``2001:db8:2::1/64``, which ``dhcrelay -6`` puts in its link-address, so that
relayed clients belong to ``2001:db8:2::/64``.

:class:`ServerConfig` writes ``ipv6-dhcpd.ini`` and :class:`Daemon` runs the
daemon of the virtualenv that runs the tests (``ipv6-dhcpd`` next to
``sys.executable``) in the server namespace, reads its statistics (SIGUSR1
makes it log a ``statistics: name=value ...`` line) and its lease store, and
stops it, checking that it exits cleanly.

:func:`explain` turns any failure inside its block into an assertion error that
carries the logs of the daemon and the clients, so that CI output shows why.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import re
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from tests.netns import BackgroundProcess, NamespaceError, TestNetwork, wait_until

SERVER_ADDRESS = "2001:db8:1::1"
RELAY_SERVER_SIDE_ADDRESS = "2001:db8:1::2"
RELAY_CLIENT_SIDE_ADDRESS = "2001:db8:2::1"
DIRECT_LINK = "2001:db8:1::/64"
RELAYED_LINK = "2001:db8:2::/64"

#: What the daemon tells clients that ask for DNS configuration
DNS_SERVERS = ("2001:db8::53", "2001:db8::5353")
SEARCH_DOMAINS = ("example.com", "example.net")

#: Start-up includes importing every dhcpkit module before dropping privileges;
#: the machine is shared, so this is generous.
START_TIMEOUT = 40.0
#: How long a stopped daemon may take to finish and exit
STOP_TIMEOUT = 20.0

#: How ``Lease`` shows an infinite time
INFINITE_TIME = 2**63 - 1

#: The last this many characters of each log go into failure messages
LOG_TAIL = 12000

BIN = Path(sys.executable).parent


def venv_program(name: str) -> Path:
    """A console script of the virtualenv that runs the tests."""
    return BIN / name


# ---------------------------------------------------------------------------
# The network
# ---------------------------------------------------------------------------


@dataclass
class Topology:
    """The namespaces and links of one test; see the module docstring."""

    net: TestNetwork
    relayed: bool = False
    client_interface: str = "cli0"
    server_interface: str = "srv0"

    def build(self) -> Topology:
        net = self.net
        net.workdir.chmod(0o755)  # the daemon's user must reach its configuration
        net.add_namespace("server")
        net.add_namespace("client")
        if self.relayed:
            net.add_namespace("relay", forwarding=True)
            net.add_veth("server", self.server_interface, "relay", "rly-s")
            net.add_veth("relay", "rly-c", "client", self.client_interface)
            net.add_address("relay", "rly-s", f"{RELAY_SERVER_SIDE_ADDRESS}/64")
            net.add_address("relay", "rly-c", f"{RELAY_CLIENT_SIDE_ADDRESS}/64")
        else:
            net.add_veth("server", self.server_interface, "client", self.client_interface)
        net.add_address("server", self.server_interface, f"{SERVER_ADDRESS}/64")
        if self.relayed:
            net.add_route("server", RELAYED_LINK, RELAY_SERVER_SIDE_ADDRESS, self.server_interface)
            net.wait_link_local("relay", "rly-s")
            net.wait_link_local("relay", "rly-c")
        net.wait_link_local("server", self.server_interface)
        net.wait_link_local("client", self.client_interface)
        return self

    def client_addresses(self, scope: str = "global") -> list[str]:
        """The addresses (without length) on the client's interface."""
        return [
            address.split("/")[0]
            for address, _flags in self.net.addresses("client", self.client_interface, scope=scope)
        ]


# ---------------------------------------------------------------------------
# The configuration
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class AddressPool:
    """An ``[option AddressPool LINK]`` section."""

    link: str
    first: str
    last: str
    preferred_lifetime: int = 3600
    valid_lifetime: int = 7200

    def section(self) -> str:
        return (
            f"[option AddressPool {self.link}]\n"
            f"range = {self.first}-{self.last}\n"
            f"preferred-lifetime = {self.preferred_lifetime}\n"
            f"valid-lifetime = {self.valid_lifetime}\n"
        )


@dataclass(frozen=True)
class PrefixPool:
    """An ``[option PrefixPool LINK]`` section."""

    link: str
    prefix: str
    delegated_length: int
    preferred_lifetime: int = 3600
    valid_lifetime: int = 7200

    def section(self) -> str:
        return (
            f"[option PrefixPool {self.link}]\n"
            f"prefix = {self.prefix}\n"
            f"delegated-length = {self.delegated_length}\n"
            f"preferred-lifetime = {self.preferred_lifetime}\n"
            f"valid-lifetime = {self.valid_lifetime}\n"
        )


#: The pools of the direct link, as the captures use them with Kea
DIRECT_ADDRESSES = AddressPool(DIRECT_LINK, "2001:db8:1::100", "2001:db8:1::1ff")
DIRECT_PREFIXES = PrefixPool(DIRECT_LINK, "2001:db8:100::/40", 56)
#: The pools of the relayed link
RELAYED_ADDRESSES = AddressPool(RELAYED_LINK, "2001:db8:2::100", "2001:db8:2::1ff")
RELAYED_PREFIXES = PrefixPool(RELAYED_LINK, "2001:db8:200::/40", 56)


@dataclass
class ServerConfig:
    """What goes into ``ipv6-dhcpd.ini``; :meth:`render` writes the text."""

    interface: str = "srv0"
    #: Accept unicast to the interface's global addresses (relays send there)
    global_unicast: bool = False
    pools: Sequence[AddressPool | PrefixPool] = ()
    dns_servers: Sequence[str] = DNS_SERVERS
    search_domains: Sequence[str] = SEARCH_DOMAINS
    threads: int = 4
    extra: str = ""

    def render(self, state_directory: Path) -> str:
        lines = [
            "[server]",
            "user = nobody",
            f"threads = {self.threads}",
            f"state-directory = {state_directory}",
            # In the state directory, so that the unprivileged daemon removes it
            f"pid-file = {state_directory / 'ipv6-dhcpd.pid'}",
            "",
            "[logging]",
            "console = yes",
            "syslog = no",
            "level = debug",
            "",
            f"[interface {self.interface}]",
            "multicast = yes",
            f"global-unicast-addresses = {'all' if self.global_unicast else 'none'}",
            "",
        ]
        if self.dns_servers:
            lines.append("[option RecursiveNameServers]")
            lines += [f"server-address-{n} = {a}" for n, a in enumerate(self.dns_servers, 1)]
            lines.append("")
        if self.search_domains:
            lines.append("[option DomainSearchList]")
            lines += [f"domain-name-{n} = {d}" for n, d in enumerate(self.search_domains, 1)]
            lines.append("")
        text = "\n".join(lines) + "\n"
        text += "\n".join(pool.section() for pool in self.pools)
        return text + self.extra


# ---------------------------------------------------------------------------
# The daemon
# ---------------------------------------------------------------------------

_STATISTICS = re.compile(r"statistics: ((?:[a-z-]+=\d+ ?)+)$", re.MULTILINE)


def parse_statistics(line: str) -> dict[str, int]:
    """``received=3 malformed=1 ...`` as a dictionary."""
    return {name: int(value) for name, value in (pair.split("=") for pair in line.split())}


@dataclass
class Lease:
    """One record of the lease store, as the tests need it."""

    resource: str
    lease_type: str
    state: str
    duid: str
    valid_until: int
    preferred_until: int


class Daemon:
    """``ipv6-dhcpd`` running in the server namespace of ``net``."""

    def __init__(self, net: TestNetwork, config: ServerConfig, namespace: str = "server") -> None:
        self.net = net
        self.config = config
        self.namespace = namespace
        self.state_directory = net.workdir / "state"
        self.config_path = net.workdir / "ipv6-dhcpd.ini"
        self.process: BackgroundProcess | None = None
        self.returncode: int | None = None
        #: Where :meth:`leases` read the last time (for failure messages)
        self.lease_source = ""

    # -- life -----------------------------------------------------------------

    def start(self, timeout: float = START_TIMEOUT) -> Daemon:
        """Write the configuration, check it, start the daemon and wait until it serves."""
        program = str(venv_program("ipv6-dhcpd"))
        if not Path(program).exists():
            raise AssertionError(f"{program} does not exist: install dhcpkit where the tests run (pip install -e .)")
        self.config_path.write_text(self.config.render(self.state_directory))
        self.config_path.chmod(0o644)
        checked = subprocess.run(
            [program, "--check-config", str(self.config_path)],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if checked.returncode != 0:
            raise AssertionError(
                f"ipv6-dhcpd --check-config refused the test configuration:\n"
                f"{checked.stdout}{checked.stderr}\n--- {self.config_path}:\n"
                f"{self.config_path.read_text()}"
            )
        self.process = self.net.popen(self.namespace, [program, str(self.config_path)])
        self.process.wait_for_output(r"Ready: serving", timeout=timeout)
        # Multicast groups are joined before "Ready"; check we listen where we should.
        self.process.wait_for_output(rf"Listening on {re.escape(self.config.interface)}\b", timeout=5)
        return self

    def running(self) -> bool:
        return self.process is not None and self.process.running()

    def stop(self, timeout: float = STOP_TIMEOUT) -> int:
        """SIGTERM, wait; the exit status (0 when it stopped cleanly)."""
        if self.process is None:
            raise AssertionError("the daemon was never started")
        if self.returncode is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            finally:
                # Reaps it (and kills it if it did not stop in time)
                self.returncode = self.net.stop(self.process, timeout=2)
        return self.returncode

    def stop_cleanly(self) -> None:
        """Stop the daemon; it must exit 0, without having logged an error or a traceback on the way."""
        returncode = self.stop()
        assert returncode == 0, f"ipv6-dhcpd exited with {returncode}"
        problems = self.problems()
        assert not problems, "ipv6-dhcpd logged problems:\n" + "\n".join(problems)

    def problems(self) -> list[str]:
        """The log lines at ERROR or CRITICAL level, and the first lines of tracebacks."""
        return [line for line in self.output().splitlines()
                if " ERROR " in line or " CRITICAL " in line or line.startswith("Traceback")]

    def output(self) -> str:
        return self.process.output() if self.process is not None else ""

    # -- statistics -------------------------------------------------------------

    def statistics(self, timeout: float = 10.0) -> dict[str, int]:
        """Ask for the counters with SIGUSR1 and return the line the daemon logs."""
        if not self.running():
            raise AssertionError(f"the daemon is not running (exit status {self.process and self.process.returncode})")
        assert self.process is not None
        before = len(_STATISTICS.findall(self.output()))
        self.process.send_signal(signal.SIGUSR1)
        lines = wait_until(
            lambda: (found := _STATISTICS.findall(self.output()))[before:] and found,
            timeout,
            "the statistics line after SIGUSR1",
        )
        return parse_statistics(lines[before])

    def wait_statistics(
        self, predicate: Callable[[dict[str, int]], bool], what: str, timeout: float = 15.0
    ) -> dict[str, int]:
        """Ask for the counters until ``predicate`` holds (workers count asynchronously)."""
        last: dict[str, int] = {}

        def check() -> dict[str, int] | None:
            nonlocal last
            last = self.statistics()
            return last if predicate(last) else None

        try:
            return wait_until(check, timeout, what, interval=0.3)
        except NamespaceError as error:
            raise NamespaceError(f"{error}; last statistics: {last}") from None

    # -- the lease store ----------------------------------------------------------

    @property
    def lease_database(self) -> Path:
        return self.state_directory / "leases.sqlite"

    def leases(self) -> list[Lease]:
        """Every lease in the store: through ``ipv6-dhcp-leases --json`` when it exists, else SQLite."""
        tool = venv_program("ipv6-dhcp-leases")
        if tool.exists():
            result = subprocess.run(
                [str(tool), "--config", str(self.config_path), "--json"],
                capture_output=True,
                text=True,
                timeout=30,
                check=False,
            )
            leases = _leases_from_json(result.stdout) if result.returncode == 0 else None
            if leases is not None:
                self.lease_source = "ipv6-dhcp-leases --json"
                return leases
            self.lease_source = (
                f"SQLite, because ipv6-dhcp-leases failed ({result.returncode}): "
                f"{result.stderr.strip()[-500:]} {result.stdout.strip()[:500]}"
            )
        else:
            self.lease_source = "SQLite (no ipv6-dhcp-leases)"
        return self._leases_from_sqlite()

    def _leases_from_sqlite(self) -> list[Lease]:
        if not self.lease_database.exists():
            return []
        # Read-only, and only ever while the daemon has the database open (its WAL files exist)
        connection = sqlite3.connect(f"file:{self.lease_database}?mode=ro", uri=True, timeout=10)
        try:
            rows = connection.execute(
                "SELECT resource, lease_type, state, duid, valid_until, preferred_until FROM leases"
            ).fetchall()
        finally:
            connection.close()
        return [
            Lease(resource, lease_type, state, bytes(duid).hex(), valid, preferred)
            for resource, lease_type, state, duid, valid, preferred in rows
        ]

    def lease(self, resource: str) -> Lease | None:
        for lease in self.leases():
            if lease.resource == resource:
                return lease
        return None

    def wait_lease_state(self, resource: str, state: str, timeout: float = 15.0) -> Lease:
        """Wait until the store holds ``resource`` in ``state``."""

        def check() -> Lease | None:
            lease = self.lease(resource)
            return lease if lease is not None and lease.state == state else None

        try:
            return wait_until(check, timeout, f"lease {resource} to be {state}", interval=0.5)
        except NamespaceError as error:
            leases = self.leases()
            raise NamespaceError(f"{error}; the store has ({self.lease_source}): {leases}") from None


def _timestamp(value: object) -> int:
    """A time of ``ipv6-dhcp-leases --json``: ISO 8601 UTC, a number, or None for infinity."""
    if value is None:
        return INFINITE_TIME
    if isinstance(value, (int, float)):
        return int(value)
    moment = datetime.datetime.strptime(str(value), "%Y-%m-%dT%H:%M:%SZ")
    return int(moment.replace(tzinfo=datetime.timezone.utc).timestamp())


def _leases_from_json(text: str) -> list[Lease] | None:
    """Read ``ipv6-dhcp-leases --json`` output; None when it is not what we understand."""
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if not isinstance(data, list):
        return None
    leases = []
    try:
        for record in data:
            resource = record.get("address") or record.get("prefix")
            state = record.get("state")
            if not isinstance(resource, str) or not isinstance(state, str):
                return None
            leases.append(
                Lease(
                    resource=resource,
                    lease_type=str(record.get("type", "")),
                    state=state,
                    duid=str(record.get("duid", "")),
                    valid_until=_timestamp(record.get("valid-until")),
                    preferred_until=_timestamp(record.get("preferred-until")),
                )
            )
    except (AttributeError, ValueError):
        return None
    return leases


# ---------------------------------------------------------------------------
# Failure messages
# ---------------------------------------------------------------------------


@dataclass
class LogSource:
    """A named log for :func:`explain`: a file or something with ``output()``."""

    name: str
    path: Path | None = None
    process: BackgroundProcess | Daemon | None = None

    def text(self) -> str:
        if self.process is not None:
            return self.process.output()
        if self.path is not None and self.path.exists():
            return self.path.read_text(errors="replace")
        return "(no log)"


def _tail(text: str) -> str:
    if len(text) <= LOG_TAIL:
        return text
    return f"[... {len(text) - LOG_TAIL} characters cut ...]\n" + text[-LOG_TAIL:]


def _expand(things: Sequence[object]) -> list[tuple[str, str]]:
    """(name, text) of every log of ``things``; anything with ``logs()`` is asked for its own."""
    found: list[tuple[str, str]] = []
    for thing in things:
        if thing is None:
            continue
        if isinstance(thing, Daemon):
            found.append(("ipv6-dhcpd log", thing.output()))
            if thing.config_path.exists():
                found.append((str(thing.config_path.name), thing.config_path.read_text()))
        elif isinstance(thing, BackgroundProcess):
            found.append((f"{thing.argv[0]} ({thing.namespace}) log", thing.output()))
        elif isinstance(thing, LogSource):
            found.append((thing.name, thing.text()))
        elif hasattr(thing, "logs"):
            found += _expand(thing.logs())
        elif isinstance(thing, (list, tuple)):
            found += _expand(thing)
        else:
            found.append((type(thing).__name__, repr(thing)))
    return found


def logs_text(things: Sequence[object]) -> str:
    """The logs of ``things`` (daemon, clients, relays, log sources), each cut to its tail."""
    return "\n".join(f"===== {name} =====\n{_tail(text).rstrip()}\n" for name, text in _expand(things))


@contextlib.contextmanager
def explain(*things: object) -> Iterator[None]:
    """Attach the logs of ``things`` to any failure in the block.

    Logs are read when the failure happens, so clients may be passed before
    they start.
    """
    try:
        yield
    except Exception as error:
        kind = "" if isinstance(error, AssertionError) else f"{type(error).__name__}: "
        message = f"{kind}{error}\n\n{logs_text(things)}"
        raise AssertionError(message) from error
