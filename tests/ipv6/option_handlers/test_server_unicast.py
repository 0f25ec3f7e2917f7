"""Tests for :mod:`dhcpkit.ipv6.option_handlers.server_unicast`."""
from ipaddress import IPv6Address

import pytest

from dhcpkit.ipv6.config import ConfigError
from dhcpkit.ipv6.extensions.prefix_delegation import IAPDOption
from dhcpkit.ipv6.messages import AdvertiseMessage, ReplyMessage, RequestMessage
from dhcpkit.ipv6.option_handlers import option_handler_registry
from dhcpkit.ipv6.option_handlers.server_unicast import ServerUnicastOptionHandler
from dhcpkit.ipv6.option_handlers.unicast import UNICAST_ALLOWED
from dhcpkit.ipv6.options import (STATUS_NOPREFIXAVAIL, STATUS_USEMULTICAST, ServerIdOption, ServerUnicastOption,
                                  StatusCodeOption)
from dhcpkit.protocol_element import ValidationError
from tests.ipv6.option_handlers.helpers import (SECTION_LINE, SERVER_DUID, TRANSACTION_ID, client_options,
                                                config_error, information_request, make_bundle, make_section,
                                                run_handler, solicit, standard_response)

NAME = 'option ServerUnicast'
ADDRESS = IPv6Address('2001:db8::1')


def request() -> RequestMessage:
    options = client_options() + [ServerIdOption(SERVER_DUID), IAPDOption(b'\x00\x00\x00\x01')]
    return RequestMessage(TRANSACTION_ID, options)


def test_registered() -> None:
    assert option_handler_registry['ServerUnicast'] is ServerUnicastOptionHandler


def test_from_config() -> None:
    section = make_section(NAME, {'server-address': '2001:db8::1', 'server-address-1': '2001:db8::2'})
    handler = ServerUnicastOptionHandler.from_config(section)
    assert handler.option == ServerUnicastOption(ADDRESS)
    assert handler.value == ADDRESS
    assert section.unused_keys() == ['server-address-1']


@pytest.mark.parametrize('text', ['ff02::1:2', '::', '::1', '2001:db8::zz', '192.0.2.1', ''])
def test_bad_values(text: str) -> None:
    with pytest.raises(ConfigError) as excinfo:
        ServerUnicastOptionHandler.from_config(make_section(NAME, {'server-address': text}))
    config_error(excinfo, 'server-address', SECTION_LINE + 1)


def test_required() -> None:
    with pytest.raises(ConfigError) as excinfo:
        ServerUnicastOptionHandler.from_config(make_section(NAME, {'address': '2001:db8::1'}))
    config_error(excinfo, 'server-address', SECTION_LINE)


def test_constructor() -> None:
    with pytest.raises(ValidationError):
        ServerUnicastOptionHandler(IPv6Address('ff02::1'))


def test_pre_marks_unicast_allowed() -> None:
    handler = ServerUnicastOptionHandler(ADDRESS)
    bundle = make_bundle(request(), received_over_multicast=False)
    handler.pre(bundle)
    assert UNICAST_ALLOWED in bundle.marks


@pytest.mark.parametrize('message, response', [(solicit(), AdvertiseMessage(TRANSACTION_ID)),
                                               (information_request(), ReplyMessage(TRANSACTION_ID)),
                                               (request(), ReplyMessage(TRANSACTION_ID))])
def test_sent_unrequested(message: RequestMessage, response: ReplyMessage) -> None:
    handler = ServerUnicastOptionHandler(ADDRESS)
    assert run_handler(handler, make_bundle(message), response).options == [ServerUnicastOption(ADDRESS)]


def test_whole_server_allows_unicast() -> None:
    handlers = [(ServerUnicastOptionHandler, make_section(NAME, {'server-address': '2001:db8::1'}))]
    response = standard_response(handlers, request(), received_over_multicast=False)
    assert isinstance(response, ReplyMessage)
    assert response.get_option_of_type(ServerUnicastOption) == ServerUnicastOption(ADDRESS)
    assert response.get_option_of_type(StatusCodeOption) is None
    ia = response.get_option_of_type(IAPDOption)
    assert ia is not None
    status = ia.get_option_of_type(StatusCodeOption)
    assert status is not None and status.status_code == STATUS_NOPREFIXAVAIL


def test_whole_server_without_it_refuses_unicast() -> None:
    response = standard_response([], request(), received_over_multicast=False)
    assert isinstance(response, ReplyMessage)
    status = response.get_option_of_type(StatusCodeOption)
    assert status is not None and status.status_code == STATUS_USEMULTICAST
    assert response.get_option_of_type(ServerUnicastOption) is None
