"""Hypothesis strategies for :mod:`dhcpkit.ipv6.extensions.relay_echo_request`."""
from typing import Any

from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from dhcpkit.ipv6.extensions.relay_echo_request import EchoRequestOption
from tests.strategies.core import u16

STRATEGIES: dict[type, SearchStrategy[Any]] = {
    EchoRequestOption: st.builds(EchoRequestOption, requested_options=st.lists(u16, max_size=20)),
}
