"""Tests for :mod:`dhcpkit.ipv6.extensions.sol_max_rt` (RFC 8415 sections 21.24 and 21.25)."""
from dhcpkit.ipv6.extensions.sol_max_rt import InfMaxRTOption, SolMaxRTOption
from dhcpkit.ipv6.messages import AdvertiseMessage, InformationRequestMessage, ReplyMessage, SolicitMessage
from dhcpkit.ipv6.option_base import Option
from tests.strategies.sol_max_rt import STRATEGIES
from tests.wire_checks import option_module_tests

CASES = [
    (bytes.fromhex('0052 0004 00000e10'), SolMaxRTOption(3600)),
    (bytes.fromhex('0052 0004 0000003c'), SolMaxRTOption(60)),
    (bytes.fromhex('0053 0004 00015180'), InfMaxRTOption(86400)),
]

INVALID = [
    SolMaxRTOption(59),
    SolMaxRTOption(86401),
    SolMaxRTOption(True),
    InfMaxRTOption(0),
    InfMaxRTOption(2 ** 32 - 1),
    InfMaxRTOption('3600'),  # type: ignore[arg-type]
]

MALFORMED = [
    bytes.fromhex('0052 0002 0e10'),
    bytes.fromhex('0053 0005 0000000e10'),
]


# The standard tests of an option module, made from the tables above (tests/wire_checks.py)
(test_parse, test_save, test_validate, test_truncated, test_option_length_past_data, test_validate_invalid,
 test_malformed, test_roundtrip) = option_module_tests(CASES, INVALID, MALFORMED, STRATEGIES)


def test_out_of_range_parses() -> None:
    # Range is semantics: a value of 0 is well-formed, parses and saves back, and only validate() rejects it
    data = bytes.fromhex('0052 0004 00000000')
    assert Option.parse(data) == (8, SolMaxRTOption(0))
    assert SolMaxRTOption(0).save() == data


def test_messages() -> None:
    for option_class in (SolMaxRTOption, InfMaxRTOption):
        assert AdvertiseMessage.may_contain(option_class)
        assert ReplyMessage.may_contain(option_class)
        assert not SolicitMessage.may_contain(option_class)
        assert not InformationRequestMessage.may_contain(option_class)
