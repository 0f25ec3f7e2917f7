"""Hypothesis strategies for :mod:`dhcpkit.ipv6.extensions.remote_id`."""
from typing import Any

from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from dhcpkit.ipv6.extensions.remote_id import RemoteIdOption
from tests.strategies.core import u32

STRATEGIES: dict[type, SearchStrategy[Any]] = {
    RemoteIdOption: st.builds(RemoteIdOption, enterprise_number=u32,
                              remote_id=st.binary(min_size=1, max_size=64)),
}
