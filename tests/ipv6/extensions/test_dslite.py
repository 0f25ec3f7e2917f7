"""Tests for :mod:`dhcpkit.ipv6.extensions.dslite` (RFC 6334)."""
from typing import Any

import pytest
from hypothesis import given

from dhcpkit.ipv6.extensions.dslite import AFTRNameOption
from dhcpkit.ipv6.messages import AdvertiseMessage, ReplyMessage, SolicitMessage
from dhcpkit.ipv6.option_base import Option
from dhcpkit.protocol_element import MalformedInputError, ValidationError
from tests.strategies.dslite import STRATEGIES

CASES = [
    (bytes.fromhex('0040 0012 0461667472 076578616d706c65 03636f6d 00'), AFTRNameOption('aftr.example.com')),
    (bytes.fromhex('0040 0006 0461667472 00'), AFTRNameOption('aftr')),
]

INVALID = [
    AFTRNameOption(''),
    AFTRNameOption('.'),
    AFTRNameOption('aftr..example.com'),
    AFTRNameOption('aftr example.com'),
    AFTRNameOption('a' * 64 + '.com'),
]

MALFORMED = [
    bytes.fromhex('0040 0000'),  # no name
    bytes.fromhex('0040 0005 0461667472'),  # no root label
    bytes.fromhex('0040 000c 0461667472 00 0461667472 00'),  # two names
    bytes.fromhex('0040 0007 0461667472 00 00'),  # a byte after the name
    bytes.fromhex('0040 0002 c000'),  # compression pointer
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


def test_trailing_dot_saves_the_same() -> None:
    assert AFTRNameOption('aftr.').save() == AFTRNameOption('aftr').save()


def test_root_parses() -> None:
    # Only the root label is well-formed, so it parses and saves back; validate() rejects it
    data = bytes.fromhex('0040 0001 00')
    assert Option.parse(data) == (5, AFTRNameOption(''))
    assert AFTRNameOption('').save() == data


def test_messages() -> None:
    assert AdvertiseMessage.may_contain(AFTRNameOption)
    assert ReplyMessage.may_contain(AFTRNameOption)
    assert not SolicitMessage.may_contain(AFTRNameOption)
