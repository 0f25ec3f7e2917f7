"""Tests for :mod:`dhcpkit.ipv6.extensions.sip_servers` (RFC 3319)."""
from ipaddress import IPv6Address

from dhcpkit.ipv6.extensions.sip_servers import SIPServersAddressListOption, SIPServersDomainNameListOption
from dhcpkit.ipv6.messages import AdvertiseMessage, ReplyMessage, SolicitMessage
from tests.strategies.sip_servers import STRATEGIES
from tests.wire_checks import option_module_tests

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


# The standard tests of an option module, made from the tables above (tests/wire_checks.py)
(test_parse, test_save, test_validate, test_truncated, test_option_length_past_data, test_validate_invalid,
 test_malformed, test_roundtrip) = option_module_tests(CASES, INVALID, MALFORMED, STRATEGIES)


def test_messages() -> None:
    for option_class in (SIPServersDomainNameListOption, SIPServersAddressListOption):
        assert AdvertiseMessage.may_contain(option_class)
        assert ReplyMessage.may_contain(option_class)
        assert not SolicitMessage.may_contain(option_class)
