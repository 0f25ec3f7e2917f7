"""
SIP outbound proxies for clients (RFC 3319), by address or by domain name.

.. code-block:: ini

    [option SIPServerAddresses]
    server-address-1 = 2001:db8::5060

    [option SIPServerNames]
    domain-name-1 = sip.example.com
"""
from dhcpkit.ipv6.extensions.sip_servers import SIPServersAddressListOption, SIPServersDomainNameListOption
from dhcpkit.ipv6.option_handlers.configured import AddressListOptionHandler, DomainListOptionHandler

__all__ = ['SIPServersAddressListOptionHandler', 'SIPServersDomainNameListOptionHandler']


class SIPServersAddressListOptionHandler(AddressListOptionHandler):
    """
    Tell clients that ask for it the addresses of the SIP proxies (RFC 3319 section 3.2), from ``server-address-N``.
    """

    option_class = SIPServersAddressListOption


class SIPServersDomainNameListOptionHandler(DomainListOptionHandler):
    """
    Tell clients that ask for it the names of the SIP proxies (RFC 3319 section 3.1), from ``domain-name-N``.
    """

    option_class = SIPServersDomainNameListOption
