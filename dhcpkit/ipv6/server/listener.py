"""
The server's one UDP socket: receiving, filtering and wrapping requests, and sending replies.

One socket bound to ``[::]:547`` receives for every interface; the kernel tells (``IPV6_PKTINFO``) on which
interface each packet arrived and to which address it was sent, and :mod:`~dhcpkit.ipv6.server.interfaces` decides
whether that is a configured interface and destination. One socket means nothing to re-bind when the interfaces
change: a reload only joins or leaves multicast groups and swaps the table. Replies leave through the same socket
with ``IPV6_PKTINFO`` naming their source address and interface, so they go out of the interface the request came in
on, from the address the client talked to.
"""
import errno
import functools
import logging
import socket
import struct
import time
from ipaddress import IPv6Address
from typing import Any, Callable, Mapping

from dhcpkit.ipv6 import SERVER_PORT
from dhcpkit.ipv6.messages import MSG_SOLICIT, Message
from dhcpkit.ipv6.server.interfaces import MULTICAST_GROUPS, Interface, InterfaceSource, find_interfaces
from dhcpkit.ipv6.server.log_limits import LogLimiter
from dhcpkit.ipv6.server.packets import (OutgoingPacket, PacketRejected, ReceivedPacket, peek_client_message_type,
                                         wrap_message)
from dhcpkit.ipv6.server.statistics import Statistics
from dhcpkit.ipv6.server.worker import MAX_QUEUE_WAIT, OVERLOAD_TIME, SOLICIT_MAX_WAIT, SOLICIT_READ_MAX_WAIT
from dhcpkit.protocol_element import MalformedInputError

__all__ = ['Listener', 'open_server_socket', 'parse_pktinfo', 'make_pktinfo']

logger = logging.getLogger(__name__)

# Linux <linux/in6.h>; older Pythons do not have every constant in the socket module
IPV6_RECVPKTINFO: int = getattr(socket, 'IPV6_RECVPKTINFO', 49)
IPV6_PKTINFO: int = getattr(socket, 'IPV6_PKTINFO', 50)
SO_RCVBUFFORCE: int = getattr(socket, 'SO_RCVBUFFORCE', 33)
SO_SNDBUFFORCE: int = getattr(socket, 'SO_SNDBUFFORCE', 32)
SO_RXQ_OVFL: int = getattr(socket, 'SO_RXQ_OVFL', 40)
SO_TIMESTAMPNS: int = getattr(socket, 'SO_TIMESTAMPNS', 35)

#: struct timespec of SO_TIMESTAMPNS: when the kernel received the datagram (CLOCK_REALTIME)
_timespec = struct.Struct('@qq')

#: The kernel's count of datagrams it dropped because the receive buffer was full (a 32-bit unsigned integer)
_drop_count = struct.Struct('@I')

#: struct in6_pktinfo: the address and the interface index (an unsigned int in host byte order)
_pktinfo = struct.Struct('@16sI')

#: struct ipv6_mreq: the group and the interface index
_mreq = struct.Struct('@16sI')

#: Where a datagram was sent to, and the index of the interface it arrived on
PacketInfo = tuple[IPv6Address, int]

#: A DHCPv6 message fits in one UDP datagram; read whole datagrams and notice truncation
MAX_DATAGRAM = 65535

#: The receive buffer: room for a burst of requests while the workers are busy. A server that is behind could answer
#: requests that waited in it for seconds, after their clients retransmitted; the kernel's receive time of every
#: datagram lets the listener drop those unread (``dropped-stale``). Beyond the buffer the kernel drops, and the
#: listener counts that too (``dropped-kernel``).
RECEIVE_BUFFER = 4 * 1024 * 1024

#: The send buffer: replies leave as fast as the workers make them
SEND_BUFFER = 4 * 1024 * 1024

#: Read at most this many datagrams in one go, so that signals are noticed promptly under load
RECEIVE_BATCH = 64

#: Room for the ancillary data of one datagram: its packet info, the kernel's drop count and its receive time
_ANCILLARY_SPACE = (socket.CMSG_SPACE(_pktinfo.size) + socket.CMSG_SPACE(_drop_count.size)
                    + socket.CMSG_SPACE(_timespec.size))


def parse_pktinfo(ancillary: list[tuple[int, int, bytes]]) -> PacketInfo | None:
    """
    Find the destination address and interface index in the ancillary data of :meth:`socket.socket.recvmsg`.

    :param ancillary: the ancillary data items
    :return: (destination, interface index), or None when the kernel did not say
    """
    for level, kind, data in ancillary:
        if level == socket.IPPROTO_IPV6 and kind == IPV6_PKTINFO and len(data) >= _pktinfo.size:
            address, index = _pktinfo.unpack_from(data)
            return IPv6Address(address), index
    return None


def make_pktinfo(source: IPv6Address, interface_index: int) -> tuple[int, int, bytes]:
    """
    :param source: the source address to send from (``::`` lets the kernel choose)
    :param interface_index: the interface to send out of
    :return: the ancillary data item for :meth:`socket.socket.sendmsg`
    """
    return socket.IPPROTO_IPV6, IPV6_PKTINFO, _pktinfo.pack(source.packed, interface_index)


def parse_drop_count(ancillary: list[tuple[int, int, bytes]]) -> int | None:
    """
    Find the kernel's count of dropped datagrams (``SO_RXQ_OVFL``) in the ancillary data.

    :param ancillary: the ancillary data items
    :return: the count so far on this socket, or None when the kernel did not say
    """
    for level, kind, data in ancillary:
        if level == socket.SOL_SOCKET and kind == SO_RXQ_OVFL and len(data) >= _drop_count.size:
            count: int = _drop_count.unpack_from(data)[0]
            return count
    return None


def parse_receive_time(ancillary: list[tuple[int, int, bytes]]) -> float | None:
    """
    Find when the kernel received a datagram (``SO_TIMESTAMPNS``) in the ancillary data.

    :param ancillary: the ancillary data items
    :return: the UNIX time, or None when the kernel did not say
    """
    for level, kind, data in ancillary:
        if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS and len(data) >= _timespec.size:
            seconds, nanoseconds = _timespec.unpack_from(data)
            return float(seconds + nanoseconds / 1e9)
    return None


def read_ancillary(ancillary: list[tuple[int, int, bytes]]) -> tuple[PacketInfo | None, int | None, float | None]:
    """
    Everything the listener wants from the ancillary data of a datagram, in one pass: the packet info (see
    :func:`parse_pktinfo`), the kernel's drop count (:func:`parse_drop_count`) and the receive time
    (:func:`parse_receive_time`); each None when the kernel did not say.

    :param ancillary: the ancillary data items
    :return: (packet info, drop count, receive time)
    """
    pktinfo = drop_count = received = None
    for level, kind, data in ancillary:
        if level == socket.IPPROTO_IPV6:
            if kind == IPV6_PKTINFO and len(data) >= _pktinfo.size:
                address, index = _pktinfo.unpack_from(data)
                pktinfo = _packed_address(address), index
        elif level == socket.SOL_SOCKET:
            if kind == SO_TIMESTAMPNS and len(data) >= _timespec.size:
                seconds, nanoseconds = _timespec.unpack_from(data)
                received = float(seconds + nanoseconds / 1e9)
            elif kind == SO_RXQ_OVFL and len(data) >= _drop_count.size:
                drop_count = _drop_count.unpack_from(data)[0]
    return pktinfo, drop_count, received


@functools.lru_cache(maxsize=1024)
def _packed_address(packed: bytes) -> IPv6Address:
    # The same few destinations (the groups, the server's addresses) arrive all the time
    return IPv6Address(packed)


@functools.lru_cache(maxsize=4096)
def sender_address(text: str) -> IPv6Address | None:
    """
    The sender of a datagram as an address, from the socket address text (which may carry a ``%scope``); clients
    and relays send again and again, so recent ones are remembered.

    :param text: the host part of the socket address
    :return: the address, or None when nobody could be answered there (unspecified or multicast)
    """
    source = IPv6Address(socket.inet_pton(socket.AF_INET6, text.split('%', 1)[0]))
    if source.is_unspecified or source.is_multicast:
        return None
    return source


def _set_buffer(sock: socket.socket, force_option: int, option: int, size: int) -> None:
    # The *FORCE variants pass the system maximum but need CAP_NET_ADMIN; the plain ones are capped by it
    for level, name in ((socket.SOL_SOCKET, force_option), (socket.SOL_SOCKET, option)):
        try:
            sock.setsockopt(level, name, size)
            return
        except OSError:
            continue
    logger.debug("Could not enlarge socket buffer option %d", option)


def open_server_socket(port: int = SERVER_PORT) -> socket.socket:
    """
    Open the server's socket: IPv6 only, bound to every address on `port`, reporting destination and interface
    of every packet.

    :param port: the UDP port (547)
    :return: the bound socket
    :raises OSError: when the port cannot be bound (not root, or another server has it)
    """
    sock = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM, socket.IPPROTO_UDP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        sock.setsockopt(socket.IPPROTO_IPV6, IPV6_RECVPKTINFO, 1)
        _set_buffer(sock, SO_RCVBUFFORCE, socket.SO_RCVBUF, RECEIVE_BUFFER)
        _set_buffer(sock, SO_SNDBUFFORCE, socket.SO_SNDBUF, SEND_BUFFER)
        for option, what in ((SO_RXQ_OVFL, "receive buffer drops"), (SO_TIMESTAMPNS, "receive times")):
            try:
                sock.setsockopt(socket.SOL_SOCKET, option, 1)
            except OSError:
                logger.debug("The kernel cannot report %s", what)
        sock.bind(('::', port))
    except BaseException:
        sock.close()
        raise
    return sock


class Listener:
    """
    Receives requests for the configured interfaces and sends replies.

    The main thread calls :meth:`receive` and :meth:`update`; worker threads call :meth:`send`. The interface table
    is replaced as a whole, never changed in place, so a worker never sees half an update.

    :ivar interfaces: the interfaces listened on, by index
    """

    def __init__(self, sock: socket.socket, statistics: Statistics, source: InterfaceSource | None = None,
                 report_exception: Callable[[str], None] | None = None):
        """
        :param sock: the socket from :func:`open_server_socket`
        :param statistics: the counters to update
        :param source: where interfaces come from (the real system by default)
        :param report_exception: called (inside the ``except`` block) when parsing raised something other than
                                 :class:`~dhcpkit.protocol_element.MalformedInputError`: a bug, which the worker's
                                 runaway protection should count like any other
        """
        self.sock = sock
        self.statistics = statistics
        self.report_exception = report_exception
        self.source = source
        self.interfaces: dict[int, Interface] = {}
        self._joined: set[tuple[int, IPv6Address]] = set()
        self._missing_reported: set[str] = set()
        self._kernel_drops = 0  # the kernel only reports the count once it is not zero
        #: whether the last :meth:`receive` read its limit of datagrams, so that more are probably waiting
        self.backlogged = False
        #: whether the reads have been backlogged for OVERLOAD_TIME, and not caught up for as long since
        self.overloaded = False
        self._backlogged_since: float | None = None
        self._caught_up_since: float | None = None
        self._overload_log = LogLimiter(60.0, 1)

    def fileno(self) -> int:
        """:return: the socket's file descriptor, for the selector"""
        return self.sock.fileno()

    # Interfaces and multicast groups

    def update(self, interfaces_config: Mapping[str, Mapping[str, Any]]) -> None:
        """
        Look at the system's interfaces again and apply `interfaces_config`: swap in the new table and join and leave
        multicast groups where it changed. Called at start, on reload and periodically (addresses come and go).
        Changes are logged at INFO; a configured interface that does not exist is a WARNING, once until it appears.

        :param interfaces_config: ``config['interfaces']``
        """
        table, missing = find_interfaces(interfaces_config, self.source)
        for name in missing:
            if name not in self._missing_reported:
                logger.warning("Interface %s is configured but does not exist; listening on it when it appears", name)
        self._missing_reported = set(missing)

        wanted = {(index, group) for index, interface in table.items() if interface.multicast
                  for group in MULTICAST_GROUPS}
        for index, group in sorted(self._joined - wanted, key=str):
            self._membership(socket.IPV6_LEAVE_GROUP, index, group)
        for index, group in sorted(wanted - self._joined, key=str):
            self._membership(socket.IPV6_JOIN_GROUP, index, group)

        old = self.interfaces
        self.interfaces = table
        for index, interface in table.items():
            if old.get(index) != interface:
                logger.info("Listening on %s", interface.describe())
        for index, interface in old.items():
            if index not in table or table[index].name != interface.name:
                logger.info("No longer listening on %s", interface.name)

    def _membership(self, action: int, index: int, group: IPv6Address) -> None:
        joining = action == socket.IPV6_JOIN_GROUP
        try:
            self.sock.setsockopt(socket.IPPROTO_IPV6, action, _mreq.pack(group.packed, index))
        except OSError as error:
            # Leaving a group of an interface that vanished fails harmlessly; a failed join means deaf multicast
            if joining:
                logger.error("Cannot join %s on interface index %d: %s", group, index, error.strerror)
                return
            if error.errno not in (errno.ENODEV, errno.EADDRNOTAVAIL, errno.EINVAL):
                logger.warning("Cannot leave %s on interface index %d: %s", group, index, error.strerror)
        if joining:
            self._joined.add((index, group))
        else:
            self._joined.discard((index, group))

    # Receiving

    def receive(self, limit: int = RECEIVE_BATCH, shed_solicits: bool = False) -> list[ReceivedPacket]:
        """
        Read the datagrams waiting on the socket (at most `limit`) without blocking, and return those that are for
        the server, parsed and wrapped. Everything else is counted and dropped here.

        :param limit: the most datagrams to read
        :param shed_solicits: the workers are behind: drop Solicits (direct or relayed) unparsed (counted as
                              ``dropped-queue-full``), so that the server's time goes to exchanges under way
        :return: the packets for the worker threads
        """
        packets = []
        receive = self.sock.recvmsg
        increment = self.statistics.increment
        # Solicits are shed by their age only under overload, and those that waited more than SOLICIT_READ_MAX_WAIT
        # only while the socket stays backlogged too. After a stall at a load the server can carry (a slow disk, a
        # busy host) the listener reads what piled up and the server catches up within a fraction of a second:
        # those clients still listen, and would otherwise wait for their retransmission, a second later.
        late = (SOLICIT_READ_MAX_WAIT if self.backlogged else SOLICIT_MAX_WAIT) if self.overloaded else MAX_QUEUE_WAIT
        started = time.monotonic()
        self.backlogged = True
        for _ in range(limit):
            try:
                data, ancillary, flags, address = receive(MAX_DATAGRAM, _ANCILLARY_SPACE, socket.MSG_DONTWAIT)
            except (BlockingIOError, InterruptedError):
                self.backlogged = False
                break
            except OSError as error:
                # An ICMP error for an earlier reply can surface here; it is about that reply, not this socket
                logger.debug("Receive error: %s", error)
                continue
            increment('received')
            pktinfo, drop_count, received = read_ancillary(ancillary)
            if drop_count is not None and drop_count != self._kernel_drops:
                self._count_new_drops(drop_count)
            now = time.time()
            waited = now - received if received is not None else 0.0
            if waited > MAX_QUEUE_WAIT:
                # Behind by more than a client waits: it has sent this again, so do not even parse it
                increment('dropped-stale')
                continue
            if (shed_solicits or waited > late) and peek_client_message_type(data) == MSG_SOLICIT:
                # The workers are behind: exchanges under way first (see SOLICIT_MAX_WAIT and SOLICIT_READ_MAX_WAIT)
                increment('dropped-queue-full' if shed_solicits else 'dropped-behind')
                continue
            packet = self._accept(data, pktinfo, flags, address, time.monotonic() - max(waited, 0.0))
            if packet is not None:
                packets.append(packet)
        self._note_backlog(started)
        return packets

    def _note_backlog(self, now: float) -> None:
        """
        Update :attr:`overloaded` after a read that started at `now` (monotonic): it turns on once the reads have been
        backlogged for :data:`~dhcpkit.ipv6.server.worker.OVERLOAD_TIME` in a row and off once none has been for as
        long, so that shedding neither starts with every stall nor stops whenever one read happens to empty the
        socket.
        """
        if self.backlogged:
            self._caught_up_since = None
            if self._backlogged_since is None:
                self._backlogged_since = now
            elif not self.overloaded and now - self._backlogged_since >= OVERLOAD_TIME:
                self.overloaded = True
                suppressed = self._overload_log.allow('overload')
                if suppressed is not None:
                    logger.warning("Overloaded: requests have been waiting in the socket for %g s in a row, so "
                                   "Solicits that waited more than %g s are dropped (counted as dropped-behind)%s",
                                   OVERLOAD_TIME, SOLICIT_MAX_WAIT,
                                   f"; {suppressed} more times since the last such line" if suppressed else "")
        else:
            self._backlogged_since = None
            if self._caught_up_since is None:
                self._caught_up_since = now
            elif now - self._caught_up_since >= OVERLOAD_TIME:
                self.overloaded = False

    def count_kernel_drops(self, ancillary: list[tuple[int, int, bytes]]) -> None:
        """
        Count the datagrams the kernel dropped since the last one we read (its receive buffer was full).

        :param ancillary: the ancillary data of a received datagram
        """
        count = parse_drop_count(ancillary)
        if count is not None and count != self._kernel_drops:
            self._count_new_drops(count)

    def _count_new_drops(self, count: int) -> None:
        # The kernel's counter is 32 bits and wraps around
        self.statistics.increment('dropped-kernel', (count - self._kernel_drops) % (1 << 32))
        self._kernel_drops = count

    def accept(self, data: bytes, ancillary: list[tuple[int, int, bytes]], flags: int,
               address: tuple[Any, ...], received_at: float | None = None) -> ReceivedPacket | None:
        """
        Decide about one datagram: filter by interface and destination, parse, wrap.

        :param data: the payload
        :param ancillary: the ancillary data (with the packet info)
        :param flags: the flags from :meth:`socket.socket.recvmsg`
        :param address: the sender's socket address
        :param received_at: when the kernel received it, on the :func:`time.monotonic` clock (default: now)
        :return: the packet for a worker, or None when it was dropped (and counted)
        """
        return self._accept(data, parse_pktinfo(ancillary), flags, address, received_at)

    def _accept(self, data: bytes, pktinfo: PacketInfo | None, flags: int, address: tuple[Any, ...],
                received_at: float | None) -> ReceivedPacket | None:
        if pktinfo is None or flags & (socket.MSG_TRUNC | socket.MSG_CTRUNC):
            self._drop('dropped-filtered', "Dropping a truncated packet or one without packet info")
            return None
        destination, index = pktinfo
        source = sender_address(address[0])
        if source is None:
            # Nobody to answer: a reply would go nowhere, or to a whole group
            self._drop('dropped-filtered', "Dropping packet from %s: not a unicast sender", address[0])
            return None
        interface = self.interfaces.get(index)
        if interface is None or not interface.accepts(destination):
            self._drop('dropped-filtered', "Dropping packet from %s to %s on interface index %d: not listening there",
                       source, destination, index)
            return None
        try:
            _length, message = Message.parse(data)
        except MalformedInputError as error:
            self._drop('malformed', "Dropping malformed packet from %s on %s: %s", source, interface.name, error)
            return None
        except Exception:
            if self.report_exception is None:
                raise
            self.report_exception(f"parsing a packet from {source} on {interface.name}")
            return None
        try:
            wrapped = wrap_message(message, interface, source)
        except PacketRejected as error:
            self._drop(error.counter, "Dropping packet from %s on %s: %s", source, interface.name, error)
            return None
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug("Received from %s to %s on %s: %r", source, destination, interface.name, message)
        return ReceivedPacket(message=message, wrapped=wrapped, interface=interface, source=source,
                              destination=destination,
                              received_at=time.monotonic() if received_at is None else received_at)

    def _drop(self, counter: str, text: str, *arguments: object) -> None:
        self.statistics.increment(counter)
        logger.debug(text, *arguments)

    # Sending

    def send(self, packet: OutgoingPacket) -> None:
        """
        Send a reply. Called from worker threads; a UDP send is one system call, so the socket needs no lock.

        :param packet: the datagram with its addressing
        :raises OSError: when the kernel refuses it
        """
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug("Sending %d bytes from %s to [%s]:%d on interface index %d", len(packet.data),
                         packet.source, packet.destination, packet.port, packet.interface_index)
        self.sock.sendmsg([packet.data], [make_pktinfo(packet.source, packet.interface_index)], 0,
                          packet.socket_address)

    def close(self) -> None:
        """Leave every group and close the socket."""
        for index, group in list(self._joined):
            self._membership(socket.IPV6_LEAVE_GROUP, index, group)
        self.sock.close()
