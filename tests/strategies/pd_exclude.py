"""Hypothesis strategies for :mod:`dhcpkit.ipv6.extensions.pd_exclude`."""
from ipaddress import IPv6Address, IPv6Network
from typing import Any

from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from dhcpkit.ipv6.extensions.pd_exclude import PDExcludeOption


@st.composite
def delegated_and_excluded(draw: st.DrawFn) -> tuple[IPv6Network, IPv6Network]:
    """A delegated prefix and a longer prefix inside it."""
    delegated_length = draw(st.integers(0, 127))
    excluded_length = draw(st.integers(delegated_length + 1, 128))
    address = IPv6Address(draw(st.integers(0, 2 ** 128 - 1)))
    delegated = IPv6Network((address, delegated_length), strict=False)
    excluded = IPv6Network((address, excluded_length), strict=False)
    return delegated, excluded


STRATEGIES: dict[type, SearchStrategy[Any]] = {
    PDExcludeOption: delegated_and_excluded().map(lambda pair: PDExcludeOption.from_prefixes(*pair)),
}
