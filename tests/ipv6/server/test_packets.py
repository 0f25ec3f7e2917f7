"""Tests for dhcpkit.ipv6.server.packets: wrapping received messages and addressing replies, without sockets."""
from ipaddress import IPv6Address

import pytest

from dhcpkit.ipv6 import CLIENT_PORT, HOP_COUNT_LIMIT, SERVER_PORT
from dhcpkit.ipv6.messages import (AdvertiseMessage, InformationRequestMessage, Message, RelayForwardMessage,
                                   RelayReplyMessage, ReplyMessage, SolicitMessage, UnknownMessage)
from dhcpkit.ipv6.options import InterfaceIdOption, RelayMessageOption
from dhcpkit.ipv6.server.interfaces import Interface
from dhcpkit.ipv6.server.packets import (OutgoingPacket, PacketRejected, ReceivedPacket, build_reply, check_request,
                                         wrap_message)

LINK_LOCAL = IPv6Address('fe80::1')
GLOBAL = IPv6Address('2001:db8:1::1')
CLIENT_LL = IPv6Address('fe80::c1')
CLIENT_GLOBAL = IPv6Address('2001:db8:1::c1')
RELAY = IPv6Address('2001:db8:2::1')

ETH0 = Interface(name='eth0', index=7, multicast=True, link_local_addresses=(LINK_LOCAL,),
                 global_addresses=(GLOBAL, IPv6Address('2001:db8:1::2')),
                 accepted_addresses=frozenset({LINK_LOCAL, GLOBAL}))
NO_GLOBAL = Interface(name='eth1', index=8, multicast=True, link_local_addresses=(LINK_LOCAL,),
                      global_addresses=(), accepted_addresses=frozenset({LINK_LOCAL}))


def received(message: Message, source: IPv6Address, destination: IPv6Address,
             interface: Interface = ETH0) -> ReceivedPacket:
    return ReceivedPacket(message=message, wrapped=wrap_message(message, interface, source), interface=interface,
                          source=source, destination=destination)


def test_wrap_client_message() -> None:
    solicit = SolicitMessage(b'abc')
    wrapped = wrap_message(solicit, ETH0, CLIENT_LL)
    assert wrapped == RelayForwardMessage(0, GLOBAL, CLIENT_LL,
                                          [InterfaceIdOption(b'eth0'), RelayMessageOption(solicit)])
    assert wrapped.relayed_message is solicit


def test_wrap_without_global_address_uses_unspecified_link_address() -> None:
    wrapped = wrap_message(SolicitMessage(b'abc'), NO_GLOBAL, CLIENT_LL)
    assert wrapped.link_address == IPv6Address('::')
    assert wrapped.get_option_of_type(InterfaceIdOption) == InterfaceIdOption(b'eth1')


@pytest.mark.parametrize('hop_count', [0, 3, HOP_COUNT_LIMIT - 1])
def test_wrap_relay_forward_counts_one_more_hop(hop_count: int) -> None:
    relayed = RelayForwardMessage(hop_count, CLIENT_GLOBAL, CLIENT_LL, [RelayMessageOption(SolicitMessage(b'abc'))])
    wrapped = wrap_message(relayed, ETH0, RELAY)
    assert wrapped.hop_count == hop_count + 1
    assert wrapped.peer_address == RELAY
    assert wrapped.relayed_message is relayed


@pytest.mark.parametrize('hop_count', [HOP_COUNT_LIMIT, HOP_COUNT_LIMIT + 1, 255])
def test_wrap_refuses_too_many_hops(hop_count: int) -> None:
    relayed = RelayForwardMessage(hop_count, CLIENT_GLOBAL, CLIENT_LL, [RelayMessageOption(SolicitMessage(b'abc'))])
    with pytest.raises(PacketRejected, match='hop count') as caught:
        wrap_message(relayed, ETH0, RELAY)
    assert caught.value.counter == 'invalid'


@pytest.mark.parametrize('message', [
    SolicitMessage(b'abc'),
    InformationRequestMessage(b'abc'),
    RelayForwardMessage(0, options=[RelayMessageOption(SolicitMessage(b'abc'))]),
    RelayForwardMessage(1, options=[RelayMessageOption(
        RelayForwardMessage(0, options=[RelayMessageOption(SolicitMessage(b'abc'))]))]),
])
def test_check_request_accepts_client_messages(message: Message) -> None:
    check_request(message)


@pytest.mark.parametrize('message', [
    AdvertiseMessage(b'abc'),
    ReplyMessage(b'abc'),
    RelayReplyMessage(0, options=[RelayMessageOption(ReplyMessage(b'abc'))]),
    UnknownMessage(200, b'x'),
    RelayForwardMessage(0, options=[RelayMessageOption(AdvertiseMessage(b'abc'))]),
    RelayForwardMessage(0, options=[RelayMessageOption(UnknownMessage(200, b''))]),
    RelayForwardMessage(0, options=[]),
])
def test_check_request_refuses_everything_else(message: Message) -> None:
    with pytest.raises(PacketRejected, match='does not answer'):
        check_request(message)


def reply_for(packet: ReceivedPacket, response: Message) -> RelayReplyMessage:
    """What a message handler returns: the response wrapped for the server's own relay message."""
    return packet.wrapped.wrap_response(response)


def test_reply_to_client_over_multicast_goes_from_link_local_to_546() -> None:
    packet = received(SolicitMessage(b'abc'), CLIENT_LL, IPv6Address('ff02::1:2'))
    assert packet.received_over_multicast
    advertise = AdvertiseMessage(b'abc')
    outgoing = build_reply(reply_for(packet, advertise), packet)
    assert outgoing == OutgoingPacket(data=advertise.save(), destination=CLIENT_LL, port=CLIENT_PORT,
                                      source=LINK_LOCAL, interface_index=7)
    # A link-local destination needs its scope
    assert outgoing.socket_address == ('fe80::c1', CLIENT_PORT, 0, 7)


def test_reply_to_unicast_request_comes_from_the_address_it_was_sent_to() -> None:
    packet = received(InformationRequestMessage(b'abc'), CLIENT_GLOBAL, GLOBAL)
    assert not packet.received_over_multicast
    outgoing = build_reply(reply_for(packet, ReplyMessage(b'abc')), packet)
    assert (outgoing.source, outgoing.destination, outgoing.port) == (GLOBAL, CLIENT_GLOBAL, CLIENT_PORT)
    assert outgoing.socket_address == ('2001:db8:1::c1', CLIENT_PORT, 0, 0)
    assert outgoing.interface_index == 7


def test_reply_from_configured_address_for_multicast() -> None:
    interface = Interface(name='eth0', index=7, multicast=True, link_local_addresses=(LINK_LOCAL,),
                          global_addresses=(), accepted_addresses=frozenset({LINK_LOCAL}),
                          reply_from=IPv6Address('fe80::53'))
    packet = received(SolicitMessage(b'abc'), CLIENT_LL, IPv6Address('ff02::1:2'), interface)
    assert build_reply(reply_for(packet, AdvertiseMessage(b'abc')), packet).source == IPv6Address('fe80::53')


def test_reply_without_link_local_lets_the_kernel_choose() -> None:
    interface = Interface(name='lo', index=1, multicast=True, link_local_addresses=(), global_addresses=(),
                          accepted_addresses=frozenset())
    packet = received(SolicitMessage(b'abc'), CLIENT_LL, IPv6Address('ff02::1:2'), interface)
    assert build_reply(reply_for(packet, AdvertiseMessage(b'abc')), packet).source == IPv6Address('::')


def test_reply_to_relay_goes_to_547() -> None:
    relayed = RelayForwardMessage(0, CLIENT_GLOBAL, CLIENT_LL, [InterfaceIdOption(b'port1'),
                                                                RelayMessageOption(SolicitMessage(b'abc'))])
    packet = received(relayed, RELAY, GLOBAL)
    inner_reply = relayed.wrap_response(AdvertiseMessage(b'abc'))
    outgoing = build_reply(reply_for(packet, inner_reply), packet)
    assert (outgoing.destination, outgoing.port, outgoing.source) == (RELAY, SERVER_PORT, GLOBAL)
    _length, parsed = Message.parse(outgoing.data)
    assert parsed == inner_reply


def test_reply_goes_nowhere_but_the_sender() -> None:
    packet = received(SolicitMessage(b'abc'), CLIENT_LL, IPv6Address('ff02::1:2'))
    elsewhere = RelayReplyMessage(0, GLOBAL, IPv6Address('fe80::bad'), [RelayMessageOption(AdvertiseMessage(b'abc'))])
    with pytest.raises(ValueError, match='only answers the sender'):
        build_reply(elsewhere, packet)


@pytest.mark.parametrize('reply', [
    ReplyMessage(b'abc'),  # not wrapped
    RelayReplyMessage(0, GLOBAL, CLIENT_LL, []),  # nothing inside
    RelayReplyMessage(0, GLOBAL, CLIENT_LL, [RelayMessageOption(UnknownMessage(99, b''))]),
])
def test_unusable_handler_answers_are_errors(reply: Message) -> None:
    packet = received(SolicitMessage(b'abc'), CLIENT_LL, IPv6Address('ff02::1:2'))
    with pytest.raises(ValueError):
        build_reply(reply, packet)  # type: ignore[arg-type]


@pytest.mark.parametrize('text, multicast, scoped', [
    ('ff02::1:2', True, True), ('ff05::1:3', True, True), ('fe80::1', False, True), ('febf::1', False, True),
    ('fec0::1', False, False), ('2001:db8::1', False, False), ('::1', False, False), ('::', False, False),
])
def test_address_kinds_match_ipaddress(text: str, multicast: bool, scoped: bool) -> None:
    from dhcpkit.ipv6.server.packets import is_multicast, needs_scope
    address = IPv6Address(text)
    assert is_multicast(address) == multicast == address.is_multicast
    assert needs_scope(address) == scoped == (address.is_multicast or address.is_link_local)


def _relayed(message: Message, relays: int) -> Message:
    for hop in range(relays):
        message = RelayForwardMessage(hop, IPv6Address('2001:db8::1'), IPv6Address('fe80::1'),
                                      [InterfaceIdOption(b'x' * hop), RelayMessageOption(message)])
    return message


@pytest.mark.parametrize('relays', [0, 1, 3, 8])
def test_peek_finds_the_client_message_type_through_relays(relays: int) -> None:
    from dhcpkit.ipv6.messages import MSG_REQUEST, MSG_SOLICIT, RequestMessage
    from dhcpkit.ipv6.server.packets import peek_client_message_type
    assert peek_client_message_type(_relayed(SolicitMessage(b'abc'), relays).save()) == MSG_SOLICIT
    assert peek_client_message_type(_relayed(RequestMessage(b'abc'), relays).save()) == MSG_REQUEST


def test_peek_gives_up_on_what_it_cannot_follow() -> None:
    from dhcpkit.ipv6.server.packets import peek_client_message_type
    relayed = _relayed(SolicitMessage(b'abc'), 1).save()
    assert peek_client_message_type(b'') is None
    assert peek_client_message_type(relayed[:20]) is None             # shorter than a relay header
    assert peek_client_message_type(relayed[:-3]) is None             # the relay message option runs past the end
    no_message = RelayForwardMessage(0, IPv6Address('::'), IPv6Address('fe80::1'), [InterfaceIdOption(b'x')]).save()
    assert peek_client_message_type(no_message) is None
    assert peek_client_message_type(_relayed(SolicitMessage(b'abc'), 9).save()) is None  # deeper than any legal chain
    empty_inner = relayed[:34] + bytes([0, 9, 0, 0])                  # a Relay Message option with nothing in it
    assert peek_client_message_type(empty_inner) is None
