"""
Dual-Stack Lite: the AFTR-Name option (RFC 6334).
"""
from dhcpkit.ipv6.messages import AdvertiseMessage, ReplyMessage, allow_in_messages
from dhcpkit.ipv6.option_base import SingleDomainNameOption

__all__ = ['AFTRNameOption', 'OPTION_AFTR_NAME']

# RFC 6334 section 3: option code
OPTION_AFTR_NAME = 64


class AFTRNameOption(SingleDomainNameOption):
    """
    AFTR-Name (RFC 6334 section 3): the name of the Address Family Transition Router that the client's B4 element
    tunnels IPv4 to.

    :ivar fqdn: the AFTR's fully qualified domain name, without trailing dot
    """

    __slots__ = ('fqdn',)

    option_type = OPTION_AFTR_NAME
    value_name = 'fqdn'

    def __init__(self, fqdn: str = ''):
        self.fqdn = fqdn


# RFC 6334 section 4: the server sends at most one in its responses; the client asks for it with the ORO
allow_in_messages(AFTRNameOption, [AdvertiseMessage, ReplyMessage])
