"""Hypothesis strategies for :mod:`dhcpkit.ipv6.extensions.sol_max_rt`."""
from typing import Any

from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from dhcpkit.ipv6.extensions.sol_max_rt import InfMaxRTOption, SolMaxRTOption

STRATEGIES: dict[type, SearchStrategy[Any]] = {
    SolMaxRTOption: st.builds(SolMaxRTOption, sol_max_rt=st.integers(60, 86400)),
    InfMaxRTOption: st.builds(InfMaxRTOption, inf_max_rt=st.integers(60, 86400)),
}
