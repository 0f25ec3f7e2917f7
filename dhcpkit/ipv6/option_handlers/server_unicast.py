"""
Allowing clients to unicast to the server: the Server Unicast option (RFC 8415 sections 18.4 and 21.12).

.. code-block:: ini

    [option ServerUnicast]
    server-address = 2001:db8::1

With this section the server accepts Request, Renew, Release and Decline messages that clients send straight to one
of its unicast addresses (the unicast policy handler checks the :data:`~dhcpkit.ipv6.option_handlers.unicast.
UNICAST_ALLOWED` mark), and it tells every client the address to use in each Advertise and Reply.
"""
from ipaddress import IPv6Address
from typing import ClassVar

from dhcpkit.ipv6.config import ConfigSection
from dhcpkit.ipv6.option_base import Option
from dhcpkit.ipv6.option_handlers.configured import ValueOptionHandler
from dhcpkit.ipv6.option_handlers.unicast import UNICAST_ALLOWED
from dhcpkit.ipv6.options import ServerUnicastOption
from dhcpkit.ipv6.transaction_bundle import TransactionBundle

__all__ = ['ServerUnicastOptionHandler']


class ServerUnicastOptionHandler(ValueOptionHandler[IPv6Address]):
    """
    Allow unicast from clients and send the Server Unicast option (RFC 8415 section 21.12) in every Advertise and
    Reply; clients do not ask for it with the Option Request option.
    """

    option_class = ServerUnicastOption
    send_always = True

    #: The key of the address
    address_key: ClassVar[str] = 'server-address'

    @classmethod
    def make_option(cls, value: IPv6Address) -> Option:
        return ServerUnicastOption(value)

    @classmethod
    def read_value(cls, section: ConfigSection) -> IPv6Address:
        address = section.get_address(cls.address_key, required=True)
        assert address is not None
        if address.is_loopback:
            raise section.error(cls.address_key, f"{address} is not reachable by clients")
        return address

    def pre(self, bundle: TransactionBundle) -> None:
        bundle.marks.add(UNICAST_ALLOWED)
