"""
NTP servers for clients (RFC 5908).

.. code-block:: ini

    [option NTPServers]
    server-address-1 = 2001:db8::123
    multicast-address-1 = ff05::101
    server-fqdn-1 = ntp.example.com

RFC 5908 section 4 puts exactly one time source in each NTP Server option and repeats the option once per server, so
the handler sends one option per configured key: first the server addresses, then the multicast addresses, then the
names, each kind in key-number order.
"""
from collections.abc import Sequence
from ipaddress import IPv6Address

from dhcpkit.ipv6.config import ConfigSection
from dhcpkit.ipv6.extensions.ntp import (NTPMulticastAddressSubOption, NTPServerAddressSubOption,
                                         NTPServerFQDNSubOption, NTPServersOption, NTPTimeSourceSubOption)
from dhcpkit.ipv6.option_handlers import OptionHandler
from dhcpkit.ipv6.option_handlers.configured import get_numbered_values, parse_domain_name, reject_handler_id
from dhcpkit.ipv6.transaction_bundle import TransactionBundle
from dhcpkit.protocol_element import ValidationError

__all__ = ['NTPServersOptionHandler']


def parse_multicast_address(text: str) -> IPv6Address:
    """
    :param text: an IPv6 multicast address
    :return: the address
    :raises ValueError: when it is not one
    """
    try:
        address = IPv6Address(text)
    except ValueError:
        raise ValueError(f"expected an IPv6 multicast address such as ff05::101, not {text!r}") from None
    if not address.is_multicast:
        raise ValueError(f"{address} is not a multicast address")
    return address


class NTPServersOptionHandler(OptionHandler):
    """
    Tell clients that ask for it where their NTP servers are (RFC 5908 section 4), with one NTP Server option per
    time source.

    :ivar options: the NTP Server options to send
    """

    def __init__(self, time_sources: Sequence[NTPTimeSourceSubOption]):
        """
        :param time_sources: the servers, in order of preference
        :raises ValidationError: when there is none, or one is not valid
        """
        if not time_sources:
            raise ValidationError("NTPServersOptionHandler needs at least one time source")
        self.options = [NTPServersOption([time_source]) for time_source in time_sources]
        for option in self.options:
            option.validate()

    @classmethod
    def from_config(cls, section: ConfigSection, option_handler_id: str | None = None) -> 'NTPServersOptionHandler':
        reject_handler_id(cls, section, option_handler_id)
        time_sources: list[NTPTimeSourceSubOption] = []
        time_sources.extend(NTPServerAddressSubOption(address)
                            for address in section.get_numbered_addresses('server-address', required=False))
        time_sources.extend(NTPMulticastAddressSubOption(address)
                            for address in get_numbered_values(section, 'multicast-address', parse_multicast_address))
        time_sources.extend(NTPServerFQDNSubOption(name)
                            for name in get_numbered_values(section, 'server-fqdn', parse_domain_name))
        if not time_sources:
            raise section.error(None, "needs at least one server-address-N, multicast-address-N or server-fqdn-N key")
        try:
            return cls(time_sources)
        except ValidationError as error:
            raise section.error(None, str(error)) from None

    def handle(self, bundle: TransactionBundle) -> None:
        response = bundle.response
        if response is None or not response.may_contain(NTPServersOption):
            return
        if NTPServersOption.option_type in bundle.requested_option_types():
            response.options.extend(self.options)
