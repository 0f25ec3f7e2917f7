"""Hypothesis strategies for :mod:`dhcpkit.ipv6.extensions.client_fqdn`."""
from typing import Any

from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from dhcpkit.ipv6.extensions.client_fqdn import ClientFQDNOption
from tests.strategies.dns import domain_names

#: Any flag byte: the reserved bits are ignored, and N and S together are a client's mistake that a server ignores
_flags = st.integers(0, 0xff)

#: No name, a partial name, or a fully qualified name
_names = st.one_of(st.just(''), domain_names, domain_names.map(lambda name: name + '.'))

STRATEGIES: dict[type, SearchStrategy[Any]] = {
    ClientFQDNOption: st.builds(ClientFQDNOption, flags=_flags, domain_name=_names),
}
