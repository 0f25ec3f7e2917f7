"""
Hypothesis strategies for :mod:`dhcpkit.ipv6.extensions.dns`, and the domain names that the strategies of other
options that carry names share.
"""
from typing import Any

from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from dhcpkit.ipv6.extensions.dns import DomainSearchListOption, RecursiveNameServersOption
from tests.strategies.core import unicast_addresses

_LABEL_ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_'

#: Host name labels of 1 to 63 characters that do not start or end with a hyphen
host_labels: SearchStrategy[str] = st.text(_LABEL_ALPHABET, min_size=1, max_size=63).filter(
    lambda label: not label.startswith('-') and not label.endswith('-'))

#: Domain names of one to three labels as text without the trailing dot (at most 193 bytes in wire format)
domain_names: SearchStrategy[str] = st.lists(host_labels, min_size=1, max_size=3).map('.'.join)

STRATEGIES: dict[type, SearchStrategy[Any]] = {
    RecursiveNameServersOption: st.builds(RecursiveNameServersOption,
                                          dns_servers=st.lists(unicast_addresses, min_size=1, max_size=8)),
    DomainSearchListOption: st.builds(DomainSearchListOption, search_list=st.lists(domain_names, max_size=5)),
}
