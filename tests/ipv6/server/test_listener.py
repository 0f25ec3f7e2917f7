"""Tests for dhcpkit.ipv6.server.listener: filtering, parsing and wrapping received datagrams, and the socket."""
import select
import socket
import time
from ipaddress import IPv6Address
from typing import Any

import pytest

from dhcpkit.ipv6.messages import InformationRequestMessage, Message, RelayForwardMessage, SolicitMessage
from dhcpkit.ipv6.options import InterfaceIdOption, RelayMessageOption
from dhcpkit.ipv6.server.listener import (IPV6_PKTINFO, Listener, make_pktinfo, open_server_socket,
                                          parse_pktinfo)
from dhcpkit.ipv6.server.packets import OutgoingPacket
from dhcpkit.ipv6.server.statistics import Statistics
from tests.ipv6.server.test_interfaces import FakeSource, settings

SYSTEM = FakeSource({'lo': (1, ['::1']), 'eth0': (2, ['2001:db8:1::1', 'fe80::1'])})
SOLICIT = SolicitMessage(b'abc')


class FakeSocket:
    """Records socket options; enough for the parts of Listener that do not send or receive."""

    def __init__(self) -> None:
        self.options: list[tuple[int, int, Any]] = []

    def setsockopt(self, level: int, name: int, value: Any) -> None:
        self.options.append((level, name, value))

    def fileno(self) -> int:
        return -1

    def close(self) -> None:
        pass


def make_listener(config: dict[str, Any] | None = None) -> tuple[Listener, FakeSocket, Statistics]:
    sock = FakeSocket()
    statistics = Statistics()
    listener = Listener(sock, statistics, SYSTEM)  # type: ignore[arg-type]
    listener.update(config if config is not None else {'eth0': settings()})
    return listener, sock, statistics


def pktinfo(destination: str, index: int) -> list[tuple[int, int, bytes]]:
    return [make_pktinfo(IPv6Address(destination), index)]


def test_pktinfo_round_trip() -> None:
    item = make_pktinfo(IPv6Address('ff02::1:2'), 7)
    assert item[:2] == (socket.IPPROTO_IPV6, IPV6_PKTINFO)
    assert parse_pktinfo([(socket.SOL_SOCKET, 1, b''), item]) == (IPv6Address('ff02::1:2'), 7)
    assert parse_pktinfo([]) is None
    assert parse_pktinfo([(socket.IPPROTO_IPV6, IPV6_PKTINFO, b'short')]) is None


def test_joins_groups_on_multicast_interfaces_and_leaves_them() -> None:
    listener, sock, _statistics = make_listener()
    joins = [value for _level, name, value in sock.options if name == socket.IPV6_JOIN_GROUP]
    assert sorted(IPv6Address(value[:16]) for value in joins) == [IPv6Address('ff02::1:2'), IPv6Address('ff05::1:3')]
    assert all(int.from_bytes(value[16:], 'little') == 2 for value in joins)

    sock.options.clear()
    listener.update({'eth0': settings(multicast=False)})
    leaves = [value for _level, name, value in sock.options if name == socket.IPV6_LEAVE_GROUP]
    assert len(leaves) == 2
    assert not any(name == socket.IPV6_JOIN_GROUP for _level, name, _value in sock.options)

    sock.options.clear()
    listener.update({'eth0': settings(multicast=False)})
    assert sock.options == []  # nothing changed, nothing done


def test_accepts_multicast_request_and_wraps_it() -> None:
    listener, _sock, statistics = make_listener()
    packet = listener.accept(SOLICIT.save(), pktinfo('ff02::1:2', 2), 0, ('fe80::c1%eth0', 546, 0, 2))
    assert packet is not None
    assert packet.source == IPv6Address('fe80::c1')
    assert packet.received_over_multicast
    assert packet.message == SOLICIT
    assert packet.wrapped == RelayForwardMessage(0, IPv6Address('2001:db8:1::1'), IPv6Address('fe80::c1'),
                                                 [InterfaceIdOption(b'eth0'), RelayMessageOption(SOLICIT)])
    assert statistics.snapshot()['dropped-filtered'] == 0


@pytest.mark.parametrize('destination, index', [
    ('ff02::1:2', 3),        # an interface that is not configured
    ('ff02::1', 2),          # not a DHCPv6 group
    ('2001:db8:1::1', 2),    # global-unicast-addresses = none
    ('2001:db8:9::1', 2),    # not an address of the interface
])
def test_filters_interface_and_destination(destination: str, index: int) -> None:
    listener, _sock, statistics = make_listener()
    assert listener.accept(SOLICIT.save(), pktinfo(destination, index), 0, ('fe80::c1', 546, 0, 0)) is None
    assert statistics['dropped-filtered'] == 1


@pytest.mark.parametrize('source', ['::', 'ff02::1'])
def test_filters_senders_that_cannot_be_answered(source: str) -> None:
    listener, _sock, statistics = make_listener()
    assert listener.accept(SOLICIT.save(), pktinfo('ff02::1:2', 2), 0, (source, 546, 0, 0)) is None
    assert statistics['dropped-filtered'] == 1


def test_filters_packets_without_packet_info_or_truncated() -> None:
    listener, _sock, statistics = make_listener()
    assert listener.accept(SOLICIT.save(), [], 0, ('fe80::c1', 546, 0, 0)) is None
    assert listener.accept(SOLICIT.save(), pktinfo('ff02::1:2', 2), socket.MSG_TRUNC, ('fe80::c1', 546, 0, 0)) is None
    assert statistics['dropped-filtered'] == 2


@pytest.mark.parametrize('data', [b'', b'\x01ab', bytes.fromhex('01616263000100'), b'\x0c\x00'])
def test_malformed_packets_are_counted(data: bytes) -> None:
    listener, _sock, statistics = make_listener()
    assert listener.accept(data, pktinfo('ff02::1:2', 2), 0, ('fe80::c1', 546, 0, 0)) is None
    assert statistics['malformed'] == 1


def test_too_many_hops_is_invalid() -> None:
    listener, _sock, statistics = make_listener()
    relayed = RelayForwardMessage(8, options=[RelayMessageOption(SOLICIT)])
    assert listener.accept(relayed.save(), pktinfo('fe80::1', 2), 0, ('fe80::99', 547, 0, 0)) is None
    assert statistics['invalid'] == 1


def test_unexpected_parse_errors_are_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    reported: list[str] = []
    listener, _sock, _statistics = make_listener()
    listener.report_exception = reported.append

    def broken_parse(*_args: Any) -> Any:
        raise IndexError("a bug in a plugin")
    monkeypatch.setattr(Message, 'parse', broken_parse)
    assert listener.accept(SOLICIT.save(), pktinfo('ff02::1:2', 2), 0, ('fe80::c1', 546, 0, 0)) is None
    assert reported and 'fe80::c1' in reported[0]


def test_real_socket_on_loopback() -> None:
    """Receive and answer through a real socket on ::1 (an unprivileged port, so no root needed)."""
    server = open_server_socket(port=0)
    port = server.getsockname()[1]
    statistics = Statistics()
    listener = Listener(server, statistics)
    listener.update({'lo': settings(multicast=False, global_unicast_addresses=[IPv6Address('::1')])})
    with socket.socket(socket.AF_INET6, socket.SOCK_DGRAM) as client:
        client.bind(('::1', 0))
        client.settimeout(5)
        request = InformationRequestMessage(b'xyz')
        client.sendto(request.save(), ('::1', port))
        client.sendto(b'', ('::1', port))
        packets: list[Any] = []
        deadline = time.monotonic() + 5
        while statistics['received'] < 2 and time.monotonic() < deadline:
            select.select([server], [], [], 0.1)
            packets += listener.receive()
        assert statistics['received'] == 2 and statistics['malformed'] == 1
        assert len(packets) == 1
        packet = packets[0]
        assert packet.message == request
        assert packet.destination == IPv6Address('::1')
        assert packet.interface.name == 'lo'

        client_port = client.getsockname()[1]
        listener.send(OutgoingPacket(b'answer', IPv6Address('::1'), client_port, IPv6Address('::1'), 1))
        data, address = client.recvfrom(100)
        assert data == b'answer'
        assert address[:2] == ('::1', port)
    listener.close()


def test_kernel_drops_are_counted_from_the_ancillary_data() -> None:
    import struct
    from dhcpkit.ipv6.server.listener import SO_RXQ_OVFL, parse_drop_count
    statistics = Statistics()
    listener = Listener(socket.socket(socket.AF_INET6, socket.SOCK_DGRAM), statistics)
    try:
        def drops(count: int) -> list[tuple[int, int, bytes]]:
            return [(socket.SOL_SOCKET, SO_RXQ_OVFL, struct.pack('@I', count))]
        assert parse_drop_count([]) is None
        assert parse_drop_count(drops(7)) == 7
        listener.count_kernel_drops([])  # no drops yet: the kernel sends nothing
        listener.count_kernel_drops(drops(5))  # the first report counts from zero
        listener.count_kernel_drops(drops(5))
        listener.count_kernel_drops(drops(9))
        assert statistics['dropped-kernel'] == 9
        listener.count_kernel_drops(drops(2))  # the kernel's 32-bit counter wrapped
        assert statistics['dropped-kernel'] == 9 + 2 ** 32 - 7
    finally:
        listener.sock.close()


def test_socket_reports_kernel_drops() -> None:
    from dhcpkit.ipv6.server.listener import SO_RXQ_OVFL
    sock = open_server_socket(0)
    try:
        assert sock.getsockopt(socket.SOL_SOCKET, SO_RXQ_OVFL) == 1
    finally:
        sock.close()


def test_receive_time_is_read_from_the_ancillary_data() -> None:
    import struct
    from dhcpkit.ipv6.server.listener import SO_TIMESTAMPNS, parse_receive_time
    assert parse_receive_time([]) is None
    assert parse_receive_time([(socket.SOL_SOCKET, SO_TIMESTAMPNS, struct.pack('@qq', 1700000000, 500000000))]) \
        == 1700000000.5


def test_socket_reports_receive_times() -> None:
    from dhcpkit.ipv6.server.listener import SO_TIMESTAMPNS, parse_receive_time
    sock = open_server_socket(0)
    client = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    try:
        assert sock.getsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS) == 1
        client.sendto(b'\x01\x00\x00\x01', ('::1', sock.getsockname()[1]))
        _data, ancillary, _flags, _address = sock.recvmsg(100, 256)
        received = parse_receive_time(ancillary)
        assert received is not None and abs(time.time() - received) < 5
    finally:
        client.close()
        sock.close()


def receive_two_solicits_and_a_request(pause: float = 0.0, shed_solicits: bool = False, backlogged: bool = False,
                                       overloaded: bool = False) -> tuple[list[Any], Statistics]:
    """
    Send a Solicit, a relayed Solicit and an Information-request over loopback; read them after `pause` s.

    :param backlogged: read them as if the listener's last read had stopped at its limit
    :param overloaded: read them as if the reads had been backlogged for OVERLOAD_TIME
    """
    server = open_server_socket(port=0)
    port = server.getsockname()[1]
    statistics = Statistics()
    listener = Listener(server, statistics)
    listener.update({'lo': settings(multicast=False, global_unicast_addresses=[IPv6Address('::1')])})
    listener.backlogged = backlogged
    listener.overloaded = overloaded
    with socket.socket(socket.AF_INET6, socket.SOCK_DGRAM) as client:
        relayed_solicit = RelayForwardMessage(0, IPv6Address('2001:db8::1'), IPv6Address('fe80::c1'),
                                              [RelayMessageOption(SolicitMessage(b'def'))])
        client.sendto(SolicitMessage(b'abc').save(), ('::1', port))
        client.sendto(relayed_solicit.save(), ('::1', port))
        client.sendto(InformationRequestMessage(b'xyz').save(), ('::1', port))
        time.sleep(pause)
        packets: list[Any] = []
        deadline = time.monotonic() + 5
        while statistics['received'] < 3 and time.monotonic() < deadline:
            select.select([server], [], [], 0.1)
            packets += listener.receive(shed_solicits=shed_solicits)
    listener.close()
    return packets, statistics


def test_behind_workers_make_the_listener_shed_direct_and_relayed_solicits_unparsed() -> None:
    packets, statistics = receive_two_solicits_and_a_request(shed_solicits=True)
    assert statistics['dropped-queue-full'] == 2
    assert [type(packet.message) for packet in packets] == [InformationRequestMessage]


def test_solicits_that_waited_in_the_socket_too_long_under_overload_are_shed_unparsed_and_other_messages_kept() -> None:
    from dhcpkit.ipv6.server.worker import SOLICIT_MAX_WAIT
    packets, statistics = receive_two_solicits_and_a_request(pause=SOLICIT_MAX_WAIT + 0.1, overloaded=True)
    assert (statistics['dropped-behind'], statistics['dropped-stale'], statistics['malformed']) == (2, 0, 0)
    assert [type(packet.message) for packet in packets] == [InformationRequestMessage]


def test_solicits_read_late_from_a_backlogged_socket_are_shed_before_the_queue_would_drop_them() -> None:
    # Older than SOLICIT_READ_MAX_WAIT but younger than SOLICIT_MAX_WAIT, under overload: queued, they would likely be
    # dropped there
    from dhcpkit.ipv6.server.worker import SOLICIT_MAX_WAIT, SOLICIT_READ_MAX_WAIT
    assert SOLICIT_READ_MAX_WAIT + 0.05 < SOLICIT_MAX_WAIT
    packets, statistics = receive_two_solicits_and_a_request(pause=SOLICIT_READ_MAX_WAIT + 0.05, backlogged=True,
                                                             overloaded=True)
    assert (statistics['dropped-behind'], statistics['dropped-stale']) == (2, 0)
    assert [type(packet.message) for packet in packets] == [InformationRequestMessage]


@pytest.mark.parametrize('backlogged', [False, True])
def test_solicits_that_piled_up_during_a_stall_without_overload_are_kept(backlogged: bool) -> None:
    # Older than SOLICIT_MAX_WAIT, but the reads have not been backlogged for OVERLOAD_TIME: a stall (a slow disk, a
    # busy host), not overload. The server catches up within a fraction of a second, so these are answered rather than
    # left to their clients' retransmission
    from dhcpkit.ipv6.server.worker import MAX_QUEUE_WAIT, SOLICIT_MAX_WAIT
    assert SOLICIT_MAX_WAIT + 0.1 < MAX_QUEUE_WAIT
    packets, statistics = receive_two_solicits_and_a_request(pause=SOLICIT_MAX_WAIT + 0.1, backlogged=backlogged)
    assert (statistics['dropped-behind'], statistics['dropped-stale']) == (0, 0)
    assert [type(packet.message) for packet in packets] == [SolicitMessage, RelayForwardMessage,
                                                            InformationRequestMessage]


def test_overload_starts_after_backlogged_reads_for_overload_time_and_ends_after_as_long_caught_up(
        caplog: pytest.LogCaptureFixture) -> None:
    from dhcpkit.ipv6.server.worker import OVERLOAD_TIME
    server = open_server_socket(port=0)
    listener = Listener(server, Statistics())
    listener.update({'lo': settings(multicast=False, global_unicast_addresses=[IPv6Address('::1')])})
    port = server.getsockname()[1]
    with socket.socket(socket.AF_INET6, socket.SOCK_DGRAM) as client:
        def send(count: int) -> None:
            for number in range(count):
                client.sendto(InformationRequestMessage(b'ov' + bytes([number])).save(), ('::1', port))
            # Over loopback a datagram is in the server's socket by the time sendto() returns
            assert select.select([server], [], [], 5)[0]

        send(4)
        assert len(listener.receive(limit=1)) == 1
        assert listener.backlogged and not listener.overloaded
        time.sleep(OVERLOAD_TIME + 0.05)
        assert len(listener.receive(limit=1)) == 1
        assert listener.backlogged and listener.overloaded
        assert caplog.text.count("Overloaded: requests have been waiting") == 1
        # One read that empties the socket does not end it...
        assert len(listener.receive(limit=10)) == 2
        assert not listener.backlogged and listener.overloaded
        # ...and a backlogged read starts the time it must stay caught up over
        send(2)
        assert len(listener.receive(limit=1)) == 1
        assert listener.overloaded
        assert len(listener.receive(limit=10)) == 1
        time.sleep(OVERLOAD_TIME + 0.05)
        send(1)
        assert len(listener.receive(limit=10)) == 1
        assert not listener.backlogged and not listener.overloaded
        # Overload that comes back within a minute is not logged again
        send(2)
        assert len(listener.receive(limit=1)) == 1
        time.sleep(OVERLOAD_TIME + 0.05)
        assert len(listener.receive(limit=1)) == 1
        assert listener.overloaded
        assert caplog.text.count("Overloaded: requests have been waiting") == 1
    listener.close()


def test_recent_solicits_are_accepted() -> None:
    packets, statistics = receive_two_solicits_and_a_request()
    assert statistics['dropped-behind'] == 0
    assert [type(packet.message) for packet in packets] == [SolicitMessage, RelayForwardMessage,
                                                            InformationRequestMessage]


def test_a_read_that_stops_at_its_limit_says_more_is_waiting() -> None:
    server = open_server_socket(port=0)
    listener = Listener(server, Statistics())
    listener.update({'lo': settings(multicast=False, global_unicast_addresses=[IPv6Address('::1')])})
    with socket.socket(socket.AF_INET6, socket.SOCK_DGRAM) as client:
        for transaction_id in (b'ab1', b'ab2', b'ab3'):
            client.sendto(InformationRequestMessage(transaction_id).save(), ('::1', server.getsockname()[1]))
        # Over loopback a datagram is in the server's socket by the time sendto() returns
        assert select.select([server], [], [], 5)[0]
        assert len(listener.receive(limit=2)) == 2
        assert listener.backlogged
        assert len(listener.receive(limit=2)) == 1
        assert not listener.backlogged
    listener.close()


def test_read_ancillary_finds_each_item_as_the_single_parsers_do() -> None:
    import struct
    from dhcpkit.ipv6.server.listener import (SO_RXQ_OVFL, SO_TIMESTAMPNS, parse_drop_count, parse_receive_time,
                                              read_ancillary)
    items = [(socket.SOL_SOCKET, SO_TIMESTAMPNS, struct.pack('@qq', 1700000000, 250_000_000)),
             (socket.SOL_SOCKET, SO_RXQ_OVFL, struct.pack('@I', 3)),
             make_pktinfo(IPv6Address('ff02::1:2'), 4)]
    assert read_ancillary(items) == (parse_pktinfo(items), parse_drop_count(items), parse_receive_time(items))
    assert read_ancillary(items) == ((IPv6Address('ff02::1:2'), 4), 3, 1700000000.25)
    assert read_ancillary([]) == (None, None, None)
    short = [(level, kind, data[:3]) for level, kind, data in items]
    assert read_ancillary(short) == (None, None, None)


def test_senders_that_cannot_be_answered_are_recognised() -> None:
    from dhcpkit.ipv6.server.listener import sender_address
    assert sender_address('fe80::c1%eth0') == IPv6Address('fe80::c1')
    assert sender_address('2001:db8::1') == IPv6Address('2001:db8::1')
    assert sender_address('::') is None
    assert sender_address('ff02::1') is None
