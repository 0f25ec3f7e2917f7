"""Hypothesis strategies for :mod:`dhcpkit.ipv6.extensions.ntp`."""
from ipaddress import IPv6Address
from typing import Any

from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from dhcpkit.ipv6.extensions.ntp import (NTPMulticastAddressSubOption, NTPServerAddressSubOption,
                                         NTPServerFQDNSubOption, NTPServersOption, NTPSubOption, UnknownNTPSubOption)
from tests.strategies.core import u16, unicast_addresses
from tests.strategies.dns import domain_names

#: Multicast addresses: the first byte is ff
_multicast = st.integers(0, 2 ** 120 - 1).map(lambda low: IPv6Address((0xff << 120) | low))

_server_addresses = st.builds(NTPServerAddressSubOption, address=unicast_addresses)
_multicast_addresses = st.builds(NTPMulticastAddressSubOption, address=_multicast)
_server_fqdns = st.builds(NTPServerFQDNSubOption, fqdn=domain_names)
_unknown = st.builds(UnknownNTPSubOption,
                     option_type=u16.filter(lambda code: code not in NTPSubOption.registry),
                     option_data=st.binary(max_size=32))

#: One time source, with unknown sub-options before and after it
_ntp_servers = st.builds(lambda before, source, after: NTPServersOption(before + [source] + after),
                         st.lists(_unknown, max_size=2), st.one_of(_server_addresses, _multicast_addresses,
                                                                  _server_fqdns),
                         st.lists(_unknown, max_size=2))

STRATEGIES: dict[type, SearchStrategy[Any]] = {
    NTPServersOption: _ntp_servers,
    NTPServerAddressSubOption: _server_addresses,
    NTPMulticastAddressSubOption: _multicast_addresses,
    NTPServerFQDNSubOption: _server_fqdns,
    UnknownNTPSubOption: _unknown,
}
