"""Tests for :mod:`dhcpkit.ipv6.extensions.sip_servers` (RFC 3319)."""
from ipaddress import IPv6Address
from typing import Any

import pytest
from hypothesis import given

from dhcpkit.ipv6.extensions.sip_servers import SIPServersAddressListOption, SIPServersDomainNameListOption
from dhcpkit.ipv6.messages import AdvertiseMessage, ReplyMessage, SolicitMessage
from dhcpkit.ipv6.option_base import Option
from dhcpkit.protocol_element import MalformedInputError, ValidationError
from tests.strategies.sip_servers import STRATEGIES

CASES = [
    (bytes.fromhex('0015 0011 03736970 076578616d706c65 03636f6d 00'),
     SIPServersDomainNameListOption(['sip.example.com'])),
    (bytes.fromhex('0015 0000'), SIPServersDomainNameListOption([])),
    (bytes.fromhex('0016 0010 20010db8000000000000000000005060'),
     SIPServersAddressListOption([IPv6Address('2001:db8::5060')])),
]

INVALID = [
    SIPServersDomainNameListOption(['sip.-example.com']),
    SIPServersDomainNameListOption([b'sip.example.com']),  # type: ignore[list-item]
    SIPServersAddressListOption([]),
    SIPServersAddressListOption([IPv6Address('ff05::1')]),
]

MALFORMED = [
    bytes.fromhex('0015 0004 03736970'),  # no root label
    bytes.fromhex('0015 0002 0500'),  # label runs past the option
    bytes.fromhex('0016 000f 20010db80000000000000000000050'),  # 15 bytes
    bytes.fromhex('0016 0000'),  # no address
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
    for option_class in (SIPServersDomainNameListOption, SIPServersAddressListOption):
        assert AdvertiseMessage.may_contain(option_class)
        assert ReplyMessage.may_contain(option_class)
        assert not SolicitMessage.may_contain(option_class)
