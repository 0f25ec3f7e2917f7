"""Tests for :mod:`dhcpkit.ipv6.option_handlers.sol_max_rt`."""
import pytest

from dhcpkit.ipv6.config import ConfigError
from dhcpkit.ipv6.extensions.sol_max_rt import OPTION_INF_MAX_RT, OPTION_SOL_MAX_RT, InfMaxRTOption, SolMaxRTOption
from dhcpkit.ipv6.messages import AdvertiseMessage, ReplyMessage
from dhcpkit.ipv6.option_handlers import option_handler_registry
from dhcpkit.ipv6.option_handlers.sol_max_rt import InfMaxRTOptionHandler, SolMaxRTOptionHandler
from dhcpkit.protocol_element import ValidationError
from tests.ipv6.option_handlers.helpers import (SECTION_LINE, TRANSACTION_ID, config_error, information_request,
                                                make_bundle, make_section, run_handler, solicit, standard_response)

HANDLERS = [
    (SolMaxRTOptionHandler, 'option SolMaxRT', 'sol-max-rt', SolMaxRTOption, OPTION_SOL_MAX_RT),
    (InfMaxRTOptionHandler, 'option InfMaxRT', 'inf-max-rt', InfMaxRTOption, OPTION_INF_MAX_RT),
]


def test_registered() -> None:
    assert option_handler_registry['SolMaxRT'] is SolMaxRTOptionHandler
    assert option_handler_registry['InfMaxRT'] is InfMaxRTOptionHandler


@pytest.mark.parametrize('handler_class, name, key, option_class, code', HANDLERS)
@pytest.mark.parametrize('text, seconds', [('1h', 3600), ('60', 60), ('1d', 86400), ('30m', 1800), (' 2h ', 7200),
                                           ('86400s', 86400)])
def test_from_config(handler_class: type[SolMaxRTOptionHandler], name: str, key: str,
                     option_class: type[SolMaxRTOption], code: int, text: str, seconds: int) -> None:
    section = make_section(name, {key: text, 'unrelated': 'x'})
    handler = handler_class.from_config(section)
    assert handler.option == option_class(seconds)
    assert section.unused_keys() == ['unrelated']


@pytest.mark.parametrize('handler_class, name, key, option_class, code', HANDLERS)
@pytest.mark.parametrize('text', ['59', '86401', '2d', 'infinite', '0', 'one hour', '-60', '1.5h'])
def test_bad_values(handler_class: type[SolMaxRTOptionHandler], name: str, key: str,
                    option_class: type[SolMaxRTOption], code: int, text: str) -> None:
    section = make_section(name, {'comment': 'x', key: text})
    with pytest.raises(ConfigError) as excinfo:
        handler_class.from_config(section)
    config_error(excinfo, key, SECTION_LINE + 2)


@pytest.mark.parametrize('handler_class, name, key, option_class, code', HANDLERS)
def test_required(handler_class: type[SolMaxRTOptionHandler], name: str, key: str,
                  option_class: type[SolMaxRTOption], code: int) -> None:
    with pytest.raises(ConfigError) as excinfo:
        handler_class.from_config(make_section(name, {}))
    assert 'is required' in config_error(excinfo, key, SECTION_LINE)


def test_constructor() -> None:
    assert SolMaxRTOptionHandler(600).option == SolMaxRTOption(600)
    with pytest.raises(ValidationError):
        SolMaxRTOptionHandler(30)
    with pytest.raises(ValidationError):
        InfMaxRTOptionHandler(86401)


@pytest.mark.parametrize('handler_class, name, key, option_class, code', HANDLERS)
def test_behaviour(handler_class: type[SolMaxRTOptionHandler], name: str, key: str,
                   option_class: type[SolMaxRTOption], code: int) -> None:
    handler = handler_class(7200)
    response = run_handler(handler, make_bundle(solicit([code])), AdvertiseMessage(TRANSACTION_ID))
    assert response.options == [option_class(7200)]
    response = run_handler(handler, make_bundle(information_request([code])), ReplyMessage(TRANSACTION_ID))
    assert response.options == [option_class(7200)]
    response = run_handler(handler, make_bundle(solicit()), AdvertiseMessage(TRANSACTION_ID))
    assert response.options == []


def test_whole_server() -> None:
    handlers = [(SolMaxRTOptionHandler, make_section('option SolMaxRT', {'sol-max-rt': '2h'})),
                (InfMaxRTOptionHandler, make_section('option InfMaxRT', {'inf-max-rt': '3h'}))]
    response = standard_response(handlers, solicit([OPTION_SOL_MAX_RT]))
    assert isinstance(response, AdvertiseMessage)
    assert response.get_option_of_type(SolMaxRTOption) == SolMaxRTOption(7200)
    assert response.get_option_of_type(InfMaxRTOption) is None
    response = standard_response(handlers, information_request([OPTION_SOL_MAX_RT, OPTION_INF_MAX_RT]))
    assert isinstance(response, ReplyMessage)
    assert response.get_option_of_type(InfMaxRTOption) == InfMaxRTOption(10800)
