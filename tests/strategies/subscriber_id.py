"""Hypothesis strategies for :mod:`dhcpkit.ipv6.extensions.subscriber_id`."""
from typing import Any

from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from dhcpkit.ipv6.extensions.subscriber_id import SubscriberIdOption

STRATEGIES: dict[type, SearchStrategy[Any]] = {
    SubscriberIdOption: st.builds(SubscriberIdOption, subscriber_id=st.binary(min_size=1, max_size=64)),
}
