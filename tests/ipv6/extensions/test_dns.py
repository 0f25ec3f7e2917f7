"""Tests for :mod:`dhcpkit.ipv6.extensions.dns` (RFC 3646)."""
from ipaddress import IPv6Address

import pytest

from dhcpkit.ipv6.duids import EnterpriseDUID
from dhcpkit.ipv6.extensions.dns import DomainSearchListOption, RecursiveNameServersOption
from dhcpkit.ipv6.messages import (AdvertiseMessage, ConfirmMessage, InformationRequestMessage, ReconfigureMessage,
                                   RelayForwardMessage, ReplyMessage, SolicitMessage)
from dhcpkit.ipv6.option_base import Option
from dhcpkit.ipv6.options import ClientIdOption, ServerIdOption
from dhcpkit.protocol_element import ValidationError
from tests.strategies.dns import STRATEGIES
from tests.wire_checks import option_module_tests

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


# The standard tests of an option module, made from the tables above (tests/wire_checks.py)
(test_parse, test_save, test_validate, test_truncated, test_option_length_past_data, test_validate_invalid,
 test_malformed, test_roundtrip) = option_module_tests(CASES, INVALID, MALFORMED, STRATEGIES)


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
