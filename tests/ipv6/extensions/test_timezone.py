"""Tests for :mod:`dhcpkit.ipv6.extensions.timezone` (RFC 4833)."""
from typing import Any

import pytest
from hypothesis import given

from dhcpkit.ipv6.extensions.timezone import PosixTimezoneOption, TZDBTimezoneOption
from dhcpkit.ipv6.messages import AdvertiseMessage, ReplyMessage, SolicitMessage
from dhcpkit.ipv6.option_base import Option
from dhcpkit.protocol_element import MalformedInputError, ValidationError
from tests.strategies.timezone import STRATEGIES

CASES = [
    (bytes.fromhex('0029 001a') + b'CET-1CEST,M3.5.0,M10.5.0/3', PosixTimezoneOption('CET-1CEST,M3.5.0,M10.5.0/3')),
    (bytes.fromhex('002a 000d') + b'Europe/Zurich', TZDBTimezoneOption('Europe/Zurich')),
]

INVALID = [
    PosixTimezoneOption(''),
    PosixTimezoneOption('CET\x00'),
    TZDBTimezoneOption('Europe/Zürich'),
    TZDBTimezoneOption(b'Europe/Zurich'),  # type: ignore[arg-type]
]

MALFORMED = [
    bytes.fromhex('002a 0003 5a80c3'),  # not ASCII
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


def test_messages() -> None:
    for option_class in (PosixTimezoneOption, TZDBTimezoneOption):
        assert AdvertiseMessage.may_contain(option_class)
        assert ReplyMessage.may_contain(option_class)
        assert not SolicitMessage.may_contain(option_class)
