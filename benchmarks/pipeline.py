"""
Where the time of one exchange goes inside ipv6-dhcpd: every stage of the path of a packet, timed on its own.

Run by hand::

    python benchmarks/pipeline.py [--exchanges 2000]

Method: one thread plays both sides of 4-way exchanges (Solicit/Advertise/Request/Reply) with distinct clients
against the real StandardMessageHandler with an address pool and a prefix pool, leases committed to a real SQLite
store in a temporary directory. Each stage is timed with ``time.thread_time_ns`` (CPU of this thread) around the same
calls the daemon makes, so the table adds up to the server-side CPU of an exchange on one thread (the lease store
commits in the calling thread). Receive and send are real ``recvmsg``/``sendmsg`` calls over loopback (``::1``), and the
hand-off is a real wake-up of a waiting thread as the worker queue does it (a deque under a lock and a
``queue.SimpleQueue``). Figures are CPU microseconds per 4-way exchange (two transactions), best of ``--repeat`` runs;
``--address-only`` asks for an address alone, as ``perfdhcp -e address-only`` does. These figures leave out what
only the daemon pays: the context switches between the listener and the worker threads and the hand-over of the
interpreter lock, which ``benchmarks/perfdhcp`` measures from the outside.
"""
import argparse
import os
import queue
import shutil
import socket
import tempfile
import threading
import time
from collections import defaultdict, deque
from ipaddress import IPv6Address
from typing import Any, Callable, TypeVar

from dhcpkit.ipv6.duids import LinkLayerDUID
from dhcpkit.ipv6.extensions.prefix_delegation import IAPDOption
from dhcpkit.ipv6.message_handlers import MessageHandler
from dhcpkit.ipv6.messages import (ClientServerMessage, Message, RelayReplyMessage, RequestMessage,
                                   SolicitMessage)
from dhcpkit.ipv6.option_base import Option
from dhcpkit.ipv6.options import ClientIdOption, ElapsedTimeOption, IANAOption, OptionRequestOption, ServerIdOption
from dhcpkit.ipv6.server.config_loader import load_config
from dhcpkit.ipv6.server.interfaces import Interface
from dhcpkit.ipv6.server.packets import ReceivedPacket, build_reply, check_request, wrap_message

CONFIG = '''
[server]
duid = 0003000100aabbccddee
state-directory = {state}
{lease_sync}
[logging]
level = warning
[option RecursiveNameServers]
server-address-1 = 2001:db8::53
[option AddressPool 2001:db8:1::/64]
range = 2001:db8:1::1:0-2001:db8:1::ffff:ffff
[option PrefixPool 2001:db8:1::/64]
prefix = 2001:db8:100::/40
delegated-length = 56
'''

INTERFACE = Interface('eth0', 1, True, (IPv6Address('::1'),), (IPv6Address('2001:db8:1::1'),),
                      frozenset({IPv6Address('::1')}))
CLIENT = IPv6Address('::1')
STAGES = ['receive', 'parse', 'wrap', 'validate', 'hand-off', 'handle (incl. lease store)', 'save', 'send']

Result = TypeVar('Result')


class Stopwatch:
    """CPU time of this thread per stage."""

    def __init__(self) -> None:
        self.totals: dict[str, int] = defaultdict(int)

    def time(self, stage: str, function: Callable[..., Result], *arguments: Any) -> Result:
        start = time.thread_time_ns()
        result = function(*arguments)
        self.totals[stage] += time.thread_time_ns() - start
        return result


class HandOff:
    """
    A waiting thread woken for each packet as the worker queue does it: the packet goes into a deque under a lock,
    and a wake-up into a :class:`queue.SimpleQueue` that the thread sleeps in.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.waiting: deque[object] = deque()
        self.wake_ups: queue.SimpleQueue[None] = queue.SimpleQueue()
        self.done: queue.SimpleQueue[None] = queue.SimpleQueue()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self) -> None:
        while True:
            self.wake_ups.get()
            with self.lock:
                self.waiting.popleft()
            self.done.put(None)

    def pass_on(self, item: object) -> None:
        with self.lock:
            self.waiting.append(item)
        self.wake_ups.put(None)
        self.done.get()


def load_handler(state: str, lease_sync: str | None = None) -> tuple[MessageHandler, ServerIdOption]:
    """
    The message handler of :data:`CONFIG` with its lease store in `state`, as the server loads it.

    :return: the handler and the Server Identifier clients must name
    """
    config_path = os.path.join(state, 'bench.ini')
    with open(config_path, 'w') as config_file:
        config_file.write(CONFIG.format(state=state, lease_sync=f'lease-sync = {lease_sync}' if lease_sync else ''))
    config = load_config(config_path)
    return config['server']['message-handler'](config), ServerIdOption(config['server']['duid'])


def four_way_exchange(number: int, prefixes: bool, server_id: ServerIdOption,
                      serve: Callable[[Message], Message]) -> None:
    """
    The client's side of one 4-way exchange: client `number` solicits an address (and a prefix), then requests what
    the Advertise offers.

    :param serve: takes the client's message to the server and returns the answer
    """
    client_id = ClientIdOption(LinkLayerDUID(1, number.to_bytes(6, 'big')))
    asks: list[Option] = [client_id, ElapsedTimeOption(0), OptionRequestOption([23])]
    ias: list[Option] = [IANAOption(b'\0\0\0\1')] + ([IAPDOption(b'\0\0\0\2')] if prefixes else [])
    advertise = serve(SolicitMessage(b'\x01\x02\x03', asks + ias))
    assert isinstance(advertise, ClientServerMessage)
    offered = [option for option in advertise.options if isinstance(option, (IANAOption, IAPDOption))]
    assert offered, "the Advertise offers nothing"
    serve(RequestMessage(b'\x01\x02\x04', asks + [server_id] + offered))


def run(exchanges: int, stopwatch: Stopwatch, lease_sync: str | None = None,
        prefixes: bool = True) -> float:
    state = tempfile.mkdtemp(prefix='dhcpkit-bench-')
    handler, server_id = load_handler(state, lease_sync)
    server_socket = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    server_socket.bind(('::1', 0))
    client_socket = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    client_socket.bind(('::1', 0))
    hand_off = HandOff()
    wall = time.perf_counter()

    def serve(request: Message) -> Message:
        client_socket.sendto(request.save(), server_socket.getsockname())
        data, _ancillary, _flags, _address = stopwatch.time('receive', server_socket.recvmsg, 2048, 0)
        _used, message = stopwatch.time('parse', Message.parse, data)
        wrapped = stopwatch.time('wrap', wrap_message, message, INTERFACE, CLIENT)
        stopwatch.time('validate', message.validate)
        stopwatch.time('validate', check_request, message)
        stopwatch.time('hand-off', hand_off.pass_on, wrapped)
        reply = stopwatch.time('handle (incl. lease store)', handler.handle, wrapped, True)
        assert isinstance(reply, RelayReplyMessage)
        received = ReceivedPacket(message, wrapped, INTERFACE, CLIENT, IPv6Address('ff02::1:2'))
        outgoing = stopwatch.time('save', build_reply, reply, received)
        stopwatch.time('send', server_socket.sendto, outgoing.data, client_socket.getsockname())
        answer, _address = client_socket.recvfrom(2048)
        return Message.parse(answer)[1]

    for number in range(exchanges):
        four_way_exchange(number, prefixes, server_id, serve)
    wall = time.perf_counter() - wall
    handler.close()
    server_socket.close()
    client_socket.close()
    shutil.rmtree(state)
    return wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument('--exchanges', type=int, default=2000)
    parser.add_argument('--repeat', type=int, default=3)
    parser.add_argument('--lease-sync', choices=['full', 'normal'], default=None,
                        help="[server] lease-sync (default: the server's default, full)")
    parser.add_argument('--address-only', action='store_true',
                        help="ask for an address only (as perfdhcp -e address-only does), not also a prefix")
    args = parser.parse_args()
    best: dict[str, float] = {}
    for _run in range(args.repeat):
        stopwatch = Stopwatch()
        run(args.exchanges, stopwatch, args.lease_sync, prefixes=not args.address_only)
        for stage in STAGES:
            per_exchange = stopwatch.totals[stage] / args.exchanges / 1000
            best[stage] = min(best.get(stage, float('inf')), per_exchange)
    print(f"{args.exchanges} 4-way exchanges ({'address' if args.address_only else 'address and prefix'}) on one "
          f"thread, best of {args.repeat}, lease-sync {args.lease_sync or 'default'}; CPU µs per exchange")
    print(f"{'stage':<30} {'µs':>8}")
    print('-' * 39)
    for stage in STAGES:
        print(f"{stage:<30} {best[stage]:>8.1f}")
    print('-' * 39)
    print(f"{'total (this thread)':<30} {sum(best.values()):>8.1f}")


if __name__ == '__main__':
    main()
