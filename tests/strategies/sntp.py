"""Hypothesis strategies for :mod:`dhcpkit.ipv6.extensions.sntp`."""
from typing import Any

from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from dhcpkit.ipv6.extensions.sntp import SNTPServersOption
from tests.strategies.core import unicast_addresses

STRATEGIES: dict[type, SearchStrategy[Any]] = {
    SNTPServersOption: st.builds(SNTPServersOption, sntp_servers=st.lists(unicast_addresses, min_size=1, max_size=8)),
}
