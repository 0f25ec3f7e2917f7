#!/usr/bin/env python3
"""
Exchange rates of ``ipv6-dhcpd`` and Debian's ``kea-dhcp6``, driven by ``perfdhcp -6`` side by side in one run.

Run by hand, as root, with the Python of a dhcpkit installation (see README.rst next to this file)::

    /tmp/venv/bin/python benchmarks/perfdhcp/run.py --quick
    /tmp/venv/bin/python benchmarks/perfdhcp/run.py --servers dhcpkit,kea --scenarios address-4way
    /tmp/venv/bin/python benchmarks/perfdhcp/run.py --memory-test 1000000

Method: a server namespace and a client namespace joined by a veth pair (no packet leaves them). Each server in
turn serves the same link with the same pools and lifetimes, from a fresh state directory; ``perfdhcp -6`` in the
client namespace sends at a fixed rate for a fixed time per step, with fresh client DUIDs. The rate doubles until a
step fails (more than 1 % of the exchanges did not complete, or the completed rate fell below 95 % of the target),
then bisects a few times between the last rate held and the first that failed. Server CPU time comes from
/proc/PID/stat (all threads) before and after each step, once the server has gone idle again.
"""
import argparse
import contextlib
import os
import platform
import re
import signal
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator, NoReturn

from harness import (ADDRESS_POOL_SIZE, DROP_TIME_SECONDS, IPV6_DHCPD, MAX_FAILURE_RATIO, MIN_ACHIEVED_RATIO,
                     PD_DELEGATED_LENGTH, PD_POOL_SIZE, PERFDHCP, PREFERRED_LIFETIME, REPOSITORY, SCENARIOS,
                     VALID_LIFETIME, BenchmarkError, Dhcpkit, Kea, Scenario, Server, StepResult, build_network,
                     report_errors, run_step, status_kib, wait_ready)
from memory import run_memory_test
from tests.netns import TestNetwork, find_program

DEBIAN_PACKAGES = ('kea-dhcp6-server', 'kea-admin')


# The search for the highest rate held


@dataclass
class SearchSettings:
    """How the rate is raised: from ``start``, times ``factor`` while steps hold, then ``refine`` bisections."""

    seconds: float
    start: int
    factor: float
    refine: int
    max_steps: int
    max_rate: int
    #: (length, period): stop the server for `length` s every `period` s during each step (``--stalls``)
    stalls: tuple[float, float] | None = None


def search_rate(step: Callable[[int], StepResult], settings: SearchSettings) -> list[StepResult]:
    """
    Raise the rate until a step fails, then bisect between the highest held and the lowest failed rate. Bounded by
    ``max_steps`` steps in all.

    :return: every step, in the order run
    """
    steps: list[StepResult] = []
    held: int | None = None
    failed: int | None = None
    rate = settings.start
    while len(steps) < settings.max_steps and failed is None and rate <= settings.max_rate:
        steps.append(step(rate))
        if steps[-1].held:
            held, rate = rate, int(rate * settings.factor)
        else:
            failed = rate
    if held is None and failed is not None:  # the start rate was already too high: come down
        rate = int(failed / settings.factor)
        while len(steps) < settings.max_steps and held is None and rate >= 1:
            steps.append(step(rate))
            if steps[-1].held:
                held = rate
            else:
                failed, rate = rate, int(rate / settings.factor)
    for _ in range(settings.refine):
        if held is None or failed is None or len(steps) >= settings.max_steps or failed <= held * 1.05:
            break
        middle = int((held * failed) ** 0.5)
        steps.append(step(middle))
        if steps[-1].held:
            held = middle
        else:
            failed = middle
    return steps


@dataclass
class Trial:
    """One server, one scenario, one repetition: its steps and the server's memory at the end."""

    server: str
    scenario: Scenario
    steps: list[StepResult]
    rss_kib: int
    leases: int | None
    overload: StepResult | None = None

    @property
    def best(self) -> StepResult | None:
        """The held step with the highest rate."""
        held = [step for step in self.steps if step.held]
        return max(held, key=lambda step: step.rate) if held else None

    @property
    def ceiling(self) -> StepResult | None:
        """The lowest failed step above the best: what stopped the search (None when steps or rates ran out)."""
        floor = self.best.rate if self.best else 0
        failed = [step for step in self.steps if not step.held and step.rate > floor]
        return min(failed, key=lambda step: step.rate) if failed else None


def run_trial(net: TestNetwork, server: Server, scenario: Scenario, settings: SearchSettings,
              directory: Path, overload_factor: float = 0.0) -> Trial:
    """
    Start the server fresh, find its highest rate for the scenario, then (with an ``overload_factor``) run one more
    step at that many times the rate held, to see how much of it the server still completes when flooded; note its
    RSS, stop it.
    """
    process = server.start(net, directory)
    try:
        wait_ready(net, process, scenario, timeout=60)

        def step(rate: int) -> StepResult:
            result = run_step(net, process.pid, scenario, rate, settings.seconds, settings.stalls)
            print(f"  {server.name:7} {scenario.name}: {result.describe()}", flush=True)
            if not process.running():
                raise BenchmarkError(f"{server.name} died during the step:\n{process.output()}")
            return result

        steps = search_rate(step, settings)
        held = [result.rate for result in steps if result.held]
        overload = None
        if overload_factor and held:
            print(f"  {server.name:7} {scenario.name}: overload, {overload_factor:g} x the rate held", flush=True)
            overload = step(int(max(held) * overload_factor))
        rss = status_kib(process.pid, 'VmRSS')
    finally:
        net.stop(process, timeout=20)
    stored = None
    if scenario.four_way:
        completed, stored = sum(step.successful for step in steps), server.stored_leases(directory)
        print(f"  {server.name} stored {stored} leases for {completed} completed 4-way exchanges (plus the readiness "
              f"check's)", flush=True)
        if stored > min(ADDRESS_POOL_SIZE, PD_POOL_SIZE) // 2:
            print("  WARNING: the pool is more than half used; the last steps may have measured a pool running short",
                  flush=True)
    report_errors(server.name, process)
    return Trial(server.name, scenario, steps, rss, stored, overload)


# Machine and versions


def command_output(argv: list[str]) -> str:
    """First line of a command's output, for the versions block (never fails the benchmark)."""
    try:
        result = subprocess.run(argv, capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError) as error:
        return f'unknown ({error})'
    lines = (result.stdout or result.stderr).strip().splitlines()
    return lines[0] if lines else 'unknown'


def environment_lines(workdir: Path) -> list[str]:
    """Versions and machine, to print beside the figures."""
    import dhcpkit
    cpuinfo = Path('/proc/cpuinfo').read_text()
    model = re.search(r'^model name\s*:\s*(.*)$', cpuinfo, re.MULTILINE)
    commit = command_output(['git', '-C', str(REPOSITORY), 'rev-parse', '--short', 'HEAD'])
    filesystem = command_output(['findmnt', '--noheadings', '--output', 'FSTYPE', '--target', str(workdir)])
    return [
        f"dhcpkit {dhcpkit.__version__} (git {commit}), {IPV6_DHCPD}",
        # The interpreter's build matters (an eighth of the CPU per exchange between two builds of 3.11 here)
        f"Python {platform.python_version()} ({sys.executable}, a venv of "
        f"{os.path.realpath(getattr(sys, '_base_executable', sys.executable))}; {platform.python_build()[1]})",
        f"kea-dhcp6 {command_output(['kea-dhcp6', '-V'])} (Debian kea-dhcp6-server "
        f"{command_output(['dpkg-query', '-W', '-f=${Version}', 'kea-dhcp6-server'])})",
        f"perfdhcp {command_output([PERFDHCP, '-v'])}",
        f"machine: {os.cpu_count()} CPUs ({len(os.sched_getaffinity(0))} usable), "
        f"{model.group(1) if model else 'unknown CPU'}, Linux {platform.release()}, "
        f"load average at start {os.getloadavg()[0]:.2f}",
        f"state directories on {filesystem} ({workdir})",
    ]


# Installing what is missing


def ensure_programs() -> None:
    """Install Kea and perfdhcp from Debian when missing, without letting the install start a server on the host."""
    if find_program('kea-dhcp6') and find_program(PERFDHCP):
        return
    print(f"installing {' '.join(DEBIAN_PACKAGES)} (no service may start: policy-rc.d)", flush=True)
    policy = Path('/usr/sbin/policy-rc.d')
    ours = False
    if not policy_forbids_starts(policy):
        if policy.exists():
            raise BenchmarkError(f"{policy} exists and allows service starts; run scripts/install-deps instead")
        policy.write_text('#!/bin/sh\n# benchmarks/perfdhcp/run.py: start no service while packages install\n'
                          'exit 101\n')
        policy.chmod(0o755)
        ours = True
    try:
        env = {**os.environ, 'DEBIAN_FRONTEND': 'noninteractive'}
        subprocess.run(['apt-get', '-qq', 'update'], check=True, timeout=600, env=env)
        subprocess.run(['apt-get', '-q', '-y', 'install', '--no-install-recommends', *DEBIAN_PACKAGES], check=True,
                       timeout=1800, env=env)
    finally:
        if ours:
            policy.unlink()
    if find_program('systemctl'):
        subprocess.run(['systemctl', 'disable', '--quiet', 'kea-dhcp6-server'], check=False, timeout=60)


def policy_forbids_starts(policy: Path) -> bool:
    """Whether policy-rc.d already refuses to start services (exit 101), as Debian's invoke-rc.d asks it."""
    if not os.access(policy, os.X_OK):
        return False
    result = subprocess.run([str(policy), 'kea-dhcp6-server', 'start'], capture_output=True, timeout=30, check=False)
    return result.returncode == 101


# Reporting


@dataclass
class Summary:
    """
    What the table shows for one server and scenario over its repetitions.

    :ivar best: the step with the highest rate held in any repetition
    :ivar rates: each repetition's highest completed rate (0 when no step held)
    :ivar rss_kib: the highest RSS at the end of a repetition
    :ivar leases: how many leases the server held then (None for 2-way exchanges, which commit none)
    :ivar lower_bound: some repetition never failed a step, so the rate is only a lower bound
    :ivar perfdhcp_limited: some repetition failed where perfdhcp could not send at the target rate, so the limit
        found may be perfdhcp's and not the server's
    """

    best: StepResult | None = None
    rates: list[float] = field(default_factory=list)
    rss_kib: int = 0
    leases: int | None = None
    lower_bound: bool = False
    perfdhcp_limited: bool = False
    cpu_by_rate: dict[int, list[float]] = field(default_factory=dict)

    def add(self, trial: Trial) -> None:
        for step in trial.steps:
            if step.held:
                self.cpu_by_rate.setdefault(step.rate, []).append(step.cpu_us_per_exchange)
        best = trial.best
        if best is not None and (self.best is None or best.achieved_rate > self.best.achieved_rate):
            self.best = best
        self.rates.append(best.achieved_rate if best else 0.0)
        if trial.rss_kib > self.rss_kib:
            self.rss_kib, self.leases = trial.rss_kib, trial.leases
        ceiling = trial.ceiling
        self.lower_bound |= ceiling is None
        self.perfdhcp_limited |= ceiling is not None and ceiling.client_limited

    def row(self, server: str, scenario: Scenario) -> str:
        spread = '-'.join(f'{rate:.0f}' for rate in sorted(self.rates))
        notes = ', '.join(note for note, flag in (('lower bound: no step failed', self.lower_bound),
                                                  ('perfdhcp could not keep up', self.perfdhcp_limited)) if flag)
        memory = f"{self.rss_kib / 1024:>6.1f} MiB {'-' if self.leases is None else self.leases:>8}"
        if self.best is None:
            return (f"{server:8} {scenario.title:14} {'none held':>13} {spread:>17} {'-':>14} {'-':>12} {memory}  "
                    f"{notes}").rstrip()
        rate = ('>=' if self.lower_bound else '') + f'{self.best.achieved_rate:.0f}'
        perfdhcp = 100 * self.best.perfdhcp_cpu / self.best.seconds
        return (f"{server:8} {scenario.title:14} {rate:>10} /s {spread:>17} {self.best.cpu_us_per_exchange:>11.1f} us "
                f"{perfdhcp:>10.0f} % {memory}  {notes}").rstrip()


def summarise(trials: list[Trial]) -> dict[tuple[str, str], Summary]:
    """The trials by (server, scenario name)."""
    summaries: dict[tuple[str, str], Summary] = {}
    for trial in trials:
        summaries.setdefault((trial.server, trial.scenario.name), Summary()).add(trial)
    return summaries


def table_lines(trials: list[Trial], servers: list[str], scenarios: list[Scenario]) -> list[str]:
    """The result table, and the dhcpkit/Kea ratios per scenario when both servers ran."""
    summaries = summarise(trials)
    header = (f"{'server':8} {'scenario':14} {'highest rate':>13} {'runs':>17} {'server CPU':>14} "
              f"{'perfdhcp CPU':>12} {'RSS at end':>10} {'leases':>8}")
    lines = [header, f"{'':8} {'':14} {'held':>13} {'(each run)':>17} {'per exchange':>14} {'% of a core':>12} "
                     f"{'':10} {'then':>8}",
             '-' * len(header)]
    for scenario in scenarios:
        lines += [summaries[server, scenario.name].row(server, scenario) for server in servers
                  if (server, scenario.name) in summaries]
    overloaded = [trial for trial in trials if trial.overload is not None and trial.best is not None]
    if overloaded:
        lines += ['', 'Overload (one step at a multiple of the rate held, right after the search; the share is of '
                      'the rate held):']
        for trial in overloaded:
            assert trial.overload is not None and trial.best is not None
            lines.append(f"  {trial.server:8} {trial.scenario.title:14} held {trial.best.rate:>6}/s, at "
                         f"{trial.overload.rate:>6}/s (sent {trial.overload.sent_rate:.0f}/s) completed "
                         f"{trial.overload.achieved_rate:>7.0f}/s = "
                         f"{100 * trial.overload.achieved_rate / trial.best.rate:3.0f} %, server "
                         f"{trial.overload.cpu_us_per_exchange:.1f} us/exchange")
    if {'dhcpkit', 'kea'} <= set(servers):
        lines += ['', 'dhcpkit/Kea (same run):']
        for scenario in scenarios:
            ours, theirs = summaries.get(('dhcpkit', scenario.name)), summaries.get(('kea', scenario.name))
            if ours and theirs and ours.best and theirs.best:
                lines.append(f"  {scenario.title:14} {ratio_line(ours, theirs)}")
    return lines


def ratio_line(ours: Summary, theirs: Summary) -> str:
    """
    dhcpkit/Kea for one scenario. CPU per exchange falls as the rate rises (work is batched, fewer wake-ups), so
    besides each server at its own highest rate it is also compared at the highest rate both held.
    """
    assert ours.best is not None and theirs.best is not None
    rate = ours.best.achieved_rate / theirs.best.achieved_rate
    cpu = ours.best.cpu_us_per_exchange / theirs.best.cpu_us_per_exchange
    text = f"highest rate x{rate:.2f}, CPU per exchange x{cpu:.2f} (each at its highest rate)"
    common = set(ours.cpu_by_rate) & set(theirs.cpu_by_rate)
    if common:
        shared = max(common)
        ours_cpu, theirs_cpu = (sum(cpus) / len(cpus) for cpus in (ours.cpu_by_rate[shared],
                                                                   theirs.cpu_by_rate[shared]))
        text += (f", x{ours_cpu / theirs_cpu:.2f} at {shared}/s ({ours_cpu:.0f} vs {theirs_cpu:.0f} us, mean of the "
                 f"runs)")
    return text + f", RSS x{ours.rss_kib / theirs.rss_kib:.2f}"


def method_lines(args: argparse.Namespace, settings: SearchSettings, trials: list[Trial]) -> list[str]:
    """The method, stated beside the figures (STYLE.md point 12)."""
    commands = {f'{server} {scenario}': ' '.join(summary.best.command)
                for (server, scenario), summary in summarise(trials).items() if summary.best is not None}
    return [
        f"Method: perfdhcp -6 in a client namespace, server in another, one veth pair; each step "
        f"{settings.seconds:g} s at a fixed rate from {settings.start}/s, x{settings.factor:g} while held, then "
        f"{settings.refine} bisection(s); a step holds when at most {100 * MAX_FAILURE_RATIO:g} % of exchanges fail "
        f"(no reply within {DROP_TIME_SECONDS:g} s, or a rejected lease) and at least "
        f"{100 * MIN_ACHIEVED_RATIO:g} % of the target rate completes; best of {args.repeat} run(s) per server and "
        f"scenario, each from an empty lease store; the rate is the completed exchanges per second of that step.",
        *([f"Stalls: during every step the server process was stopped (SIGSTOP) for {settings.stalls[0]:g} s "
           f"every {settings.stalls[1]:g} s."] if settings.stalls else []),
        "Server CPU: utime+stime of the server process (all threads) from /proc/PID/stat over the step and until "
        "it is idle again, divided by the completed exchanges. RSS: VmRSS at the end of the scenario (highest of "
        "the runs). perfdhcp CPU: its own user+system time over the step, in % of one core.",
        f"Servers: ipv6-dhcpd with {args.dhcpkit_threads} worker threads, leases in SQLite (WAL, lease-sync "
        f"{args.dhcpkit_lease_sync}: {'fsync per commit' if args.dhcpkit_lease_sync == 'full' else 'no fsync'}, "
        f"group commit); kea-dhcp6 with memfile (persist, lfc-interval 0), multi-threading "
        f"{'on, ' + str(args.kea_threads) + ' threads' if args.kea_threads else 'off (Kea 2.2 default)'}; "
        f"both log at WARN. Pools: {ADDRESS_POOL_SIZE} addresses and {PD_POOL_SIZE} /{PD_DELEGATED_LENGTH} prefixes, "
        f"preferred {PREFERRED_LIFETIME} s, valid {VALID_LIFETIME} s.",
        'perfdhcp commands (at the highest rate held):',
        *(f"  {name}: {command}" for name, command in commands.items()),
    ]


# Command line


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--servers', default='dhcpkit,kea', help="comma-separated: dhcpkit, kea (default: both)")
    parser.add_argument('--scenarios', default=','.join(SCENARIOS),
                        help=f"comma-separated, of: {', '.join(SCENARIOS)} (default: all)")
    parser.add_argument('--step-seconds', type=float, help="length of each rate step (default 20, --quick 5)")
    parser.add_argument('--quick', action='store_true', help="5 s steps and one bisection, to try it out")
    parser.add_argument('--repeat', type=int, default=2, help="runs per server and scenario (default 2)")
    parser.add_argument('--start-rate', type=int, default=100, help="first target rate, exchanges/s (default 100)")
    parser.add_argument('--factor', type=float, default=2.0, help="rate multiplier between steps (default 2)")
    parser.add_argument('--refine', type=int, default=3, help="bisection steps after the first failure (default 3)")
    parser.add_argument('--max-steps', type=int, default=16, help="most steps per run (default 16)")
    parser.add_argument('--max-rate', type=int, default=200_000, help="highest target rate tried (default 200000)")
    parser.add_argument('--dhcpkit-threads', type=int, default=10, help="[server] threads (default 10, its default)")
    parser.add_argument('--dhcpkit-lease-sync', choices=['full', 'normal'], default='full',
                        help="[server] lease-sync (default full, its default; normal promises what Kea's memfile "
                             "does: leases survive a crash of the server process, not of the machine)")
    parser.add_argument('--kea-threads', type=int, default=0, help="Kea multi-threading pool size (default 0: off)")
    parser.add_argument('--overload', type=float, default=3.0, metavar='FACTOR',
                        help="after each search, one step at FACTOR times the rate held (default 3; 0: none)")
    parser.add_argument('--memory-test', type=int, metavar='N',
                        help="instead of rates: each server's RSS after start-up with N leases vs an empty store")
    parser.add_argument('--stalls', metavar='LENGTH/PERIOD',
                        help="stop the server for LENGTH s every PERIOD s during each step (SIGSTOP/SIGCONT), as a "
                             "busy host would; e.g. 0.3/2")
    parser.add_argument('--keep', action='store_true', help="keep the temporary directory (configs, logs, leases)")
    args = parser.parse_args(argv)
    args.server_list = [name for name in args.servers.split(',') if name]
    unknown = set(args.server_list) - {'dhcpkit', 'kea'}
    names = [name for name in args.scenarios.split(',') if name]
    unknown |= set(names) - set(SCENARIOS)
    if unknown:
        parser.error(f"unknown servers or scenarios: {', '.join(sorted(unknown))}")
    args.scenario_list = [SCENARIOS[name] for name in names]
    if args.step_seconds is None:
        args.step_seconds = 5.0 if args.quick else 20.0
    if args.quick:
        args.refine = min(args.refine, 1)
    if min(args.repeat, args.step_seconds, args.start_rate, args.max_steps, args.memory_test or 1) < 1:
        parser.error("--repeat, --step-seconds, --start-rate, --max-steps and --memory-test must be at least 1")
    if args.overload and args.overload <= 1:
        parser.error("--overload must be more than 1 (or 0 for none)")
    args.stall_times = None
    if args.stalls:
        try:
            length, period = (float(part) for part in args.stalls.split('/'))
        except ValueError:
            parser.error(f"--stalls: expected LENGTH/PERIOD in seconds, such as 0.3/2, not {args.stalls!r}")
        if not 0 < length < period:
            parser.error("--stalls: LENGTH must be more than 0 and less than PERIOD")
        args.stall_times = (length, period)
    if args.factor <= 1.05:
        parser.error("--factor must be more than 1.05, or the rate hardly rises")
    if args.memory_test is not None and args.memory_test > ADDRESS_POOL_SIZE:
        parser.error(f"--memory-test: at most {ADDRESS_POOL_SIZE} leases fit the pool")
    if os.geteuid() != 0:
        parser.error("must run as root (network namespaces, port 547)")
    return args


def run_rates(net: TestNetwork, args: argparse.Namespace) -> list[str]:
    """Every server, scenario and repetition, interleaved so slow drifts of the shared machine hit all alike."""
    settings = SearchSettings(args.step_seconds, args.start_rate, args.factor, args.refine, args.max_steps,
                              args.max_rate, args.stall_times)
    servers: dict[str, Server] = {'dhcpkit': Dhcpkit(args.dhcpkit_threads, args.dhcpkit_lease_sync),
                                  'kea': Kea(args.kea_threads)}
    trials: list[Trial] = []
    try:
        for repetition in range(args.repeat):
            for scenario in args.scenario_list:
                for name in args.server_list:
                    print(f"run {repetition + 1}/{args.repeat}: {name} {scenario.name}", flush=True)
                    directory = net.workdir / f'{name}-{scenario.name}-{repetition + 1}'
                    trials.append(run_trial(net, servers[name], scenario, settings, directory, args.overload))
    except (KeyboardInterrupt, BenchmarkError):
        lines = table_lines(trials, args.server_list, args.scenario_list)
        print('\n'.join(["stopped; the results so far:", *lines]), flush=True)
        raise
    return table_lines(trials, args.server_list, args.scenario_list) + [''] + method_lines(args, settings, trials)


def stop_on_sigterm(signum: int, frame: object) -> NoReturn:
    """Treat SIGTERM like Ctrl-C, so the namespaces and processes are cleaned up the same way."""
    raise KeyboardInterrupt


@contextlib.contextmanager
def shielded_cleanup(net: TestNetwork) -> Iterator[TestNetwork]:
    """Use the network, then tear it down with Ctrl-C and SIGTERM ignored, so an impatient second Ctrl-C cannot
    leave namespaces or servers behind."""
    try:
        yield net.__enter__()
    finally:
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN), signal.signal(signal.SIGTERM, signal.SIG_IGN)
        try:
            net.close()
        finally:
            signal.signal(signal.SIGINT, previous[0])
            signal.signal(signal.SIGTERM, previous[1])


def main(argv: list[str] | None = None) -> int:
    args = parse_arguments(argv)
    signal.signal(signal.SIGTERM, stop_on_sigterm)
    try:
        ensure_programs()
        if not IPV6_DHCPD.exists():
            raise BenchmarkError(f"{IPV6_DHCPD} not found: run this with the Python of a dhcpkit installation")
        with shielded_cleanup(TestNetwork(timeout=30, keep_workdir=args.keep)) as net:
            build_network(net)
            environment = environment_lines(net.workdir)
            for line in environment:
                print(line, flush=True)
            if args.memory_test is not None:
                report = run_memory_test(net, args.memory_test, args.server_list)
            else:
                report = run_rates(net, args)
            if args.keep:
                print(f"kept {net.workdir}", flush=True)
    except KeyboardInterrupt:
        print("interrupted; namespaces, processes and temporary files removed", file=sys.stderr)
        return 130
    except BenchmarkError as error:
        print(f"benchmark failed: {error}", file=sys.stderr)
        return 1
    print('\n' + '\n'.join(report + [''] + environment))
    return 0


if __name__ == '__main__':
    sys.exit(main())
