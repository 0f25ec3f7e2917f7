"""Tests for :mod:`dhcpkit.ipv6.option_handlers.preference`."""
import pytest

from dhcpkit.ipv6.config import ConfigError
from dhcpkit.ipv6.message_handlers.standard import StandardMessageHandler
from dhcpkit.ipv6.messages import AdvertiseMessage, ReplyMessage
from dhcpkit.ipv6.option_handlers import option_handler_registry
from dhcpkit.ipv6.option_handlers.preference import PreferenceOptionHandler
from dhcpkit.ipv6.options import OPTION_PREFERENCE, PreferenceOption, RapidCommitOption
from dhcpkit.protocol_element import ValidationError
from tests.ipv6.option_handlers.helpers import (SECTION_LINE, TRANSACTION_ID, config_error, information_request,
                                                make_bundle, make_section, run_handler, solicit, standard_config,
                                                standard_response, wrap)

NAME = 'option Preference'


def test_registered() -> None:
    assert option_handler_registry['Preference'] is PreferenceOptionHandler


@pytest.mark.parametrize('text, preference', [('255', 255), ('0', 0), (' 10 ', 10), ('0xff', 255)])
def test_from_config(text: str, preference: int) -> None:
    section = make_section(NAME, {'preference': text, 'priority': '1'})
    handler = PreferenceOptionHandler.from_config(section)
    assert handler.option == PreferenceOption(preference)
    assert section.unused_keys() == ['priority']


@pytest.mark.parametrize('text', ['256', '-1', 'high', '', '1.5'])
def test_bad_values(text: str) -> None:
    with pytest.raises(ConfigError) as excinfo:
        PreferenceOptionHandler.from_config(make_section(NAME, {'preference': text}))
    config_error(excinfo, 'preference', SECTION_LINE + 1)


def test_required() -> None:
    with pytest.raises(ConfigError) as excinfo:
        PreferenceOptionHandler.from_config(make_section(NAME, {}))
    config_error(excinfo, 'preference', SECTION_LINE)


def test_constructor() -> None:
    with pytest.raises(ValidationError):
        PreferenceOptionHandler(256)


def test_in_every_advertise() -> None:
    # RFC 8415 section 18.3.9: the server puts its preference in the Advertise whether or not the client asked
    handler = PreferenceOptionHandler(255)
    for request in (solicit(), solicit([OPTION_PREFERENCE])):
        response = run_handler(handler, make_bundle(request), AdvertiseMessage(TRANSACTION_ID))
        assert response.options == [PreferenceOption(255)]


def test_never_in_reply() -> None:
    # RFC 8415 appendix B: only Advertise messages carry a Preference option
    handler = PreferenceOptionHandler(255)
    response = run_handler(handler, make_bundle(information_request([OPTION_PREFERENCE])),
                           ReplyMessage(TRANSACTION_ID))
    assert response.options == []
    response = run_handler(handler, make_bundle(solicit(extra=[RapidCommitOption()])),
                           ReplyMessage(TRANSACTION_ID, [RapidCommitOption()]))
    assert response.options == [RapidCommitOption()]


def test_whole_server() -> None:
    handlers = [(PreferenceOptionHandler, make_section(NAME, {'preference': '200'}))]
    response = standard_response(handlers, solicit())
    assert isinstance(response, AdvertiseMessage)
    assert response.get_option_of_type(PreferenceOption) == PreferenceOption(200)


def test_whole_server_rapid_commit() -> None:
    handlers = [(PreferenceOptionHandler, make_section(NAME, {'preference': '200'}))]
    message_handler = StandardMessageHandler(standard_config(handlers, allow_rapid_commit=True))
    outgoing = message_handler.handle(wrap(solicit(extra=[RapidCommitOption()])), True)
    assert outgoing is not None
    outgoing.validate()
    response = outgoing.inner_message
    assert isinstance(response, ReplyMessage)
    assert response.get_option_of_type(PreferenceOption) is None
