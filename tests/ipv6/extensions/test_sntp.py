"""Tests for :mod:`dhcpkit.ipv6.extensions.sntp` (RFC 4075)."""
from ipaddress import IPv6Address
from typing import Any

import pytest
from hypothesis import given

from dhcpkit.ipv6.extensions.sntp import SNTPServersOption
from dhcpkit.ipv6.messages import (AdvertiseMessage, ConfirmMessage, InformationRequestMessage, ReplyMessage,
                                   SolicitMessage)
from dhcpkit.ipv6.option_base import Option
from dhcpkit.protocol_element import MalformedInputError, ValidationError
from tests.strategies.sntp import STRATEGIES

CASES = [
    (bytes.fromhex('001f 0010 20010db8000000000000000000000123'), SNTPServersOption([IPv6Address('2001:db8::123')])),
    (bytes.fromhex('001f 0020 20010db8000000000000000000000123 20010db8000000000000000000000124'),
     SNTPServersOption([IPv6Address('2001:db8::123'), IPv6Address('2001:db8::124')])),
]

INVALID = [
    SNTPServersOption([]),
    SNTPServersOption([IPv6Address('::1')]),
    SNTPServersOption([IPv6Address('ff02::101')]),
]

MALFORMED = [
    bytes.fromhex('001f 0000'),
    bytes.fromhex('001f 0011 20010db8000000000000000000000123 00'),
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
    for message_class in (SolicitMessage, AdvertiseMessage, InformationRequestMessage, ReplyMessage):
        assert message_class.may_contain(SNTPServersOption)
    assert not ConfirmMessage.may_contain(SNTPServersOption)
