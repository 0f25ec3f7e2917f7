"""Malformed packets at the real daemon: dropped and counted, never answered, and the daemon goes on serving.

The packets are built by hand with :mod:`struct` (not with dhcpkit, whose parser is what is being tested) and sent
from the client namespace with a plain UDP socket to ``ff02::1:2%cli0`` port 547, from port 546 so that any answer
would come back to the sending socket. After each batch SIGUSR1 makes the daemon log its counters.
"""

from __future__ import annotations

import random
import struct
import sys
from collections.abc import Sequence

from tests.netns import TestNetwork, require_program
from tests.system.clients import Dhclient, words
from tests.system.daemon import DNS_SERVERS, Daemon, ServerConfig, Topology, explain

# Message and option codes (RFC 8415 sections 7.3 and 21)
SOLICIT, INFORMATION_REQUEST, RELAY_FORW = 1, 11, 12
OPTION_CLIENTID, OPTION_IA_NA, OPTION_IAADDR, OPTION_ORO, OPTION_ELAPSED_TIME, OPTION_RELAY_MSG = 1, 3, 5, 6, 8, 9

#: Sends the hex datagrams read from standard input, then counts answers for a while; prints ``sent N replies M``.
SENDER = r"""
import socket, sys, time
interface, listen = sys.argv[1], float(sys.argv[2])
packets = [bytes.fromhex(word) for word in sys.stdin.read().split()]
index = socket.if_nametoindex(interface)
with socket.socket(socket.AF_INET6, socket.SOCK_DGRAM) as sock:
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("::", 546))
    sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF, index)
    for packet in packets:
        sock.sendto(packet, ("ff02::1:2", 547, 0, index))
    replies = 0
    deadline = time.monotonic() + listen
    while (remaining := deadline - time.monotonic()) > 0:
        sock.settimeout(remaining)
        try:
            sock.recvfrom(65535)
        except socket.timeout:
            break
        replies += 1
print(f"sent {len(packets)} replies {replies}")
"""


def option(code: int, data: bytes, length: int | None = None) -> bytes:
    """An option; ``length`` overrides the length field (to lie about it)."""
    return struct.pack("!HH", code, len(data) if length is None else length) + data


CLIENT_ID = option(OPTION_CLIENTID, struct.pack("!HH", 3, 1) + bytes.fromhex("02a0b0c0d0e0"))  # DUID-LL
ELAPSED_TIME = option(OPTION_ELAPSED_TIME, b"\x00\x00")
ORO = option(OPTION_ORO, struct.pack("!HH", 23, 24))


def message(kind: int, *options: bytes) -> bytes:
    return bytes([kind]) + b"\x12\x34\x56" + b"".join(options)


def relay_forward(hop_count: int, inner: bytes, relay_message_length: int | None = None) -> bytes:
    link, peer = bytes(16), bytes.fromhex("fe800000000000000000000000000001")
    return bytes([RELAY_FORW, hop_count]) + link + peer + option(OPTION_RELAY_MSG, inner, relay_message_length)


SOLICIT_MESSAGE = message(SOLICIT, CLIENT_ID, ELAPSED_TIME, ORO)
INFORMATION_REQUEST_MESSAGE = message(INFORMATION_REQUEST, CLIENT_ID, ELAPSED_TIME, ORO)


def truncated_packets() -> list[bytes]:
    """A valid Solicit cut short: in the header, inside option headers, inside option data."""
    return [SOLICIT_MESSAGE[:cut] for cut in (2, 6, 10, 20, 26, 30, len(SOLICIT_MESSAGE) - 1)]


def length_past_end_packets() -> list[bytes]:
    """Length fields that point past the end of the packet or of the option around them."""
    ia_address = option(OPTION_IAADDR, bytes(16) + struct.pack("!II", 3600, 7200), length=100)
    ia_na = option(OPTION_IA_NA, b"\x00\x00\x00\x01" + struct.pack("!II", 0, 0) + ia_address)
    return [
        message(SOLICIT, option(OPTION_CLIENTID, CLIENT_ID[4:], length=0xFFFF)),
        message(SOLICIT, CLIENT_ID, ELAPSED_TIME, option(OPTION_ORO, struct.pack("!H", 23), length=200)),
        message(SOLICIT, CLIENT_ID, ELAPSED_TIME, ia_na),
        relay_forward(0, INFORMATION_REQUEST_MESSAGE, relay_message_length=len(INFORMATION_REQUEST_MESSAGE) + 1),
    ]


def deeply_nested_relay_forward(depth: int = 100) -> bytes:
    """An Information-request inside ``depth`` Relay-forward messages (each with a plausible hop count)."""
    packet = INFORMATION_REQUEST_MESSAGE
    for level in range(depth):
        packet = relay_forward(min(level, 255), packet)
    return packet


def random_packets(count: int = 200, seed: int = 8415) -> list[bytes]:
    """Random bytes of random lengths; fixed seed, so that a failure can be repeated."""
    generator = random.Random(seed)
    return [generator.randbytes(generator.randint(1, 600)) for _ in range(count)]


def send(net: TestNetwork, packets: Sequence[bytes], listen: float = 1.5) -> int:
    """Send ``packets`` from the client namespace; return how many answers came back."""
    result = net.run(
        "client",
        [sys.executable, "-c", SENDER, "cli0", str(listen)],
        input="\n".join(packet.hex() for packet in packets),
        timeout=30,
    )
    sent, replies = result.stdout.split()[1::2]
    assert int(sent) == len(packets), result.stdout
    return int(replies)


def test_malformed_packets_are_dropped_and_counted(net: TestNetwork) -> None:
    require_program("dhclient")
    Topology(net).build()
    daemon = Daemon(net, ServerConfig())
    client = Dhclient(net, mode="-S")
    with explain(daemon, client):
        daemon.start()
        before = daemon.statistics()
        total = 0
        batches = [
            # (name, packets, the counters that may count them)
            ("truncated options", truncated_packets(), ("malformed",)),
            ("length fields past the end", length_past_end_packets(), ("malformed",)),
            # Too deep for the parser's nesting bound (malformed); far past the hop count limit anyway (invalid)
            ("Relay-forward nested 100 deep", [deeply_nested_relay_forward()], ("malformed", "invalid")),
            # Random bytes: most start with an unknown message type (parsed, then refused as invalid), the rest do
            # not parse at all (malformed); with this seed both happen
            ("random bytes", random_packets(), ("malformed", "invalid")),
        ]
        for name, packets, counters in batches:
            start = daemon.statistics()
            replies = send(net, packets)
            assert replies == 0, f"{name}: the daemon answered {replies} of them"
            total += len(packets)

            def counted(now: dict[str, int], start: dict[str, int] = start, n: int = len(packets),
                        counters: tuple[str, ...] = counters) -> bool:
                return (now["received"] - start["received"] >= n
                        and sum(now[c] - start[c] for c in counters) >= n)

            now = daemon.wait_statistics(counted, f"the daemon to count the {name}")
            delta = {key: now[key] - start[key] for key in now}
            assert delta["received"] == len(packets), (name, delta)
            assert sum(delta[c] for c in counters) == len(packets), (name, delta)
            for key in ("handled", "replied", "exceptions", "dropped-filtered", "dropped-queue-full"):
                assert delta[key] == 0, (name, key, delta)
            assert daemon.running(), f"the daemon died on the {name}"

        after = daemon.statistics()
        assert after["received"] - before["received"] == total
        assert after["replied"] == before["replied"]
        assert after["exceptions"] == 0, after

        # Positive control for the sender: a well-formed Information-request is answered
        assert send(net, [INFORMATION_REQUEST_MESSAGE]) == 1
        after = daemon.wait_statistics(lambda now: now["replied"] == before["replied"] + 1, "the control's reply")

        # A real client is still served
        client.start()
        call = client.script.wait_for(lambda c: "new_dhcp6_name_servers" in c, "new_dhcp6_name_servers")
        assert words(call["new_dhcp6_name_servers"]) == list(DNS_SERVERS)
        served = daemon.statistics()
        assert served["replied"] >= after["replied"] + 1, served
        assert served["exceptions"] == 0, served
        assert daemon.running()
        client.stop()
        daemon.stop_cleanly()
