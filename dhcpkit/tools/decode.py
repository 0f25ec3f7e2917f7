"""
``dhcpkit-decode``: show what a DHCPv6 packet, given in hex, contains.

Useful for reading packet dumps from tcpdump or logs: it prints the parsed message as an indented tree, then whether
the message follows the protocol's rules.
"""
import argparse
import sys
from typing import Sequence

from dhcpkit.ipv6.messages import Message
from dhcpkit.protocol_element import MalformedInputError, ProtocolElement, ValidationError

__all__ = ['format_element', 'run']


def format_element(value: object, indent: int = 0) -> str:
    """
    Format a protocol element (or a value inside one) as an indented tree.

    :param value: the element or value
    :param indent: the current indentation in spaces
    :return: the text
    """
    if isinstance(value, ProtocolElement):
        if not value.fields:
            return f'{type(value).__name__}()'
        lines = [f'{type(value).__name__}(']
        for name in value.fields:
            lines.append(f'{" " * (indent + 4)}{name}={format_element(getattr(value, name), indent + 4)},')
        lines.append(f'{" " * indent})')
        return '\n'.join(lines)
    if isinstance(value, list) and any(isinstance(item, ProtocolElement) for item in value):
        items = [f'{" " * (indent + 4)}{format_element(item, indent + 4)},' for item in value]
        return '[\n' + '\n'.join(items) + f'\n{" " * indent}]'
    return repr(value)


def run(argv: Sequence[str] | None = None) -> int:
    """
    Decode the packets given on the command line (or one per line on standard input).

    :param argv: the arguments, without the program name
    :return: 0 when every packet parsed and validated, 1 otherwise
    """
    parser = argparse.ArgumentParser(prog='dhcpkit-decode', description=__doc__.strip().splitlines()[0])
    parser.add_argument('packets', nargs='*', metavar='HEX',
                        help="a DHCPv6 message (the UDP payload) in hex; spaces and colons are ignored")
    args = parser.parse_args(argv)
    packets = args.packets or [line for line in sys.stdin.read().splitlines() if line.strip()]
    status = 0
    for text in packets:
        try:
            data = bytes.fromhex(text.replace(':', '').replace(' ', ''))
        except ValueError as error:
            print(f"not hex: {error}", file=sys.stderr)
            status = 1
            continue
        try:
            _used, message = Message.parse(data)
        except MalformedInputError as error:
            print(f"malformed: {error}", file=sys.stderr)
            status = 1
            continue
        print(format_element(message))
        try:
            message.validate()
            print("valid: yes")
        except ValidationError as error:
            print(f"valid: no: {error}")
            status = 1
    return status


if __name__ == '__main__':  # pragma: no cover
    sys.exit(run())
