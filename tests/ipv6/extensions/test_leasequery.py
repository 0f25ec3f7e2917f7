"""Tests for Leasequery (RFC 5007, RFC 5460, RFC 7653; :mod:`dhcpkit.ipv6.extensions.leasequery`)."""
from ipaddress import IPv6Address, IPv6Network

import pytest

from dhcpkit.ipv6.duids import EnterpriseDUID, LinkLayerDUID
from dhcpkit.ipv6.extensions.leasequery import (MSG_LEASEQUERY, MSG_LEASEQUERY_DATA, MSG_LEASEQUERY_DONE,
                                                MSG_LEASEQUERY_REPLY, QUERY_BY_ADDRESS, QUERY_BY_CLIENTID,
                                                QUERY_BY_LINK_ADDRESS, QUERY_BY_RELAY_ID, QUERY_BY_REMOTE_ID,
                                                STATUS_CATCHUPCOMPLETE, STATUS_DATAMISSING, STATUS_MALFORMEDQUERY,
                                                STATUS_NOTALLOWED, STATUS_NOTCONFIGURED, STATUS_NOTSUPPORTED,
                                                STATUS_QUERYTERMINATED, STATUS_TLSCONNECTIONREFUSED,
                                                STATUS_UNKNOWNQUERYTYPE, CLTTimeOption, ClientDataOption,
                                                LeasequeryDataMessage, LeasequeryDoneMessage, LeasequeryMessage,
                                                LeasequeryReplyMessage, LQClientLinkOption, LQQueryOption,
                                                LQRelayDataOption, RelayIdOption)
from dhcpkit.ipv6.extensions.prefix_delegation import IAPrefixOption
from dhcpkit.ipv6.extensions.remote_id import RemoteIdOption
from dhcpkit.ipv6.messages import Message, RelayForwardMessage, SolicitMessage, UnknownMessage
from dhcpkit.ipv6.option_base import Option
from dhcpkit.ipv6.options import (ClientIdOption, IAAddressOption, IANAOption, InterfaceIdOption,
                                  OptionRequestOption, RelayMessageOption, ServerIdOption, StatusCodeOption)
from dhcpkit.protocol_element import MalformedInputError, ProtocolElement, ValidationError
from tests.strategies.leasequery import STRATEGIES
from tests.wire_checks import (assert_invalid, assert_malformed, assert_prefixes_malformed, assert_strategy_round_trips,
                               message_table_tests, option_table_tests)


def option_wire(code: int, data: bytes) -> bytes:
    """Build an option from its code and data."""
    return code.to_bytes(2, 'big') + len(data).to_bytes(2, 'big') + data


CLIENT_ID_WIRE = bytes.fromhex('0001 000a 0003 0001 00163e123456')
CLIENT_ID = ClientIdOption(LinkLayerDUID(1, bytes.fromhex('00163e123456')))
REQUESTOR_ID_WIRE = bytes.fromhex('0001 000a 0003 0001 00163eaaaaaa')
REQUESTOR_ID = ClientIdOption(LinkLayerDUID(1, bytes.fromhex('00163eaaaaaa')))
SERVER_ID_WIRE = bytes.fromhex('0002 000a 0003 0001 00163ebbbbbb')
SERVER_ID = ServerIdOption(LinkLayerDUID(1, bytes.fromhex('00163ebbbbbb')))

RELAY_ID_WIRE = bytes.fromhex('0035 000c 0002 00000009') + b'relay1'
RELAY_ID = RelayIdOption(EnterpriseDUID(9, b'relay1'))
REMOTE_ID_WIRE = bytes.fromhex('0025 000d 00000009') + b'circuit-1'
REMOTE_ID = RemoteIdOption(9, b'circuit-1')

IAADDR_WIRE = bytes.fromhex('0005 0018 20010db8000100000000000000000100 00000e10 00001c20')
IAADDR = IAAddressOption(IPv6Address('2001:db8:1::100'), 3600, 7200)
IAPREFIX_WIRE = bytes.fromhex('001a 0019 00000e10 00001c20 38 20010db8010000000000000000000000')
IAPREFIX = IAPrefixOption(IPv6Network('2001:db8:100::/56'), 3600, 7200)
ORO_WIRE = bytes.fromhex('0006 0004 0017 0018')
ORO = OptionRequestOption([23, 24])

LINK = IPv6Address('2001:db8:1::1')
LINK_PACKED = LINK.packed

QUERY_BY_ADDRESS_WIRE = option_wire(44, b'\x01' + bytes(16) + IAADDR_WIRE)
QUERY_BY_ADDRESS_OPTION = LQQueryOption(QUERY_BY_ADDRESS, IPv6Address('::'), [IAADDR])

CLT_TIME_WIRE = bytes.fromhex('002e 0004 00000e10')
CLT_TIME = CLTTimeOption(3600)

SOLICIT_WIRE = bytes.fromhex('01 616263') + CLIENT_ID_WIRE
RELAY_FORWARD_WIRE = (bytes.fromhex('0c 00') + LINK_PACKED + IPv6Address('fe80::abcd').packed
                      + bytes.fromhex('0012 0004') + b'eth0' + option_wire(9, SOLICIT_WIRE))
RELAY_FORWARD = RelayForwardMessage(0, LINK, IPv6Address('fe80::abcd'),
                                    [InterfaceIdOption(b'eth0'),
                                     RelayMessageOption(SolicitMessage(b'abc', [CLIENT_ID]))])
RELAY_DATA_WIRE = option_wire(47, IPv6Address('2001:db8::ff').packed + RELAY_FORWARD_WIRE)
RELAY_DATA = LQRelayDataOption(IPv6Address('2001:db8::ff'), RELAY_FORWARD)

CLIENT_DATA_WIRE = option_wire(45, CLIENT_ID_WIRE + IAADDR_WIRE + IAPREFIX_WIRE + CLT_TIME_WIRE)
CLIENT_DATA = ClientDataOption([CLIENT_ID, IAADDR, IAPREFIX, CLT_TIME])

CLIENT_LINK_WIRE = bytes.fromhex('0030 0020 20010db8000100000000000000000001 20010db8000200000000000000000001')
CLIENT_LINK = LQClientLinkOption([LINK, IPv6Address('2001:db8:2::1')])

OPTION_CASES = [
    (QUERY_BY_ADDRESS_WIRE, QUERY_BY_ADDRESS_OPTION),
    (option_wire(44, b'\x02' + LINK_PACKED + CLIENT_ID_WIRE + ORO_WIRE),
     LQQueryOption(QUERY_BY_CLIENTID, LINK, [CLIENT_ID, ORO])),
    (option_wire(44, b'\x03' + bytes(16) + RELAY_ID_WIRE), LQQueryOption(QUERY_BY_RELAY_ID, options=[RELAY_ID])),
    (option_wire(44, b'\x04' + LINK_PACKED), LQQueryOption(QUERY_BY_LINK_ADDRESS, LINK)),
    (option_wire(44, b'\x05' + bytes(16) + REMOTE_ID_WIRE), LQQueryOption(QUERY_BY_REMOTE_ID, options=[REMOTE_ID])),
    # A query type this library does not know is still a well-formed query: the server answers UnknownQueryType
    (option_wire(44, b'\xc8' + bytes(16)), LQQueryOption(200)),
    (CLIENT_DATA_WIRE, CLIENT_DATA),
    (option_wire(45, CLT_TIME_WIRE + CLIENT_ID_WIRE + RELAY_DATA_WIRE),
     ClientDataOption([CLT_TIME, CLIENT_ID, RELAY_DATA])),
    (CLT_TIME_WIRE, CLT_TIME),
    (bytes.fromhex('002e 0004 ffffffff'), CLTTimeOption(0xffffffff)),
    (RELAY_DATA_WIRE, RELAY_DATA),
    (CLIENT_LINK_WIRE, CLIENT_LINK),
    (RELAY_ID_WIRE, RELAY_ID),
    (bytes.fromhex('0035 000a 0003 0001 00163ecccccc'), RelayIdOption(LinkLayerDUID(1, bytes.fromhex('00163ecccccc')))),
]

TRANSACTION_ID = bytes.fromhex('a1b2c3')
LEASEQUERY_WIRE = bytes.fromhex('0e a1b2c3') + REQUESTOR_ID_WIRE + QUERY_BY_ADDRESS_WIRE
LEASEQUERY = LeasequeryMessage(TRANSACTION_ID, [REQUESTOR_ID, QUERY_BY_ADDRESS_OPTION])
REPLY_WIRE = bytes.fromhex('0f a1b2c3') + REQUESTOR_ID_WIRE + SERVER_ID_WIRE + CLIENT_DATA_WIRE + RELAY_DATA_WIRE
REPLY = LeasequeryReplyMessage(TRANSACTION_ID, [REQUESTOR_ID, SERVER_ID, CLIENT_DATA, RELAY_DATA])

MESSAGE_CASES = [
    (LEASEQUERY_WIRE, LEASEQUERY),
    (REPLY_WIRE, REPLY),
    (bytes.fromhex('0f a1b2c3') + REQUESTOR_ID_WIRE + SERVER_ID_WIRE + CLIENT_LINK_WIRE,
     LeasequeryReplyMessage(TRANSACTION_ID, [REQUESTOR_ID, SERVER_ID, CLIENT_LINK])),
    (bytes.fromhex('0f a1b2c3') + SERVER_ID_WIRE + REQUESTOR_ID_WIRE + bytes.fromhex('000d 0006 0007') + b'huh?',
     LeasequeryReplyMessage(TRANSACTION_ID, [SERVER_ID, REQUESTOR_ID,
                                             StatusCodeOption(STATUS_UNKNOWNQUERYTYPE, 'huh?')])),
    (bytes.fromhex('10 a1b2c3'), LeasequeryDoneMessage(TRANSACTION_ID)),
    (bytes.fromhex('10 a1b2c3 000d 0002 000b'),
     LeasequeryDoneMessage(TRANSACTION_ID, [StatusCodeOption(STATUS_QUERYTERMINATED)])),
    (bytes.fromhex('11 a1b2c3') + CLIENT_DATA_WIRE + RELAY_DATA_WIRE,
     LeasequeryDataMessage(TRANSACTION_ID, [CLIENT_DATA, RELAY_DATA])),
]


def test_constants() -> None:
    assert (MSG_LEASEQUERY, MSG_LEASEQUERY_REPLY, MSG_LEASEQUERY_DONE, MSG_LEASEQUERY_DATA) == (14, 15, 16, 17)
    assert (QUERY_BY_ADDRESS, QUERY_BY_CLIENTID, QUERY_BY_RELAY_ID, QUERY_BY_LINK_ADDRESS,
            QUERY_BY_REMOTE_ID) == (1, 2, 3, 4, 5)
    assert (STATUS_UNKNOWNQUERYTYPE, STATUS_MALFORMEDQUERY, STATUS_NOTCONFIGURED, STATUS_NOTALLOWED,
            STATUS_QUERYTERMINATED, STATUS_DATAMISSING, STATUS_CATCHUPCOMPLETE, STATUS_NOTSUPPORTED,
            STATUS_TLSCONNECTIONREFUSED) == tuple(range(7, 16))


# The checks every option table gets (tests/wire_checks.py)
test_option_parse, test_option_save, test_option_valid, test_option_truncated, test_option_length_past_data = (
    option_table_tests(OPTION_CASES))


@pytest.mark.parametrize('data', [
    # LQ Query: no room for the link address, an option past the end, a trailing byte
    option_wire(44, b'\x01' + bytes(15)),
    option_wire(44, b'\x01' + bytes(16) + IAADDR_WIRE[:-1]),
    option_wire(44, b'\x04' + bytes(16) + b'\x00'),
    # Client Data: an option cut short
    option_wire(45, CLIENT_ID_WIRE + CLT_TIME_WIRE[:6]),
    # CLT Time: wrong lengths
    bytes.fromhex('002e 0003 000e10'),
    bytes.fromhex('002e 0005 00000e1000'),
    # LQ Relay Data: no message, a relay message shorter than its header, a relayed option past the end, a message
    # with a trailing byte
    option_wire(47, bytes(16)),
    option_wire(47, bytes(16) + RELAY_FORWARD_WIRE[:20]),
    option_wire(47, bytes(16) + RELAY_FORWARD_WIRE[:-1]),
    option_wire(47, bytes(16) + RELAY_FORWARD_WIRE + b'\x00'),
    # LQ Client Link: not a multiple of 16, empty
    bytes.fromhex('0030 000f 20010db80001000000000000000000'),
    bytes.fromhex('0030 0000'),
    # Relay Id: too short for a DUID
    bytes.fromhex('0035 0001 00'),
    bytes.fromhex('0035 0000'),
])
def test_option_malformed(data: bytes) -> None:
    assert_malformed(Option, data)


def test_relay_data_keeps_unknown_message() -> None:
    # Well-formed bytes round-trip even when they are not a Relay-forward; validate() is where that is refused
    data = option_wire(47, bytes(16) + b'\xfe\x01\x02')
    _used, option = Option.parse(data)
    assert isinstance(option, LQRelayDataOption)
    assert option.relay_message == UnknownMessage(0xfe, b'\x01\x02')
    assert option.save() == data
    with pytest.raises(ValidationError):
        option.validate()


@pytest.mark.parametrize('option', [
    # A query must carry the option its type looks for (RFC 5007 section 4.1.2.1, RFC 5460 section 5.2)
    LQQueryOption(QUERY_BY_ADDRESS),
    LQQueryOption(QUERY_BY_ADDRESS, options=[CLIENT_ID]),
    LQQueryOption(QUERY_BY_CLIENTID, options=[IAADDR]),
    LQQueryOption(QUERY_BY_RELAY_ID, options=[CLIENT_ID]),
    LQQueryOption(QUERY_BY_REMOTE_ID, options=[RELAY_ID]),
    LQQueryOption(256),
    LQQueryOption(-1),
    LQQueryOption(QUERY_BY_LINK_ADDRESS, '2001:db8::1'),  # type: ignore[arg-type]
    LQQueryOption(QUERY_BY_ADDRESS, options=[IAADDR, IAADDR]),
    LQQueryOption(QUERY_BY_ADDRESS, options=[IAADDR, ORO, ORO]),
    LQQueryOption(QUERY_BY_ADDRESS, options=[IAADDR, StatusCodeOption()]),
    LQQueryOption(QUERY_BY_ADDRESS, options=[IAAddressOption(IPv6Address('2001:db8:1::100'), 2 ** 32, 0)]),
    ClientDataOption([CLT_TIME]),
    ClientDataOption([CLIENT_ID]),
    ClientDataOption([CLIENT_ID, CLT_TIME, CLT_TIME]),
    ClientDataOption([CLIENT_ID, CLIENT_ID, CLT_TIME]),
    ClientDataOption([CLIENT_ID, CLT_TIME, RELAY_DATA, RELAY_DATA]),
    ClientDataOption([CLIENT_ID, CLT_TIME, IAAddressOption(IPv6Address('2001:db8:1::100'), 2 ** 32, 0)]),
    ClientDataOption(CLT_TIME),  # type: ignore[arg-type]
    CLTTimeOption(2 ** 32),
    CLTTimeOption(None),  # type: ignore[arg-type]
    LQRelayDataOption(IPv6Address('::1'), None),
    LQRelayDataOption(IPv6Address('::1'), SolicitMessage(b'abc', [CLIENT_ID])),
    LQRelayDataOption('::1', RELAY_FORWARD),  # type: ignore[arg-type]
    LQRelayDataOption(IPv6Address('::1'), RelayForwardMessage(0, LINK, LINK, [])),
    LQClientLinkOption([]),
    LQClientLinkOption([IPv6Address('ff02::1')]),
    LQClientLinkOption(['2001:db8::1']),  # type: ignore[list-item]
    RelayIdOption(None),
    RelayIdOption(EnterpriseDUID(9, 'relay1')),  # type: ignore[arg-type]
])
def test_option_invalid(option: Option) -> None:
    assert_invalid(option)


def test_client_data_carries_requested_options() -> None:
    # RFC 5007 section 4.1.2.2: other options the requestor asked for in its ORO go in the client data too
    ClientDataOption([CLIENT_ID, CLT_TIME, SERVER_ID, REMOTE_ID, IAADDR, IAADDR, IAPREFIX]).validate()


# The checks every message table gets (tests/wire_checks.py)
test_message_parse, test_message_save, test_message_valid = message_table_tests(MESSAGE_CASES)


@pytest.mark.parametrize('data, message', MESSAGE_CASES)
def test_message_truncated(data: bytes, message: Message) -> None:
    # Cutting a message between two options leaves a shorter message; every other cut is malformed
    boundaries = {4}
    offset = 4
    while offset < len(data):
        offset += 4 + int.from_bytes(data[offset + 2:offset + 4], 'big')
        boundaries.add(offset)
    assert_prefixes_malformed(Message, data, whole=boundaries)
    for end in boundaries:
        assert Message.parse(data[:end])[0] == end


def test_message_length_disagrees_with_options() -> None:
    with pytest.raises(MalformedInputError):
        Message.parse(LEASEQUERY_WIRE, length=len(LEASEQUERY_WIRE) - 1)
    with pytest.raises(MalformedInputError):
        Message.parse(LEASEQUERY_WIRE + b'\x00')


@pytest.mark.parametrize('message', [
    LeasequeryMessage(TRANSACTION_ID, [REQUESTOR_ID]),
    LeasequeryMessage(TRANSACTION_ID, [QUERY_BY_ADDRESS_OPTION]),
    LeasequeryMessage(TRANSACTION_ID, [REQUESTOR_ID, QUERY_BY_ADDRESS_OPTION, QUERY_BY_ADDRESS_OPTION]),
    LeasequeryMessage(TRANSACTION_ID, [REQUESTOR_ID, QUERY_BY_ADDRESS_OPTION, IANAOption()]),
    LeasequeryMessage(TRANSACTION_ID, [REQUESTOR_ID, QUERY_BY_ADDRESS_OPTION, CLIENT_DATA]),
    LeasequeryMessage(TRANSACTION_ID, [REQUESTOR_ID, LQQueryOption(QUERY_BY_ADDRESS)]),
    LeasequeryMessage(b'ab', [REQUESTOR_ID, QUERY_BY_ADDRESS_OPTION]),
    LeasequeryReplyMessage(TRANSACTION_ID, [REQUESTOR_ID]),
    LeasequeryReplyMessage(TRANSACTION_ID, [SERVER_ID]),
    LeasequeryReplyMessage(TRANSACTION_ID, [REQUESTOR_ID, SERVER_ID, CLIENT_DATA, CLIENT_DATA]),
    LeasequeryReplyMessage(TRANSACTION_ID, [REQUESTOR_ID, SERVER_ID, QUERY_BY_ADDRESS_OPTION]),
    LeasequeryReplyMessage(TRANSACTION_ID, [REQUESTOR_ID, SERVER_ID, CLT_TIME]),
    LeasequeryDoneMessage(TRANSACTION_ID, [CLIENT_DATA]),
    LeasequeryDoneMessage(TRANSACTION_ID, [StatusCodeOption(), StatusCodeOption()]),
    LeasequeryDataMessage(TRANSACTION_ID, []),
    LeasequeryDataMessage(TRANSACTION_ID, [CLIENT_DATA, CLIENT_DATA]),
    LeasequeryDataMessage(TRANSACTION_ID, [ClientDataOption([CLIENT_ID])]),
    SolicitMessage(TRANSACTION_ID, [CLIENT_ID, QUERY_BY_ADDRESS_OPTION]),
    RelayForwardMessage(0, LINK, LINK, [RelayMessageOption(LEASEQUERY), RELAY_ID, RELAY_ID]),
])
def test_message_invalid(message: Message) -> None:
    assert_invalid(message)


def test_directions() -> None:
    assert LeasequeryMessage.from_client_to_server and not LeasequeryMessage.from_server_to_client
    for message_class in (LeasequeryReplyMessage, LeasequeryDoneMessage, LeasequeryDataMessage):
        assert message_class.from_server_to_client and not message_class.from_client_to_server


def test_relay_id_in_relay_forward() -> None:
    # RFC 5460 section 5.4.1: a relay identifies itself with a Relay-ID in its Relay-forward messages
    message = RelayForwardMessage(0, LINK, IPv6Address('fe80::1'), [RELAY_ID, RelayMessageOption(LEASEQUERY)])
    message.validate()
    used, parsed = Message.parse(message.save())
    assert parsed == message
    assert isinstance(parsed, RelayForwardMessage) and parsed.inner_message == LEASEQUERY


def test_deeply_nested_relay_data_is_bounded() -> None:
    # Relay data inside client data inside relay data ... must hit the nesting limit, not the recursion limit
    data = SOLICIT_WIRE
    for _level in range(200):
        relay = bytes.fromhex('0c 00') + bytes(32) + option_wire(9, data)
        data = bytes.fromhex('0f 000000') + option_wire(45, option_wire(47, bytes(16) + relay))
    with pytest.raises(MalformedInputError):
        Message.parse(data)


@pytest.mark.parametrize('element_class', sorted(STRATEGIES, key=lambda klass: klass.__name__))
def test_roundtrip(element_class: type[ProtocolElement]) -> None:
    assert_strategy_round_trips(element_class, STRATEGIES[element_class])


def test_every_class_has_a_strategy() -> None:
    assert set(STRATEGIES) == {LQQueryOption, ClientDataOption, CLTTimeOption, LQRelayDataOption, LQClientLinkOption,
                               RelayIdOption, LeasequeryMessage, LeasequeryReplyMessage, LeasequeryDoneMessage,
                               LeasequeryDataMessage}
