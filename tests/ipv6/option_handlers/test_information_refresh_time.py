"""Tests for :mod:`dhcpkit.ipv6.option_handlers.information_refresh_time`."""
import pytest

from dhcpkit.ipv6 import INFINITY
from dhcpkit.ipv6.config import ConfigError
from dhcpkit.ipv6.extensions.prefix_delegation import IAPDOption
from dhcpkit.ipv6.messages import AdvertiseMessage, RenewMessage, ReplyMessage, RequestMessage
from dhcpkit.ipv6.option_handlers import option_handler_registry
from dhcpkit.ipv6.option_handlers.information_refresh_time import InformationRefreshTimeOptionHandler
from dhcpkit.ipv6.options import OPTION_INFORMATION_REFRESH_TIME, InformationRefreshTimeOption, ServerIdOption
from dhcpkit.protocol_element import ValidationError
from tests.ipv6.option_handlers.helpers import (SECTION_LINE, SERVER_DUID, TRANSACTION_ID, client_options,
                                                config_error, information_request, make_bundle, make_section,
                                                run_handler, solicit, standard_response)

NAME = 'option InformationRefreshTime'
IRT = OPTION_INFORMATION_REFRESH_TIME


def test_registered() -> None:
    assert option_handler_registry['InformationRefreshTime'] is InformationRefreshTimeOptionHandler


@pytest.mark.parametrize('text, seconds', [('1d', 86400), ('600', 600), ('10m', 600), ('1w', 604800),
                                           ('infinite', INFINITY), ('4294967294', INFINITY - 1)])
def test_from_config(text: str, seconds: int) -> None:
    section = make_section(NAME, {'refresh-time': text, 'refresh': '1d'})
    handler = InformationRefreshTimeOptionHandler.from_config(section)
    assert handler.option == InformationRefreshTimeOption(seconds)
    assert section.unused_keys() == ['refresh']


@pytest.mark.parametrize('text', ['599', '9m', '0', 'soon', '4294967295', '100000w'])
def test_bad_values(text: str) -> None:
    with pytest.raises(ConfigError) as excinfo:
        InformationRefreshTimeOptionHandler.from_config(make_section(NAME, {'refresh-time': text}))
    config_error(excinfo, 'refresh-time', SECTION_LINE + 1)


def test_required_and_no_id() -> None:
    with pytest.raises(ConfigError) as excinfo:
        InformationRefreshTimeOptionHandler.from_config(make_section(NAME, {}))
    config_error(excinfo, 'refresh-time', SECTION_LINE)
    with pytest.raises(ConfigError) as excinfo:
        InformationRefreshTimeOptionHandler.from_config(make_section(NAME, {'refresh-time': '1d'}), 'eth0')
    config_error(excinfo, None, SECTION_LINE)


def test_constructor() -> None:
    with pytest.raises(ValidationError):
        InformationRefreshTimeOptionHandler(INFINITY + 1)


def test_sent_to_information_request_when_requested() -> None:
    handler = InformationRefreshTimeOptionHandler(3600)
    response = run_handler(handler, make_bundle(information_request([IRT])), ReplyMessage(TRANSACTION_ID))
    assert response.options == [InformationRefreshTimeOption(3600)]
    response = run_handler(handler, make_bundle(information_request([IRT]), relayed=True),
                           ReplyMessage(TRANSACTION_ID))
    assert response.options == [InformationRefreshTimeOption(3600)]


def test_not_sent_unrequested() -> None:
    handler = InformationRefreshTimeOptionHandler(3600)
    response = run_handler(handler, make_bundle(information_request()), ReplyMessage(TRANSACTION_ID))
    assert response.options == []


def test_only_in_reply_to_information_request() -> None:
    # RFC 8415 section 21.23: only a Reply to an Information-request carries it, even when a client asks elsewhere
    handler = InformationRefreshTimeOptionHandler(3600)
    response = run_handler(handler, make_bundle(solicit([IRT])), AdvertiseMessage(TRANSACTION_ID))
    assert response.options == []
    request = RequestMessage(TRANSACTION_ID, client_options([IRT]) + [ServerIdOption(SERVER_DUID)])
    response = run_handler(handler, make_bundle(request), ReplyMessage(TRANSACTION_ID))
    assert response.options == []
    renew = RenewMessage(TRANSACTION_ID, client_options([IRT]) + [ServerIdOption(SERVER_DUID)])
    response = run_handler(handler, make_bundle(renew), ReplyMessage(TRANSACTION_ID))
    assert response.options == []


def test_whole_server() -> None:
    handlers = [(InformationRefreshTimeOptionHandler, make_section(NAME, {'refresh-time': '12h'}))]
    response = standard_response(handlers, information_request([IRT]))
    assert isinstance(response, ReplyMessage)
    assert response.get_option_of_type(InformationRefreshTimeOption) == InformationRefreshTimeOption(43200)
    renew = RenewMessage(TRANSACTION_ID, client_options([IRT]) + [ServerIdOption(SERVER_DUID),
                                                                  IAPDOption(b'\x00\x00\x00\x01')])
    response = standard_response(handlers, renew)
    assert isinstance(response, ReplyMessage)
    assert response.get_option_of_type(InformationRefreshTimeOption) is None
