"""Tests for DHCPv4 over DHCPv6 (RFC 7341, :mod:`dhcpkit.ipv6.extensions.dhcpv4_over_dhcpv6`)."""
from ipaddress import IPv6Address

import pytest

from dhcpkit.ipv6.duids import LinkLayerDUID
from dhcpkit.ipv6.extensions.dhcpv4_over_dhcpv6 import (DHCPV4_QUERY_FLAG_UNICAST, OPTION_DHCP4_O_DHCP6_SERVER,
                                                        DHCP4o6ServerAddressOption, DHCPv4MessageOption,
                                                        DHCPv4QueryMessage, DHCPv4ResponseMessage)
from dhcpkit.ipv6.messages import (InformationRequestMessage, Message, RelayForwardMessage, ReplyMessage,
                                   SolicitMessage)
from dhcpkit.ipv6.option_base import Option
from dhcpkit.ipv6.options import (ClientIdOption, InterfaceIdOption, OptionRequestOption, RelayMessageOption,
                                  ServerIdOption)
from dhcpkit.protocol_element import MalformedInputError, ProtocolElement, ValidationError
from tests.strategies.dhcpv4_over_dhcpv6 import STRATEGIES
from tests.wire_checks import (assert_invalid, assert_malformed, assert_prefixes_malformed, assert_strategy_round_trips,
                               message_table_tests, option_table_tests)

#: A DHCPv4 DHCPDISCOVER: the BOOTP header (RFC 2131 section 2), the magic cookie, message type 1 and the end option
DISCOVER = (bytes.fromhex('01 01 06 00 3903f326 0000 8000 00000000 00000000 00000000 00000000 00163e123456')
            + bytes(10 + 64 + 128) + bytes.fromhex('63825363 350101 ff'))

MESSAGE_OPTION_WIRE = bytes.fromhex('0057') + len(DISCOVER).to_bytes(2, 'big') + DISCOVER
MESSAGE_OPTION = DHCPv4MessageOption(DISCOVER)

SERVERS_WIRE = bytes.fromhex('0058 0020 20010db8000000000000000000000001 20010db8000000000000000000000002')
SERVERS = DHCP4o6ServerAddressOption([IPv6Address('2001:db8::1'), IPv6Address('2001:db8::2')])

OPTION_CASES = [
    (MESSAGE_OPTION_WIRE, MESSAGE_OPTION),
    (bytes.fromhex('0057 0001 01'), DHCPv4MessageOption(b'\x01')),
    (SERVERS_WIRE, SERVERS),
    (bytes.fromhex('0058 0000'), DHCP4o6ServerAddressOption([])),
]

QUERY_WIRE = bytes.fromhex('14 800000') + MESSAGE_OPTION_WIRE
QUERY = DHCPv4QueryMessage(DHCPV4_QUERY_FLAG_UNICAST, [MESSAGE_OPTION])
RESPONSE_WIRE = bytes.fromhex('15 000000') + MESSAGE_OPTION_WIRE
RESPONSE = DHCPv4ResponseMessage(0, [MESSAGE_OPTION])

MESSAGE_CASES = [
    (QUERY_WIRE, QUERY),
    (bytes.fromhex('14 000000 0057 0001 ff'), DHCPv4QueryMessage(0, [DHCPv4MessageOption(b'\xff')])),
    # Flags that are not defined are kept, so that the message saves back the same
    (bytes.fromhex('14 7fffff 0057 0001 ff'), DHCPv4QueryMessage(0x7fffff, [DHCPv4MessageOption(b'\xff')])),
    (RESPONSE_WIRE, RESPONSE),
    (bytes.fromhex('15 123456 0057 0001 ff'), DHCPv4ResponseMessage(0x123456, [DHCPv4MessageOption(b'\xff')])),
]


# The checks every option table gets (tests/wire_checks.py)
test_option_parse, test_option_save, test_option_valid, test_option_truncated, test_option_length_past_data = (
    option_table_tests(OPTION_CASES))


@pytest.mark.parametrize('data', [
    '0057 0000',
    '0058 000f 20010db80000000000000000000000',
    '0058 0011 20010db800000000000000000000000100',
    '0058 0001 00',
])
def test_option_malformed(data: str) -> None:
    assert_malformed(Option, bytes.fromhex(data))


@pytest.mark.parametrize('option', [
    DHCPv4MessageOption(b''),
    DHCPv4MessageOption('DHCPDISCOVER'),  # type: ignore[arg-type]
    DHCPv4MessageOption(bytes(65536)),
    DHCP4o6ServerAddressOption([IPv6Address('ff02::1:2')]),
    DHCP4o6ServerAddressOption([IPv6Address('::')]),
    DHCP4o6ServerAddressOption(['2001:db8::1']),  # type: ignore[list-item]
    DHCP4o6ServerAddressOption(IPv6Address('2001:db8::1')),  # type: ignore[arg-type]
])
def test_option_invalid(option: Option) -> None:
    assert_invalid(option)


# The checks every message table gets (tests/wire_checks.py)
test_message_parse, test_message_save, test_message_valid = message_table_tests(MESSAGE_CASES)


@pytest.mark.parametrize('data, message', MESSAGE_CASES)
def test_message_truncated(data: bytes, message: Message) -> None:
    # A message uses all the bytes it gets, so cutting it at the end of its header leaves a message without
    # options; every other cut is malformed
    assert_prefixes_malformed(Message, data, whole={4})
    assert Message.parse(data[:4]) == (4, type(message)(message.flags, []))  # type: ignore[attr-defined,call-arg]


@pytest.mark.parametrize('data', [
    '14',
    '14 0000',
    '14 000000 0057 0002 ff',
    '15 000000 0057 0000',
    '15 000000 0057 0001 ff 00',
])
def test_message_malformed(data: str) -> None:
    assert_malformed(Message, bytes.fromhex(data))


def test_message_length_shorter_than_options() -> None:
    with pytest.raises(MalformedInputError):
        Message.parse(QUERY_WIRE, length=len(QUERY_WIRE) - 1)


def test_message_wrong_type() -> None:
    with pytest.raises(MalformedInputError):
        DHCPv4QueryMessage.parse(RESPONSE_WIRE)
    with pytest.raises(MalformedInputError):
        DHCPv4QueryMessage().load_from(RESPONSE_WIRE)


@pytest.mark.parametrize('message', [
    DHCPv4QueryMessage(0x1000000, [MESSAGE_OPTION]),
    DHCPv4QueryMessage(-1, [MESSAGE_OPTION]),
    DHCPv4QueryMessage(True, [MESSAGE_OPTION]),
    DHCPv4QueryMessage(0, []),
    DHCPv4QueryMessage(0, [MESSAGE_OPTION, MESSAGE_OPTION]),
    DHCPv4QueryMessage(0, [MESSAGE_OPTION, ClientIdOption(LinkLayerDUID(1, b'\x00\x16\x3e\x12\x34\x56'))]),
    DHCPv4QueryMessage(0, [DHCPv4MessageOption(b'')]),
    DHCPv4ResponseMessage(0, [MESSAGE_OPTION, SERVERS]),
    DHCPv4ResponseMessage(0, None),
    DHCPv4ResponseMessage(0, MESSAGE_OPTION),  # type: ignore[arg-type]
])
def test_message_invalid(message: Message) -> None:
    assert_invalid(message)


@pytest.mark.parametrize('message', [DHCPv4QueryMessage(0x1000000, []), DHCPv4QueryMessage(-1, []),
                                     DHCPv4ResponseMessage(0, [None])])  # type: ignore[list-item]
def test_message_unsavable(message: Message) -> None:
    with pytest.raises(ValidationError):
        message.save()


def test_directions() -> None:
    assert DHCPv4QueryMessage.from_client_to_server and not DHCPv4QueryMessage.from_server_to_client
    assert DHCPv4ResponseMessage.from_server_to_client and not DHCPv4ResponseMessage.from_client_to_server


def test_get_option_of_type() -> None:
    assert QUERY.get_option_of_type(DHCPv4MessageOption) is MESSAGE_OPTION
    assert QUERY.get_options_of_type(DHCP4o6ServerAddressOption) == []


def test_relayed_query() -> None:
    relayed = RelayForwardMessage(0, IPv6Address('2001:db8::1'), IPv6Address('fe80::1'),
                                  [InterfaceIdOption(b'eth0'), RelayMessageOption(QUERY)])
    relayed.validate()
    used, parsed = Message.parse(relayed.save())
    assert parsed == relayed
    assert isinstance(parsed, RelayForwardMessage) and parsed.inner_message == QUERY


CLIENT_ID = ClientIdOption(LinkLayerDUID(1, b'\x00\x16\x3e\x12\x34\x56'))
SERVER_ID = ServerIdOption(LinkLayerDUID(1, b'\x00\x16\x3e\x65\x43\x21'))


def test_server_addresses_in_reply() -> None:
    request = InformationRequestMessage(b'xyz', [CLIENT_ID, OptionRequestOption([OPTION_DHCP4_O_DHCP6_SERVER])])
    request.validate()
    reply = ReplyMessage(b'xyz', [CLIENT_ID, SERVER_ID, DHCP4o6ServerAddressOption([])])
    reply.validate()
    assert Message.parse(reply.save())[1] == reply
    with pytest.raises(ValidationError):
        ReplyMessage(b'xyz', [CLIENT_ID, SERVER_ID, SERVERS, SERVERS]).validate()
    with pytest.raises(ValidationError):
        SolicitMessage(b'xyz', [CLIENT_ID, SERVERS]).validate()


@pytest.mark.parametrize('element_class', sorted(STRATEGIES, key=lambda klass: klass.__name__))
def test_roundtrip(element_class: type[ProtocolElement]) -> None:
    assert_strategy_round_trips(element_class, STRATEGIES[element_class])


def test_every_class_has_a_strategy() -> None:
    assert set(STRATEGIES) == {DHCPv4MessageOption, DHCP4o6ServerAddressOption, DHCPv4QueryMessage,
                               DHCPv4ResponseMessage}
