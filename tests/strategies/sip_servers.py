"""Hypothesis strategies for :mod:`dhcpkit.ipv6.extensions.sip_servers`."""
from typing import Any

from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from dhcpkit.ipv6.extensions.sip_servers import SIPServersAddressListOption, SIPServersDomainNameListOption
from tests.strategies.core import unicast_addresses
from tests.strategies.dns import domain_names

STRATEGIES: dict[type, SearchStrategy[Any]] = {
    SIPServersDomainNameListOption: st.builds(SIPServersDomainNameListOption,
                                              domain_names=st.lists(domain_names, max_size=5)),
    SIPServersAddressListOption: st.builds(SIPServersAddressListOption,
                                           sip_servers=st.lists(unicast_addresses, min_size=1, max_size=8)),
}
