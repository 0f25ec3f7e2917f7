"""Tests for :mod:`dhcpkit.ipv6.option_handlers.ntp`."""
from ipaddress import IPv6Address

import pytest

from dhcpkit.ipv6.config import ConfigError
from dhcpkit.ipv6.extensions.ntp import (OPTION_NTP_SERVER, NTPMulticastAddressSubOption, NTPServerAddressSubOption,
                                         NTPServerFQDNSubOption, NTPServersOption)
from dhcpkit.ipv6.extensions.sntp import OPTION_SNTP_SERVERS
from dhcpkit.ipv6.messages import AdvertiseMessage, ReplyMessage
from dhcpkit.ipv6.option_handlers import option_handler_registry
from dhcpkit.ipv6.option_handlers.ntp import NTPServersOptionHandler
from dhcpkit.protocol_element import ValidationError
from tests.ipv6.option_handlers.helpers import (SECTION_LINE, TRANSACTION_ID, config_error, information_request,
                                                make_bundle, make_section, run_handler, solicit, standard_response)

NAME = 'option NTPServers'


def test_registered() -> None:
    assert option_handler_registry['NTPServers'] is NTPServersOptionHandler


def test_from_config_one_option_per_server() -> None:
    section = make_section(NAME, {
        'server-fqdn-1': 'ntp.example.com',
        'server-address-2': '2001:db8::124',
        'multicast-address-1': 'ff05::101',
        'server-address-1': '2001:db8::123',
        'server-fqdn-3': 'ntp3.example.com',
    })
    handler = NTPServersOptionHandler.from_config(section)
    assert handler.options == [
        NTPServersOption([NTPServerAddressSubOption(IPv6Address('2001:db8::123'))]),
        NTPServersOption([NTPServerAddressSubOption(IPv6Address('2001:db8::124'))]),
        NTPServersOption([NTPMulticastAddressSubOption(IPv6Address('ff05::101'))]),
        NTPServersOption([NTPServerFQDNSubOption('ntp.example.com')]),
        NTPServersOption([NTPServerFQDNSubOption('ntp3.example.com')]),
    ]
    assert section.unused_keys() == []


def test_unknown_keys_left_unread() -> None:
    section = make_section(NAME, {'server-fqdn-1': 'ntp.example.com', 'server-name-1': 'ntp.example.com',
                                  'multicast-address': 'ff05::101'})
    NTPServersOptionHandler.from_config(section)
    assert section.unused_keys() == ['server-name-1', 'multicast-address']


@pytest.mark.parametrize('key, value', [
    ('server-address-1', 'ff05::101'),
    ('server-address-1', 'ntp.example.com'),
    ('multicast-address-1', '2001:db8::123'),
    ('multicast-address-1', 'ff05::zz'),
    ('server-fqdn-1', 'ntp..example.com'),
    ('server-fqdn-1', '.'),
])
def test_bad_values(key: str, value: str) -> None:
    section = make_section(NAME, {'server-address-9': '2001:db8::123', key: value})
    with pytest.raises(ConfigError) as excinfo:
        NTPServersOptionHandler.from_config(section)
    config_error(excinfo, key, SECTION_LINE + 2)


def test_none() -> None:
    with pytest.raises(ConfigError) as excinfo:
        NTPServersOptionHandler.from_config(make_section(NAME, {}))
    message = config_error(excinfo, None, SECTION_LINE)
    assert 'server-address-N' in message and 'server-fqdn-N' in message


def test_constructor() -> None:
    with pytest.raises(ValidationError):
        NTPServersOptionHandler([])
    with pytest.raises(ValidationError):
        NTPServersOptionHandler([NTPMulticastAddressSubOption(IPv6Address('2001:db8::1'))])


def test_behaviour() -> None:
    handler = NTPServersOptionHandler([NTPServerAddressSubOption(IPv6Address('2001:db8::123')),
                                       NTPServerFQDNSubOption('ntp.example.com')])
    response = run_handler(handler, make_bundle(solicit([OPTION_NTP_SERVER])), AdvertiseMessage(TRANSACTION_ID))
    assert response.options == handler.options
    assert len(response.options) == 2
    response = run_handler(handler, make_bundle(solicit([OPTION_SNTP_SERVERS])), AdvertiseMessage(TRANSACTION_ID))
    assert response.options == []


def test_whole_server() -> None:
    section = make_section(NAME, {'server-address-1': '2001:db8::123', 'server-fqdn-1': 'ntp.example.com'})
    response = standard_response([(NTPServersOptionHandler, section)], information_request([OPTION_NTP_SERVER]))
    assert isinstance(response, ReplyMessage)
    assert response.get_options_of_type(NTPServersOption) == [
        NTPServersOption([NTPServerAddressSubOption(IPv6Address('2001:db8::123'))]),
        NTPServersOption([NTPServerFQDNSubOption('ntp.example.com')]),
    ]
