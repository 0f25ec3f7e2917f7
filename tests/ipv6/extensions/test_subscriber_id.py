"""Tests for :mod:`dhcpkit.ipv6.extensions.subscriber_id` (RFC 4580)."""
from dhcpkit.ipv6.extensions.subscriber_id import SubscriberIdOption
from dhcpkit.ipv6.messages import RelayForwardMessage, RelayReplyMessage, ReplyMessage
from tests.strategies.subscriber_id import STRATEGIES
from tests.wire_checks import option_module_tests

CASES = [
    (bytes.fromhex('0026 0001 ab'), SubscriberIdOption(b'\xab')),
    (bytes.fromhex('0026 0008') + b'customer', SubscriberIdOption(b'customer')),
]

INVALID = [
    SubscriberIdOption(b''),
    SubscriberIdOption('customer'),  # type: ignore[arg-type]
]

MALFORMED = [
    bytes.fromhex('0026 0000'),  # an empty subscriber-id
]


# The standard tests of an option module, made from the tables above (tests/wire_checks.py)
(test_parse, test_save, test_validate, test_truncated, test_option_length_past_data, test_validate_invalid,
 test_malformed, test_roundtrip) = option_module_tests(CASES, INVALID, MALFORMED, STRATEGIES)


def test_messages() -> None:
    assert RelayForwardMessage.may_contain(SubscriberIdOption)
    assert RelayReplyMessage.may_contain(SubscriberIdOption)
    assert not ReplyMessage.may_contain(SubscriberIdOption)
