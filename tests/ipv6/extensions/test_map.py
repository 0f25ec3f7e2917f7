"""Tests for the softwire 4over6 options of RFC 7598 (:mod:`dhcpkit.ipv6.extensions.map`)."""
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network

import pytest

from dhcpkit.ipv6.duids import LinkLayerDUID
from dhcpkit.ipv6.extensions.map import (S46_RULE_FLAG_F, S46BROption, S46DMROption, S46LWContainerOption,
                                         S46MapEContainerOption, S46MapTContainerOption, S46PortParametersOption,
                                         S46RuleOption, S46V4V6BindingOption, pack_ipv6_prefix, parse_ipv6_prefix)
from dhcpkit.ipv6.messages import AdvertiseMessage, ReplyMessage, SolicitMessage
from dhcpkit.ipv6.option_base import Option
from dhcpkit.ipv6.options import ClientIdOption, ServerIdOption
from dhcpkit.protocol_element import MalformedInputError, ValidationError
from tests.strategies.map import STRATEGIES
from tests.wire_checks import (assert_invalid, assert_length_past_data_malformed, assert_malformed, assert_parses,
                               assert_parses_inside, assert_prefixes_malformed, assert_saves,
                               assert_strategy_round_trips, with_length)

PORTS_WIRE = bytes.fromhex('005d 0004 06 08 3400')
PORTS = S46PortParametersOption(offset=6, psid_len=8, psid=0x34)

RULE_WIRE = bytes.fromhex('0059 0015 01 10 18 c0000200 28 20010db800') + PORTS_WIRE
RULE = S46RuleOption(flags=S46_RULE_FLAG_F, ea_len=16, ipv4_prefix=IPv4Network('192.0.2.0/24'),
                     ipv6_prefix=IPv6Network('2001:db8::/40'), options=[PORTS])

BR_WIRE = bytes.fromhex('005a 0010 20010db8000000000000000000000001')
BR = S46BROption(IPv6Address('2001:db8::1'))

DMR_WIRE = bytes.fromhex('005b 000d 60 20010db8 00640000 00000000')
DMR = S46DMROption(IPv6Network('2001:db8:64::/96'))

BINDING_WIRE = bytes.fromhex('005c 0014 c0000201 38 20010db8000102') + PORTS_WIRE
BINDING = S46V4V6BindingOption(ipv4_address=IPv4Address('192.0.2.1'), bind_prefix=IPv6Network('2001:db8:1:200::/56'),
                               options=[PORTS])

CASES = [
    (PORTS_WIRE, PORTS),
    (bytes.fromhex('005d 0004 00 00 0000'), S46PortParametersOption(0, 0, 0)),
    (bytes.fromhex('005d 0004 00 10 ffff'), S46PortParametersOption(0, 16, 0xffff)),
    (bytes.fromhex('005d 0004 04 03 a000'), S46PortParametersOption(4, 3, 5)),
    (RULE_WIRE, RULE),
    (bytes.fromhex('0059 0008 00 00 00 00000000 00'), S46RuleOption()),
    (bytes.fromhex('0059 000d 00 30 20 c0000201 21 20010db880'),
     S46RuleOption(0, 48, IPv4Network('192.0.2.1/32'), IPv6Network('2001:db8:8000::/33'))),
    (bytes.fromhex('0059 0018 00 00 08 0a000000 80 20010db8000000000000000000000001'),
     S46RuleOption(0, 0, IPv4Network('10.0.0.0/8'), IPv6Network('2001:db8::1/128'))),
    (BR_WIRE, BR),
    (DMR_WIRE, DMR),
    (bytes.fromhex('005b 0001 00'), S46DMROption(IPv6Network('::/0'))),
    (bytes.fromhex('005b 0009 3b 20010db8000001e0'), S46DMROption(IPv6Network('2001:db8:0:1e0::/59'))),
    (BINDING_WIRE, BINDING),
    (bytes.fromhex('005c 0005 00000000 00'), S46V4V6BindingOption()),
    (bytes.fromhex('005e') + (len(RULE_WIRE) + len(BR_WIRE)).to_bytes(2, 'big') + RULE_WIRE + BR_WIRE,
     S46MapEContainerOption([RULE, BR])),
    (bytes.fromhex('005e 0000'), S46MapEContainerOption()),
    (bytes.fromhex('005f') + (len(DMR_WIRE) + len(RULE_WIRE)).to_bytes(2, 'big') + DMR_WIRE + RULE_WIRE,
     S46MapTContainerOption([DMR, RULE])),
    (bytes.fromhex('0060') + (len(BR_WIRE) + len(BINDING_WIRE)).to_bytes(2, 'big') + BR_WIRE + BINDING_WIRE,
     S46LWContainerOption([BR, BINDING])),
]

#: Cases whose objects follow every rule (the empty MAP-E container lacks its mandatory contents)
VALID = [option for _wire, option in CASES if option != S46MapEContainerOption()]


@pytest.mark.parametrize('data, option', CASES)
def test_parse(data: bytes, option: Option) -> None:
    assert_parses(Option, data, option)


@pytest.mark.parametrize('data, option', CASES)
def test_save(data: bytes, option: Option) -> None:
    assert_saves(option, data)


@pytest.mark.parametrize('data, option', CASES)
def test_parse_at_offset(data: bytes, option: Option) -> None:
    assert_parses_inside(Option, data, option, before=b'garbage', after=b'more', length=len(data))


@pytest.mark.parametrize('data, option', CASES)
def test_truncated(data: bytes, option: Option) -> None:
    assert_prefixes_malformed(Option, data)


@pytest.mark.parametrize('data, option', CASES)
def test_length_past_data(data: bytes, option: Option) -> None:
    assert_length_past_data_malformed(Option, data)


@pytest.mark.parametrize('option', VALID)
def test_valid(option: Option) -> None:
    option.validate()


@pytest.mark.parametrize('data', [
    # Port parameters: wrong length, PSID length over 16, PSID padding bits set
    '005d 0003 06 08 34',
    '005d 0005 06 08 340000',
    '005d 0004 00 11 0000',
    '005d 0004 06 08 3401',
    '005d 0004 00 00 0001',
    # Rule: too short for the prefix length byte, IPv4 prefix length over 32, IPv4 host bits set, IPv6 prefix length
    # over 128, IPv6 prefix shorter than its length says, IPv6 padding bits set, an inner option past the end, bytes
    # after the options
    '0059 0007 00 00 00 00000000',
    '0059 0008 00 00 21 00000000 00',
    '0059 0008 00 00 18 c0000201 00',
    '0059 0008 00 00 00 00000000 81',
    '0059 000c 00 00 00 00000000 40 20010db8',
    '0059 000d 00 00 00 00000000 21 20010db8ff',
    '0059 000d 00 00 00 00000000 00 005d 0005 00',
    '0059 000e 00 00 00 00000000 00 005d 0004 0000',
    '0059 0009 00 00 00 00000000 00 00',
    # BR: wrong lengths
    '005a 000f 20010db80000000000000000000000',
    '005a 0011 20010db800000000000000000000000100',
    '005a 0000',
    # DMR: no length byte, too short, bytes after the prefix, padding bits set, length over 128
    '005b 0000',
    '005b 0004 40 20010db8',
    '005b 0002 00 00',
    '005b 0006 21 20010db8 01',
    '005b 0001 81',
    # Binding: too short, prefix too short, padding bits set, trailing garbage
    '005c 0004 c0000201',
    '005c 0006 c0000201 10 20',
    '005c 0007 c0000201 0f 2001',
    '005c 0007 c0000201 00 0000',
    # Containers: an inner option longer than the container, trailing bytes
    '005e 0006 005a 0010 2001',
    '005f 0002 0000',
    '0060 0005 ffff 0000 00',
])
def test_malformed(data: str) -> None:
    assert_malformed(Option, bytes.fromhex(data))


def test_container_length_shorter_than_contents() -> None:
    data = bytes.fromhex('005e') + (len(RULE_WIRE) + len(BR_WIRE)).to_bytes(2, 'big') + RULE_WIRE + BR_WIRE
    with pytest.raises(MalformedInputError):
        Option.parse(with_length(data, len(data) - 5), length=len(data))


def test_rule_length_shorter_than_prefix() -> None:
    # The option claims 8 bytes but the prefix length byte says 5 prefix bytes follow
    with pytest.raises(MalformedInputError):
        Option.parse(bytes.fromhex('0059 0008 00 00 00 00000000 28 20010db800'))


@pytest.mark.parametrize('option', [
    S46PortParametersOption(16, 0, 0),
    S46PortParametersOption(8, 9, 0),
    S46PortParametersOption(0, 17, 0),
    S46PortParametersOption(0, 4, 16),
    S46PortParametersOption(0, 0, 1),
    S46PortParametersOption(-1, 0, 0),
    S46PortParametersOption(0, 4, '1'),  # type: ignore[arg-type]
    S46RuleOption(ea_len=49),
    S46RuleOption(flags=256),
    S46RuleOption(ipv4_prefix=IPv6Network('::/0')),  # type: ignore[arg-type]
    S46RuleOption(ipv6_prefix=IPv4Network('0.0.0.0/0')),  # type: ignore[arg-type]
    S46RuleOption(options=[PORTS, PORTS]),
    S46RuleOption(options=[BR]),
    S46RuleOption(options=[S46PortParametersOption(16, 0, 0)]),
    S46BROption(IPv6Address('ff02::1')),
    S46BROption(IPv6Address('::')),
    S46BROption(IPv6Address('::1')),
    S46BROption('2001:db8::1'),  # type: ignore[arg-type]
    S46DMROption('2001:db8::/64'),  # type: ignore[arg-type]
    S46V4V6BindingOption(ipv4_address=IPv6Address('::1')),  # type: ignore[arg-type]
    S46V4V6BindingOption(bind_prefix=None),  # type: ignore[arg-type]
    S46V4V6BindingOption(options=[PORTS, PORTS]),
    S46V4V6BindingOption(options=[RULE]),
    S46MapEContainerOption([RULE]),
    S46MapEContainerOption([BR]),
    S46MapEContainerOption([RULE, BR, DMR]),
    S46MapEContainerOption([RULE, BR, BINDING]),
    S46MapTContainerOption([RULE]),
    S46MapTContainerOption([DMR]),
    S46MapTContainerOption([RULE, DMR, DMR]),
    S46MapTContainerOption([RULE, DMR, BR]),
    S46LWContainerOption([BINDING]),
    S46LWContainerOption([BR, BINDING, BINDING]),
    S46LWContainerOption([BR, RULE]),
    S46LWContainerOption([BR, PORTS]),
    S46LWContainerOption([BR, S46V4V6BindingOption(options=[S46PortParametersOption(0, 4, 16)])]),
])
def test_invalid(option: Option) -> None:
    assert_invalid(option)


def test_fmr_flag() -> None:
    assert RULE.fmr
    assert not S46RuleOption(flags=0xfe).fmr


def test_multiple_border_relays() -> None:
    # RFC 7598 section 4.2 allows several BR options in one container
    S46MapEContainerOption([RULE, BR, S46BROption(IPv6Address('2001:db8::2'))]).validate()
    S46LWContainerOption([BR, S46BROption(IPv6Address('2001:db8::2'))]).validate()


def test_save_invalid_psid_len() -> None:
    with pytest.raises(ValidationError):
        S46PortParametersOption(0, 17, 0).save()


def test_save_broken_prefix() -> None:
    with pytest.raises(ValidationError):
        S46DMROption(None).save()  # type: ignore[arg-type]


@pytest.mark.parametrize('prefix', ['::/0', '8000::/1', '2001:db8::/32', '2001:db8::/33', '2001:db8::1/128'])
def test_prefix_helper(prefix: str) -> None:
    network = IPv6Network(prefix)
    packed = pack_ipv6_prefix(network)
    assert len(packed) == 1 + (network.prefixlen + 7) // 8
    assert parse_ipv6_prefix('test', b'x' + packed + b'y', 1, 1 + len(packed)) == (network, 1 + len(packed))


SERVER_ID = ServerIdOption(LinkLayerDUID(1, b'\x00\x11\x22\x33\x44\x55'))
CLIENT_ID = ClientIdOption(LinkLayerDUID(1, b'\x00\x66\x77\x88\x99\xaa'))
MAPE = S46MapEContainerOption([RULE, BR])
MAPT = S46MapTContainerOption([RULE, DMR])
LW = S46LWContainerOption([BR, BINDING])


@pytest.mark.parametrize('message_class', [AdvertiseMessage, ReplyMessage])
def test_in_server_messages(message_class: type[AdvertiseMessage | ReplyMessage]) -> None:
    message = message_class(b'abc', [CLIENT_ID, SERVER_ID, MAPE, MAPT, LW])
    message.validate()
    _used, parsed = message_class.parse(message.save())
    assert parsed == message


@pytest.mark.parametrize('container', [MAPE, MAPT, LW])
def test_containers_at_most_once(container: Option) -> None:
    with pytest.raises(ValidationError):
        ReplyMessage(b'abc', [CLIENT_ID, SERVER_ID, container, container]).validate()


@pytest.mark.parametrize('container', [MAPE, MAPT, LW])
def test_containers_not_from_client(container: Option) -> None:
    with pytest.raises(ValidationError):
        SolicitMessage(b'abc', [CLIENT_ID, container]).validate()


@pytest.mark.parametrize('option_class', sorted(STRATEGIES, key=lambda klass: klass.option_type))
def test_roundtrip(option_class: type[Option]) -> None:
    assert_strategy_round_trips(option_class, STRATEGIES[option_class])


def test_every_class_has_a_strategy() -> None:
    assert set(STRATEGIES) == {S46RuleOption, S46BROption, S46DMROption, S46V4V6BindingOption,
                               S46PortParametersOption, S46MapEContainerOption, S46MapTContainerOption,
                               S46LWContainerOption}
