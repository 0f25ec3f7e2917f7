"""
DNS configuration for clients (RFC 3646): the recursive name servers and the domain search list.

.. code-block:: ini

    [option RecursiveNameServers]
    server-address-1 = 2001:db8::53
    server-address-2 = 2001:db8:1::53

    [option DomainSearchList]
    domain-name-1 = example.com
    domain-name-2 = example.net
"""
from dhcpkit.ipv6.extensions.dns import DomainSearchListOption, RecursiveNameServersOption
from dhcpkit.ipv6.option_handlers.configured import AddressListOptionHandler, DomainListOptionHandler

__all__ = ['RecursiveNameServersOptionHandler', 'DomainSearchListOptionHandler']


class RecursiveNameServersOptionHandler(AddressListOptionHandler):
    """
    Tell clients that ask for it which recursive resolvers to use (RFC 3646 section 3), from the numbered
    ``server-address-N`` keys.
    """

    option_class = RecursiveNameServersOption


class DomainSearchListOptionHandler(DomainListOptionHandler):
    """
    Tell clients that ask for it which domains to search (RFC 3646 section 4), from the numbered ``domain-name-N``
    keys.
    """

    option_class = DomainSearchListOption
