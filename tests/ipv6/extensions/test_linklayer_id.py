"""Tests for :mod:`dhcpkit.ipv6.extensions.linklayer_id` (RFC 6939)."""
from typing import Any

import pytest
from hypothesis import given

from dhcpkit.ipv6.extensions.linklayer_id import ClientLinkLayerAddressOption
from dhcpkit.ipv6.messages import RelayForwardMessage, RelayReplyMessage, SolicitMessage
from dhcpkit.ipv6.option_base import Option
from dhcpkit.protocol_element import MalformedInputError, ValidationError
from tests.strategies.linklayer_id import STRATEGIES

CASES = [
    (bytes.fromhex('004f 0008 0001 00163e123456'), ClientLinkLayerAddressOption(1, bytes.fromhex('00163e123456'))),
    (bytes.fromhex('004f 0003 0020 07'), ClientLinkLayerAddressOption(32, b'\x07')),
]

INVALID = [
    ClientLinkLayerAddressOption(1, b''),
    ClientLinkLayerAddressOption(0x10000, b'\x00'),
    ClientLinkLayerAddressOption(1, '00:16:3e:12:34:56'),  # type: ignore[arg-type]
]

MALFORMED = [
    bytes.fromhex('004f 0000'),
    bytes.fromhex('004f 0001 00'),  # truncated link-layer type
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


def test_empty_address_parses() -> None:
    # Well-formed (RFC 6939 sets no minimum on the wire), so it parses and saves back; validate() rejects it
    data = bytes.fromhex('004f 0002 0001')
    assert Option.parse(data) == (6, ClientLinkLayerAddressOption(1, b''))
    assert ClientLinkLayerAddressOption(1, b'').save() == data


def test_messages() -> None:
    assert RelayForwardMessage.may_contain(ClientLinkLayerAddressOption)
    assert not RelayReplyMessage.may_contain(ClientLinkLayerAddressOption)
    assert not SolicitMessage.may_contain(ClientLinkLayerAddressOption)
