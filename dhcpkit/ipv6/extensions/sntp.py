"""
Simple Network Time Protocol servers: the SNTP Servers option (RFC 4075).
"""
from ipaddress import IPv6Address

from dhcpkit.ipv6.messages import (AdvertiseMessage, InformationRequestMessage, RebindMessage, RenewMessage,
                                   ReplyMessage, RequestMessage, SolicitMessage, allow_in_messages)
from dhcpkit.ipv6.option_base import AddressListOption

__all__ = ['SNTPServersOption', 'OPTION_SNTP_SERVERS']

# RFC 4075 section 4: option code
OPTION_SNTP_SERVERS = 31


class SNTPServersOption(AddressListOption):
    """
    SNTP Servers (RFC 4075 section 4): the SNTP servers the client should use, in order of preference.

    :ivar sntp_servers: the addresses of the servers
    """

    __slots__ = ('sntp_servers',)

    option_type = OPTION_SNTP_SERVERS
    value_name = 'sntp_servers'

    def __init__(self, sntp_servers: list[IPv6Address] | None = None):
        self.sntp_servers = [] if sntp_servers is None else sntp_servers


# RFC 4075 section 4: only in Solicit, Advertise, Request, Renew, Rebind, Information-request and Reply
allow_in_messages(SNTPServersOption, [SolicitMessage, AdvertiseMessage, RequestMessage, RenewMessage, RebindMessage,
                                      InformationRequestMessage, ReplyMessage])
