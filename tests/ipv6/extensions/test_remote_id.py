"""Tests for :mod:`dhcpkit.ipv6.extensions.remote_id` (RFC 4649)."""
from typing import Any

import pytest
from hypothesis import given

from dhcpkit.ipv6.extensions.remote_id import RemoteIdOption
from dhcpkit.ipv6.messages import RelayForwardMessage, RelayReplyMessage, SolicitMessage
from dhcpkit.ipv6.option_base import Option
from dhcpkit.protocol_element import MalformedInputError, ValidationError
from tests.strategies.remote_id import STRATEGIES

CASES = [
    (bytes.fromhex('0025 0005 00000009 01'), RemoteIdOption(9, b'\x01')),
    (bytes.fromhex('0025 000a 0000a3ae 00112233aabb'), RemoteIdOption(41902, bytes.fromhex('00112233aabb'))),
]

INVALID = [
    RemoteIdOption(9, b''),
    RemoteIdOption(-1, b'x'),
    RemoteIdOption(2 ** 32, b'x'),
    RemoteIdOption(9, 'x'),  # type: ignore[arg-type]
]

MALFORMED = [
    bytes.fromhex('0025 0000'),
    bytes.fromhex('0025 0003 000000'),  # truncated enterprise number
    bytes.fromhex('0025 0004 00000009'),  # empty remote-id
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
    assert RelayForwardMessage.may_contain(RemoteIdOption)
    assert RelayReplyMessage.may_contain(RemoteIdOption)
    assert not SolicitMessage.may_contain(RemoteIdOption)
