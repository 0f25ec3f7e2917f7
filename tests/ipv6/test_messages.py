"""Tests for dhcpkit.ipv6.messages: every RFC 8415 message, relay helpers, and which options each may carry."""
import struct
from ipaddress import IPv6Address
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dhcpkit.ipv6.duids import EnterpriseDUID, LinkLayerDUID
from dhcpkit.ipv6.messages import (MSG_ADVERTISE, MSG_CONFIRM, MSG_DECLINE, MSG_INFORMATION_REQUEST, MSG_REBIND,
                                   MSG_RECONFIGURE, MSG_RELAY_FORW, MSG_RELAY_REPL, MSG_RELEASE, MSG_RENEW,
                                   MSG_REPLY, MSG_REQUEST, MSG_SOLICIT, AdvertiseMessage, ClientServerMessage,
                                   ConfirmMessage, DeclineMessage, InformationRequestMessage, Message, RebindMessage,
                                   ReconfigureMessage, RelayForwardMessage, RelayReplyMessage, RelayServerMessage,
                                   ReleaseMessage, RenewMessage, ReplyMessage, RequestMessage, SolicitMessage,
                                   UnknownMessage, message_registry)
from dhcpkit.ipv6.option_base import Option, UnknownOption
from dhcpkit.ipv6.options import (AuthenticationOption, ClientIdOption, ElapsedTimeOption, IAAddressOption,
                                  IANAOption, IATAOption, InformationRefreshTimeOption, InterfaceIdOption,
                                  OptionRequestOption, PreferenceOption, RapidCommitOption, ReconfigureAcceptOption,
                                  ReconfigureMessageOption, RelayMessageOption, ServerIdOption, ServerUnicastOption,
                                  StatusCodeOption, UserClassOption, VendorClassOption,
                                  VendorSpecificInformationOption)
from dhcpkit.protocol_element import MalformedInputError, ValidationError
from tests.strategies.core import STRATEGIES
from tests.wire_checks import (assert_invalid, assert_malformed, assert_parses, assert_parses_inside,
                               assert_prefixes_malformed, assert_round_trip, assert_saves)


def h(text: str) -> str:
    """Hex with spaces for readability, as compact hex."""
    return text.replace(' ', '')


def option_hex(code: int, data_hex: str) -> str:
    data = h(data_hex)
    return f'{code:04x}{len(data) // 2:04x}{data}'


MAC = bytes.fromhex('000102030405')
CID = ClientIdOption(LinkLayerDUID(1, MAC))
CID_HEX = h('0001 000a 0003 0001 000102030405')
SID = ServerIdOption(EnterpriseDUID(32473, b'srv'))
SID_HEX = h('0002 0009 0002 00007ed9 737276')
ELAPSED = ElapsedTimeOption(0)
ELAPSED_HEX = h('0008 0002 0000')
ORO = OptionRequestOption([23, 24])
ORO_HEX = h('0006 0004 0017 0018')
IANA = IANAOption(b'\x00\x00\x00\x01')
IANA_HEX = h('0003 000c 00000001 00000000 00000000')
ADDRESS = IAAddressOption(IPv6Address('2001:db8::1'), 100, 200)
IANA_ADDRESS = IANAOption(b'\x00\x00\x00\x01', 0, 0, [ADDRESS])
IANA_ADDRESS_HEX = h('0003 0028 00000001 00000000 00000000'
                     '0005 0018 20010db8000000000000000000000001 00000064 000000c8')
RAPID_HEX = h('000e 0000')
STATUS = StatusCodeOption(0, '')
STATUS_HEX = h('000d 0002 0000')
TID = b'\xab\xcd\xef'
LINK = IPv6Address('2001:db8:1::1')
PEER = IPv6Address('fe80::1')
LINK_PEER_HEX = h('20010db8000100000000000000000001 fe800000000000000000000000000001')
INTERFACE = InterfaceIdOption(b'eth0')
INTERFACE_HEX = h('0012 0004 65746830')

SOLICIT = SolicitMessage(TID, [CID, ELAPSED, ORO, IANA, RapidCommitOption()])
SOLICIT_HEX = '01abcdef' + CID_HEX + ELAPSED_HEX + ORO_HEX + IANA_HEX + RAPID_HEX
ADVERTISE = AdvertiseMessage(TID, [CID, SID, IANA_ADDRESS, PreferenceOption(255), STATUS])
ADVERTISE_HEX = '02abcdef' + CID_HEX + SID_HEX + IANA_ADDRESS_HEX + h('0007 0001 ff') + STATUS_HEX
RELAY_FORWARD = RelayForwardMessage(0, LINK, PEER, [INTERFACE, RelayMessageOption(SOLICIT)])
RELAY_FORWARD_HEX = '0c00' + LINK_PEER_HEX + INTERFACE_HEX + option_hex(9, SOLICIT_HEX)

WIRE_TABLE: list[tuple[str, Message]] = [
    (SOLICIT_HEX, SOLICIT),
    ('01000000' + CID_HEX, SolicitMessage(b'\x00\x00\x00', [CID])),
    ('01abcdef' + CID_HEX + option_hex(65000, 'ff'), SolicitMessage(TID, [CID, UnknownOption(65000, b'\xff')])),
    (ADVERTISE_HEX, ADVERTISE),
    ('03abcdef' + CID_HEX + SID_HEX + IANA_ADDRESS_HEX + ELAPSED_HEX + ORO_HEX,
     RequestMessage(TID, [CID, SID, IANA_ADDRESS, ELAPSED, ORO])),
    ('04abcdef' + CID_HEX + IANA_ADDRESS_HEX + ELAPSED_HEX, ConfirmMessage(TID, [CID, IANA_ADDRESS, ELAPSED])),
    ('05abcdef' + CID_HEX + SID_HEX + IANA_ADDRESS_HEX, RenewMessage(TID, [CID, SID, IANA_ADDRESS])),
    ('06abcdef' + CID_HEX + IANA_ADDRESS_HEX, RebindMessage(TID, [CID, IANA_ADDRESS])),
    ('07abcdef' + CID_HEX + SID_HEX + IANA_ADDRESS_HEX + RAPID_HEX,
     ReplyMessage(TID, [CID, SID, IANA_ADDRESS, RapidCommitOption()])),
    ('07abcdef' + SID_HEX + h('0020 0004 00000e10'), ReplyMessage(TID, [SID, InformationRefreshTimeOption(3600)])),
    ('08abcdef' + CID_HEX + SID_HEX + IANA_ADDRESS_HEX, ReleaseMessage(TID, [CID, SID, IANA_ADDRESS])),
    ('09abcdef' + CID_HEX + SID_HEX + IANA_ADDRESS_HEX, DeclineMessage(TID, [CID, SID, IANA_ADDRESS])),
    ('0a000000' + SID_HEX + CID_HEX + h('0013 0001 05'),
     ReconfigureMessage(b'\x00\x00\x00', [SID, CID, ReconfigureMessageOption(MSG_RENEW)])),
    ('0babcdef', InformationRequestMessage(TID, [])),
    ('0babcdef' + ORO_HEX + ELAPSED_HEX, InformationRequestMessage(TID, [ORO, ELAPSED])),
    (RELAY_FORWARD_HEX, RELAY_FORWARD),
    ('0c01' + h('00' * 16) + LINK_PEER_HEX[32:] + option_hex(9, RELAY_FORWARD_HEX),
     RelayForwardMessage(1, IPv6Address('::'), PEER, [RelayMessageOption(RELAY_FORWARD)])),
    ('0d00' + LINK_PEER_HEX + INTERFACE_HEX + option_hex(9, ADVERTISE_HEX),
     RelayReplyMessage(0, LINK, PEER, [INTERFACE, RelayMessageOption(ADVERTISE)])),
    ('c8 78797a', UnknownMessage(200, b'xyz')),
    ('ff', UnknownMessage(255, b'')),
    ('00 00', UnknownMessage(0, b'\x00')),
]


def _id(value: object) -> str:
    return type(value).__name__ if isinstance(value, Message) else ''


def test_constants_and_registry() -> None:
    classes: list[type[Message]] = [
        SolicitMessage, AdvertiseMessage, RequestMessage, ConfirmMessage, RenewMessage, RebindMessage, ReplyMessage,
        ReleaseMessage, DeclineMessage, ReconfigureMessage, InformationRequestMessage, RelayForwardMessage,
        RelayReplyMessage]
    codes = [MSG_SOLICIT, MSG_ADVERTISE, MSG_REQUEST, MSG_CONFIRM, MSG_RENEW, MSG_REBIND, MSG_REPLY, MSG_RELEASE,
             MSG_DECLINE, MSG_RECONFIGURE, MSG_INFORMATION_REQUEST, MSG_RELAY_FORW, MSG_RELAY_REPL]
    assert codes == list(range(1, 14))
    for klass, code in zip(classes, codes):
        assert klass.message_type == code
        assert message_registry.all()[code] is klass


@pytest.mark.parametrize('klass, to_server, to_client', [
    (SolicitMessage, True, False), (AdvertiseMessage, False, True), (RequestMessage, True, False),
    (ConfirmMessage, True, False), (RenewMessage, True, False), (RebindMessage, True, False),
    (ReplyMessage, False, True), (ReleaseMessage, True, False), (DeclineMessage, True, False),
    (ReconfigureMessage, False, True), (InformationRequestMessage, True, False),
    (RelayForwardMessage, True, False), (RelayReplyMessage, False, True),
])
def test_directions(klass: type[Message], to_server: bool, to_client: bool) -> None:
    assert klass.from_client_to_server is to_server
    assert klass.from_server_to_client is to_client


def test_table_covers_every_message() -> None:
    from dhcpkit.ipv6 import messages
    values = [getattr(messages, name) for name in messages.__all__]
    classes = {klass for klass in values if isinstance(klass, type) and issubclass(klass, Message)
               and klass not in (Message, ClientServerMessage, RelayServerMessage)}
    assert classes == {type(message) for _data, message in WIRE_TABLE}


@pytest.mark.parametrize('data_hex, message', WIRE_TABLE, ids=_id)
def test_parse(data_hex: str, message: Message) -> None:
    data = bytes.fromhex(data_hex)
    assert_parses(Message, data, message)
    assert_parses(type(message), data, message)
    # A message within a larger buffer uses exactly the length it is given
    assert_parses_inside(Message, data, message, before=b'\xee', after=b'\xee', length=len(data))


@pytest.mark.parametrize('data_hex, message', WIRE_TABLE, ids=_id)
def test_save(data_hex: str, message: Message) -> None:
    assert_saves(message, bytes.fromhex(data_hex))


@pytest.mark.parametrize('data_hex, message', WIRE_TABLE, ids=_id)
def test_validate(data_hex: str, message: Message) -> None:
    message.validate()


def _boundaries(message: Message) -> dict[int, Message]:
    """The lengths at which a truncated message is still whole: after its header and after each option."""
    if isinstance(message, UnknownMessage):
        return {length: UnknownMessage(message.message_type, message.message_data[:length - 1])
                for length in range(1, len(message.save()) + 1)}
    assert isinstance(message, (ClientServerMessage, RelayServerMessage))
    header = 4 if isinstance(message, ClientServerMessage) else 34
    results: dict[int, Message] = {}
    length = header
    for count in range(len(message.options) + 1):
        shorter = type(message).__new__(type(message))
        for name in message.fields:
            setattr(shorter, name, getattr(message, name))
        shorter.options = message.options[:count]
        results[length] = shorter
        if count < len(message.options):
            length += len(message.options[count].save())
    return results


@pytest.mark.parametrize('data_hex, message', WIRE_TABLE, ids=_id)
def test_truncated(data_hex: str, message: Message) -> None:
    data = bytes.fromhex(data_hex)
    whole = _boundaries(message)
    assert_prefixes_malformed(Message, data, whole)
    for length, shorter in whole.items():
        # Cut between options: a shorter, well-formed message
        assert Message.parse(data[:length]) == (length, shorter)


@pytest.mark.parametrize('data_hex, problem', [
    ('', "no message type"),
    ('01', "SolicitMessage .*needs at least 4 bytes"),
    ('01abcd', "SolicitMessage .*needs at least 4 bytes"),
    ('0c' + '00' * 32, "RelayForwardMessage .*needs at least 34 bytes"),
    ('0d00', "RelayReplyMessage .*needs at least 34"),
    ('01abcdef' + CID_HEX + '00', "SolicitMessage .*too short for an option"),
    ('01abcdef' + CID_HEX[:4] + '000b' + CID_HEX[8:], "SolicitMessage .*has length 11 but only 10"),
    ('01abcdef' + CID_HEX[:4] + '0009' + CID_HEX[8:], "SolicitMessage .*too short for an option"),
    ('0c00' + LINK_PEER_HEX + option_hex(9, ''), "RelayMessageOption .*at least 1"),
    ('0c00' + LINK_PEER_HEX + '0009' + f'{len(SOLICIT_HEX) // 2 + 1:04x}' + SOLICIT_HEX,
     "RelayForwardMessage .*has length"),
    ('0c00' + LINK_PEER_HEX + option_hex(9, SOLICIT_HEX + '00'), "SolicitMessage .*too short for an option"),
    ('0c00' + LINK_PEER_HEX + option_hex(9, SOLICIT_HEX[:-2]), "SolicitMessage .*too short for an option"),
])
def test_malformed(data_hex: str, problem: str) -> None:
    assert_malformed(Message, bytes.fromhex(data_hex), problem)


def test_wrong_class() -> None:
    with pytest.raises(MalformedInputError, match="found a SolicitMessage instead"):
        ReplyMessage.parse(bytes.fromhex(SOLICIT_HEX))
    reply = ReplyMessage.__new__(ReplyMessage)
    with pytest.raises(MalformedInputError, match="message type 1 is not 7"):
        reply.load_from(bytes.fromhex(SOLICIT_HEX))
    relay = RelayReplyMessage.__new__(RelayReplyMessage)
    with pytest.raises(MalformedInputError, match="message type 12 is not 13"):
        relay.load_from(bytes.fromhex(RELAY_FORWARD_HEX))


# Relay messages


def test_relayed_message() -> None:
    assert RELAY_FORWARD.relayed_message is SOLICIT
    assert RELAY_FORWARD.inner_message is SOLICIT
    assert RELAY_FORWARD.inner_relay_message is RELAY_FORWARD


def test_nested_relays() -> None:
    outer = RelayForwardMessage(1, IPv6Address('::'), PEER, [RelayMessageOption(RELAY_FORWARD)])
    assert outer.relayed_message is RELAY_FORWARD
    assert outer.inner_relay_message is RELAY_FORWARD
    assert outer.inner_message is SOLICIT
    parsed = Message.parse(outer.save())[1]
    assert isinstance(parsed, RelayForwardMessage)
    assert parsed.inner_message == SOLICIT
    assert parsed.inner_relay_message == RELAY_FORWARD


def test_relay_without_relayed_message() -> None:
    relay = RelayForwardMessage(0, LINK, PEER, [INTERFACE])
    assert relay.relayed_message is None
    assert relay.inner_message is None
    assert relay.inner_relay_message is relay
    outer = RelayForwardMessage(1, LINK, PEER, [RelayMessageOption(relay)])
    assert outer.inner_relay_message is relay
    assert outer.inner_message is None


def test_relayed_message_setter() -> None:
    relay = RelayReplyMessage(0, LINK, PEER, [INTERFACE])
    relay.relayed_message = ADVERTISE
    assert relay.options == [INTERFACE, RelayMessageOption(ADVERTISE)]
    reply = ReplyMessage(TID, [SID])
    relay.relayed_message = reply
    assert relay.options == [INTERFACE, RelayMessageOption(reply)]
    assert relay.relayed_message is reply


def test_wrap_response() -> None:
    response = ReplyMessage(TID, [CID, SID])
    wrapped = RELAY_FORWARD.wrap_response(response)
    assert isinstance(wrapped, RelayReplyMessage)
    assert wrapped.hop_count == RELAY_FORWARD.hop_count
    assert wrapped.link_address == LINK
    assert wrapped.peer_address == PEER
    assert wrapped.relayed_message is response
    assert wrapped.get_options_of_type(RelayMessageOption) == [RelayMessageOption(response)]
    wrapped.validate()
    # Wrapping through a chain of relays, from the inside out
    outer = RelayForwardMessage(3, IPv6Address('2001:db8::99'), IPv6Address('2001:db8::98'),
                                [RelayMessageOption(RELAY_FORWARD)])
    inner_relay = outer.inner_relay_message
    assert isinstance(inner_relay, RelayForwardMessage)
    inner_reply = inner_relay.wrap_response(response)
    outer_reply = outer.wrap_response(inner_reply)
    assert (outer_reply.hop_count, outer_reply.link_address, outer_reply.peer_address) == (
        3, IPv6Address('2001:db8::99'), IPv6Address('2001:db8::98'))
    assert outer_reply.inner_message is response
    assert Message.parse(outer_reply.save())[1] == outer_reply


def test_option_lookups() -> None:
    assert SOLICIT.get_option_of_type(ClientIdOption) is CID
    assert SOLICIT.get_option_of_type(ServerIdOption) is None
    assert SOLICIT.get_options_of_type(IANAOption) == [IANA]
    second = IANAOption(b'\x00\x00\x00\x02')
    message = SolicitMessage(TID, [CID, IANA, ELAPSED, second])
    assert message.get_options_of_type(IANAOption) == [IANA, second]
    assert message.get_options_of_type(IATAOption) == []
    assert message.get_option_of_type(Option) is CID
    assert RELAY_FORWARD.get_option_of_type(InterfaceIdOption) is INTERFACE


def test_defaults() -> None:
    assert SolicitMessage() == SolicitMessage(b'\x00\x00\x00', [])
    assert SolicitMessage().options is not SolicitMessage().options
    assert RelayForwardMessage() == RelayForwardMessage(0, IPv6Address('::'), IPv6Address('::'), [])


# Containment (RFC 8415 appendix B)

RELAYED_SOLICIT = RelayMessageOption(SolicitMessage(TID, [CID]))

#: The smallest valid message of each type: its options are exactly the required ones
MINIMAL: dict[type[Message], list[Option]] = {
    SolicitMessage: [CID],
    AdvertiseMessage: [CID, SID],
    RequestMessage: [CID, SID],
    ConfirmMessage: [CID],
    RenewMessage: [CID, SID],
    RebindMessage: [CID],
    ReplyMessage: [SID],
    ReleaseMessage: [CID, SID],
    DeclineMessage: [CID, SID],
    ReconfigureMessage: [SID, CID, ReconfigureMessageOption(MSG_RENEW)],
    InformationRequestMessage: [],
}


def _minimal(klass: type[Message], options: list[Option] | None = None) -> Message:
    if issubclass(klass, RelayServerMessage):
        return klass(0, LINK, PEER, [RELAYED_SOLICIT] if options is None else options)
    assert issubclass(klass, ClientServerMessage)
    return klass(TID, list(MINIMAL[klass]) if options is None else options)


ALL_MESSAGES = [*MINIMAL, RelayForwardMessage, RelayReplyMessage]


@pytest.mark.parametrize('klass', ALL_MESSAGES, ids=lambda klass: klass.__name__)
def test_minimal_message_validates(klass: type[Message]) -> None:
    _minimal(klass).validate()
    # Unknown options may appear in any message
    message = _minimal(klass)
    message.options.append(UnknownOption(65000, b'?'))  # type: ignore[attr-defined]
    message.validate()


@pytest.mark.parametrize('klass, index', [
    (klass, index) for klass, options in MINIMAL.items() for index in range(len(options))
    if not (klass is ReconfigureMessage and isinstance(options[index], ClientIdOption))
] + [(RelayForwardMessage, 0), (RelayReplyMessage, 0)], ids=str)
def test_required_options(klass: type[Message], index: int) -> None:
    message = _minimal(klass)
    missing = message.options.pop(index)  # type: ignore[attr-defined]
    with pytest.raises(ValidationError, match=f"^{klass.__name__} must contain {type(missing).__name__} at least 1"):
        message.validate()


def test_reconfigure_requires_client_id() -> None:
    message = ReconfigureMessage(TID, [SID, ReconfigureMessageOption(MSG_RENEW)])
    with pytest.raises(ValidationError, match="ReconfigureMessage must contain ClientIdOption"):
        message.validate()


def test_request_without_server_id() -> None:
    with pytest.raises(ValidationError) as info:
        RequestMessage(TID, [CID, IANA]).validate()
    assert 'RequestMessage' in str(info.value)
    assert 'ServerIdOption' in str(info.value)


CS: list[type[Message]] = [
    SolicitMessage, AdvertiseMessage, RequestMessage, ConfirmMessage, RenewMessage, RebindMessage, ReplyMessage,
    ReleaseMessage, DeclineMessage, ReconfigureMessage, InformationRequestMessage]
CLIENT: list[type[Message]] = [
    SolicitMessage, RequestMessage, ConfirmMessage, RenewMessage, RebindMessage, ReleaseMessage, DeclineMessage,
    InformationRequestMessage]
RELAY: list[type[Message]] = [RelayForwardMessage, RelayReplyMessage]
IA_MESSAGES: list[type[Message]] = [
    SolicitMessage, RequestMessage, ConfirmMessage, RenewMessage, RebindMessage, ReleaseMessage, DeclineMessage,
    AdvertiseMessage, ReplyMessage]

#: RFC 8415 appendix B: option -> (messages it may appear in, the most times it may appear in one)
ALLOWED: list[tuple[Option, list[type[Message]], int | None]] = [
    (CID, CS, 1),
    (SID, [AdvertiseMessage, RequestMessage, RenewMessage, ReleaseMessage, DeclineMessage, ReplyMessage,
           ReconfigureMessage, InformationRequestMessage], 1),
    (IANA, IA_MESSAGES, None),
    (IATAOption(b'abcd'), IA_MESSAGES, None),
    # Release, Decline and Confirm accept an ORO because ISC dhclient sends one in its Release
    (ORO, [SolicitMessage, RequestMessage, RenewMessage, RebindMessage, InformationRequestMessage,
           ReconfigureMessage, ReleaseMessage, DeclineMessage, ConfirmMessage], 1),
    (PreferenceOption(1), [AdvertiseMessage], 1),
    (ELAPSED, CLIENT, 1),
    (RelayMessageOption(SolicitMessage(TID, [CID])), RELAY, 1),
    (AuthenticationOption(), CS, 1),
    (ServerUnicastOption(IPv6Address('2001:db8::1')), [AdvertiseMessage, ReplyMessage], 1),
    (STATUS, [AdvertiseMessage, ReplyMessage], 1),
    (RapidCommitOption(), [SolicitMessage, ReplyMessage], 1),
    (UserClassOption([b'x']), CLIENT, 1),
    # ... and relay agents add their own (a DOCSIS CMTS: enterprise 4491)
    (VendorClassOption(9, [b'x']), CLIENT + RELAY, None),
    (VendorSpecificInformationOption(9, [(1, b'x')]), CLIENT + [AdvertiseMessage, ReplyMessage] + RELAY, None),
    (INTERFACE, RELAY, 1),
    (ReconfigureMessageOption(MSG_RENEW), [ReconfigureMessage], 1),
    # ... and in Confirm, Release and Decline because ISC dhclient keeps it there when configured to send it
    (ReconfigureAcceptOption(), [SolicitMessage, AdvertiseMessage, RequestMessage, RenewMessage, RebindMessage,
                                 ReplyMessage, InformationRequestMessage, ConfirmMessage, ReleaseMessage,
                                 DeclineMessage], 1),
    (InformationRefreshTimeOption(600), [ReplyMessage], 1),
]

#: Options whose appearance in server messages RFC 8415 leaves open, so the library may go either way there
NOT_CHECKED_IN_SERVER_MESSAGES = (UserClassOption, VendorClassOption)


def _containment_cases() -> list[Any]:
    cases = []
    for option, allowed, maximum in ALLOWED:
        for klass in ALL_MESSAGES:
            if isinstance(option, NOT_CHECKED_IN_SERVER_MESSAGES) and klass in (AdvertiseMessage, ReplyMessage):
                continue
            cases.append(pytest.param(option, klass, klass in allowed, maximum,
                                      id=f'{type(option).__name__}-in-{klass.__name__}'))
    return cases


@pytest.mark.parametrize('option, klass, allowed, maximum', _containment_cases())
def test_containment(option: Option, klass: type[Message], allowed: bool, maximum: int | None) -> None:
    assert klass.may_contain(option) is allowed
    message = _minimal(klass)
    present = sum(isinstance(existing, type(option)) for existing in message.options)  # type: ignore[attr-defined]
    if not allowed:
        message.options.append(option)  # type: ignore[attr-defined]
        with pytest.raises(ValidationError, match=f"^{klass.__name__} may not contain {type(option).__name__}$"):
            message.validate()
        return
    message.options.extend([option] * ((maximum or 3) - present))  # type: ignore[attr-defined]
    message.validate()
    if maximum is not None:
        message.options.append(option)  # type: ignore[attr-defined]
        with pytest.raises(ValidationError, match=f"^{klass.__name__} may contain {type(option).__name__} at most "
                                                  f"{maximum} time"):
            message.validate()


def test_information_request_with_ia_is_invalid() -> None:
    # RFC 8415 section 16.12: a server discards an Information-request that carries an IA option
    with pytest.raises(ValidationError, match="InformationRequestMessage may not contain IANAOption"):
        InformationRequestMessage(TID, [CID, IANA]).validate()


def test_errors_inside_options_name_the_path() -> None:
    message = RequestMessage(TID, [CID, SID, IANAOption(b'abcd', 0, 0, [IAAddressOption(IPv6Address('2001:db8::1'),
                                                                                        0, 2 ** 32)])])
    with pytest.raises(ValidationError, match=r"^RequestMessage -> IANAOption -> IAAddressOption.valid_lifetime"):
        message.validate()


@pytest.mark.parametrize('message, problem', [
    (SolicitMessage(b'ab', [CID]), "SolicitMessage.transaction_id must be 3 bytes"),
    (SolicitMessage('abc', [CID]), "SolicitMessage.transaction_id"),  # type: ignore[arg-type]
    (SolicitMessage(TID, (CID,)), "SolicitMessage.options must be a list of options"),  # type: ignore[arg-type]
    (SolicitMessage(TID, [CID, b'\x00']), "SolicitMessage.options must be a list"),  # type: ignore[list-item]
    (RelayForwardMessage(256, LINK, PEER, [RELAYED_SOLICIT]), "RelayForwardMessage.hop_count must be a 8-bit"),
    (RelayForwardMessage(-1, LINK, PEER, [RELAYED_SOLICIT]), "RelayForwardMessage.hop_count"),
    (RelayReplyMessage(0, 'fe80::1', PEER, [RELAYED_SOLICIT]),  # type: ignore[arg-type]
     "RelayReplyMessage.link_address must be an IPv6 address"),
    (RelayReplyMessage(0, LINK, None, [RELAYED_SOLICIT]),  # type: ignore[arg-type]
     "RelayReplyMessage.peer_address must be an IPv6 address"),
    (RelayForwardMessage(0, LINK, PEER, [RelayMessageOption(SolicitMessage(TID, []))]),
     "^RelayForwardMessage -> SolicitMessage must contain ClientIdOption"),
    (UnknownMessage(256, b''), "UnknownMessage.message_type must be a 8-bit unsigned integer"),
    (UnknownMessage(200, 'data'), "UnknownMessage.message_data must be bytes"),  # type: ignore[arg-type]
    # A message of 4 + 14 + 5000 * 16 bytes does not fit in a Relay Message option
    (RelayForwardMessage(0, LINK, PEER, [RelayMessageOption(SolicitMessage(TID, [CID] + [IANA] * 5000))]),
     r"^RelayForwardMessage -> RelayMessageOption has 80018 bytes of data, more than an option can carry \(65535\)$"),
    # One of 4 + 14 + 4093 * 16 = 65506 bytes does, but not with the 38 bytes of a relay around it
    (RelayForwardMessage(1, LINK, PEER, [RelayMessageOption(RelayForwardMessage(0, LINK, PEER, [
        RelayMessageOption(SolicitMessage(TID, [CID] + [IANA] * 4093))]))]),
     r"^RelayForwardMessage -> RelayMessageOption has 65544 bytes of data, more than an option can carry"),
])
def test_validate_rejects(message: Message, problem: str) -> None:
    assert_invalid(message, problem)


def test_save_rejects_bad_values_with_validation_error() -> None:
    with pytest.raises(ValidationError, match="SolicitMessage.transaction_id must be 3 bytes"):
        SolicitMessage('abc', [CID]).save()  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="RelayForwardMessage cannot be saved"):
        RelayForwardMessage(256, LINK, PEER, []).save()
    with pytest.raises(ValidationError, match="RelayForwardMessage cannot be saved"):
        RelayForwardMessage(0, 'fe80::1', PEER, []).save()  # type: ignore[arg-type]


@pytest.mark.parametrize('message', [
    pytest.param(SolicitMessage(b'ab', [CID]), id='short-transaction-id'),
    pytest.param(SolicitMessage(b'abcd', [CID]), id='long-transaction-id'),
    pytest.param(UnknownMessage(256, b''), id='UnknownMessage-type'),
    pytest.param(UnknownMessage(200, 'data'), id='UnknownMessage-data'),  # type: ignore[arg-type]
])
def test_save_rejects_what_cannot_be_encoded(message: Message) -> None:
    with pytest.raises(ValidationError):
        message.save()


def test_unknown_message_keeps_its_bytes() -> None:
    data = bytes((200,)) + struct.pack('!H', 7) + b'whatever'
    used, message = Message.parse(data)
    assert used == len(data)
    assert isinstance(message, UnknownMessage)
    assert message.message_type == 200
    assert message.save() == data
    assert UnknownMessage.unknown_element


CORE_MESSAGES = sorted((klass for klass in STRATEGIES if issubclass(klass, Message)),
                       key=lambda klass: klass.__name__)


@pytest.mark.parametrize('klass', CORE_MESSAGES, ids=lambda klass: klass.__name__)
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_round_trip(klass: type[Message], data: st.DataObject) -> None:
    assert_round_trip(data.draw(STRATEGIES[klass]), Message)
