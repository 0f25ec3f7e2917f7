"""Tests for :mod:`dhcpkit.ipv6.option_handlers.dns`."""
from ipaddress import IPv6Address

import pytest

from dhcpkit.ipv6.config import ConfigError
from dhcpkit.ipv6.extensions.dns import (OPTION_DNS_SERVERS, OPTION_DOMAIN_LIST, DomainSearchListOption,
                                         RecursiveNameServersOption)
from dhcpkit.ipv6.messages import AdvertiseMessage, ReleaseMessage, ReplyMessage
from dhcpkit.ipv6.option_handlers import option_handler_registry
from dhcpkit.ipv6.option_handlers.dns import DomainSearchListOptionHandler, RecursiveNameServersOptionHandler
from dhcpkit.ipv6.options import ClientIdOption, ServerIdOption
from dhcpkit.protocol_element import ValidationError
from tests.ipv6.option_handlers.helpers import (CLIENT_DUID, SECTION_LINE, SERVER_DUID, TRANSACTION_ID, config_error,
                                                information_request, make_bundle, make_section, run_handler, solicit,
                                                standard_response)

DNS = 'option RecursiveNameServers'
SEARCH = 'option DomainSearchList'


def test_registered() -> None:
    assert option_handler_registry['RecursiveNameServers'] is RecursiveNameServersOptionHandler
    assert option_handler_registry['DomainSearchList'] is DomainSearchListOptionHandler


# Recursive name servers: the seed-era format

def test_name_servers_from_config() -> None:
    section = make_section(DNS, {'server-address-1': '2001:db8::53', 'server-address-2': ' 2001:db8:1::53 '})
    handler = RecursiveNameServersOptionHandler.from_config(section)
    assert handler.option == RecursiveNameServersOption([IPv6Address('2001:db8::53'), IPv6Address('2001:db8:1::53')])
    assert section.unused_keys() == []


def test_name_servers_in_number_order() -> None:
    section = make_section(DNS, {'server-address-10': '2001:db8::10', 'server-address-2': '2001:db8::2',
                                 'server-address-5': '2001:db8::5'})
    handler = RecursiveNameServersOptionHandler.from_config(section)
    assert handler.option == RecursiveNameServersOption([IPv6Address('2001:db8::2'), IPv6Address('2001:db8::5'),
                                                         IPv6Address('2001:db8::10')])


def test_name_servers_unknown_keys_left_unread() -> None:
    section = make_section(DNS, {'server-address-1': '2001:db8::53', 'server-address': '2001:db8::54',
                                 'always-send': 'yes', 'server-address-x': '2001:db8::55'})
    RecursiveNameServersOptionHandler.from_config(section)
    assert section.unused_keys() == ['server-address', 'always-send', 'server-address-x']


@pytest.mark.parametrize('value', ['2001:db8::zz', '192.0.2.53', 'ff02::1', '::', '::1', ''])
def test_name_servers_bad_address(value: str) -> None:
    section = make_section(DNS, {'server-address-1': '2001:db8::53', 'server-address-2': value})
    with pytest.raises(ConfigError) as excinfo:
        RecursiveNameServersOptionHandler.from_config(section)
    config_error(excinfo, 'server-address-2', SECTION_LINE + 2)


def test_name_servers_none() -> None:
    with pytest.raises(ConfigError) as excinfo:
        RecursiveNameServersOptionHandler.from_config(make_section(DNS, {}))
    assert 'server-address-1' in config_error(excinfo, None, SECTION_LINE)


def test_name_servers_no_id() -> None:
    with pytest.raises(ConfigError) as excinfo:
        RecursiveNameServersOptionHandler.from_config(make_section(DNS, {'server-address-1': '2001:db8::53'}), 'x')
    config_error(excinfo, None, SECTION_LINE)


def test_name_servers_constructor() -> None:
    handler = RecursiveNameServersOptionHandler([IPv6Address('2001:db8::53')])
    assert handler.option == RecursiveNameServersOption([IPv6Address('2001:db8::53')])
    assert handler.value == [IPv6Address('2001:db8::53')]
    with pytest.raises(ValidationError):
        RecursiveNameServersOptionHandler([])
    with pytest.raises(ValidationError):
        RecursiveNameServersOptionHandler([IPv6Address('ff02::1')])


def test_name_servers_sent_when_requested() -> None:
    handler = RecursiveNameServersOptionHandler([IPv6Address('2001:db8::53')])
    bundle = make_bundle(solicit([OPTION_DNS_SERVERS]))
    response = run_handler(handler, bundle, AdvertiseMessage(TRANSACTION_ID))
    assert response.options == [RecursiveNameServersOption([IPv6Address('2001:db8::53')])]


def test_name_servers_sent_to_relayed_information_request() -> None:
    handler = RecursiveNameServersOptionHandler([IPv6Address('2001:db8::53')])
    bundle = make_bundle(information_request([OPTION_DOMAIN_LIST, OPTION_DNS_SERVERS]), relayed=True)
    response = run_handler(handler, bundle, ReplyMessage(TRANSACTION_ID))
    assert response.get_options_of_type(RecursiveNameServersOption) == [handler.option]


def test_name_servers_not_sent_unrequested() -> None:
    handler = RecursiveNameServersOptionHandler([IPv6Address('2001:db8::53')])
    for request in (solicit(), solicit([OPTION_DOMAIN_LIST])):
        response = run_handler(handler, make_bundle(request), AdvertiseMessage(TRANSACTION_ID))
        assert response.options == []


def test_name_servers_not_in_reply_to_release() -> None:
    # A Release carries no ORO, and its Reply gets no configuration
    handler = RecursiveNameServersOptionHandler([IPv6Address('2001:db8::53')])
    release = ReleaseMessage(TRANSACTION_ID, [ClientIdOption(CLIENT_DUID), ServerIdOption(SERVER_DUID)])
    response = run_handler(handler, make_bundle(release), ReplyMessage(TRANSACTION_ID))
    assert response.options == []


def test_name_servers_whole_server() -> None:
    section = make_section(DNS, {'server-address-1': '2001:db8::53'})
    response = standard_response([(RecursiveNameServersOptionHandler, section)],
                                 information_request([OPTION_DNS_SERVERS]))
    assert isinstance(response, ReplyMessage)
    assert response.get_option_of_type(RecursiveNameServersOption) == RecursiveNameServersOption(
        [IPv6Address('2001:db8::53')])


# Domain search list

def test_search_list_from_config() -> None:
    section = make_section(SEARCH, {'domain-name-1': 'example.com', 'domain-name-3': 'Example.NET.',
                                    'domain-name-2': 'sub.example.org'})
    handler = DomainSearchListOptionHandler.from_config(section)
    assert handler.option == DomainSearchListOption(['example.com', 'sub.example.org', 'Example.NET'])
    assert section.unused_keys() == []


def test_search_list_unknown_keys_left_unread() -> None:
    section = make_section(SEARCH, {'domain-name-1': 'example.com', 'domain-names': 'example.net',
                                    'server-address-1': '2001:db8::53'})
    DomainSearchListOptionHandler.from_config(section)
    assert section.unused_keys() == ['domain-names', 'server-address-1']


@pytest.mark.parametrize('value', ['exa mple.com', 'example..com', '.', '', '-example.com', 'exämple.com',
                                   'a' * 64 + '.com', '.'.join(['abcdefghi'] * 26)])
def test_search_list_bad_name(value: str) -> None:
    section = make_section(SEARCH, {'domain-name-1': 'example.com', 'domain-name-2': value})
    with pytest.raises(ConfigError) as excinfo:
        DomainSearchListOptionHandler.from_config(section)
    config_error(excinfo, 'domain-name-2', SECTION_LINE + 2)


def test_search_list_none() -> None:
    with pytest.raises(ConfigError) as excinfo:
        DomainSearchListOptionHandler.from_config(make_section(SEARCH, {'domain-name': 'example.com'}))
    assert 'domain-name-1' in config_error(excinfo, None, SECTION_LINE)


def test_search_list_behaviour() -> None:
    handler = DomainSearchListOptionHandler(['example.com'])
    response = run_handler(handler, make_bundle(solicit([OPTION_DOMAIN_LIST])), AdvertiseMessage(TRANSACTION_ID))
    assert response.options == [DomainSearchListOption(['example.com'])]
    response = run_handler(handler, make_bundle(solicit([OPTION_DNS_SERVERS])), AdvertiseMessage(TRANSACTION_ID))
    assert response.options == []


def test_search_list_whole_server() -> None:
    sections = [(RecursiveNameServersOptionHandler, make_section(DNS, {'server-address-1': '2001:db8::53'})),
                (DomainSearchListOptionHandler, make_section(SEARCH, {'domain-name-1': 'example.com'}))]
    response = standard_response(sections, solicit([OPTION_DOMAIN_LIST, OPTION_DNS_SERVERS]))
    assert isinstance(response, AdvertiseMessage)
    assert response.get_option_of_type(DomainSearchListOption) == DomainSearchListOption(['example.com'])
    assert response.get_option_of_type(RecursiveNameServersOption) is not None
