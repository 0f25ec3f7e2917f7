"""Tests for :mod:`dhcpkit.ipv6.option_handlers.sntp`."""
from ipaddress import IPv6Address

import pytest

from dhcpkit.ipv6.config import ConfigError
from dhcpkit.ipv6.extensions.dns import OPTION_DNS_SERVERS
from dhcpkit.ipv6.extensions.sntp import OPTION_SNTP_SERVERS, SNTPServersOption
from dhcpkit.ipv6.messages import AdvertiseMessage, ReplyMessage
from dhcpkit.ipv6.option_handlers import option_handler_registry
from dhcpkit.ipv6.option_handlers.sntp import SNTPServersOptionHandler
from tests.ipv6.option_handlers.helpers import (SECTION_LINE, TRANSACTION_ID, config_error, information_request,
                                                make_bundle, make_section, run_handler, solicit, standard_response)

NAME = 'option SNTPServers'


def test_registered() -> None:
    assert option_handler_registry['SNTPServers'] is SNTPServersOptionHandler


def test_from_config() -> None:
    section = make_section(NAME, {'server-address-2': '2001:db8::124', 'server-address-1': '2001:db8::123',
                                  'domain-name-1': 'ntp.example.com'})
    handler = SNTPServersOptionHandler.from_config(section)
    assert handler.option == SNTPServersOption([IPv6Address('2001:db8::123'), IPv6Address('2001:db8::124')])
    assert section.unused_keys() == ['domain-name-1']


@pytest.mark.parametrize('value', ['ntp.example.com', 'ff05::101', '2001:db8::/64'])
def test_bad_address(value: str) -> None:
    with pytest.raises(ConfigError) as excinfo:
        SNTPServersOptionHandler.from_config(make_section(NAME, {'server-address-1': value}))
    config_error(excinfo, 'server-address-1', SECTION_LINE + 1)


def test_none() -> None:
    with pytest.raises(ConfigError) as excinfo:
        SNTPServersOptionHandler.from_config(make_section(NAME, {}))
    config_error(excinfo, None, SECTION_LINE)


def test_behaviour() -> None:
    handler = SNTPServersOptionHandler([IPv6Address('2001:db8::123')])
    response = run_handler(handler, make_bundle(solicit([OPTION_SNTP_SERVERS])), AdvertiseMessage(TRANSACTION_ID))
    assert response.options == [SNTPServersOption([IPv6Address('2001:db8::123')])]
    response = run_handler(handler, make_bundle(solicit([OPTION_DNS_SERVERS])), AdvertiseMessage(TRANSACTION_ID))
    assert response.options == []


def test_whole_server() -> None:
    section = make_section(NAME, {'server-address-1': '2001:db8::123'})
    response = standard_response([(SNTPServersOptionHandler, section)], information_request([OPTION_SNTP_SERVERS]),
                                 relayed=True)
    assert isinstance(response, ReplyMessage)
    assert response.get_option_of_type(SNTPServersOption) == SNTPServersOption([IPv6Address('2001:db8::123')])
