"""Tests for :mod:`dhcpkit.ipv6.extensions.timezone` (RFC 4833)."""
from dhcpkit.ipv6.extensions.timezone import PosixTimezoneOption, TZDBTimezoneOption
from dhcpkit.ipv6.messages import AdvertiseMessage, ReplyMessage, SolicitMessage
from tests.strategies.timezone import STRATEGIES
from tests.wire_checks import option_module_tests

CASES = [
    (bytes.fromhex('0029 001a') + b'CET-1CEST,M3.5.0,M10.5.0/3', PosixTimezoneOption('CET-1CEST,M3.5.0,M10.5.0/3')),
    (bytes.fromhex('002a 000d') + b'Europe/Zurich', TZDBTimezoneOption('Europe/Zurich')),
]

INVALID = [
    PosixTimezoneOption(''),
    PosixTimezoneOption('CET\x00'),
    TZDBTimezoneOption('Europe/Zürich'),
    TZDBTimezoneOption(b'Europe/Zurich'),  # type: ignore[arg-type]
]

MALFORMED = [
    bytes.fromhex('002a 0003 5a80c3'),  # not ASCII
]


# The standard tests of an option module, made from the tables above (tests/wire_checks.py)
(test_parse, test_save, test_validate, test_truncated, test_option_length_past_data, test_validate_invalid,
 test_malformed, test_roundtrip) = option_module_tests(CASES, INVALID, MALFORMED, STRATEGIES)


def test_messages() -> None:
    for option_class in (PosixTimezoneOption, TZDBTimezoneOption):
        assert AdvertiseMessage.may_contain(option_class)
        assert ReplyMessage.may_contain(option_class)
        assert not SolicitMessage.may_contain(option_class)
