"""Tests for :mod:`dhcpkit.ipv6.extensions.client_fqdn` (RFC 4704)."""
import pytest

from dhcpkit.ipv6.duids import LinkLayerDUID
from dhcpkit.ipv6.extensions.client_fqdn import FLAG_N, FLAG_O, FLAG_S, ClientFQDNOption
from dhcpkit.ipv6.messages import (AdvertiseMessage, ConfirmMessage, DeclineMessage, ReconfigureMessage,
                                   RelayForwardMessage, ReleaseMessage, ReplyMessage, SolicitMessage)
from dhcpkit.ipv6.option_base import Option
from dhcpkit.ipv6.options import ClientIdOption
from tests.strategies.client_fqdn import STRATEGIES
from tests.wire_checks import option_module_tests

CASES = [
    # Fully qualified: ends with the root label
    (bytes.fromhex('0027 0013 01 04686f7374 076578616d706c65 03636f6d 00'),
     ClientFQDNOption(FLAG_S, 'host.example.com.')),
    # Partial names: no root label
    (bytes.fromhex('0027 0006 00 04686f7374'), ClientFQDNOption(0, 'host')),
    (bytes.fromhex('0027 000e 03 04686f7374 076578616d706c65'), ClientFQDNOption(FLAG_S | FLAG_O, 'host.example')),
    # No name: the client asks the server to pick one
    (bytes.fromhex('0027 0001 04'), ClientFQDNOption(FLAG_N, '')),
    # Reserved bits are kept, and ignored
    (bytes.fromhex('0027 0001 f8'), ClientFQDNOption(0xf8, '')),
]

INVALID = [
    ClientFQDNOption(256, 'host'),
    ClientFQDNOption(-1, 'host'),
    ClientFQDNOption(0, 'host..example.'),
    ClientFQDNOption(0, None),  # type: ignore[arg-type]
    ClientFQDNOption(0, 'a' * 64),
    ClientFQDNOption(0, 'caf\u00e9.example.'),
]

MALFORMED = [
    bytes.fromhex('0027 0000'),  # no flags
    bytes.fromhex('0027 0003 00 0561'),  # label runs past the option
    bytes.fromhex('0027 0004 00 00 0161'),  # data after the root label
    bytes.fromhex('0027 0003 00 c00c'),  # compression pointer
    bytes.fromhex('0027 0003 00 01 2e'),  # a dot inside a label
]


# The standard tests of an option module, made from the tables above (tests/wire_checks.py)
(test_parse, test_save, test_validate, test_truncated, test_option_length_past_data, test_validate_invalid,
 test_malformed, test_roundtrip) = option_module_tests(CASES, INVALID, MALFORMED, STRATEGIES)


def test_root_parses() -> None:
    # Only the root label is well-formed, so it parses (as '.') and saves back
    data = bytes.fromhex('0027 0002 00 00')
    assert Option.parse(data) == (6, ClientFQDNOption(0, '.'))
    assert ClientFQDNOption(0, '.').save() == data


@pytest.mark.parametrize('option', [
    ClientFQDNOption(0, '.'),
    ClientFQDNOption(0, 'ho st'),
    ClientFQDNOption(0, "John's-PC-"),
    ClientFQDNOption(FLAG_N | FLAG_S, 'host'),
])
def test_names_and_flags_a_server_ignores_are_valid(option: ClientFQDNOption) -> None:
    # The server may use, change or replace the client's name (RFC 4704 section 6): the message stays usable
    option.validate()
    SolicitMessage(b'abc', [ClientIdOption(LinkLayerDUID(1, bytes(6))), option]).validate()


def test_label_ending_in_zero_byte_stays_partial() -> None:
    # A partial name whose last label ends with a 0 byte must not be mistaken for a fully qualified name
    data = bytes.fromhex('0027 0004 00 02 6100')
    assert Option.parse(data) == (8, ClientFQDNOption(0, 'a\x00'))
    assert ClientFQDNOption(0, 'a\x00').save() == data


def test_fully_qualified() -> None:
    assert ClientFQDNOption(0, 'host.example.com.').fully_qualified
    assert not ClientFQDNOption(0, 'host').fully_qualified
    assert not ClientFQDNOption(0, '').fully_qualified


def test_flag_properties() -> None:
    option = ClientFQDNOption(0xf0)
    assert not option.server_aaaa_update and not option.server_aaaa_override and not option.no_server_dns_update
    option.server_aaaa_update = True
    assert option.flags == 0xf0 | FLAG_S
    option.server_aaaa_override = True
    assert option.flags == 0xf0 | FLAG_S | FLAG_O
    option.server_aaaa_update = False
    option.no_server_dns_update = True
    assert option.flags == 0xf0 | FLAG_O | FLAG_N
    assert option.server_aaaa_override and option.no_server_dns_update and not option.server_aaaa_update
    option.server_aaaa_override = False
    option.no_server_dns_update = False
    assert option.flags == 0xf0


def test_messages() -> None:
    for message_class in (SolicitMessage, AdvertiseMessage, ReplyMessage):
        assert message_class.may_contain(ClientFQDNOption)
    # Not for RFC 4704, but real clients send it there and the server ignores it (see client_fqdn.py)
    for message_class in (ConfirmMessage, ReleaseMessage, DeclineMessage):
        assert message_class.may_contain(ClientFQDNOption)
    assert not RelayForwardMessage.may_contain(ClientFQDNOption)
    assert not ReconfigureMessage.may_contain(ClientFQDNOption)
