"""Hypothesis strategies that build valid elements of :mod:`dhcpkit.ipv6.extensions.dhcpv4_over_dhcpv6`."""
from typing import Any

from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from dhcpkit.ipv6.extensions.dhcpv4_over_dhcpv6 import (DHCP4o6ServerAddressOption, DHCPv4MessageOption,
                                                        DHCPv4QueryMessage, DHCPv4ResponseMessage)
from tests.strategies.core import option_lists, unicast_addresses

__all__ = ['STRATEGIES']

dhcpv4_message_options = st.builds(DHCPv4MessageOption, dhcpv4_message=st.binary(min_size=1, max_size=600))
flags = st.integers(0, 0xffffff)
# RFC 7341 sections 5.1 and 5.2: exactly one DHCPv4 Message option, and unknown options that must be ignored
dhcpv4_options = option_lists(required=[dhcpv4_message_options])

STRATEGIES: dict[type, SearchStrategy[Any]] = {
    DHCPv4MessageOption: dhcpv4_message_options,
    DHCP4o6ServerAddressOption: st.builds(DHCP4o6ServerAddressOption,
                                          dhcp4o6_servers=st.lists(unicast_addresses, max_size=5)),
    DHCPv4QueryMessage: st.builds(DHCPv4QueryMessage, flags=flags, options=dhcpv4_options),
    DHCPv4ResponseMessage: st.builds(DHCPv4ResponseMessage, flags=flags, options=dhcpv4_options),
}
