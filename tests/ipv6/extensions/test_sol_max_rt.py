"""Tests for :mod:`dhcpkit.ipv6.extensions.sol_max_rt` (RFC 8415 sections 21.24 and 21.25)."""
from typing import Any

import pytest
from hypothesis import given

from dhcpkit.ipv6.extensions.sol_max_rt import InfMaxRTOption, SolMaxRTOption
from dhcpkit.ipv6.messages import AdvertiseMessage, InformationRequestMessage, ReplyMessage, SolicitMessage
from dhcpkit.ipv6.option_base import Option
from dhcpkit.protocol_element import MalformedInputError, ValidationError
from tests.strategies.sol_max_rt import STRATEGIES

CASES = [
    (bytes.fromhex('0052 0004 00000e10'), SolMaxRTOption(3600)),
    (bytes.fromhex('0052 0004 0000003c'), SolMaxRTOption(60)),
    (bytes.fromhex('0053 0004 00015180'), InfMaxRTOption(86400)),
]

INVALID = [
    SolMaxRTOption(59),
    SolMaxRTOption(86401),
    SolMaxRTOption(True),
    InfMaxRTOption(0),
    InfMaxRTOption(2 ** 32 - 1),
    InfMaxRTOption('3600'),  # type: ignore[arg-type]
]

MALFORMED = [
    bytes.fromhex('0052 0002 0e10'),
    bytes.fromhex('0053 0005 0000000e10'),
]


@pytest.mark.parametrize('data, option', CASES)
def test_parse(data: bytes, option: Option) -> None:
    assert Option.parse(data) == (len(data), option)


@pytest.mark.parametrize('data, option', CASES)
def test_save(data: bytes, option: Option) -> None:
    assert option.save() == data


@pytest.mark.parametrize('data, option', CASES)
def test_validate(data: bytes, option: Option) -> None:
    option.validate()


@pytest.mark.parametrize('option', INVALID)
def test_validate_invalid(option: Option) -> None:
    with pytest.raises(ValidationError):
        option.validate()


@pytest.mark.parametrize('data, option', CASES)
def test_truncated(data: bytes, option: Option) -> None:
    for length in range(len(data)):
        with pytest.raises(MalformedInputError):
            Option.parse(data[:length])


@pytest.mark.parametrize('data, option', CASES)
def test_option_length_past_data(data: bytes, option: Option) -> None:
    longer = data[:2] + (len(data) - 3).to_bytes(2, 'big') + data[4:]
    with pytest.raises(MalformedInputError):
        Option.parse(longer)


@pytest.mark.parametrize('data', MALFORMED)
def test_malformed(data: bytes) -> None:
    with pytest.raises(MalformedInputError):
        Option.parse(data)


@pytest.mark.parametrize('option_class', list(STRATEGIES))
def test_roundtrip(option_class: type[Option]) -> None:
    @given(STRATEGIES[option_class])
    def check(option: Any) -> None:
        assert type(option) is option_class
        option.validate()
        data = option.save()
        assert type(option).parse(data) == (len(data), option)

    check()


def test_out_of_range_parses() -> None:
    # Range is semantics: a value of 0 is well-formed, parses and saves back, and only validate() rejects it
    data = bytes.fromhex('0052 0004 00000000')
    assert Option.parse(data) == (8, SolMaxRTOption(0))
    assert SolMaxRTOption(0).save() == data


def test_messages() -> None:
    for option_class in (SolMaxRTOption, InfMaxRTOption):
        assert AdvertiseMessage.may_contain(option_class)
        assert ReplyMessage.may_contain(option_class)
        assert not SolicitMessage.may_contain(option_class)
        assert not InformationRequestMessage.may_contain(option_class)
