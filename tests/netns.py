"""Throwaway IPv6 test networks built from Linux network namespaces.

System tests use this module to run DHCPv6 servers, relays and clients in
isolated network namespaces joined by veth pairs, so that no packet ever
reaches the host's real interfaces.  Everything here needs root and the ``ip``
command from iproute2; only the standard library is used (pytest is imported
lazily by the ``require_*`` helpers).

Typical use::

    with TestNetwork() as net:
        net.add_namespace("server")
        net.add_namespace("client")
        net.add_veth("server", "srv0", "client", "cli0")
        net.add_address("server", "srv0", "2001:db8:1::1/64")
        net.wait_link_local("client", "cli0")
        server = net.popen("server", ["my-server", "-i", "srv0"])
        server.wait_for_output("listening", timeout=5)
        result = net.run("client", ["my-client", "cli0"], timeout=10)

On exit every process started in the namespaces is killed and waited for and
every namespace is deleted, also when the body raised an exception.

Design notes:

* Namespace names are ``dhcpkit-<random suffix>-<logical name>`` so that
  parallel test runs never clash; tests only ever use the logical names.
* Veth pairs are created directly inside their namespaces (``ip -n NS link add
  ... peer name ... netns OTHER``), so interface names only need to be unique
  per namespace and no interface ever appears in the host's namespace.
* Duplicate address detection is switched off (``accept_dad=0``,
  ``dad_transmits=0`` for ``default`` and ``all`` before any interface
  exists, plus ``nodad`` on every address), so link-local and global
  addresses are usable immediately and clients can bind without waiting.
* Processes are started through ``ip netns exec``, which also gives them a
  private mount namespace (mounts are made slave, so nothing propagates back
  to the host).  ``bind=`` uses this to hide a program's hard-coded state
  directories (``/run/dhcpcd``, ``/var/lib/dhcpv6``, ...) behind temporary
  directories.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shlex
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import IO, Any, TypeVar

__all__ = [
    "BackgroundProcess",
    "NamespaceError",
    "TestNetwork",
    "find_program",
    "leftover_namespaces",
    "namespaces_available",
    "require_namespaces",
    "require_program",
    "wait_until",
]

#: Prefix of every namespace created by this module.
NAMESPACE_PREFIX = "dhcpkit-"

#: Default bound for short administrative commands (``ip``, ``sysctl``).
COMMAND_TIMEOUT = 10.0

T = TypeVar("T")


class NamespaceError(RuntimeError):
    """A namespace operation failed or a bounded wait ran out of time."""


# ---------------------------------------------------------------------------
# Availability checks and pytest helpers
# ---------------------------------------------------------------------------

_available: bool | None = None


def namespaces_available() -> bool:
    """Tell whether network namespaces can be created here.

    True when running as root, ``ip`` is installed and a probe namespace can
    actually be added and deleted.  The answer is cached for the process.
    """
    global _available
    if _available is not None:
        return _available
    _available = False
    if os.geteuid() != 0 or shutil.which("ip") is None:
        return False
    name = f"{NAMESPACE_PREFIX}probe-{secrets.token_hex(4)}"
    try:
        added = subprocess.run(
            ["ip", "netns", "add", name],
            capture_output=True,
            timeout=COMMAND_TIMEOUT,
            check=False,
        )
        if added.returncode == 0:
            subprocess.run(
                ["ip", "netns", "delete", name],
                capture_output=True,
                timeout=COMMAND_TIMEOUT,
                check=False,
            )
            _available = True
    except (OSError, subprocess.SubprocessError):
        _available = False
    return _available


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def _skip_or_fail(reason: str) -> None:
    """Skip the current test, or fail it when running in CI (``CI=true``)."""
    import pytest

    if _in_ci():
        pytest.fail(f"{reason} (CI=true: system tests must not be skipped)")
    pytest.skip(reason)


def require_namespaces() -> None:
    """Skip (or, with ``CI=true``, fail) the test if namespaces are unavailable."""
    if not namespaces_available():
        _skip_or_fail("network namespaces unavailable (needs root and iproute2)")


def require_program(program: str) -> str:
    """Return the full path of ``program`` or skip/fail the test without it.

    ``program`` may be a bare name looked up in ``PATH`` (plus ``/usr/sbin``
    and ``/sbin``, where daemons live) or an absolute path.  Like
    :func:`require_namespaces` the test fails instead of skipping when the
    environment variable ``CI`` is ``true``.
    """
    path = find_program(program)
    if path is None:
        _skip_or_fail(f"required program {program!r} is not installed")
        raise AssertionError("unreachable")  # pragma: no cover
    return path


def find_program(program: str) -> str | None:
    """Locate ``program`` like :func:`require_program`, returning None if absent."""
    if os.path.isabs(program):
        return program if os.access(program, os.X_OK) else None
    search = os.pathsep.join(
        [os.environ.get("PATH", os.defpath), "/usr/local/sbin", "/usr/sbin", "/sbin"]
    )
    return shutil.which(program, path=search)


# ---------------------------------------------------------------------------
# Bounded waiting
# ---------------------------------------------------------------------------


def wait_until(
    predicate: Callable[[], T | None],
    timeout: float,
    what: str,
    interval: float = 0.05,
) -> T:
    """Poll ``predicate`` until it returns a truthy value, at most ``timeout`` s.

    Returns that value; raises :class:`NamespaceError` naming ``what`` when the
    time runs out.
    """
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise NamespaceError(f"timed out after {timeout:g}s waiting for {what}")
        time.sleep(interval)


# ---------------------------------------------------------------------------
# Background processes
# ---------------------------------------------------------------------------


class BackgroundProcess:
    """A process started by :meth:`TestNetwork.popen`.

    Unless the caller redirected them, stdout and stderr go (merged) to
    :attr:`log_path`, which can be read at any time with :meth:`output` or
    polled with :meth:`wait_for_output`.
    """

    def __init__(
        self,
        namespace: str,
        argv: Sequence[str],
        popen: subprocess.Popen[bytes],
        log_path: Path | None,
        log_file: IO[bytes] | None,
    ) -> None:
        self.namespace = namespace
        self.argv = list(argv)
        self.popen = popen
        self.log_path = log_path
        self._log_file = log_file

    @property
    def pid(self) -> int:
        """Process id (the program itself: ``ip netns exec`` execs it)."""
        return self.popen.pid

    @property
    def returncode(self) -> int | None:
        """Exit status, or None while the process is still running."""
        return self.popen.poll()

    def running(self) -> bool:
        """Tell whether the process is still alive."""
        return self.popen.poll() is None

    def output(self) -> str:
        """Everything the process wrote to its log so far ('' if not logged)."""
        if self.log_path is None or not self.log_path.exists():
            return ""
        return self.log_path.read_text(errors="replace")

    def wait_for_output(self, pattern: str, timeout: float) -> re.Match[str]:
        """Wait until the log matches regular expression ``pattern``.

        Raises :class:`NamespaceError` on timeout, or as soon as the process
        exits without having printed a match; the log is included either way.
        """

        deadline = time.monotonic() + timeout
        while True:
            exited = not self.running()
            match = re.search(pattern, self.output(), re.MULTILINE)
            if match is not None:
                return match
            if exited:
                raise NamespaceError(
                    f"{self.argv[0]} exited with {self.returncode} before printing "
                    f"{pattern!r}; output:\n{self.output()}"
                )
            if time.monotonic() >= deadline:
                raise NamespaceError(
                    f"timed out after {timeout:g}s waiting for {pattern!r} from "
                    f"{self.argv[0]}; output so far:\n{self.output()}"
                )
            time.sleep(0.05)

    def wait(self, timeout: float) -> int:
        """Wait at most ``timeout`` seconds for the process to exit."""
        try:
            return self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise NamespaceError(f"{self.argv[0]} did not exit within {timeout:g}s") from None

    def send_signal(self, sig: int) -> None:
        """Send ``sig`` to the process if it is still running."""
        if self.running():
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.popen.pid, sig)

    def stop(self, timeout: float = 5.0, sig: int = signal.SIGTERM) -> int:
        """Stop the process: ``sig`` first, SIGKILL to its group after ``timeout``.

        Always returns with the process reaped.  Returns its exit status.
        """
        self.send_signal(sig)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.popen.wait(timeout=timeout)
        # The process got its own session, so its process group also holds
        # any helpers it forked (scripts, privilege-separated children, ...).
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.popen.pid, signal.SIGKILL)
        try:
            returncode = self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:  # pragma: no cover - unkillable
            raise NamespaceError(f"{self.argv[0]} survived SIGKILL") from None
        finally:
            if self._log_file is not None:
                self._log_file.close()
                self._log_file = None
        return returncode


# ---------------------------------------------------------------------------
# The network
# ---------------------------------------------------------------------------


class TestNetwork:
    """A set of network namespaces and veth links that cleans up after itself.

    Namespaces are referred to by logical names (``"server"``, ``"client"``);
    :meth:`netns_name` gives the real name.  A private temporary directory,
    :attr:`workdir`, is available for configuration files, leases, captures
    and logs; it is removed on exit unless ``keep_workdir`` is true.
    """

    __test__ = False  # not a pytest test class, despite the name

    def __init__(
        self,
        *,
        timeout: float = COMMAND_TIMEOUT,
        keep_workdir: bool = False,
        workdir: str | os.PathLike[str] | None = None,
    ) -> None:
        """Prepare (but do not yet create anything of) a test network.

        :param timeout: default bound for administrative commands and waits.
        :param keep_workdir: leave the temporary directory behind on exit.
        :param workdir: use this (existing) directory instead of a new one;
            it is never removed.
        """
        self.timeout = timeout
        self.suffix = secrets.token_hex(3)
        self.namespaces: dict[str, str] = {}
        self.processes: list[BackgroundProcess] = []
        self._keep_workdir = keep_workdir or workdir is not None
        self._workdir: Path | None = Path(workdir) if workdir is not None else None
        self._log_counter = 0

    # -- context management -------------------------------------------------

    def __enter__(self) -> TestNetwork:
        if self._workdir is None:
            self._workdir = Path(tempfile.mkdtemp(prefix=f"{NAMESPACE_PREFIX}{self.suffix}-"))
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def workdir(self) -> Path:
        """The network's scratch directory (created on first use)."""
        if self._workdir is None:
            self._workdir = Path(tempfile.mkdtemp(prefix=f"{NAMESPACE_PREFIX}{self.suffix}-"))
        return self._workdir

    def close(self) -> None:
        """Kill all processes and delete all namespaces; safe to call twice.

        Errors are collected and raised together at the end, after every
        cleanup step has been attempted.
        """
        errors: list[str] = []
        for proc in reversed(self.processes):
            try:
                proc.stop(timeout=2.0)
            except Exception as exc:  # noqa: BLE001 - keep cleaning up
                errors.append(f"stopping {proc.argv[0]}: {exc}")
        self.processes.clear()
        for logical, name in list(self.namespaces.items()):
            # Anything that daemonised or escaped its process group is still
            # found by its network namespace.
            try:
                self._kill_namespace_pids(name)
            except Exception as exc:  # noqa: BLE001
                errors.append(f"killing processes in {name}: {exc}")
            try:
                self._ip("netns", "delete", name)
            except Exception as exc:  # noqa: BLE001
                errors.append(f"deleting {name}: {exc}")
            del self.namespaces[logical]
        if self._workdir is not None and not self._keep_workdir:
            shutil.rmtree(self._workdir, ignore_errors=True)
            self._workdir = None
        if errors:
            raise NamespaceError("cleanup incomplete: " + "; ".join(errors))

    def _namespace_pids(self, name: str) -> list[int]:
        result = subprocess.run(
            ["ip", "netns", "pids", name],
            capture_output=True,
            text=True,
            timeout=self.timeout,
            check=False,
        )
        return [int(pid) for pid in result.stdout.split() if pid.isdigit()]

    def _kill_namespace_pids(self, name: str) -> None:
        pids = self._namespace_pids(name)
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        if pids:
            wait_until(
                lambda: not self._namespace_pids(name) or None,
                self.timeout,
                f"processes in namespace {name} to die",
            )

    # -- low-level helpers --------------------------------------------------

    def _ip(self, *args: str) -> str:
        """Run ``ip ARGS`` in the host context, raising on failure."""
        try:
            result = subprocess.run(
                ["ip", *args],
                capture_output=True,
                text=True,
                timeout=self.timeout,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise NamespaceError(f"'ip {' '.join(args)}' timed out") from None
        if result.returncode != 0:
            raise NamespaceError(
                f"'ip {' '.join(args)}' failed ({result.returncode}): {result.stderr.strip()}"
            )
        return result.stdout

    def netns_name(self, ns: str) -> str:
        """The real namespace name of logical namespace ``ns``."""
        try:
            return self.namespaces[ns]
        except KeyError:
            raise NamespaceError(f"unknown namespace {ns!r}") from None

    def sysctl(self, ns: str, key: str, value: str | int) -> None:
        """Set sysctl ``key`` (dotted form) inside namespace ``ns``."""
        self.run(ns, ["sysctl", "-q", "-w", f"{key}={value}"], timeout=self.timeout)

    # -- building the network -----------------------------------------------

    def add_namespace(self, ns: str, *, forwarding: bool = False) -> str:
        """Create namespace ``ns`` with loopback up and DAD disabled.

        With ``forwarding`` the namespace routes IPv6 (for relays/routers).
        Returns the real namespace name.
        """
        if ns in self.namespaces:
            raise NamespaceError(f"namespace {ns!r} already exists")
        if not re.fullmatch(r"[A-Za-z0-9_.-]{1,32}", ns):
            raise NamespaceError(f"bad namespace name {ns!r}")
        name = f"{NAMESPACE_PREFIX}{self.suffix}-{ns}"
        self._ip("netns", "add", name)
        self.namespaces[ns] = name
        # Must be set before any interface exists so that new ones inherit it.
        for scope in ("default", "all"):
            self.sysctl(ns, f"net.ipv6.conf.{scope}.disable_ipv6", 0)
            self.sysctl(ns, f"net.ipv6.conf.{scope}.accept_dad", 0)
            self.sysctl(ns, f"net.ipv6.conf.{scope}.dad_transmits", 0)
        self._ip("-n", name, "link", "set", "lo", "up")
        if forwarding:
            self.enable_forwarding(ns)
        return name

    def enable_forwarding(self, ns: str) -> None:
        """Turn on IPv6 forwarding in namespace ``ns``."""
        self.sysctl(ns, "net.ipv6.conf.all.forwarding", 1)

    def add_veth(
        self,
        ns_a: str,
        if_a: str,
        ns_b: str,
        if_b: str,
        *,
        up: bool = True,
        mtu: int | None = None,
    ) -> None:
        """Join ``ns_a`` and ``ns_b`` with a veth pair named ``if_a``/``if_b``.

        Both ends are created directly in their namespaces and (by default)
        brought up.  Interface names must be valid Linux names (max 15 chars).
        """
        for ifname in (if_a, if_b):
            if not re.fullmatch(r"[A-Za-z0-9_.-]{1,15}", ifname):
                raise NamespaceError(f"bad interface name {ifname!r}")
        name_a, name_b = self.netns_name(ns_a), self.netns_name(ns_b)
        self._ip(
            "-n", name_a, "link", "add", if_a, "type", "veth",
            "peer", "name", if_b, "netns", name_b,
        )  # fmt: skip
        for name, ifname in ((name_a, if_a), (name_b, if_b)):
            # Belt and braces: per-interface DAD off even if inheritance failed.
            self.sysctl(self._logical(name), f"net.ipv6.conf.{ifname}.accept_dad", 0)
            self.sysctl(self._logical(name), f"net.ipv6.conf.{ifname}.dad_transmits", 0)
            if mtu is not None:
                self._ip("-n", name, "link", "set", ifname, "mtu", str(mtu))
            if up:
                self._ip("-n", name, "link", "set", ifname, "up")

    def _logical(self, name: str) -> str:
        for logical, real in self.namespaces.items():
            if real == name:
                return logical
        raise NamespaceError(f"unknown namespace {name!r}")

    def add_address(self, ns: str, ifname: str, address: str) -> None:
        """Add ``address`` (``addr/prefixlen``) to ``ifname`` in ``ns``, no DAD."""
        self._ip("-n", self.netns_name(ns), "-6", "addr", "add", address, "dev", ifname, "nodad")

    def add_route(self, ns: str, prefix: str, via: str, ifname: str | None = None) -> None:
        """Add IPv6 route ``prefix`` via ``via`` (optionally on ``ifname``) in ``ns``."""
        args = ["-n", self.netns_name(ns), "-6", "route", "add", prefix, "via", via]
        if ifname is not None:
            args += ["dev", ifname]
        self._ip(*args)

    def addresses(self, ns: str, ifname: str, scope: str | None = None) -> list[tuple[str, str]]:
        """List ``(address/prefixlen, flags)`` of IPv6 addresses on ``ifname``."""
        args = ["-n", self.netns_name(ns), "-6", "-o", "addr", "show", "dev", ifname]
        if scope is not None:
            args += ["scope", scope]
        found = []
        for line in self._ip(*args).splitlines():
            match = re.search(r"\binet6\s+(\S+)\s+(.*)", line)
            if match:
                found.append((match.group(1), match.group(2)))
        return found

    def link_local(self, ns: str, ifname: str) -> str | None:
        """The usable (non-tentative) link-local address of ``ifname``, if any."""
        for address, flags in self.addresses(ns, ifname, scope="link"):
            if "tentative" not in flags.split():
                return address.split("/")[0]
        return None

    def wait_link_local(self, ns: str, ifname: str, timeout: float | None = None) -> str:
        """Wait until ``ifname`` has a non-tentative link-local address; return it."""
        return wait_until(
            lambda: self.link_local(ns, ifname),
            self.timeout if timeout is None else timeout,
            f"link-local address on {ns}/{ifname}",
        )

    def mac_address(self, ns: str, ifname: str) -> str:
        """The MAC address of ``ifname`` in ``ns``."""
        output = self._ip("-n", self.netns_name(ns), "-o", "link", "show", "dev", ifname)
        match = re.search(r"link/ether\s+([0-9a-f:]{17})", output)
        if not match:
            raise NamespaceError(f"no MAC address on {ns}/{ifname}")
        return match.group(1)

    # -- running programs ---------------------------------------------------

    def _argv(
        self, ns: str, argv: Sequence[str], bind: Mapping[str, str | os.PathLike[str]] | None
    ) -> list[str]:
        if not argv:
            raise NamespaceError("empty command")
        wrapped = ["ip", "netns", "exec", self.netns_name(ns)]
        if not bind:
            return wrapped + list(argv)
        # ip netns exec gives the command a private (slave) mount namespace,
        # so these bind mounts are invisible to the host and vanish with it.
        steps = []
        for target, source in bind.items():
            if not os.path.isabs(target):
                raise NamespaceError(f"bind target must be absolute: {target!r}")
            if os.path.isdir(source):
                steps.append(f"mkdir -p {shlex.quote(target)}")
            steps.append(f"mount --bind {shlex.quote(os.fspath(source))} {shlex.quote(target)}")
        script = " && ".join(steps) + ' && exec "$@"'
        return wrapped + ["sh", "-c", script, "sh", *argv]

    def run(
        self,
        ns: str,
        argv: Sequence[str],
        *,
        timeout: float | None = None,
        check: bool = True,
        input: str | None = None,
        env: Mapping[str, str] | None = None,
        cwd: str | os.PathLike[str] | None = None,
        bind: Mapping[str, str | os.PathLike[str]] | None = None,
    ) -> subprocess.CompletedProcess[str]:
        """Run ``argv`` in namespace ``ns`` and wait (bounded) for it.

        Output is captured as text.  ``env`` entries are added to the current
        environment; ``bind`` maps absolute paths to directories mounted over
        them for this command only.  With ``check`` a non-zero exit status
        raises :class:`subprocess.CalledProcessError`; running past
        ``timeout`` (default: the network's) kills it and raises
        :class:`subprocess.TimeoutExpired`.
        """
        full_env = None if env is None else {**os.environ, **env}
        return subprocess.run(
            self._argv(ns, argv, bind),
            capture_output=True,
            text=True,
            input=input,
            stdin=None if input is not None else subprocess.DEVNULL,
            timeout=self.timeout if timeout is None else timeout,
            check=check,
            env=full_env,
            cwd=cwd,
        )

    def popen(
        self,
        ns: str,
        argv: Sequence[str],
        *,
        env: Mapping[str, str] | None = None,
        cwd: str | os.PathLike[str] | None = None,
        bind: Mapping[str, str | os.PathLike[str]] | None = None,
        stdout: Any = None,
        stderr: Any = None,
    ) -> BackgroundProcess:
        """Start ``argv`` in the background in namespace ``ns``.

        The process runs in its own session (so its whole process group can
        be killed) and is stopped automatically when the network closes.
        Unless ``stdout``/``stderr`` are given, both go to a log file in
        :attr:`workdir` (see :meth:`BackgroundProcess.output`).
        """
        log_path: Path | None = None
        log_file: IO[bytes] | None = None
        if stdout is None and stderr is None:
            self._log_counter += 1
            base = re.sub(r"[^A-Za-z0-9_.-]", "_", os.path.basename(argv[0]))
            log_path = self.workdir / f"{self._log_counter:02d}-{ns}-{base}.log"
            log_file = open(log_path, "wb")  # noqa: SIM115 - closed by stop()
            stdout, stderr = log_file, subprocess.STDOUT
        full_env = None if env is None else {**os.environ, **env}
        try:
            proc = subprocess.Popen(
                self._argv(ns, argv, bind),
                stdin=subprocess.DEVNULL,
                stdout=stdout,
                stderr=stderr,
                env=full_env,
                cwd=cwd,
                start_new_session=True,
            )
        except BaseException:
            if log_file is not None:
                log_file.close()
            raise
        background = BackgroundProcess(ns, argv, proc, log_path, log_file)
        self.processes.append(background)
        return background

    def stop(self, proc: BackgroundProcess, timeout: float = 5.0, sig: int = signal.SIGTERM) -> int:
        """Stop a process started by :meth:`popen` and forget it."""
        try:
            return proc.stop(timeout=timeout, sig=sig)
        finally:
            if proc in self.processes:
                self.processes.remove(proc)


def leftover_namespaces() -> list[str]:
    """Names of existing namespaces created by this module (for cleanup checks)."""
    result = subprocess.run(
        ["ip", "netns", "list"],
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT,
        check=False,
    )
    names = [line.split()[0] for line in result.stdout.splitlines() if line.strip()]
    return [name for name in names if name.startswith(NAMESPACE_PREFIX)]
