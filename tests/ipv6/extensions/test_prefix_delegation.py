"""Tests for dhcpkit.ipv6.extensions.prefix_delegation: IA_PD and IA Prefix (RFC 8415 sections 21.21, 21.22)."""
from ipaddress import IPv4Network, IPv6Address, IPv6Network

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dhcpkit.ipv6.duids import LinkLayerDUID
from dhcpkit.ipv6.extensions.prefix_delegation import (OPTION_IA_PD, OPTION_IAPREFIX, STATUS_NOPREFIXAVAIL,
                                                       IAPDOption, IAPrefixOption)
from dhcpkit.ipv6.messages import (AdvertiseMessage, ClientServerMessage, ConfirmMessage, DeclineMessage,
                                   InformationRequestMessage, Message, RebindMessage, ReconfigureMessage,
                                   RelayForwardMessage, RelayReplyMessage, ReleaseMessage, RenewMessage, ReplyMessage,
                                   RequestMessage, SolicitMessage)
from dhcpkit.ipv6.option_base import Option, UnknownOption, option_registry
from dhcpkit.ipv6.options import ClientIdOption, IAAddressOption, ServerIdOption, StatusCodeOption
from dhcpkit.protocol_element import ValidationError
from tests.strategies.core import STRATEGIES
from tests.wire_checks import (assert_invalid, assert_length_past_data_malformed, assert_malformed, assert_parses,
                               assert_parses_inside, assert_prefixes_malformed, assert_round_trip, assert_saves,
                               with_length)


def h(text: str) -> bytes:
    """Hex with spaces for readability."""
    return bytes.fromhex(text.replace(' ', ''))


PREFIX = IPv6Network('2001:db8:100::/56')
STATUS_OK = StatusCodeOption(0, 'ok')
STATUS_OK_HEX = '000d 0004 0000 6f6b'
IA_PREFIX = IAPrefixOption(PREFIX, 7200, 7500)
IA_PREFIX_HEX = '001a 0019 00001c20 00001d4c 38 20010db8010000000000000000000000'

WIRE_TABLE: list[tuple[bytes, Option]] = [
    (h('0019 000c 61626364 00000000 00000000'), IAPDOption(b'abcd', 0, 0, [])),
    (h('0019 0031 61626364 00000e10 00001518' + IA_PREFIX_HEX + STATUS_OK_HEX),
     IAPDOption(b'abcd', 3600, 5400, [IA_PREFIX, STATUS_OK])),
    (h('0019 0029 00000002 000003e8 000007d0 001a 0019 00000bb8 00000fa0 38 20010db8010000000000000000000000'),
     IAPDOption(h('00000002'), 1000, 2000, [IAPrefixOption(PREFIX, 3000, 4000)])),
    (h(IA_PREFIX_HEX), IA_PREFIX),
    (h('001a 0021 00001c20 00001d4c 38 20010db8010000000000000000000000' + STATUS_OK_HEX),
     IAPrefixOption(PREFIX, 7200, 7500, [STATUS_OK])),
    (h('001a 0019 00000000 00000000 00 00000000000000000000000000000000'), IAPrefixOption(IPv6Network('::/0'))),
    # A client's hint for the size of prefix it wants (RFC 8415 section 18.2.1)
    (h('001a 0019 00000000 00000000 38 00000000000000000000000000000000'), IAPrefixOption(IPv6Network('::/56'))),
    (h('001a 0019 ffffffff ffffffff 80 20010db8000000000000000000000001'),
     IAPrefixOption(IPv6Network('2001:db8::1/128'), 0xffffffff, 0xffffffff)),
]


def _id(value: object) -> str:
    return type(value).__name__ if isinstance(value, Option) else ''


def test_constants() -> None:
    assert (OPTION_IA_PD, OPTION_IAPREFIX, STATUS_NOPREFIXAVAIL) == (25, 26, 6)
    assert IAPDOption.option_type == 25
    assert IAPrefixOption.option_type == 26
    assert option_registry.all()[25] is IAPDOption
    assert option_registry.all()[26] is IAPrefixOption


@pytest.mark.parametrize('data, element', WIRE_TABLE, ids=_id)
def test_parse(data: bytes, element: Option) -> None:
    assert_parses(Option, data, element)
    assert_parses_inside(Option, data, element)


@pytest.mark.parametrize('data, element', WIRE_TABLE, ids=_id)
def test_save(data: bytes, element: Option) -> None:
    assert_saves(element, data)


@pytest.mark.parametrize('data, element', WIRE_TABLE, ids=_id)
def test_validate(data: bytes, element: Option) -> None:
    element.validate()


@pytest.mark.parametrize('data, element', WIRE_TABLE, ids=_id)
def test_truncated(data: bytes, element: Option) -> None:
    assert_prefixes_malformed(Option, data)


@pytest.mark.parametrize('data, element', WIRE_TABLE, ids=_id)
def test_option_length_longer_than_data(data: bytes, element: Option) -> None:
    assert_length_past_data_malformed(Option, data, extras=(1, 3))
    # Extra bytes inside the option that do not make a whole sub-option
    for extra_data in (b'\x00', b'\x00\x0d\x00', b'\x00\x0d\x00\x05\x00'):
        assert_malformed(Option, with_length(data + extra_data, len(data) - 4 + len(extra_data)))


@pytest.mark.parametrize('data, problem', [
    (h('0019 000b 6162636400000000000000'), "IAPDOption .*expected at least 12"),
    (h('0019 0010 61626364 00000000 00000000 001a 0019'), "IAPDOption .*has length 25 but only 0"),
    (h('0019 0028 61626364 00000000 00000000 001a 0018 00001c20 00001d4c 38 20010db80100000000000000000000'),
     "IAPrefixOption .*expected at least 25"),
    (h('001a 0018 00001c20 00001d4c 38 20010db80100000000000000000000'), "IAPrefixOption .*expected at least 25"),
    (h('001a 0019 00001c20 00001d4c 81 20010db8010000000000000000000000'), "IAPrefixOption .*prefix length 129"),
    (h('001a 0019 00001c20 00001d4c ff 20010db8010000000000000000000000'), "IAPrefixOption .*prefix length 255"),
    (h('001a 0019 00001c20 00001d4c 38 20010db8010000000000000000000001'), "IAPrefixOption .*bits set beyond"),
    (h('001a 0019 00001c20 00001d4c 00 80000000000000000000000000000000'), "IAPrefixOption .*beyond its length /0"),
    (h('001a 001a 00001c20 00001d4c 38 20010db8010000000000000000000000 00'), "IAPrefixOption .*too short"),
    (h('001a 001e 00001c20 00001d4c 38 20010db8010000000000000000000000 000d 0001 00'),
     "StatusCodeOption .*at least 2"),
])
def test_malformed(data: bytes, problem: str) -> None:
    assert_malformed(Option, data, problem)


@pytest.mark.parametrize('element, problem', [
    (IAPDOption(b'abc'), r"IAPDOption.iaid must be 4 bytes"),
    (IAPDOption(b'abcd', 2 ** 32, 0), r"IAPDOption.t1 must be a 32-bit"),
    (IAPDOption(b'abcd', options=[IAAddressOption(IPv6Address('2001:db8::1'))]),
     r"IAPDOption may not contain IAAddressOption"),
    (IAPDOption(b'abcd', options=[STATUS_OK, STATUS_OK]), r"IAPDOption may contain StatusCodeOption at most 1 time"),
    (IAPrefixOption('2001:db8::/56'), r"IAPrefixOption.prefix must be an IPv6 network"),  # type: ignore[arg-type]
    (IAPrefixOption(IPv4Network('192.0.2.0/24')), r"IAPrefixOption.prefix must be"),  # type: ignore[arg-type]
    (IAPrefixOption(PREFIX, 0, 2 ** 32), r"IAPrefixOption.valid_lifetime must be a 32-bit"),
    (IAPrefixOption(PREFIX, options=[STATUS_OK, STATUS_OK]), r"IAPrefixOption may contain StatusCodeOption"),
    (IAPrefixOption(PREFIX, options=[IA_PREFIX]), r"IAPrefixOption may not contain IAPrefixOption"),
])
def test_validate_rejects(element: Option, problem: str) -> None:
    assert_invalid(element, problem)


@pytest.mark.parametrize('element', [
    IAPDOption(b'abcd', 10, 0),
    IAPDOption(b'abcd', 0, 0, [IA_PREFIX, IAPrefixOption(IPv6Network('2001:db8:200::/56')), STATUS_OK,
                               UnknownOption(65000, b'')]),
    IAPrefixOption(PREFIX, 5, 5, [STATUS_OK]),
    # Out of order, as a client may send them: a server ignores them (RFC 8415 sections 21.21 and 21.22)
    IAPDOption(b'abcd', 10, 5),
    IAPDOption(b'abcd', 0, 0, [IAPrefixOption(PREFIX, 10, 5)]),
    IAPrefixOption(PREFIX, 2, 1),
])
def test_validate_accepts(element: Option) -> None:
    element.validate()


def test_get_prefixes() -> None:
    second = IAPrefixOption(IPv6Network('2001:db8:200::/48'))
    assert IAPDOption(b'abcd', options=[IA_PREFIX, STATUS_OK, second]).get_prefixes() == [PREFIX, second.prefix]
    assert IAPDOption(b'abcd').get_prefixes() == []


def test_defaults() -> None:
    assert IAPDOption() == IAPDOption(b'\x00\x00\x00\x00', 0, 0, [])
    assert IAPrefixOption() == IAPrefixOption(IPv6Network('::/0'), 0, 0, [])


def test_containment_rules() -> None:
    assert IAPDOption.may_contain(IAPrefixOption)
    assert IAPDOption.may_contain(StatusCodeOption)
    assert not IAPDOption.may_contain(IAAddressOption)
    assert IAPrefixOption.may_contain(StatusCodeOption)
    assert not IAPrefixOption.may_contain(IAPrefixOption)


CID = ClientIdOption(LinkLayerDUID(1, b'\x00\x01\x02\x03\x04\x05'))
SID = ServerIdOption(LinkLayerDUID(1, b'\x00\x01\x02\x03\x04\x06'))


@pytest.mark.parametrize('klass, allowed', [
    (SolicitMessage, True), (AdvertiseMessage, True), (RequestMessage, True), (RenewMessage, True),
    (RebindMessage, True), (ReplyMessage, True), (ReleaseMessage, True),
    # Confirm and Decline are about addresses only (RFC 8415 sections 18.2.3 and 18.2.8)
    (ConfirmMessage, False), (DeclineMessage, False),
    (InformationRequestMessage, False), (ReconfigureMessage, False),
    (RelayForwardMessage, False), (RelayReplyMessage, False),
])
def test_allowed_in_messages(klass: type[Message], allowed: bool) -> None:
    assert klass.may_contain(IAPDOption) is allowed
    assert not klass.may_contain(IAPrefixOption)


@pytest.mark.parametrize('klass, options', [
    (SolicitMessage, [CID]), (RequestMessage, [CID, SID]), (RenewMessage, [CID, SID]), (RebindMessage, [CID]),
    (ReleaseMessage, [CID, SID]), (AdvertiseMessage, [CID, SID]), (ReplyMessage, [CID, SID]),
])
def test_several_ia_pd_in_a_message(klass: type[ClientServerMessage], options: list[Option]) -> None:
    message = klass(b'abc', options + [IAPDOption(b'pd01', options=[IA_PREFIX]), IAPDOption(b'pd02')])
    message.validate()
    data = message.save()
    assert Message.parse(data) == (len(data), message)


def test_ia_prefix_outside_ia_pd_is_invalid() -> None:
    with pytest.raises(ValidationError, match="SolicitMessage may not contain IAPrefixOption"):
        SolicitMessage(b'abc', [CID, IA_PREFIX]).validate()


@pytest.mark.parametrize('klass', [IAPDOption, IAPrefixOption], ids=lambda klass: klass.__name__)
@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_round_trip(klass: type[Option], data: st.DataObject) -> None:
    assert_round_trip(data.draw(STRATEGIES[klass]), Option)
