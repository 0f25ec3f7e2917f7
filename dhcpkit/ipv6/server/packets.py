"""
From received datagram to message handler and back: wrapping a received message in the server's own Relay-forward,
and turning the handler's Relay-reply into a datagram with its destination, port, source and interface.

These are pure functions of their inputs, so the rules (hop counts, ports, source addresses, "never send anywhere
else") are tested without sockets. The server acts as the outermost relay of every message it receives: the message
handler sees a :class:`~dhcpkit.ipv6.messages.RelayForwardMessage` whose Interface-Id names the interface and whose
peer-address is the sender, and answers with a Relay-reply that says where the answer goes.
"""
import functools
import struct
import time
from dataclasses import dataclass, field
from ipaddress import IPv6Address

from dhcpkit.ipv6 import CLIENT_PORT, HOP_COUNT_LIMIT, SERVER_PORT
from dhcpkit.ipv6.messages import (MSG_RELAY_FORW, ClientServerMessage, Message, RelayForwardMessage,
                                   RelayReplyMessage, SolicitMessage)
from dhcpkit.ipv6.options import OPTION_RELAY_MSG, InterfaceIdOption, RelayMessageOption
from dhcpkit.ipv6.server.interfaces import Interface
from dhcpkit.ipv6.text import address_text

__all__ = ['PacketRejected', 'ReceivedPacket', 'OutgoingPacket', 'wrap_message', 'check_request', 'build_reply',
           'is_multicast', 'needs_scope', 'peek_client_message_type']


class PacketRejected(ValueError):
    """
    A received message that the server does not pass to the message handler, with the statistics counter that
    records why.

    :ivar counter: the name of the counter in :mod:`~dhcpkit.ipv6.server.statistics`
    """

    def __init__(self, reason: str, counter: str = 'invalid'):
        super().__init__(reason)
        self.counter = counter


@dataclass(slots=True)
class ReceivedPacket:
    """
    A received message on its way to a worker thread, with everything needed to answer it.

    :ivar message: the message as received
    :ivar wrapped: the server's Relay-forward around it, for the message handler
    :ivar interface: the interface it arrived on (as it was configured when it arrived)
    :ivar source: the sender's address
    :ivar destination: the address it was sent to
    :ivar received_at: when it was read from the socket (:func:`time.monotonic`)
    """

    message: Message
    wrapped: RelayForwardMessage
    interface: Interface
    source: IPv6Address
    destination: IPv6Address
    received_at: float = field(default_factory=time.monotonic)

    @property
    def starts_exchange(self) -> bool:
        """Whether the client's message is a Solicit: the first message of an exchange, the cheapest to drop."""
        inner: Message | None = self.message
        while isinstance(inner, RelayForwardMessage):
            inner = inner.relayed_message
        return isinstance(inner, SolicitMessage)

    @property
    def received_over_multicast(self) -> bool:
        """Whether the packet was sent to a multicast group (RFC 8415 section 18.3 treats those differently)."""
        return is_multicast(self.destination)


@dataclass(slots=True)
class OutgoingPacket:
    """
    A datagram to send: where to, from which address and out of which interface.

    :ivar data: the UDP payload
    :ivar destination: the address to send to
    :ivar port: the UDP port to send to
    :ivar source: the source address, or ``::`` to let the kernel choose
    :ivar interface_index: the interface to send out of
    """

    data: bytes
    destination: IPv6Address
    port: int
    source: IPv6Address
    interface_index: int

    @property
    def socket_address(self) -> tuple[str, int, int, int]:
        """The destination as :meth:`socket.socket.sendmsg` wants it; link-local destinations need their scope."""
        return _socket_address(self.destination, self.port, self.interface_index)


@functools.lru_cache(maxsize=4096)
def _socket_address(destination: IPv6Address, port: int, interface_index: int) -> tuple[str, int, int, int]:
    # Every reply goes to the sender of a request, and clients and relays send again and again
    return address_text(destination), port, 0, interface_index if needs_scope(destination) else 0


def is_multicast(address: IPv6Address) -> bool:
    """
    :param address: an address
    :return: whether it is a multicast address (``ff00::/8``), without the network arithmetic of
             :attr:`IPv6Address.is_multicast`: the packet path asks this several times for every packet
    """
    return address.packed[0] == 0xff


def needs_scope(address: IPv6Address) -> bool:
    """
    :param address: a destination
    :return: whether sending to it needs the interface as its scope: link-local (``fe80::/10``) or multicast
    """
    first, second = address.packed[:2]
    return first == 0xff or (first == 0xfe and second & 0xc0 == 0x80)


#: A Relay-forward's fixed fields before its options: type, hop count, link-address, peer-address (RFC 8415 9.1)
_RELAY_HEADER = 34

_option_header = struct.Struct('!HH')


def peek_client_message_type(data: bytes) -> int | None:
    """
    The type of the client's message in a datagram, looking through Relay-forward messages without parsing them, so
    that an overloaded listener can shed Solicits from relayed clients as cheaply as direct ones. Bounded like every
    parser: at most :data:`~dhcpkit.ipv6.HOP_COUNT_LIMIT` relays deep, never past the data.

    :param data: a received datagram
    :return: the message type, or None when the datagram is too short or its relay chain cannot be followed
    """
    start, end = 0, len(data)
    for _relay in range(HOP_COUNT_LIMIT + 1):
        if start >= end:
            return None
        message_type = data[start]
        if message_type != MSG_RELAY_FORW:
            return message_type
        position = start + _RELAY_HEADER
        start = end  # unless a Relay Message option is found below
        while position + 4 <= end:
            code, length = _option_header.unpack_from(data, position)
            if position + 4 + length > end:
                return None
            if code == OPTION_RELAY_MSG:
                start, end = position + 4, position + 4 + length
                break
            position += 4 + length
    return None


def wrap_message(message: Message, interface: Interface, source: IPv6Address) -> RelayForwardMessage:
    """
    Wrap a received message in the server's own Relay-forward (RFC 8415 section 19.1.1, with the server as the
    relay): a message straight from a client gets hop count 0, a Relay-forward from a relay agent one more than its
    own, so that the hop count still says how many relays a message passed.

    :param message: the received message
    :param interface: the interface it arrived on
    :param source: the sender's address
    :return: the Relay-forward for the message handler
    :raises PacketRejected: when a relayed message has passed too many relays (RFC 8415 section 19.1.1)
    """
    if isinstance(message, RelayForwardMessage):
        if not isinstance(message.hop_count, int) or message.hop_count >= HOP_COUNT_LIMIT:
            raise PacketRejected(f"hop count {message.hop_count} has reached the limit of {HOP_COUNT_LIMIT}")
        hop_count = message.hop_count + 1
    else:
        hop_count = 0
    return RelayForwardMessage(hop_count=hop_count, link_address=interface.link_address, peer_address=source,
                               options=[InterfaceIdOption(interface.name.encode()), RelayMessageOption(message)])


def check_request(message: Message) -> None:
    """
    Make sure that a received (and validated) message is one a server answers: a client message, directly or at the
    bottom of a chain of Relay-forward messages. Anything else (a server's Advertise, a Relay-reply, an unknown type)
    never reaches the message handler, so that a peer cannot make it fail on purpose.

    :param message: the received message
    :raises PacketRejected: when it is not a request for a server
    """
    inner: Message | None = message
    while isinstance(inner, RelayForwardMessage):
        inner = inner.relayed_message
    if not isinstance(inner, ClientServerMessage) or not inner.from_client_to_server:
        what = type(inner).__name__ if inner is not None else 'a relay message without a Relay Message option'
        raise PacketRejected(f"a server does not answer {what}")


def build_reply(reply: RelayReplyMessage, received: ReceivedPacket) -> OutgoingPacket:
    """
    Unwrap the message handler's answer into the datagram to send.

    The answer goes only to the sender of the request, out of the interface the request came in on: to port 546 when
    it is a client's message, to port 547 when it is a Relay-reply for a relay agent (RFC 8415 section 7.2).

    :param reply: the server's own Relay-reply, as returned by the message handler
    :param received: the request it answers
    :return: the datagram
    :raises ValueError: when the handler's answer cannot be sent: not a Relay-reply, nothing in it, or addressed to
                        someone other than the sender (a bug in the message handler)
    """
    if not isinstance(reply, RelayReplyMessage):
        raise ValueError(f"the message handler returned a {type(reply).__name__}, not a RelayReplyMessage")
    if reply.peer_address != received.source:
        raise ValueError(f"the message handler answered to {reply.peer_address}, but the request came from "
                         f"{received.source}; the server only answers the sender")
    relayed = reply.relayed_message
    if isinstance(relayed, RelayReplyMessage):
        port = SERVER_PORT
    elif isinstance(relayed, ClientServerMessage):
        port = CLIENT_PORT
    else:
        raise ValueError(f"the message handler's Relay-reply carries {type(relayed).__name__}, not a message to "
                         f"send to a client or relay")
    return OutgoingPacket(data=relayed.save(), destination=received.source, port=port,
                          source=received.interface.reply_source(received.destination),
                          interface_index=received.interface.index)
