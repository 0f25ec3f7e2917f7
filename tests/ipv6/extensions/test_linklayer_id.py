"""Tests for :mod:`dhcpkit.ipv6.extensions.linklayer_id` (RFC 6939)."""
from dhcpkit.ipv6.extensions.linklayer_id import ClientLinkLayerAddressOption
from dhcpkit.ipv6.messages import RelayForwardMessage, RelayReplyMessage, SolicitMessage
from dhcpkit.ipv6.option_base import Option
from tests.strategies.linklayer_id import STRATEGIES
from tests.wire_checks import option_module_tests

CASES = [
    (bytes.fromhex('004f 0008 0001 00163e123456'), ClientLinkLayerAddressOption(1, bytes.fromhex('00163e123456'))),
    (bytes.fromhex('004f 0003 0020 07'), ClientLinkLayerAddressOption(32, b'\x07')),
]

INVALID = [
    ClientLinkLayerAddressOption(1, b''),
    ClientLinkLayerAddressOption(0x10000, b'\x00'),
    ClientLinkLayerAddressOption(1, '00:16:3e:12:34:56'),  # type: ignore[arg-type]
]

MALFORMED = [
    bytes.fromhex('004f 0000'),
    bytes.fromhex('004f 0001 00'),  # truncated link-layer type
]


# The standard tests of an option module, made from the tables above (tests/wire_checks.py)
(test_parse, test_save, test_validate, test_truncated, test_option_length_past_data, test_validate_invalid,
 test_malformed, test_roundtrip) = option_module_tests(CASES, INVALID, MALFORMED, STRATEGIES)


def test_empty_address_parses() -> None:
    # Well-formed (RFC 6939 sets no minimum on the wire), so it parses and saves back; validate() rejects it
    data = bytes.fromhex('004f 0002 0001')
    assert Option.parse(data) == (6, ClientLinkLayerAddressOption(1, b''))
    assert ClientLinkLayerAddressOption(1, b'').save() == data


def test_messages() -> None:
    assert RelayForwardMessage.may_contain(ClientLinkLayerAddressOption)
    assert not RelayReplyMessage.may_contain(ClientLinkLayerAddressOption)
    assert not SolicitMessage.may_contain(ClientLinkLayerAddressOption)
