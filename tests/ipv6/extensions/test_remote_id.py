"""Tests for :mod:`dhcpkit.ipv6.extensions.remote_id` (RFC 4649)."""
from dhcpkit.ipv6.extensions.remote_id import RemoteIdOption
from dhcpkit.ipv6.messages import RelayForwardMessage, RelayReplyMessage, SolicitMessage
from tests.strategies.remote_id import STRATEGIES
from tests.wire_checks import option_module_tests

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


# The standard tests of an option module, made from the tables above (tests/wire_checks.py)
(test_parse, test_save, test_validate, test_truncated, test_option_length_past_data, test_validate_invalid,
 test_malformed, test_roundtrip) = option_module_tests(CASES, INVALID, MALFORMED, STRATEGIES)


def test_messages() -> None:
    assert RelayForwardMessage.may_contain(RemoteIdOption)
    assert RelayReplyMessage.may_contain(RemoteIdOption)
    assert not SolicitMessage.may_contain(RemoteIdOption)
