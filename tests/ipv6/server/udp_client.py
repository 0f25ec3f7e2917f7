"""
A tiny DHCPv6 test client for the process tests: send datagrams to a server, print what comes back.

It knows nothing about DHCPv6: the test builds the messages with dhcpkit and parses the replies. It runs as a
separate program because it must run inside another network namespace than the test itself::

    python udp_client.py --to 2001:db8:1::1 --expect 1 HEX [HEX...]

Every reply is printed as ``reply SOURCE PORT HEX`` on its own line. The client sends from port 546, as a DHCPv6
client does, so that replies are addressed to it.
"""
import argparse
import socket
import sys
import time


def main() -> int:
    """Send the datagrams, print the replies; exit 0 when the expected number arrived, 1 otherwise."""
    parser = argparse.ArgumentParser()
    parser.add_argument('--to', required=True, help="the server's address (with %%interface for link-local)")
    parser.add_argument('--port', type=int, default=547)
    parser.add_argument('--bind', default='::', help="the local address")
    parser.add_argument('--source-port', type=int, default=546)
    parser.add_argument('--expect', type=int, default=1, help="stop after this many replies")
    parser.add_argument('--timeout', type=float, default=5.0, help="give up after this many seconds")
    parser.add_argument('payloads', nargs='+', help="the datagrams to send, in hex")
    args = parser.parse_args()

    with socket.socket(socket.AF_INET6, socket.SOCK_DGRAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((args.bind, args.source_port))
        destination = socket.getaddrinfo(args.to, args.port, socket.AF_INET6, socket.SOCK_DGRAM)[0][4]
        for payload in args.payloads:
            sock.sendto(bytes.fromhex(payload), destination)
        received = 0
        deadline = time.monotonic() + args.timeout
        while received < args.expect:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            sock.settimeout(remaining)
            try:
                data, address = sock.recvfrom(65535)
            except socket.timeout:
                break
            print(f"reply {address[0]} {address[1]} {data.hex()}", flush=True)
            received += 1
    return 0 if received >= args.expect else 1


if __name__ == '__main__':
    sys.exit(main())
