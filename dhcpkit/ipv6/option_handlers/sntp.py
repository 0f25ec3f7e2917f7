"""
SNTP servers for clients (RFC 4075).

.. code-block:: ini

    [option SNTPServers]
    server-address-1 = 2001:db8::123
"""
from dhcpkit.ipv6.extensions.sntp import SNTPServersOption
from dhcpkit.ipv6.option_handlers.configured import AddressListOptionHandler

__all__ = ['SNTPServersOptionHandler']


class SNTPServersOptionHandler(AddressListOptionHandler):
    """Tell clients that ask for it which SNTP servers to use (RFC 4075 section 4), from ``server-address-N``."""

    option_class = SNTPServersOption
