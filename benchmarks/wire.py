"""
Parse and save rates of the wire-format library, side by side with scapy on the same bytes, in one run.

Run by hand (needs the ``bench`` extra: ``pip install -e '.[bench]'``)::

    python benchmarks/wire.py [--seconds 0.5] [--repeat 5]

Method: each case is timed with :mod:`timeit` in batches that take about ``--seconds``; the best of ``--repeat``
batches is reported, since the noise on shared machines only ever slows things down. Everything runs in one
process on one core (the process is pinned to one CPU when the OS allows it). scapy's save is timed after clearing
its cache of the dissected bytes, so it really builds the packet.
"""
import argparse
import os
import platform
import sys
import timeit
from ipaddress import IPv6Address, IPv6Network
from typing import Callable

from dhcpkit.ipv6.duids import LinkLayerDUID, LinkLayerTimeDUID
from dhcpkit.ipv6.extensions.dns import DomainSearchListOption, RecursiveNameServersOption
from dhcpkit.ipv6.extensions.prefix_delegation import IAPDOption, IAPrefixOption
from dhcpkit.ipv6.messages import Message, RelayForwardMessage, ReplyMessage, SolicitMessage
from dhcpkit.ipv6.options import (ClientIdOption, ElapsedTimeOption, IAAddressOption, IANAOption, InterfaceIdOption,
                                  OptionRequestOption, RelayMessageOption, ServerIdOption)

CLIENT_DUID = LinkLayerTimeDUID(1, 0x2a3b4c5d, bytes.fromhex('525400123456'))
SERVER_DUID = LinkLayerDUID(1, bytes.fromhex('02aabbccddee'))

SOLICIT = SolicitMessage(b'\x5a\x1b\x2c', [
    ClientIdOption(CLIENT_DUID),
    OptionRequestOption([23, 24]),
    ElapsedTimeOption(0),
    IANAOption(b'\x00\x00\x00\x01'),
    IAPDOption(b'\x00\x00\x00\x02'),
])

REPLY = ReplyMessage(b'\x5a\x1b\x2c', [
    ServerIdOption(SERVER_DUID),
    ClientIdOption(CLIENT_DUID),
    IANAOption(b'\x00\x00\x00\x01', 1800, 2880, [
        IAAddressOption(IPv6Address('2001:db8:1::1:100'), 3600, 7200),
    ]),
    IAPDOption(b'\x00\x00\x00\x02', 21600, 34560, [
        IAPrefixOption(IPv6Network('2001:db8:100:1200::/56'), 43200, 86400),
    ]),
    RecursiveNameServersOption([IPv6Address('2001:db8::53'), IPv6Address('2001:db8::54')]),
    DomainSearchListOption(['example.com', 'example.net']),
])

RELAYED_SOLICIT = RelayForwardMessage(1, IPv6Address('2001:db8:ffff::1'), IPv6Address('2001:db8:1::2'), [
    InterfaceIdOption(b'ae0.100'),
    RelayMessageOption(RelayForwardMessage(0, IPv6Address('2001:db8:1::1'), IPv6Address('fe80::5054:ff:fe12:3456'), [
        InterfaceIdOption(b'port-17'),
        RelayMessageOption(SOLICIT),
    ])),
])

CASES = [('Solicit', SOLICIT.save()), ('Reply', REPLY.save()), ('Solicit in 2 Relay-forwards', RELAYED_SOLICIT.save())]


def rate(function: Callable[[], object], seconds: float, repeat: int) -> float:
    """Calls per second of `function`, best of `repeat` batches of about `seconds` each."""
    timer = timeit.Timer(function)
    number, _elapsed = timer.autorange()
    number = max(1, int(number * seconds / max(_elapsed, 1e-9)))
    return number / min(timer.repeat(repeat=repeat, number=number))


def scapy_functions(data: bytes) -> tuple[Callable[[], object], Callable[[], object]] | None:
    """Parse and save functions with scapy for the same bytes, or None when scapy is missing."""
    try:
        from scapy.layers.dhcp6 import _dhcp6_dispatcher  # type: ignore[import-untyped]
    except ImportError:
        return None
    packet = _dhcp6_dispatcher(data)
    if bytes(packet) != data:
        print(f"warning: scapy does not save these bytes unchanged", file=sys.stderr)

    def scapy_save() -> bytes:
        packet.clear_cache()
        return bytes(packet)

    return (lambda: _dhcp6_dispatcher(data)), scapy_save


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument('--seconds', type=float, default=0.5, help="length of one timed batch")
    parser.add_argument('--repeat', type=int, default=5, help="number of batches; the best counts")
    args = parser.parse_args()
    if hasattr(os, 'sched_setaffinity'):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})

    rows = []
    for name, data in CASES:
        _used, message = Message.parse(data)
        assert message.save() == data
        parse = rate(lambda: Message.parse(data), args.seconds, args.repeat)
        save = rate(message.save, args.seconds, args.repeat)
        scapy = scapy_functions(data)
        if scapy:
            scapy_parse = rate(scapy[0], args.seconds, args.repeat)
            scapy_save = rate(scapy[1], args.seconds, args.repeat)
        else:
            scapy_parse = scapy_save = float('nan')
        rows.append((name, len(data), parse, save, scapy_parse, scapy_save))

    try:
        import scapy as scapy_module  # type: ignore[import-untyped]
        scapy_version = scapy_module.__version__
    except ImportError:
        scapy_version = 'not installed'
    print(f"Python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs, pinned to one; "
          f"scapy {scapy_version}; best of {args.repeat} batches of ~{args.seconds} s")
    header = (f"{'message':<28} {'bytes':>5} {'dhcpkit parse/s':>16} {'dhcpkit save/s':>15} {'scapy parse/s':>14} "
              f"{'scapy save/s':>13} {'parse ratio':>12} {'save ratio':>11}")
    print(header)
    print('-' * len(header))
    for name, size, parse, save, scapy_parse, scapy_save in rows:
        print(f"{name:<28} {size:>5} {parse:>16,.0f} {save:>15,.0f} {scapy_parse:>14,.0f} {scapy_save:>13,.0f} "
              f"{parse / scapy_parse:>11.1f}x {save / scapy_save:>10.1f}x")


if __name__ == '__main__':
    main()
