"""Tests for the network-namespace harness in tests/netns.py."""

from __future__ import annotations

import subprocess

import pytest

from tests.netns import (
    NamespaceError,
    TestNetwork,
    leftover_namespaces,
    require_namespaces,
    require_program,
)


@pytest.fixture(autouse=True)
def _namespaces() -> None:
    require_namespaces()


def test_two_namespaces_ping_and_cleanup() -> None:
    ping = require_program("ping")
    with TestNetwork() as net:
        net.add_namespace("a")
        net.add_namespace("b")
        net.add_veth("a", "veth-a", "b", "veth-b")
        net.add_address("a", "veth-a", "2001:db8:1::1/64")
        net.add_address("b", "veth-b", "2001:db8:1::2/64")
        ll_b = net.wait_link_local("b", "veth-b", timeout=5)
        assert ll_b.startswith("fe80:")
        names = list(net.namespaces.values())
        assert all(name.startswith("dhcpkit-") for name in names)
        assert set(names) <= set(leftover_namespaces())

        # Global address across the veth, then link-local with a scope.
        for target in ("2001:db8:1::2", f"{ll_b}%veth-a"):
            result = net.run("a", [ping, "-6", "-n", "-c", "1", "-W", "2", target], timeout=10)
            assert "1 received" in result.stdout

        # A background process is tracked and killed on exit.
        sleeper = net.popen("b", ["sleep", "60"])
        assert sleeper.running()
    assert not sleeper.running()
    assert not set(names) & set(leftover_namespaces())


def test_cleanup_after_error_and_no_host_interfaces() -> None:
    names: list[str] = []
    with pytest.raises(RuntimeError, match="boom"), TestNetwork() as net:
        net.add_namespace("x")
        net.add_namespace("y")
        net.add_veth("x", "vx", "y", "vy")
        names = list(net.namespaces.values())
        proc = net.popen("x", ["sleep", "60"])
        raise RuntimeError("boom")
    assert not proc.running()
    assert not set(names) & set(leftover_namespaces())
    host_links = subprocess.run(
        ["ip", "-o", "link", "show"], capture_output=True, text=True, timeout=10, check=True
    ).stdout
    assert " vx" not in host_links and " vy" not in host_links


def test_wait_for_output_and_bind_mount() -> None:
    with TestNetwork() as net:
        net.add_namespace("n")
        secret_dir = net.workdir / "hidden"
        secret_dir.mkdir()
        (secret_dir / "marker").write_text("inside\n")
        # The bind mount is only visible to the command itself.
        result = net.run("n", ["cat", "/mnt/marker"], bind={"/mnt": secret_dir})
        assert result.stdout == "inside\n"
        proc = net.popen("n", ["sh", "-c", "echo ready; exec sleep 60"])
        proc.wait_for_output(r"^ready$", timeout=5)
        quitter = net.popen("n", ["true"])
        with pytest.raises(NamespaceError, match="exited"):
            quitter.wait_for_output("never", timeout=5)
        with pytest.raises(NamespaceError, match="timed out"):
            proc.wait_for_output("never", timeout=0.2)


def test_missing_program_skips_locally_and_fails_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "false")
    with pytest.raises(pytest.skip.Exception):
        require_program("dhcpkit-no-such-program")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception):
        require_program("dhcpkit-no-such-program")
    assert require_program("sh").endswith("/sh")
