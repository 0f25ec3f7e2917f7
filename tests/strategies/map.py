"""Hypothesis strategies that build valid options of :mod:`dhcpkit.ipv6.extensions.map`."""
from ipaddress import IPv4Address, IPv4Network
from typing import Any

from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from dhcpkit.ipv6.extensions.map import (MAX_EA_LEN, S46BROption, S46DMROption, S46LWContainerOption,
                                         S46MapEContainerOption, S46MapTContainerOption, S46PortParametersOption,
                                         S46RuleOption, S46V4V6BindingOption)
from tests.strategies.core import ipv6_prefixes, option_lists, u8, unicast_addresses

__all__ = ['STRATEGIES']

ipv4_addresses = st.integers(0, 2 ** 32 - 1).map(IPv4Address)
ipv4_prefixes = st.builds(lambda address, length: IPv4Network((address, length), strict=False),
                          ipv4_addresses, st.integers(0, 32))


@st.composite
def port_parameters(draw: st.DrawFn) -> S46PortParametersOption:
    """Port parameters whose offset and PSID length fit together in 16 bits (RFC 7597 section 5.1)."""
    offset = draw(st.integers(0, 15))
    psid_len = draw(st.integers(0, 16 - offset))
    return S46PortParametersOption(offset, psid_len, draw(st.integers(0, 2 ** psid_len - 1)))


rules = st.builds(S46RuleOption, flags=u8, ea_len=st.integers(0, MAX_EA_LEN), ipv4_prefix=ipv4_prefixes,
                  ipv6_prefix=ipv6_prefixes, options=option_lists(optional=[port_parameters()]))
border_relays = st.builds(S46BROption, br_address=unicast_addresses)
default_mapping_rules = st.builds(S46DMROption, dmr_prefix=ipv6_prefixes)
bindings = st.builds(S46V4V6BindingOption, ipv4_address=ipv4_addresses, bind_prefix=ipv6_prefixes,
                     options=option_lists(optional=[port_parameters()]))

STRATEGIES: dict[type, SearchStrategy[Any]] = {
    S46RuleOption: rules,
    S46BROption: border_relays,
    S46DMROption: default_mapping_rules,
    S46V4V6BindingOption: bindings,
    S46PortParametersOption: port_parameters(),
    # RFC 7598 sections 5 and 6: what each container must and may hold
    S46MapEContainerOption: st.builds(S46MapEContainerOption, option_lists(required=[rules, border_relays],
                                                                           repeated=[rules, border_relays])),
    S46MapTContainerOption: st.builds(S46MapTContainerOption, option_lists(required=[rules, default_mapping_rules],
                                                                           repeated=[rules])),
    S46LWContainerOption: st.builds(S46LWContainerOption, option_lists(required=[border_relays],
                                                                       optional=[bindings],
                                                                       repeated=[border_relays])),
}
