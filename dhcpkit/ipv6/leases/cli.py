"""
``ipv6-dhcp-leases``: look at and delete the leases of a server's embedded lease store.

The tool reads the server's configuration file to find ``[server] state-directory``, opens the lease database in it and
lists the leases as a table or as JSON, optionally filtered by client DUID, address or prefix. ``--delete`` removes the
record of one resource, for example one that a misbehaving client holds.

Exit codes: 0 on success (also when there are no leases, or no database yet), 1 when the configuration or the database
cannot be read or the lease to delete does not exist, 2 for wrong arguments.
"""
import argparse
import json
import os
import sqlite3
import sys
import time
from collections.abc import Iterable, Sequence
from datetime import datetime, timezone
from ipaddress import IPv6Address, IPv6Network
from typing import Any

from dhcpkit.ipv6.config import ConfigError
from dhcpkit.ipv6.leases import FOREVER, LEASE_TYPE_NA, LEASE_TYPE_PD, Lease
from dhcpkit.ipv6.leases.sqlite_store import LEASE_DATABASE_NAME, SQLiteLeaseStore

__all__ = ['run', 'lease_to_json', 'format_time', 'TABLE_COLUMNS']

PROGRAM = 'ipv6-dhcp-leases'

#: The column headers of the table, in order
TABLE_COLUMNS = ('TYPE', 'ADDRESS/PREFIX', 'DUID', 'IAID', 'STATE', 'PREFERRED-UNTIL', 'VALID-UNTIL')


class ToolError(Exception):
    """Something the operator must fix; the message is printed and the tool exits with 1."""


def format_time(timestamp: int) -> str | None:
    """
    :param timestamp: a UNIX time from the store
    :return: the time in ISO 8601 UTC (``2026-11-25T10:00:00Z``), or None for an infinite lifetime
    """
    if timestamp >= FOREVER:
        return None
    return datetime.fromtimestamp(timestamp, timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')


def lease_to_json(lease: Lease, now: float) -> dict[str, Any]:
    """
    The JSON object of one lease.

    :param lease: the lease
    :param now: the current UNIX time, for the effective state
    :return: a dictionary that :func:`json.dumps` can write
    """
    resource_key = 'address' if lease.lease_type == LEASE_TYPE_NA else 'prefix'
    return {
        'type': lease.lease_type,
        resource_key: lease.resource,
        'duid': lease.duid.hex(),
        'iaid': lease.iaid.hex(),
        'state': lease.effective_state(now).value,
        'preferred-until': format_time(lease.preferred_until),
        'valid-until': format_time(lease.valid_until),
        'updated': format_time(lease.updated),
        'pool': lease.pool,
    }


def table_row(lease: Lease, now: float) -> tuple[str, ...]:
    """
    :param lease: the lease
    :param now: the current UNIX time
    :return: the cells of its table row
    """
    return (lease.lease_type, lease.resource, lease.duid.hex(), lease.iaid.hex(), lease.effective_state(now).value,
            format_time(lease.preferred_until) or 'infinite', format_time(lease.valid_until) or 'infinite')


def format_table(rows: Sequence[Sequence[str]]) -> str:
    """
    :param rows: the header and the rows
    :return: the rows with their columns aligned, two spaces apart
    """
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    return '\n'.join('  '.join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in rows)


def sort_key(lease: Lease) -> tuple[str, int, int]:
    """Addresses and prefixes in numeric order (the store sorts them as text), addresses first."""
    try:
        network = IPv6Network(lease.resource, strict=False)
        return lease.lease_type, int(network.network_address), network.prefixlen
    except ValueError:
        return lease.lease_type, -1, 0


# Arguments

def duid_argument(text: str) -> bytes:
    """A DUID in hex, optionally with ``:`` or ``-`` between the bytes."""
    try:
        duid = bytes.fromhex(text.replace(':', '').replace('-', ''))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a DUID in hex, not {text!r}") from None
    if not duid:
        raise argparse.ArgumentTypeError("the DUID is empty")
    return duid


def address_argument(text: str) -> IPv6Address:
    """An IPv6 address."""
    try:
        return IPv6Address(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def prefix_argument(text: str) -> IPv6Network:
    """An IPv6 prefix without host bits."""
    try:
        return IPv6Network(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def resource_argument(text: str) -> str:
    """An address or a prefix, in the canonical text form the store uses."""
    try:
        return str(IPv6Network(text)) if '/' in text else str(IPv6Address(text))
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def build_parser() -> argparse.ArgumentParser:
    """
    :return: the command line parser
    """
    parser = argparse.ArgumentParser(
        prog=PROGRAM,
        description="Show or delete the leases in the lease store of an ipv6-dhcpd server.",
        epilog="Times are in UTC. The state takes the time into account: a bound lease past its valid time shows as "
               "expired, a declined one past its quarantine as free.")
    parser.add_argument('-c', '--config', required=True, metavar='FILE',
                        help="the server's configuration file, for [server] state-directory")
    parser.add_argument('--duid', type=duid_argument, metavar='HEX', help="only leases of this client DUID")
    parser.add_argument('--address', type=address_argument, metavar='ADDR', help="only the lease of this address")
    parser.add_argument('--prefix', type=prefix_argument, metavar='PREFIX',
                        help="only delegated prefixes inside (or equal to) this prefix")
    parser.add_argument('--json', action='store_true', help="print a JSON array instead of a table")
    parser.add_argument('--delete', type=resource_argument, metavar='RESOURCE',
                        help="delete the lease of this address or prefix instead of listing")
    return parser


# Doing it

def database_path(config_file: str) -> str:
    """
    :param config_file: the server's configuration file
    :return: the path of its lease database
    :raises ToolError: when the configuration cannot be loaded
    """
    from dhcpkit.ipv6.server.config_loader import load_config
    try:
        config = load_config(config_file)
    except ConfigError as error:
        raise ToolError(f"invalid configuration: {error}") from None
    state_directory: str = config['server']['state-directory']
    return os.path.join(state_directory, LEASE_DATABASE_NAME)


def matches(lease: Lease, args: argparse.Namespace) -> bool:
    """
    :param lease: a lease
    :param args: the parsed command line
    :return: whether the lease passes every filter given
    """
    if args.duid is not None and lease.duid != args.duid:
        return False
    if args.address is not None:
        if lease.lease_type != LEASE_TYPE_NA or lease.resource != str(args.address):
            return False
    if args.prefix is not None:
        if lease.lease_type != LEASE_TYPE_PD:
            return False
        try:
            if not IPv6Network(lease.resource).subnet_of(args.prefix):
                return False
        except ValueError:
            return False
    return True


def print_leases(leases: Iterable[Lease], as_json: bool) -> None:
    """
    :param leases: the leases to show
    :param as_json: JSON instead of a table
    """
    now = time.time()
    selected = sorted(leases, key=sort_key)
    if as_json:
        print(json.dumps([lease_to_json(lease, now) for lease in selected], indent=2))
    elif not selected:
        print("No leases")
    else:
        print(format_table([TABLE_COLUMNS] + [table_row(lease, now) for lease in selected]))


def run(argv: list[str] | None = None) -> int:
    """
    The ``ipv6-dhcp-leases`` command.

    :param argv: the arguments (without the program name); None for ``sys.argv[1:]``
    :return: the exit code
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.delete is not None and (args.duid is not None or args.address is not None or args.prefix is not None
                                    or args.json):
        parser.error("--delete cannot be combined with --duid, --address, --prefix or --json")

    try:
        path = database_path(args.config)
        if not os.path.exists(path):
            # No database: the server has not given out a lease yet (or the state directory is wrong). Do not create
            # one here: this tool may run as another user than the server.
            if args.delete is not None:
                raise ToolError(f"no lease for {args.delete}: there is no lease database at {path}")
            print(f"{PROGRAM}: no lease database at {path}, so no leases", file=sys.stderr)
            print_leases([], args.json)
            return 0
        store = SQLiteLeaseStore(path)
        try:
            if args.delete is not None:
                if not store.delete(args.delete):
                    raise ToolError(f"no lease for {args.delete}")
                print(f"Deleted the lease of {args.delete}")
                return 0
            print_leases([lease for lease in store.leases() if matches(lease, args)], args.json)
        finally:
            store.close()
    except ToolError as error:
        print(f"{PROGRAM}: {error}", file=sys.stderr)
        return 1
    except (sqlite3.Error, OSError, ValueError) as error:
        # ValueError: a record the store cannot turn into a lease (an unknown state, say)
        print(f"{PROGRAM}: cannot read the lease database: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':  # pragma: no cover
    sys.exit(run())
