"""
The interfaces the server listens on, worked out from the ``[interface ...]`` sections and the system's addresses.

The listener owns one socket for every interface, so "listening on an interface" means accepting the packets that
arrive on it and are addressed to a destination configured for it. This module decides, for each configured
interface, which destinations those are and which addresses the server uses towards it. It touches no socket: the
system's interfaces come from an :class:`InterfaceSource`, which tests replace with a fixed table.
"""
import socket
from dataclasses import dataclass
from ipaddress import IPv6Address
from typing import Any, Iterable, Mapping, Protocol

import netifaces

from dhcpkit.ipv6 import All_DHCP_Relay_Agents_and_Servers, All_DHCP_Servers

__all__ = ['MULTICAST_GROUPS', 'Interface', 'InterfaceSource', 'NetifacesSource', 'build_interface',
           'find_interfaces', 'is_global_unicast']

#: RFC 8415 section 7.1: the groups a server joins on an interface with ``multicast = yes``
MULTICAST_GROUPS = (All_DHCP_Relay_Agents_and_Servers, All_DHCP_Servers)

#: The section name that stands for every interface except loopback
WILDCARD = '*'


def is_global_unicast(address: IPv6Address) -> bool:
    """
    Whether an address can identify a link to the outside world: unicast and wider than the link. Unique local
    addresses and documentation prefixes count (they are routed within their site); loopback does not.

    :param address: the address
    :return: whether it is a global-scope unicast address
    """
    return not (address.is_link_local or address.is_loopback or address.is_multicast or address.is_unspecified
                or address.ipv4_mapped is not None)


@dataclass(frozen=True)
class Interface:
    """
    One interface the server listens on, as the packet path needs it. Immutable, so a worker thread can keep using
    the one it was given while the main thread builds a new table after a reload.

    :ivar name: the interface name, sent to the message handler in the Interface-Id option
    :ivar index: the kernel's interface index, which received packets carry
    :ivar multicast: whether the server answers the DHCPv6 multicast groups here
    :ivar link_local_addresses: the link-local addresses the interface has
    :ivar global_addresses: the global unicast addresses the interface has, in the system's order
    :ivar accepted_addresses: the unicast destinations accepted on this interface
    :ivar reply_from: the configured source for replies to multicast requests, if any
    """

    name: str
    index: int
    multicast: bool
    link_local_addresses: tuple[IPv6Address, ...]
    global_addresses: tuple[IPv6Address, ...]
    accepted_addresses: frozenset[IPv6Address]
    reply_from: IPv6Address | None = None

    @property
    def link_address(self) -> IPv6Address:
        """The address that identifies the interface's link to the message handler: its first global address, or
        ``::`` when it has none (RFC 8415 section 19.1.1 allows that for a relay's link-address)."""
        return self.global_addresses[0] if self.global_addresses else IPv6Address(0)

    def accepts(self, destination: IPv6Address) -> bool:
        """
        Whether a packet sent to `destination` and received on this interface is for the server.

        :param destination: the destination address of the packet
        :return: True for the DHCPv6 groups on a multicast interface and for the accepted unicast addresses
        """
        if destination.is_multicast:
            return self.multicast and destination in MULTICAST_GROUPS
        return destination in self.accepted_addresses

    def reply_source(self, destination: IPv6Address) -> IPv6Address:
        """
        The source address for the reply to a packet sent to `destination`. A unicast request is answered from the
        address it was sent to, so that the client sees the server it talked to; a multicast one from the
        interface's link-local address (or the configured ``reply-from``), as RFC 8415 section 18.3 expects.

        :param destination: the destination address of the request
        :return: the source address, or ``::`` to let the kernel choose when the interface has no link-local address
        """
        if not destination.is_multicast:
            return destination
        if self.reply_from is not None:
            return self.reply_from
        if self.link_local_addresses:
            return self.link_local_addresses[0]
        return IPv6Address(0)

    def describe(self) -> str:
        """:return: a one-line description for the log"""
        accepted = ', '.join(str(address) for address in sorted(self.accepted_addresses)) or 'no unicast'
        return f"{self.name} (index {self.index}): {'multicast, ' if self.multicast else ''}unicast {accepted}"


class InterfaceSource(Protocol):
    """Where the system's interfaces and their IPv6 addresses come from."""

    def names(self) -> list[str]:
        """:return: the names of the system's interfaces"""

    def index(self, name: str) -> int | None:
        """
        :param name: an interface name
        :return: its index, or None when it does not exist
        """

    def addresses(self, name: str) -> list[IPv6Address]:
        """
        :param name: an interface name
        :return: its IPv6 addresses (without scope), in the system's order
        """


class NetifacesSource:
    """The real system's interfaces, as :mod:`netifaces` and :func:`socket.if_nametoindex` see them."""

    def names(self) -> list[str]:
        return list(netifaces.interfaces())

    def index(self, name: str) -> int | None:
        try:
            return socket.if_nametoindex(name)
        except OSError:
            return None

    def addresses(self, name: str) -> list[IPv6Address]:
        try:
            entries = netifaces.ifaddresses(name).get(netifaces.AF_INET6, [])
        except ValueError:  # the interface disappeared in the meantime
            return []
        addresses = []
        for entry in entries:
            # Link-local addresses come with their scope ("fe80::1%eth0"); the scope is the interface itself
            text = entry.get('addr', '').split('%', 1)[0]
            try:
                addresses.append(IPv6Address(text))
            except ValueError:
                continue
        return addresses


def _accepted(settings: Mapping[str, Any], link_local: tuple[IPv6Address, ...],
              present: list[IPv6Address]) -> frozenset[IPv6Address]:
    accepted: set[IPv6Address] = set()
    link_local_setting = settings.get('link-local-addresses', 'auto')
    if isinstance(link_local_setting, list):
        accepted.update(link_local_setting)
    else:  # 'auto' and 'all': whatever the interface has
        accepted.update(link_local)

    global_setting = settings.get('global-unicast-addresses', 'none')
    if global_setting == 'all':
        accepted.update(address for address in present if not address.is_link_local)
    elif isinstance(global_setting, list):
        accepted.update(global_setting)
    return frozenset(accepted)


def build_interface(name: str, index: int, addresses: Iterable[IPv6Address],
                    settings: Mapping[str, Any]) -> Interface:
    """
    Combine an interface's settings with its addresses.

    :param name: the interface name
    :param index: the interface index
    :param addresses: the interface's IPv6 addresses
    :param settings: the interface's configuration (see :mod:`~dhcpkit.ipv6.server.config_loader`)
    :return: the interface
    """
    address_list = list(addresses)
    link_local = tuple(address for address in address_list if address.is_link_local)
    global_addresses = tuple(address for address in address_list if is_global_unicast(address))
    return Interface(
        name=name,
        index=index,
        multicast=bool(settings.get('multicast', True)),
        link_local_addresses=link_local,
        global_addresses=global_addresses,
        accepted_addresses=_accepted(settings, link_local, address_list),
        reply_from=settings.get('reply-from'),
    )


def find_interfaces(interfaces_config: Mapping[str, Mapping[str, Any]],
                    source: InterfaceSource | None = None) -> tuple[dict[int, Interface], list[str]]:
    """
    Build the table of interfaces to listen on. ``[interface *]`` covers every interface except loopback that has
    no section of its own; a named section that does not exist on the system is reported (it may appear later:
    the listener looks again on reload and every minute).

    :param interfaces_config: ``config['interfaces']``: settings by interface name (or ``*``)
    :param source: where the system's interfaces come from; the real system by default
    :return: the interfaces by index, and the configured names that do not exist
    """
    source = source or NetifacesSource()
    system_names = source.names()
    wanted: dict[str, Mapping[str, Any]] = {}
    if WILDCARD in interfaces_config:
        for name in system_names:
            if name != 'lo':
                wanted[name] = interfaces_config[WILDCARD]
    for name, settings in interfaces_config.items():
        if name != WILDCARD:
            wanted[name] = settings

    table: dict[int, Interface] = {}
    missing: list[str] = []
    for name, settings in wanted.items():
        index = source.index(name) if name in system_names else None
        if index is None:
            missing.append(name)
            continue
        table[index] = build_interface(name, index, source.addresses(name), settings)
    return table, missing
