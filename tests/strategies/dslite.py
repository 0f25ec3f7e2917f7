"""Hypothesis strategies for :mod:`dhcpkit.ipv6.extensions.dslite`."""
from typing import Any

from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from dhcpkit.ipv6.extensions.dslite import AFTRNameOption
from tests.strategies.dns import domain_names

STRATEGIES: dict[type, SearchStrategy[Any]] = {
    AFTRNameOption: st.builds(AFTRNameOption, fqdn=domain_names),
}
