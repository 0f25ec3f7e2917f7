"""Real Debian DHCPv6 clients and relay, driven inside the test namespaces.

The tricks are those of ``tests/fixtures/captures/capture.py``:

* every client gets a *logging script* instead of its own script, so nothing
  edits the host's resolv.conf; the script appends the environment of each
  call to a log, which is where the tests read what the client understood
  (``new_dhcp6_name_servers`` for dhclient, ``new_domain_name_servers`` for
  dhcp6c, ``new_dhcp6_ia_na1_ia_addr1`` for dhcpcd, ...);
* clients run in the foreground (``dhclient -d``, ``dhcpcd -B``,
  ``dhcp6c -f``), so the harness owns and kills them;
* fixed state directories (``/run/dhcpcd``, ``/var/lib/dhcpcd``,
  ``/var/lib/dhcpv6``) are hidden behind private directories with bind mounts
  that only the client process sees; dhclient takes its files on the command
  line.
"""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from tests.netns import BackgroundProcess, NamespaceError, TestNetwork, wait_until

from tests.system.daemon import SERVER_ADDRESS, LogSource

#: How long a client may take to get its reply (first transmissions are
#: delayed by up to a second, retransmissions back off from there).
CLIENT_TIMEOUT = 30.0
#: How long a client may take to exit (after a release) once told to.
EXIT_TIMEOUT = 15.0

_MARK = "=== "
_END = "=== end"

#: Appends one block per call: a header line, the sorted environment, an end
#: line.  The whole block is written by one redirection, and readers only use
#: complete blocks.
LOGGING_SCRIPT = """#!/bin/sh
{{ echo "{mark}$0 $*"; env | sort; echo "{end}"; }} >> {log}
exit 0
"""


class ScriptLog:
    """A logging client script and what it recorded."""

    def __init__(self, workdir: Path, name: str) -> None:
        self.name = name
        self.path = workdir / f"{name}.env.log"
        self.script = workdir / f"{name}.sh"
        self.script.write_text(LOGGING_SCRIPT.format(mark=_MARK, end=_END, log=self.path))
        self.script.chmod(0o755)

    def calls(self) -> list[dict[str, str]]:
        """The environment of every complete call, oldest first."""
        if not self.path.exists():
            return []
        calls: list[dict[str, str]] = []
        current: dict[str, str] | None = None
        for line in self.path.read_text(errors="replace").splitlines():
            if line == _END:
                if current is not None:
                    calls.append(current)
                current = None
            elif line.startswith(_MARK):
                current = {"_invocation": line[len(_MARK) :]}
            elif current is not None and "=" in line:
                key, _, value = line.partition("=")
                current[key] = value
        return calls

    def wait_for(
        self, predicate: Callable[[dict[str, str]], bool], what: str, timeout: float = CLIENT_TIMEOUT
    ) -> dict[str, str]:
        """The first call that satisfies ``predicate``, waiting at most ``timeout``."""

        def find() -> dict[str, str] | None:
            for call in self.calls():
                if predicate(call):
                    return call
            return None

        return wait_until(find, timeout, f"{self.name} script call with {what}", interval=0.1)

    def wait_reason(self, *reasons: str, timeout: float = CLIENT_TIMEOUT) -> dict[str, str]:
        """The first call whose ``reason`` is one of ``reasons``."""
        return self.wait_for(lambda call: call.get("reason") in reasons, f"reason {'/'.join(reasons)}", timeout)

    def log_source(self) -> LogSource:
        return LogSource(f"{self.name} script calls ({self.path.name})", path=self.path)


def words(value: str | None) -> list[str]:
    """A space-separated script variable as a list (``[]`` when unset)."""
    return (value or "").split()


def domains(value: str | None) -> list[str]:
    """A space-separated list of domain names, without the trailing dots some clients add."""
    return [name.rstrip(".") for name in words(value)]


def dhclient_duid(text: str) -> str:
    """dhclient's ``0:3:0:1:a2:f6:...`` (bytes without leading zeros) as plain hex."""
    return "".join(f"{int(part, 16):02x}" for part in text.split(":"))


class Client:
    """What every driven program has: a process, a script log, logs for failures."""

    def __init__(self, net: TestNetwork, name: str, namespace: str = "client", interface: str = "cli0") -> None:
        self.net = net
        self.name = name
        self.namespace = namespace
        self.interface = interface
        self.workdir = net.workdir
        self.script = ScriptLog(self.workdir, name)
        self.process: BackgroundProcess | None = None

    def logs(self) -> list[LogSource]:
        sources = [self.script.log_source()]
        if self.process is not None:
            sources.insert(0, LogSource(f"{self.name} output", process=self.process))
        return sources

    def output(self) -> str:
        return self.process.output() if self.process is not None else ""

    def running(self) -> bool:
        return self.process is not None and self.process.running()

    def stop(self, sig: int = signal.SIGTERM, timeout: float = EXIT_TIMEOUT) -> int | None:
        """Stop the client (``sig`` first) and reap it."""
        if self.process is None:
            return None
        return self.net.stop(self.process, timeout=timeout, sig=sig)

    def wait_exit(self, timeout: float = EXIT_TIMEOUT) -> int:
        assert self.process is not None
        return self.process.wait(timeout)


# -- ISC dhclient -----------------------------------------------------------


class Dhclient(Client):
    """ISC ``dhclient -6``: ``mode`` is ``''`` (IA_NA), ``'-P'`` (IA_PD) or ``'-S'`` (stateless)."""

    def __init__(self, net: TestNetwork, mode: str = "", name: str = "dhclient", duid_type: str | None = None,
                 **kwargs: str) -> None:
        super().__init__(net, name, **kwargs)
        self.mode = mode
        self.duid_type = duid_type
        self.config = self.workdir / f"{name}.conf"
        self.config.write_text("request dhcp6.name-servers, dhcp6.domain-search;\n")
        self.lease_file = self.workdir / f"{name}.leases"
        self.pid_file = self.workdir / f"{name}.pid"

    def _argv(self, *extra: str) -> list[str]:
        argv = ["dhclient", "-6"]
        if self.mode:
            argv.append(self.mode)
        if self.duid_type:
            argv += ["-D", self.duid_type]
        argv += list(extra)
        argv += [
            "-cf", str(self.config),
            "-lf", str(self.lease_file),
            "-pf", str(self.pid_file),
            "-sf", str(self.script.script),
            self.interface,
        ]  # fmt: skip
        return argv

    def start(self) -> Dhclient:
        # -d: stay in the foreground, so that the harness owns the process
        self.process = self.net.popen(self.namespace, self._argv("-v", "-d"))
        return self

    def release(self, timeout: float = EXIT_TIMEOUT) -> subprocess.CompletedProcess[str]:
        """``dhclient -6 -r``: stops the running instance (pid file) and sends a Release.

        The Release names what ``-r`` reads from the lease file. Right after the BOUND6 script call the running
        instance may not have written that file yet, and ``-r`` then exits 0 without sending anything (a CI run
        failed that way: the server never saw a Release). So wait for the lease first, and check the Release went.
        """
        wait_until(self._lease_written, timeout, f"{self.name} to write its lease to {self.lease_file}")
        result = self.net.run(self.namespace, self._argv("-r", "-v"), timeout=timeout, check=False)
        output = f"{result.stdout}{result.stderr}"
        if result.returncode != 0:
            raise NamespaceError(f"dhclient -r failed ({result.returncode}):\n{output}")
        if "XMT: Release" not in output:
            raise NamespaceError(f"dhclient -r sent no Release:\n{output}")
        return result

    def _lease_written(self) -> bool:
        text = self.lease_file.read_text() if self.lease_file.exists() else ""
        return "lease6 {" in text and ("iaaddr " in text or "iaprefix " in text)


# -- WIDE dhcp6c ------------------------------------------------------------


class Dhcp6c(Client):
    """WIDE ``dhcp6c``, information-only or asking for an address and a prefix."""

    def __init__(self, net: TestNetwork, information_only: bool, name: str = "dhcp6c", **kwargs: str) -> None:
        super().__init__(net, name, **kwargs)
        if information_only:
            body, assocs = "  information-only;\n", ""
        else:
            body = "  send ia-na 0;\n  send ia-pd 0;\n"
            assocs = "id-assoc na 0 { };\nid-assoc pd 0 { };\n"
        self.config = self.workdir / f"{name}.conf"
        self.config.write_text(
            f"interface {self.interface} {{\n"
            f"{body}"
            "  request domain-name-servers;\n"
            "  request domain-name;\n"
            f'  script "{self.script.script}";\n'
            "};\n"
            f"{assocs}"
        )
        self.duid_directory = self.workdir / f"{name}-db"
        self.duid_directory.mkdir()

    def wait_configured(self, timeout: float = CLIENT_TIMEOUT) -> dict[str, str]:
        """Wait for the script call that follows the Reply (to the Information-request or the Request)."""
        return self.script.wait_for(lambda call: "new_domain_name_servers" in call, "new_domain_name_servers",
                                    timeout)

    def lease_from_log(self, kind: str) -> str:
        """
        The address or prefix of the last ``IA_NA address`` / ``IA_PD prefix`` in the client's debug log (it tells
        nobody else); call after :meth:`wait_configured`, so that the last one is from the Reply.
        """
        pattern = rf"{re.escape(kind)}: (\S+) pltime="
        assert self.process is not None
        self.process.wait_for_output(pattern, timeout=5)
        return str(re.findall(pattern, self.output())[-1])

    def duid(self) -> str:
        """The DUID dhcp6c uses, from its DUID file (a 16-bit length in host order, then the DUID), as hex."""
        data = (self.duid_directory / "dhcp6c_duid").read_bytes()
        length = int.from_bytes(data[:2], sys.byteorder)
        return data[2 : 2 + length].hex()

    def start(self) -> Dhcp6c:
        self.process = self.net.popen(
            self.namespace,
            ["dhcp6c", "-f", "-D", "-c", str(self.config), "-p", str(self.workdir / f"{self.name}.pid"),
             self.interface],
            # dhcp6c keeps its DUID in a fixed place
            bind={"/var/lib/dhcpv6": self.duid_directory},
        )  # fmt: skip
        return self


# -- dhcpcd -----------------------------------------------------------------


class Dhcpcd(Client):
    """dhcpcd asking for an address (``ia_na 1``) and a prefix (``ia_pd 2``), releasing when it stops."""

    def __init__(self, net: TestNetwork, name: str = "dhcpcd", **kwargs: str) -> None:
        super().__init__(net, name, **kwargs)
        self.config = self.workdir / f"{name}.conf"
        self.config.write_text(
            "\n".join(
                [
                    "# Only DHCPv6 on the test interface; never run the system hooks.",
                    f"script {self.script.script}",
                    "ipv6only",
                    "noipv6rs",
                    "duid",
                    "option dhcp6_name_servers, dhcp6_domain_search",
                    "release",
                    f"interface {self.interface}",
                    "  ia_na 1",
                    "  ia_pd 2",
                    "",
                ]
            )
        )
        self.run_directory = self.workdir / f"{name}-run"
        self.db_directory = self.workdir / f"{name}-db"
        self.run_directory.mkdir()
        self.db_directory.mkdir()

    def start(self) -> Dhcpcd:
        self.process = self.net.popen(
            self.namespace,
            ["dhcpcd", "-6", "-B", "-d", "-f", str(self.config), self.interface],
            # pid file, control socket, DUID and leases live in fixed places
            bind={"/run/dhcpcd": self.run_directory, "/var/lib/dhcpcd": self.db_directory},
        )
        return self


# -- ISC dhcrelay -----------------------------------------------------------


class Dhcrelay:
    """ISC ``dhcrelay -6`` in the relay namespace: clients on ``rly-c``, the server behind ``rly-s``."""

    def __init__(self, net: TestNetwork, namespace: str = "relay") -> None:
        self.net = net
        self.namespace = namespace
        self.process: BackgroundProcess | None = None

    def start(self, timeout: float = 15.0) -> Dhcrelay:
        self.process = self.net.popen(
            self.namespace,
            ["dhcrelay", "-6", "-d", "-pf", str(self.net.workdir / "dhcrelay6.pid"),
             "-l", "rly-c", "-u", f"{SERVER_ADDRESS}%rly-s"],
        )  # fmt: skip
        self.process.wait_for_output(r"Sending on|Listening on", timeout=timeout)
        return self

    def logs(self) -> list[LogSource]:
        return [LogSource("dhcrelay output", process=self.process)] if self.process is not None else []
