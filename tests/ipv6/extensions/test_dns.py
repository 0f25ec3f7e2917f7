"""Tests for :mod:`dhcpkit.ipv6.extensions.dns` (RFC 3646)."""
from ipaddress import IPv6Address
from typing import Any

import pytest
from hypothesis import given

from dhcpkit.ipv6.duids import EnterpriseDUID
from dhcpkit.ipv6.extensions.dns import DomainSearchListOption, RecursiveNameServersOption
from dhcpkit.ipv6.messages import (AdvertiseMessage, ConfirmMessage, InformationRequestMessage, ReconfigureMessage,
                                   RelayForwardMessage, ReplyMessage, SolicitMessage)
from dhcpkit.ipv6.option_base import Option
from dhcpkit.ipv6.options import ClientIdOption, ServerIdOption
from dhcpkit.protocol_element import MalformedInputError, ValidationError
from tests.strategies.dns import STRATEGIES

CASES = [
    (bytes.fromhex('0017 0010 20010db8000000000000000000000001'),
     RecursiveNameServersOption([IPv6Address('2001:db8::1')])),
    (bytes.fromhex('0017 0020 20010db8000000000000000000000001 20010db8000000000000000000000002'),
     RecursiveNameServersOption([IPv6Address('2001:db8::1'), IPv6Address('2001:db8::2')])),
    (bytes.fromhex('0018 0000'), DomainSearchListOption([])),
    (bytes.fromhex('0018 000d 076578616d706c6503636f6d00'), DomainSearchListOption(['example.com'])),
    (bytes.fromhex('0018 0013 0474657374076578616d706c6500 036f726700'),
     DomainSearchListOption(['test.example', 'org'])),
]

INVALID = [
    RecursiveNameServersOption([]),
    RecursiveNameServersOption([IPv6Address('ff02::1')]),
    RecursiveNameServersOption([IPv6Address('::')]),
    RecursiveNameServersOption(['2001:db8::1']),  # type: ignore[list-item]
    DomainSearchListOption(['exa mple.com']),
    DomainSearchListOption(['example..com']),
    DomainSearchListOption('example.com'),  # type: ignore[arg-type]
]

MALFORMED = [
    bytes.fromhex('0017 0000'),  # no address
    bytes.fromhex('0017 0008 20010db800000000'),  # half an address
    bytes.fromhex('0017 0011 20010db8000000000000000000000001 00'),  # an address and a byte
    bytes.fromhex('0018 000c 076578616d706c6503636f6d'),  # no root label
    bytes.fromhex('0018 0005 0a6578616d'),  # label runs past the option
    bytes.fromhex('0018 0003 c00c00'),  # compression pointer
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


def _advertise(options: list[Option]) -> AdvertiseMessage:
    return AdvertiseMessage(b'abc', [ClientIdOption(EnterpriseDUID(9, b'client')),
                                     ServerIdOption(EnterpriseDUID(9, b'server'))] + options)


def test_in_advertise() -> None:
    option = RecursiveNameServersOption([IPv6Address('2001:db8::1')])
    _advertise([option, DomainSearchListOption(['example.com'])]).validate()
    with pytest.raises(ValidationError):
        _advertise([option, option]).validate()


def test_messages() -> None:
    for option_class in (RecursiveNameServersOption, DomainSearchListOption):
        for message_class in (SolicitMessage, AdvertiseMessage, InformationRequestMessage, ReplyMessage):
            assert message_class.may_contain(option_class)
        for other_class in (ConfirmMessage, ReconfigureMessage, RelayForwardMessage):
            assert not other_class.may_contain(option_class)

