"""Tests for :mod:`dhcpkit.ipv6.extensions.dslite` (RFC 6334)."""
from dhcpkit.ipv6.extensions.dslite import AFTRNameOption
from dhcpkit.ipv6.messages import AdvertiseMessage, ReplyMessage, SolicitMessage
from dhcpkit.ipv6.option_base import Option
from tests.strategies.dslite import STRATEGIES
from tests.wire_checks import option_module_tests

CASES = [
    (bytes.fromhex('0040 0012 0461667472 076578616d706c65 03636f6d 00'), AFTRNameOption('aftr.example.com')),
    (bytes.fromhex('0040 0006 0461667472 00'), AFTRNameOption('aftr')),
]

INVALID = [
    AFTRNameOption(''),
    AFTRNameOption('.'),
    AFTRNameOption('aftr..example.com'),
    AFTRNameOption('aftr example.com'),
    AFTRNameOption('a' * 64 + '.com'),
]

MALFORMED = [
    bytes.fromhex('0040 0000'),  # no name
    bytes.fromhex('0040 0005 0461667472'),  # no root label
    bytes.fromhex('0040 000c 0461667472 00 0461667472 00'),  # two names
    bytes.fromhex('0040 0007 0461667472 00 00'),  # a byte after the name
    bytes.fromhex('0040 0002 c000'),  # compression pointer
]


# The standard tests of an option module, made from the tables above (tests/wire_checks.py)
(test_parse, test_save, test_validate, test_truncated, test_option_length_past_data, test_validate_invalid,
 test_malformed, test_roundtrip) = option_module_tests(CASES, INVALID, MALFORMED, STRATEGIES)


def test_trailing_dot_saves_the_same() -> None:
    assert AFTRNameOption('aftr.').save() == AFTRNameOption('aftr').save()


def test_root_parses() -> None:
    # Only the root label is well-formed, so it parses and saves back; validate() rejects it
    data = bytes.fromhex('0040 0001 00')
    assert Option.parse(data) == (5, AFTRNameOption(''))
    assert AFTRNameOption('').save() == data


def test_messages() -> None:
    assert AdvertiseMessage.may_contain(AFTRNameOption)
    assert ReplyMessage.may_contain(AFTRNameOption)
    assert not SolicitMessage.may_contain(AFTRNameOption)
