"""Tests for :mod:`dhcpkit.ipv6.option_handlers.dslite`."""
import pytest

from dhcpkit.ipv6.config import ConfigError
from dhcpkit.ipv6.extensions.dns import OPTION_DNS_SERVERS
from dhcpkit.ipv6.extensions.dslite import OPTION_AFTR_NAME, AFTRNameOption
from dhcpkit.ipv6.messages import AdvertiseMessage, ReplyMessage
from dhcpkit.ipv6.option_handlers import option_handler_registry
from dhcpkit.ipv6.option_handlers.dslite import AFTRNameOptionHandler
from dhcpkit.protocol_element import ValidationError
from tests.ipv6.option_handlers.helpers import (SECTION_LINE, TRANSACTION_ID, config_error, information_request,
                                                make_bundle, make_section, run_handler, solicit, standard_response)

NAME = 'option AFTRName'


def test_registered() -> None:
    assert option_handler_registry['AFTRName'] is AFTRNameOptionHandler


@pytest.mark.parametrize('text, name', [('aftr.example.com', 'aftr.example.com'),
                                        ('aftr.example.com.', 'aftr.example.com'), (' aftr ', 'aftr')])
def test_from_config(text: str, name: str) -> None:
    section = make_section(NAME, {'fqdn': text, 'fqdn-1': 'other.example.com'})
    handler = AFTRNameOptionHandler.from_config(section)
    assert handler.option == AFTRNameOption(name)
    assert section.unused_keys() == ['fqdn-1']


@pytest.mark.parametrize('text', ['', '.', 'aftr..example.com', 'aftr example.com', 'a' * 64 + '.example.com',
                                  '2001:db8::1'])
def test_bad_values(text: str) -> None:
    with pytest.raises(ConfigError) as excinfo:
        AFTRNameOptionHandler.from_config(make_section(NAME, {'fqdn': text}))
    config_error(excinfo, 'fqdn', SECTION_LINE + 1)


def test_required() -> None:
    with pytest.raises(ConfigError) as excinfo:
        AFTRNameOptionHandler.from_config(make_section(NAME, {'name': 'aftr.example.com'}))
    config_error(excinfo, 'fqdn', SECTION_LINE)


def test_constructor() -> None:
    assert AFTRNameOptionHandler('aftr.example.com').option == AFTRNameOption('aftr.example.com')
    with pytest.raises(ValidationError):
        AFTRNameOptionHandler('')


def test_behaviour() -> None:
    handler = AFTRNameOptionHandler('aftr.example.com')
    response = run_handler(handler, make_bundle(solicit([OPTION_AFTR_NAME])), AdvertiseMessage(TRANSACTION_ID))
    assert response.options == [AFTRNameOption('aftr.example.com')]
    response = run_handler(handler, make_bundle(solicit([OPTION_DNS_SERVERS])), AdvertiseMessage(TRANSACTION_ID))
    assert response.options == []


def test_whole_server() -> None:
    section = make_section(NAME, {'fqdn': 'aftr.example.com'})
    response = standard_response([(AFTRNameOptionHandler, section)], information_request([OPTION_AFTR_NAME]),
                                 relayed=True)
    assert isinstance(response, ReplyMessage)
    assert response.get_option_of_type(AFTRNameOption) == AFTRNameOption('aftr.example.com')
