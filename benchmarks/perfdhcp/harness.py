"""
The parts of the perfdhcp benchmark that touch the world: the two servers with the same pools, perfdhcp runs, the
readings from /proc and the namespaces they all run in. ``run.py`` decides what to run and reports it.
"""
import contextlib
import json
import os
import re
import resource
import signal
import sqlite3
import sys
import threading
import time
from dataclasses import dataclass
from ipaddress import IPv6Address
from pathlib import Path
from typing import Protocol

REPOSITORY = Path(__file__).resolve().parents[2]
if str(REPOSITORY) not in sys.path:
    sys.path.insert(0, str(REPOSITORY))

from tests.netns import BackgroundProcess, TestNetwork  # noqa: E402

#: The daemon of the Python that runs the benchmark, so it measures the dhcpkit installed there
IPV6_DHCPD = Path(sys.executable).parent / 'ipv6-dhcpd'
PERFDHCP = '/usr/sbin/perfdhcp'

SERVER_ADDRESS = '2001:db8:1::1/64'
LINK = '2001:db8:1::/64'
#: 2**24 addresses and 2**23 prefixes: far more than a run hands out (Kea took 10**6 addresses in one run of 20 s
#: steps), so no step measures a pool running short
ADDRESS_FIRST = IPv6Address('2001:db8:1::1:0:0')
ADDRESS_POOL_SIZE = 1 << 24
PD_AGGREGATE, PD_AGGREGATE_LENGTH, PD_DELEGATED_LENGTH = '2001:db8:8000::', 33, 56
PD_POOL_SIZE = 1 << (PD_DELEGATED_LENGTH - PD_AGGREGATE_LENGTH)
ADDRESS_LAST = ADDRESS_FIRST + ADDRESS_POOL_SIZE - 1
PREFERRED_LIFETIME, VALID_LIFETIME = 3000, 4000
#: perfdhcp picks its clients from this many DUIDs; DUID-LLT carries perfdhcp's start time, so every step has new ones
CLIENTS = 1_000_000
#: perfdhcp's drop time (-d) and how long it still listens after the last Solicit (-W): a reply later than this is lost
DROP_TIME_SECONDS = 1.0

MAX_FAILURE_RATIO = 0.01
MIN_ACHIEVED_RATIO = 0.95
NOBODY = 'nobody'


class BenchmarkError(RuntimeError):
    """Something the benchmark cannot measure through: a server that does not start, perfdhcp failing outright."""


# Scenarios


@dataclass(frozen=True)
class Scenario:
    """
    What perfdhcp asks for: addresses (IA_NA) or prefixes (IA_PD), in 4-way (Solicit, Advertise, Request, Reply) or
    2-way (Solicit, Advertise) exchanges.
    """

    lease: str
    four_way: bool

    @property
    def name(self) -> str:
        return f"{self.lease}-{'4way' if self.four_way else '2way'}"

    @property
    def title(self) -> str:
        return f"{self.lease} {'4-way' if self.four_way else '2-way'}"

    def perfdhcp_flags(self) -> list[str]:
        """:return: the flags that select this scenario"""
        flags = ['-e', 'address-only' if self.lease == 'address' else 'prefix-only']
        return flags if self.four_way else flags + ['-i']


SCENARIOS = {scenario.name: scenario for scenario in
             (Scenario(lease, four_way) for lease in ('address', 'prefix') for four_way in (True, False))}


# /proc readings


CLOCK_TICKS = os.sysconf('SC_CLK_TCK')


def cpu_ticks(pid: int) -> int:
    """utime + stime of the whole process (every thread), in clock ticks: what the server spent, whatever its design."""
    text = Path(f'/proc/{pid}/stat').read_text()
    fields = text[text.rindex(')') + 2:].split()
    return int(fields[11]) + int(fields[12])


def status_kib(pid: int, key: str) -> int:
    """A ``kB`` value (VmRSS, VmHWM) from /proc/PID/status."""
    match = re.search(rf'^{key}:\s+(\d+) kB', Path(f'/proc/{pid}/status').read_text(), re.MULTILINE)
    if match is None:
        raise BenchmarkError(f"no {key} in /proc/{pid}/status")
    return int(match.group(1))


def host_cpu() -> tuple[int, int]:
    """(busy, total) jiffies of all CPUs, to show how much else ran on this shared machine during a step."""
    values = [int(value) for value in Path('/proc/stat').read_text().split('\n', 1)[0].split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


def wait_idle(pid: int, timeout: float = 15.0) -> None:
    """Wait (bounded) until the server stops using CPU, so a step's backlog is charged to that step, not the next."""
    deadline = time.monotonic() + timeout
    previous = cpu_ticks(pid)
    while time.monotonic() < deadline:
        time.sleep(0.3)
        current = cpu_ticks(pid)
        if current - previous <= 1:
            return
        previous = current


# Servers


class Server(Protocol):
    """A DHCPv6 server the benchmark can start in the server namespace with the shared pools."""

    name: str

    def start(self, net: TestNetwork, directory: Path) -> BackgroundProcess:
        """Start from an empty (or pre-filled) state in ``directory``; return once the process runs."""

    def stored_leases(self, directory: Path) -> int:
        """How many distinct leases the server wrote to its lease file: proof that 4-way exchanges commit."""


DHCPKIT_CONFIG = """\
[server]
user = {user}
duid = 00:03:00:01:02:00:00:00:be:01
threads = {threads}
lease-sync = {lease_sync}
state-directory = ./state
pid-file = ./state/ipv6-dhcpd.pid

[logging]
console = yes
syslog = no
level = {level}

[interface srv0]
multicast = yes
global-unicast-addresses = all

[option AddressPool {link}]
range = {first}-{last}
preferred-lifetime = {preferred}
valid-lifetime = {valid}

[option PrefixPool {link}]
prefix = {aggregate}/{aggregate_length}
delegated-length = {delegated_length}
preferred-lifetime = {preferred}
valid-lifetime = {valid}
"""


@dataclass
class Dhcpkit:
    """``ipv6-dhcpd`` with an address pool and a prefix pool; leases committed to its SQLite store."""

    threads: int
    lease_sync: str = 'full'
    log_level: str = 'warning'
    name: str = 'dhcpkit'

    def config_text(self) -> str:
        return DHCPKIT_CONFIG.format(
            user=NOBODY, level=self.log_level, threads=self.threads, lease_sync=self.lease_sync, link=LINK,
            first=ADDRESS_FIRST,
            last=ADDRESS_LAST, preferred=PREFERRED_LIFETIME, valid=VALID_LIFETIME,
            aggregate=PD_AGGREGATE, aggregate_length=PD_AGGREGATE_LENGTH, delegated_length=PD_DELEGATED_LENGTH)

    def start(self, net: TestNetwork, directory: Path) -> BackgroundProcess:
        # The daemon drops to nobody, who must still be able to read its configuration
        directory.mkdir(mode=0o755, exist_ok=True)
        directory.chmod(0o755)
        config = directory / 'ipv6-dhcpd.ini'
        config.write_text(self.config_text())
        config.chmod(0o644)
        return net.popen('server', [str(IPV6_DHCPD), str(config)])

    def stored_leases(self, directory: Path) -> int:
        with contextlib.closing(sqlite3.connect(directory / 'state' / 'leases.sqlite')) as connection:
            count: int = connection.execute("SELECT COUNT(*) FROM leases WHERE state = 'bound'").fetchone()[0]
        return count


@dataclass
class Kea:
    """Debian's ``kea-dhcp6`` with the same pools: memfile lease store, persisted to its CSV file."""

    threads: int
    log_severity: str = 'WARN'
    name: str = 'kea'

    def config(self, directory: Path) -> dict[str, object]:
        dhcp6: dict[str, object] = {
            'interfaces-config': {'interfaces': ['srv0']},
            'data-directory': str(directory),
            'server-id': {'type': 'LLT', 'persist': False},
            'lease-database': {'type': 'memfile', 'persist': True, 'name': str(self.lease_file(directory)),
                               'lfc-interval': 0},
            'preferred-lifetime': PREFERRED_LIFETIME,
            'valid-lifetime': VALID_LIFETIME,
            'subnet6': [{
                'id': 1, 'subnet': LINK, 'interface': 'srv0',
                'pools': [{'pool': f'{ADDRESS_FIRST}-{ADDRESS_LAST}'}],
                'pd-pools': [{'prefix': PD_AGGREGATE, 'prefix-len': PD_AGGREGATE_LENGTH,
                              'delegated-len': PD_DELEGATED_LENGTH}],
            }],
            # WARN, as ipv6-dhcpd: at INFO Kea logs every lease it hands out
            'loggers': [{'name': 'kea-dhcp6', 'output_options': [{'output': 'stdout'}],
                         'severity': self.log_severity}],
        }
        if self.threads:
            dhcp6['multi-threading'] = {'enable-multi-threading': True, 'thread-pool-size': self.threads,
                                        'packet-queue-size': 64}
        return {'Dhcp6': dhcp6}

    def start(self, net: TestNetwork, directory: Path) -> BackgroundProcess:
        directory.mkdir(mode=0o755, exist_ok=True)
        config = directory / 'kea-dhcp6.conf'
        config.write_text(json.dumps(self.config(directory), indent=2))
        # Kea's pid and lock files go to compiled-in directories unless these say otherwise
        env = {'KEA_PIDFILE_DIR': str(directory), 'KEA_LOCKFILE_DIR': str(directory)}
        net.run('server', ['kea-dhcp6', '-t', str(config)], env=env, timeout=30)
        return net.popen('server', ['kea-dhcp6', '-c', str(config)], env=env)

    @staticmethod
    def lease_file(directory: Path) -> Path:
        """Where memfile keeps the leases."""
        return directory / 'kea-leases6.csv'

    def stored_leases(self, directory: Path) -> int:
        # memfile appends a line per change; the first column is the address or prefix
        path = self.lease_file(directory)
        if not path.exists():
            return 0
        with open(path, encoding='ascii') as csv:
            return len({line.split(',', 1)[0] for line in csv if not line.startswith('address,')})


# perfdhcp


@dataclass
class StepResult:
    """One perfdhcp run at one target rate, with the server's CPU time over it."""

    rate: int
    seconds: float
    command: list[str]
    initiated: int
    completed: int
    rejected: int
    server_ticks: int
    perfdhcp_cpu: float
    host_busy: float
    perfdhcp_wall: float
    perfdhcp_output: str

    @property
    def successful(self) -> int:
        return max(self.completed - self.rejected, 0)

    @property
    def failure_ratio(self) -> float:
        return 1.0 - self.successful / self.initiated if self.initiated else 1.0

    @property
    def achieved_rate(self) -> float:
        return self.successful / self.seconds

    @property
    def sent_rate(self) -> float:
        return self.initiated / self.seconds

    @property
    def held(self) -> bool:
        return self.failure_ratio <= MAX_FAILURE_RATIO and self.achieved_rate >= MIN_ACHIEVED_RATIO * self.rate

    @property
    def client_limited(self) -> bool:
        """perfdhcp itself could not send at the target rate: the step says nothing about the server."""
        return self.sent_rate < MIN_ACHIEVED_RATIO * self.rate

    @property
    def cpu_us_per_exchange(self) -> float:
        return self.server_ticks / CLOCK_TICKS * 1e6 / self.successful if self.successful else float('nan')

    def describe(self) -> str:
        verdict = 'held' if self.held else 'FAILED'
        if self.client_limited:
            said = re.findall(r'^.*(?:error|warn|exit|abort|limit|interrupt).*$', self.perfdhcp_output,
                              re.MULTILINE | re.IGNORECASE)
            verdict += (f" (perfdhcp did not send at this rate; it ran {self.perfdhcp_wall:.1f} s"
                        + (f" and said: {' | '.join(said)[:300]})" if said else ")"))
        return (f"rate {self.rate:>6}/s: sent {self.sent_rate:8.1f}/s, done {self.achieved_rate:8.1f}/s, "
                f"failed {100 * self.failure_ratio:5.2f} %, server {self.cpu_us_per_exchange:7.1f} us/exchange, "
                f"perfdhcp {100 * self.perfdhcp_cpu / self.seconds:4.0f} % of a core, "
                f"host busy {100 * self.host_busy:3.0f} % -> {verdict}")


def perfdhcp_command(scenario: Scenario, rate: int, seconds: float) -> list[str]:
    """The perfdhcp command line of one step (run in the client namespace)."""
    return [PERFDHCP, '-6', '-l', 'cli0', *scenario.perfdhcp_flags(), '-R', str(CLIENTS), '-r', str(rate),
            '-p', f'{seconds:g}', '-d', f'{DROP_TIME_SECONDS:g}', '-W', str(int(DROP_TIME_SECONDS * 1e6))]


def parse_perfdhcp(output: str) -> list[dict[str, int]]:
    """The counters of each exchange stage (Solicit-Advertise, then Request-Reply) in perfdhcp's final report."""
    stages: list[dict[str, int]] = []
    for block in re.split(r'^\*\*\*Statistics for: ', output, flags=re.MULTILINE)[1:]:
        counters = {key.strip(): int(value) for key, value in
                    re.findall(r'^([a-z ]+): (\d+)$', block, flags=re.MULTILINE)}
        stages.append(counters)
    if not stages or 'sent packets' not in stages[0]:
        raise BenchmarkError(f"cannot read perfdhcp's report:\n{output}")
    return stages


def run_perfdhcp(net: TestNetwork, command: list[str], seconds: float) -> tuple[str, float, float]:
    """
    Run perfdhcp (bounded).

    :return: its output, the CPU seconds it used (to tell when it is the bottleneck) and how long it ran
    """
    before, started = resource.getrusage(resource.RUSAGE_CHILDREN), time.monotonic()
    result = net.run('client', command, timeout=seconds + 60, check=False)
    after, wall = resource.getrusage(resource.RUSAGE_CHILDREN), time.monotonic() - started
    if result.returncode not in (0, 3):  # 3: some exchanges did not complete, which is what we measure
        raise BenchmarkError(f"{' '.join(command)} exited with {result.returncode}:\n{result.stdout}{result.stderr}")
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return result.stdout + result.stderr, cpu, wall


class Stalls:
    """
    While the ``with`` block runs, stop the server process (all its threads) for `length` s every `period` s with
    SIGSTOP and SIGCONT, as a host that gives its CPU to someone else or a disk that hangs stalls it: what a step
    with stalls measures is whether the server answers what piled up meanwhile or sheds it. The process always gets
    its SIGCONT, also when the block fails.
    """

    def __init__(self, pid: int, length: float, period: float):
        self.pid, self.length, self.period = pid, length, period
        self.count = 0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, name='stalls', daemon=True)

    def __enter__(self) -> 'Stalls':
        self._thread.start()
        return self

    def __exit__(self, *_exception: object) -> None:
        self._done.set()
        self._thread.join(timeout=self.length + 5)
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGCONT)

    def _run(self) -> None:
        while not self._done.wait(self.period):
            try:
                os.kill(self.pid, signal.SIGSTOP)
            except ProcessLookupError:
                return
            try:
                self.count += 1
                self._done.wait(self.length)
            finally:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(self.pid, signal.SIGCONT)


def run_step(net: TestNetwork, pid: int, scenario: Scenario, rate: int, seconds: float,
             stalls: tuple[float, float] | None = None) -> StepResult:
    """
    One step: perfdhcp at ``rate`` for ``seconds``, server CPU from before it until the server is idle again.

    :param stalls: (length, period): stop the server for `length` s every `period` s during the step (see
                   :class:`Stalls`)
    """
    command = perfdhcp_command(scenario, rate, seconds)
    wait_idle(pid)
    ticks, (busy, total) = cpu_ticks(pid), host_cpu()
    with Stalls(pid, *stalls) if stalls else contextlib.nullcontext():
        output, perfdhcp_cpu, wall = run_perfdhcp(net, command, seconds)
    wait_idle(pid)
    busy_after, total_after = host_cpu()
    stages = parse_perfdhcp(output)
    return StepResult(rate, seconds, command, stages[0]['sent packets'], stages[-1]['received packets'],
                      stages[-1].get('rejected leases', 0), cpu_ticks(pid) - ticks, perfdhcp_cpu,
                      (busy_after - busy) / max(total_after - total, 1), wall, output)


def wait_ready(net: TestNetwork, server: BackgroundProcess, scenario: Scenario, timeout: float) -> None:
    """
    Wait until whole 4-way exchanges of the scenario's kind succeed: that the server listens is not enough, it must
    hand out what the scenario asks for (an address or a prefix), or every step would measure an error path.
    """
    deadline = time.monotonic() + timeout
    # Without -r perfdhcp sends as fast as it can, and with -n 1 it does not wait for the Reply: so one second at 10/s
    command = perfdhcp_command(SCENARIOS[f'{scenario.lease}-4way'], 10, 1)
    output = ''
    while time.monotonic() < deadline:
        if not server.running():
            raise BenchmarkError(f"{server.argv[0]} exited with {server.returncode}:\n{server.output()}")
        result = net.run('client', command, timeout=30, check=False)
        output = result.stdout + result.stderr
        with contextlib.suppress(BenchmarkError):
            stages = parse_perfdhcp(result.stdout)
            if result.returncode == 0 and stages[-1]['received packets'] > 0 and not any(
                    stage.get('rejected leases', 0) for stage in stages):
                return
        time.sleep(0.5)
    raise BenchmarkError(f"{server.argv[0]} did not complete an exchange within {timeout:g} s; perfdhcp said:\n"
                         f"{output}\nserver said:\n{server.output()}")


def report_errors(name: str, process: BackgroundProcess) -> None:
    """Say when a server logged errors (Kea's lease file loader, for one, names its row errors ..._ERROR)."""
    errors = re.findall(r'^.*(?:ERROR|FATAL|CRITICAL|Traceback).*$', process.output(), re.MULTILINE)
    if errors:
        print(f"  {name} logged {len(errors)} error line(s), the first: {errors[0][:300]}", flush=True)


# Network and machine


def build_network(net: TestNetwork) -> None:
    """A server and a client namespace joined by srv0/cli0; the server has an address on the pools' link."""
    net.add_namespace('server')
    net.add_namespace('client')
    net.add_veth('server', 'srv0', 'client', 'cli0')
    net.add_address('server', 'srv0', SERVER_ADDRESS)
    net.wait_link_local('server', 'srv0')
    net.wait_link_local('client', 'cli0')
    net.workdir.chmod(0o755)  # the daemon reads its configuration as nobody
