"""Tests for :mod:`dhcpkit.ipv6.extensions.sntp` (RFC 4075)."""
from ipaddress import IPv6Address

from dhcpkit.ipv6.extensions.sntp import SNTPServersOption
from dhcpkit.ipv6.messages import (AdvertiseMessage, ConfirmMessage, InformationRequestMessage, ReplyMessage,
                                   SolicitMessage)
from tests.strategies.sntp import STRATEGIES
from tests.wire_checks import option_module_tests

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


# The standard tests of an option module, made from the tables above (tests/wire_checks.py)
(test_parse, test_save, test_validate, test_truncated, test_option_length_past_data, test_validate_invalid,
 test_malformed, test_roundtrip) = option_module_tests(CASES, INVALID, MALFORMED, STRATEGIES)


def test_messages() -> None:
    for message_class in (SolicitMessage, AdvertiseMessage, InformationRequestMessage, ReplyMessage):
        assert message_class.may_contain(SNTPServersOption)
    assert not ConfirmMessage.may_contain(SNTPServersOption)
