"""Tests for :mod:`dhcpkit.ipv6.extensions.ntp` (RFC 5908)."""
from ipaddress import IPv6Address

import pytest

from dhcpkit.ipv6.extensions.dns import RecursiveNameServersOption
from dhcpkit.ipv6.extensions.ntp import (NTPMulticastAddressSubOption, NTPServerAddressSubOption,
                                         NTPServerFQDNSubOption, NTPServersOption, NTPSubOption, UnknownNTPSubOption)
from dhcpkit.ipv6.messages import AdvertiseMessage, ReplyMessage, SolicitMessage
from dhcpkit.ipv6.option_base import Option
from tests.strategies.ntp import STRATEGIES
from tests.wire_checks import assert_parses, assert_prefixes_malformed, assert_saves, option_module_tests

SERVER = IPv6Address('2001:db8::123')
GROUP = IPv6Address('ff05::101')

CASES = [
    (bytes.fromhex('0038 0014 0001 0010 20010db8000000000000000000000123'),
     NTPServersOption([NTPServerAddressSubOption(SERVER)])),
    (bytes.fromhex('0038 0014 0002 0010 ff050000000000000000000000000101'),
     NTPServersOption([NTPMulticastAddressSubOption(GROUP)])),
    (bytes.fromhex('0038 0015 0003 0011 036e7470 076578616d706c65 03636f6d 00'),
     NTPServersOption([NTPServerFQDNSubOption('ntp.example.com')])),
    # A sub-option from the future is kept as it is
    (bytes.fromhex('0038 001a 0001 0010 20010db8000000000000000000000123 0063 0002 abcd'),
     NTPServersOption([NTPServerAddressSubOption(SERVER), UnknownNTPSubOption(99, b'\xab\xcd')])),
    (bytes.fromhex('0038 0006 0063 0002 abcd'), NTPServersOption([UnknownNTPSubOption(99, b'\xab\xcd')])),
]

SUB_CASES = [
    (bytes.fromhex('0001 0010 20010db8000000000000000000000123'), NTPServerAddressSubOption(SERVER)),
    (bytes.fromhex('0002 0010 ff050000000000000000000000000101'), NTPMulticastAddressSubOption(GROUP)),
    (bytes.fromhex('0003 0005 036e7470 00'), NTPServerFQDNSubOption('ntp')),
    (bytes.fromhex('0000 0000'), UnknownNTPSubOption(0, b'')),
]

INVALID = [
    NTPServersOption([]),
    NTPServersOption([NTPServerAddressSubOption(SERVER), NTPServerFQDNSubOption('ntp.example.com')]),
    NTPServersOption([NTPServerAddressSubOption(SERVER), NTPServerAddressSubOption(SERVER)]),
    NTPServersOption([NTPServerAddressSubOption(GROUP)]),
    NTPServersOption([NTPServerAddressSubOption(IPv6Address('::'))]),
    NTPServersOption([NTPMulticastAddressSubOption(SERVER)]),
    NTPServersOption([NTPServerFQDNSubOption('')]),
    NTPServersOption([NTPServerFQDNSubOption('ntp..example.com')]),
    NTPServersOption([RecursiveNameServersOption([SERVER])]),
    NTPServersOption([NTPServerAddressSubOption('2001:db8::123')]),  # type: ignore[arg-type]
    NTPServersOption([UnknownNTPSubOption(0x10000, b'')]),
]

MALFORMED = [
    bytes.fromhex('0038 0006 0001 0010 0000'),  # sub-option runs past the option
    bytes.fromhex('0038 0002 0001'),  # truncated sub-option header
    bytes.fromhex('0038 0013 0001 000f 20010db80000000000000000000001'),  # 15-byte address
    bytes.fromhex('0038 0015 0001 0011 20010db8000000000000000000000123 00'),  # 17-byte address
    bytes.fromhex('0038 000a 0003 0006 036e7470 00 00'),  # a byte after the name
    bytes.fromhex('0038 0008 0003 0004 036e7470'),  # no root label
]


# The standard tests of an option module, made from the tables above (tests/wire_checks.py)
(test_parse, test_save, test_validate, test_truncated, test_option_length_past_data, test_validate_invalid,
 test_malformed, test_roundtrip) = option_module_tests(CASES, INVALID, MALFORMED, STRATEGIES)


@pytest.mark.parametrize('data, option', SUB_CASES)
def test_sub_option_parse(data: bytes, option: Option) -> None:
    assert_parses(NTPSubOption, data, option)
    assert_saves(option, data)


@pytest.mark.parametrize('data, option', SUB_CASES)
def test_sub_option_truncated(data: bytes, option: Option) -> None:
    assert_prefixes_malformed(NTPSubOption, data)


def test_own_option_space() -> None:
    # Code 1 is the Client Identifier among options, but the server address among NTP sub-options
    assert isinstance(NTPSubOption.parse(SUB_CASES[0][0])[1], NTPServerAddressSubOption)
    assert not isinstance(Option.parse(SUB_CASES[0][0])[1], NTPSubOption)
    assert NTPServersOption.option_space is NTPSubOption
    assert NTPSubOption.unknown_class() is UnknownNTPSubOption
    assert isinstance(NTPSubOption.parse(bytes.fromhex('0017 0000'))[1], UnknownNTPSubOption)


def test_empty_parses() -> None:
    # Well-formed, so it parses and saves back; validate() rejects it for lack of a sub-option
    data = bytes.fromhex('0038 0000')
    assert Option.parse(data) == (4, NTPServersOption([]))
    assert NTPServersOption().save() == data


def test_messages() -> None:
    assert AdvertiseMessage.may_contain(NTPServersOption)
    assert ReplyMessage.may_contain(NTPServersOption)
    assert not SolicitMessage.may_contain(NTPServersOption)
