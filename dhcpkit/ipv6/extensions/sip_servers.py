"""
SIP servers: the SIP Servers Domain Name List and SIP Servers IPv6 Address List options (RFC 3319).
"""
from ipaddress import IPv6Address

from dhcpkit.ipv6.messages import AdvertiseMessage, ReplyMessage, allow_in_messages
from dhcpkit.ipv6.option_base import AddressListOption, DomainListOption

__all__ = ['SIPServersDomainNameListOption', 'SIPServersAddressListOption', 'OPTION_SIP_SERVER_D',
           'OPTION_SIP_SERVER_A']

# RFC 3319 sections 3.1 and 3.2: option codes
OPTION_SIP_SERVER_D = 21
OPTION_SIP_SERVER_A = 22


class SIPServersDomainNameListOption(DomainListOption):
    """
    SIP Servers Domain Name List (RFC 3319 section 3.1): the domain names of the outbound SIP proxies, in order of
    preference.

    :ivar domain_names: the domain names, without trailing dot
    """

    __slots__ = ('domain_names',)

    option_type = OPTION_SIP_SERVER_D
    value_name = 'domain_names'

    def __init__(self, domain_names: list[str] | None = None):
        self.domain_names = [] if domain_names is None else domain_names


class SIPServersAddressListOption(AddressListOption):
    """
    SIP Servers IPv6 Address List (RFC 3319 section 3.2): the addresses of the outbound SIP proxies, in order of
    preference.

    :ivar sip_servers: the addresses of the SIP servers
    """

    __slots__ = ('sip_servers',)

    option_type = OPTION_SIP_SERVER_A
    value_name = 'sip_servers'

    def __init__(self, sip_servers: list[IPv6Address] | None = None):
        self.sip_servers = [] if sip_servers is None else sip_servers


# RFC 3319 gives no list of messages: like every configuration option, the server sends them in its responses and the
# client asks for them with the Option Request option
allow_in_messages(SIPServersDomainNameListOption, [AdvertiseMessage, ReplyMessage])
allow_in_messages(SIPServersAddressListOption, [AdvertiseMessage, ReplyMessage])
