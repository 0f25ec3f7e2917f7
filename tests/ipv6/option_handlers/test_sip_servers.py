"""Tests for :mod:`dhcpkit.ipv6.option_handlers.sip_servers`."""
from ipaddress import IPv6Address

import pytest

from dhcpkit.ipv6.config import ConfigError
from dhcpkit.ipv6.extensions.sip_servers import (OPTION_SIP_SERVER_A, OPTION_SIP_SERVER_D, SIPServersAddressListOption,
                                                 SIPServersDomainNameListOption)
from dhcpkit.ipv6.messages import AdvertiseMessage, ReplyMessage
from dhcpkit.ipv6.option_handlers import option_handler_registry
from dhcpkit.ipv6.option_handlers.sip_servers import (SIPServersAddressListOptionHandler,
                                                      SIPServersDomainNameListOptionHandler)
from tests.ipv6.option_handlers.helpers import (SECTION_LINE, TRANSACTION_ID, config_error, information_request,
                                                make_bundle, make_section, run_handler, solicit, standard_response)

ADDRESSES = 'option SIPServerAddresses'
NAMES = 'option SIPServerNames'


def test_registered() -> None:
    assert option_handler_registry['SIPServerAddresses'] is SIPServersAddressListOptionHandler
    assert option_handler_registry['SIPServerNames'] is SIPServersDomainNameListOptionHandler


def test_addresses_from_config() -> None:
    section = make_section(ADDRESSES, {'server-address-1': '2001:db8::5060', 'domain-name-1': 'sip.example.com'})
    handler = SIPServersAddressListOptionHandler.from_config(section)
    assert handler.option == SIPServersAddressListOption([IPv6Address('2001:db8::5060')])
    assert section.unused_keys() == ['domain-name-1']


def test_addresses_bad() -> None:
    section = make_section(ADDRESSES, {'server-address-1': '2001:db8::5060', 'server-address-7': 'sip.example.com'})
    with pytest.raises(ConfigError) as excinfo:
        SIPServersAddressListOptionHandler.from_config(section)
    config_error(excinfo, 'server-address-7', SECTION_LINE + 2)


def test_names_from_config() -> None:
    section = make_section(NAMES, {'domain-name-2': 'sip2.example.com', 'domain-name-1': 'sip1.example.com',
                                   'server-address-1': '2001:db8::5060'})
    handler = SIPServersDomainNameListOptionHandler.from_config(section)
    assert handler.option == SIPServersDomainNameListOption(['sip1.example.com', 'sip2.example.com'])
    assert section.unused_keys() == ['server-address-1']


def test_names_bad() -> None:
    with pytest.raises(ConfigError) as excinfo:
        SIPServersDomainNameListOptionHandler.from_config(make_section(NAMES, {'domain-name-1': 'sip_proxy!'}))
    config_error(excinfo, 'domain-name-1', SECTION_LINE + 1)
    with pytest.raises(ConfigError) as excinfo:
        SIPServersDomainNameListOptionHandler.from_config(make_section(NAMES, {}))
    config_error(excinfo, None, SECTION_LINE)


def test_behaviour() -> None:
    addresses = SIPServersAddressListOptionHandler([IPv6Address('2001:db8::5060')])
    names = SIPServersDomainNameListOptionHandler(['sip.example.com'])
    bundle = make_bundle(solicit([OPTION_SIP_SERVER_D]))
    response = AdvertiseMessage(TRANSACTION_ID)
    for handler in (addresses, names):
        run_handler(handler, bundle, response)
    assert response.options == [SIPServersDomainNameListOption(['sip.example.com'])]


def test_whole_server() -> None:
    handlers = [(SIPServersAddressListOptionHandler, make_section(ADDRESSES, {'server-address-1': '2001:db8::5060'})),
                (SIPServersDomainNameListOptionHandler, make_section(NAMES, {'domain-name-1': 'sip.example.com'}))]
    response = standard_response(handlers, information_request([OPTION_SIP_SERVER_A, OPTION_SIP_SERVER_D]))
    assert isinstance(response, ReplyMessage)
    assert response.get_option_of_type(SIPServersAddressListOption) == SIPServersAddressListOption(
        [IPv6Address('2001:db8::5060')])
    assert response.get_option_of_type(SIPServersDomainNameListOption) == SIPServersDomainNameListOption(
        ['sip.example.com'])
