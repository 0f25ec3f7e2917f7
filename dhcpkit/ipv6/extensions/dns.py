"""
DNS configuration: the DNS Recursive Name Server and Domain Search List options (RFC 3646).
"""
from ipaddress import IPv6Address

from dhcpkit.ipv6.messages import (AdvertiseMessage, InformationRequestMessage, RebindMessage, RenewMessage,
                                   ReplyMessage, RequestMessage, SolicitMessage, allow_in_messages)
from dhcpkit.ipv6.option_base import AddressListOption, DomainListOption

__all__ = ['RecursiveNameServersOption', 'DomainSearchListOption', 'OPTION_DNS_SERVERS', 'OPTION_DOMAIN_LIST']

# RFC 3646 sections 3 and 4: option codes
OPTION_DNS_SERVERS = 23
OPTION_DOMAIN_LIST = 24


class RecursiveNameServersOption(AddressListOption):
    """
    DNS Recursive Name Server (RFC 3646 section 3): the recursive resolvers the client should use, in order of
    preference.

    :ivar dns_servers: the addresses of the resolvers
    """

    __slots__ = ('dns_servers',)

    option_type = OPTION_DNS_SERVERS
    value_name = 'dns_servers'

    def __init__(self, dns_servers: list[IPv6Address] | None = None):
        self.dns_servers = [] if dns_servers is None else dns_servers


class DomainSearchListOption(DomainListOption):
    """
    Domain Search List (RFC 3646 section 4): the domains the client should search when resolving short names.

    :ivar search_list: the domain names, without trailing dot
    """

    __slots__ = ('search_list',)

    option_type = OPTION_DOMAIN_LIST
    value_name = 'search_list'

    def __init__(self, search_list: list[str] | None = None):
        self.search_list = [] if search_list is None else search_list


# RFC 3646 sections 3 and 4: these options may appear only in Solicit, Advertise, Request, Renew, Rebind,
# Information-request and Reply
_DNS_MESSAGES = [SolicitMessage, AdvertiseMessage, RequestMessage, RenewMessage, RebindMessage,
                 InformationRequestMessage, ReplyMessage]
allow_in_messages(RecursiveNameServersOption, _DNS_MESSAGES)
allow_in_messages(DomainSearchListOption, _DNS_MESSAGES)
