"""Tests for :mod:`dhcpkit.ipv6.extensions.relay_echo_request` (RFC 4994)."""
from dhcpkit.ipv6.extensions.relay_echo_request import EchoRequestOption
from dhcpkit.ipv6.messages import RelayForwardMessage, RelayReplyMessage, SolicitMessage
from tests.strategies.relay_echo_request import STRATEGIES
from tests.wire_checks import option_module_tests

CASES = [
    (bytes.fromhex('002b 0000'), EchoRequestOption([])),
    (bytes.fromhex('002b 0004 0025 0026'), EchoRequestOption([37, 38])),
]

INVALID = [
    EchoRequestOption([0x10000]),
    EchoRequestOption([-1]),
    EchoRequestOption((37, 38)),  # type: ignore[arg-type]
]

MALFORMED = [
    bytes.fromhex('002b 0003 002500'),  # odd length
]


# The standard tests of an option module, made from the tables above (tests/wire_checks.py)
(test_parse, test_save, test_validate, test_truncated, test_option_length_past_data, test_validate_invalid,
 test_malformed, test_roundtrip) = option_module_tests(CASES, INVALID, MALFORMED, STRATEGIES)


def test_messages() -> None:
    assert RelayForwardMessage.may_contain(EchoRequestOption)
    assert not RelayReplyMessage.may_contain(EchoRequestOption)
    assert not SolicitMessage.may_contain(EchoRequestOption)
