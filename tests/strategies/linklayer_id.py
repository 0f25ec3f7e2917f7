"""Hypothesis strategies for :mod:`dhcpkit.ipv6.extensions.linklayer_id`."""
from typing import Any

from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from dhcpkit.ipv6.extensions.linklayer_id import ClientLinkLayerAddressOption
from tests.strategies.core import u16

STRATEGIES: dict[type, SearchStrategy[Any]] = {
    ClientLinkLayerAddressOption: st.builds(ClientLinkLayerAddressOption, link_layer_type=u16,
                                            link_layer_address=st.binary(min_size=1, max_size=20)),
}
