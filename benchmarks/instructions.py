"""
The machine instructions one exchange costs inside ipv6-dhcpd: a count that does not move with the machine's load.

Run by hand (needs Debian's ``valgrind``, which it installs when it runs as root and finds none)::

    python benchmarks/instructions.py [--exchanges 800] [--prefixes] [--cache-sim] [--tree PATH ...]

Why: on the shared benchmark machines the time of the same code swings by a factor of two within minutes, so a change
worth a few per cent cannot be seen in timings, not even alternating ones. Instructions executed can: valgrind's
cachegrind counts them exactly (with ``PYTHONHASHSEED=0``, which the inner runs get, two runs of the same code agreed
to 0.01 %; with random hash seeds they spread by about 1 %). Fewer instructions on this interpreter-bound path mean
less CPU, though not in proportion: the count leaves out the kernel (system calls, fsync), the other threads and the
interpreter lock, and how fast the instructions run (``--cache-sim`` adds cachegrind's simulated first-level cache
misses, a measure of how large the path's working set is). So this compares versions of the Python path, and
``benchmarks/perfdhcp`` stays the judge of the daemon.

Method: in one process, the same calls the worker makes for each packet (parse, validate, the listener's
Relay-forward wrapping, the StandardMessageHandler of ``pipeline.py``'s configuration inside ``deferring_commits``,
the commit, build_reply), for 4-way exchanges (Solicit/Advertise/Request/Reply) of distinct clients, with leases in a
real SQLite store (``lease-sync = normal``: the sync mode changes the work of the kernel, not the instructions counted).
Each tree is run twice under cachegrind, with a few and with many exchanges after the same warm-up; the difference
divided by the difference in exchanges is the cost of one exchange without start-up. The client's side (building the
Solicit and Request, reading the Advertise) is counted too; it is the same in every tree, so differences between
trees are the server's.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from ipaddress import IPv6Address
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent
WARM_UP = 300


def exchanges(count: int, prefixes: bool) -> None:
    """Run the warm-up and then `count` 4-way exchanges in this process (the part cachegrind measures)."""
    sys.path.insert(0, str(BENCHMARKS))
    from pipeline import CLIENT, INTERFACE, four_way_exchange, load_handler

    from dhcpkit.ipv6.leases.deferred import DeferredCommits, deferring_commits
    from dhcpkit.ipv6.messages import Message
    from dhcpkit.ipv6.server.packets import ReceivedPacket, build_reply, check_request, wrap_message

    state = tempfile.mkdtemp(prefix='dhcpkit-instructions-')
    handler, server_id = load_handler(state, 'normal')
    multicast = IPv6Address('ff02::1:2')

    def serve(request: Message) -> Message:
        """What the worker does with one packet (see dhcpkit.ipv6.server.worker), without the threads and sockets."""
        _used, message = Message.parse(request.save())
        wrapped = wrap_message(message, INTERFACE, CLIENT)
        message.validate()
        check_request(message)
        deferred = DeferredCommits()
        with deferring_commits(deferred):
            reply = handler.handle(wrapped, True)
            assert reply is not None
            outgoing = build_reply(reply, ReceivedPacket(message, wrapped, INTERFACE, CLIENT, multicast))
        deferred.commit()
        return Message.parse(outgoing.data)[1]

    for number in range(WARM_UP):
        four_way_exchange(10 ** 9 + number, prefixes, server_id, serve)
    for number in range(count):
        four_way_exchange(number, prefixes, server_id, serve)
    handler.close()
    shutil.rmtree(state)


def ensure_valgrind() -> str:
    """:return: the path of valgrind, installed from Debian first when it is missing and we are root"""
    valgrind = shutil.which('valgrind')
    if valgrind is None and os.geteuid() == 0:
        print("installing valgrind from Debian", flush=True)
        subprocess.run(['apt-get', '-q', '-y', 'install', '--no-install-recommends', 'valgrind'], check=True,
                       timeout=600, stdout=subprocess.DEVNULL, env={**os.environ, 'DEBIAN_FRONTEND': 'noninteractive'})
        valgrind = shutil.which('valgrind')
    if valgrind is None:
        sys.exit("valgrind is missing: apt-get install valgrind (or run this as root)")
    return valgrind


def counts(valgrind: str, tree: Path, count: int, prefixes: bool, cache_sim: bool) -> dict[str, int]:
    """
    Run the exchanges of `tree`'s dhcpkit under cachegrind.

    :return: cachegrind's totals by event name (Ir: instructions; with the cache simulation also I1mr, D1mr, ...)
    """
    with tempfile.TemporaryDirectory(prefix='dhcpkit-cachegrind-') as directory:
        output = os.path.join(directory, 'cachegrind.out')
        argv = [valgrind, '--tool=cachegrind', f'--cache-sim={"yes" if cache_sim else "no"}',
                f'--cachegrind-out-file={output}', sys.executable, str(Path(__file__).resolve()), '--inner', str(count)]
        if prefixes:
            argv.append('--prefixes')
        environment = {**os.environ, 'PYTHONPATH': str(tree), 'PYTHONHASHSEED': '0'}
        subprocess.run(argv, check=True, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       timeout=1800)
        events: list[str] = []
        totals: list[int] = []
        with open(output) as lines:
            for line in lines:
                if line.startswith('events:'):
                    events = line.split()[1:]
                elif line.startswith('summary:'):
                    totals = [int(value) for value in line.split()[1:]]
        return dict(zip(events, totals))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument('--exchanges', type=int, default=800, help="exchanges measured after the warm-up (default 800)")
    parser.add_argument('--prefixes', action='store_true', help="ask for a prefix too, not only an address")
    parser.add_argument('--cache-sim', action='store_true', help="also count simulated first-level cache misses")
    parser.add_argument('--tree', action='append', type=Path,
                        help="a checkout whose dhcpkit to measure (repeat to compare; default: this one)")
    parser.add_argument('--inner', type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inner is not None:
        exchanges(args.inner, args.prefixes)
        return
    if args.exchanges < 10:
        parser.error("--exchanges must be at least 10: the count is a difference of two runs")
    valgrind = ensure_valgrind()
    trees = [tree.resolve() for tree in args.tree or [BENCHMARKS.parent]]
    for tree in trees:
        if not (tree / 'dhcpkit' / '__init__.py').is_file():
            sys.exit(f"{tree} holds no dhcpkit package")
    few = max(args.exchanges // 5, 1)
    print(f"4-way exchanges ({'address and prefix' if args.prefixes else 'address'}), per exchange: the difference of "
          f"{args.exchanges} and {few} exchanges after {WARM_UP} to warm up, under cachegrind")
    header = f"{'tree':<40} {'instructions':>14}"
    if args.cache_sim:
        header += f" {'I1 misses':>10} {'D1 misses':>10}"
    print(header)
    print('-' * len(header))
    first: int | None = None
    for tree in trees:
        low = counts(valgrind, tree, few, args.prefixes, args.cache_sim)
        high = counts(valgrind, tree, args.exchanges, args.prefixes, args.cache_sim)
        per_exchange = {event: (high[event] - low[event]) / (args.exchanges - few) for event in high}
        line = f"{str(tree)[-40:]:<40} {per_exchange['Ir']:>14,.0f}"
        if args.cache_sim:
            line += f" {per_exchange['I1mr']:>10,.0f} {per_exchange['D1mr'] + per_exchange['D1mw']:>10,.0f}"
        if first is None:
            first = int(per_exchange['Ir'])
        else:
            line += f"   x{per_exchange['Ir'] / first:.3f}"
        print(line, flush=True)


if __name__ == '__main__':
    main()
