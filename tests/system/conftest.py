"""Fixtures and the ``system`` marker for the system tests.

Every test in this directory runs the real ``ipv6-dhcpd`` and real DHCPv6
clients in network namespaces; they are marked ``system`` so that they can be
selected (``pytest -m system``) or left out (``pytest -m 'not system'``).
Without root they skip, and under ``CI=true`` they fail instead (see
:func:`tests.netns.require_namespaces`).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.netns import TestNetwork, leftover_namespaces, require_namespaces

HERE = Path(__file__).resolve().parent


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "system: runs the real ipv6-dhcpd and real DHCPv6 clients in network namespaces (needs root)",
    )


#: A backstop for pytest-timeout (when it is installed): every wait in these tests is bounded far below this
TEST_TIMEOUT = 180


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    with_timeout = config.pluginmanager.hasplugin("timeout")
    for item in items:
        if HERE in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.system)
            if with_timeout and item.get_closest_marker("timeout") is None:
                item.add_marker(pytest.mark.timeout(TEST_TIMEOUT))


@pytest.fixture
def net() -> Iterator[TestNetwork]:
    """A fresh test network; afterwards every one of its namespaces must be gone."""
    require_namespaces()
    network = TestNetwork(timeout=15.0)
    names: list[str] = []
    with network:
        yield network
        names = list(network.namespaces.values())
    left = set(names) & set(leftover_namespaces())
    assert not left, f"namespaces left behind: {sorted(left)}"
