"""
Static assignments from a CSV file with the columns ``id,address,prefix``, as in the seed era::

    id,address,prefix
    duid:000300010011223344ff,2001:db8:0:1::100,2001:db8:200::/48
    interface-id-str:Fa2/3,2001:db8:0:1::101,
    remote-id:9:0102,,2001:db8:202::/48

The first row names the columns (in any order). Each further row is one entry: a key (see
:mod:`dhcpkit.ipv6.assignments`) and an address, a prefix or both. Empty rows and rows whose first field starts with
``#`` are skipped. The whole file is read and checked at once; any bad row is an error that names the file and line.
"""
import csv
from collections.abc import Iterator
from ipaddress import IPv6Network

from dhcpkit.ipv6.assignments import Assignment, AssignmentSource, normalize_key, parse_assignment
from dhcpkit.ipv6.config import ConfigError

__all__ = ['CSVAssignmentSource', 'read_csv', 'check_on_link', 'COLUMNS']

#: The columns of an assignments file
COLUMNS = ('id', 'address', 'prefix')


def check_on_link(key: str, assignment: Assignment, link: IPv6Network | None) -> None:
    """
    An address is only given on a link where it is on-link: refuse an entry whose address is outside the link prefix.

    :param key: the entry's key, for the message
    :param assignment: the entry
    :param link: the link prefix, or None when there is no link to check against
    :raises ValueError: when the address is outside the link
    """
    if link is not None and assignment.address is not None and assignment.address not in link:
        raise ValueError(f"the address {assignment.address} of {key} is not inside the link prefix {link}: an "
                         f"address is only given on the link where it is on-link")


def _rows(path: str) -> Iterator[tuple[int, list[str]]]:
    """The rows of the file with their line numbers, without empty and comment rows."""
    with open(path, newline='', encoding='utf-8-sig') as csv_file:
        reader = csv.reader(csv_file, strict=True, skipinitialspace=True)
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                raise ConfigError(f"not valid CSV: {error}", path, reader.line_num) from None
            except UnicodeDecodeError:
                raise ConfigError("not UTF-8 text", path, reader.line_num + 1) from None
            if not any(field.strip() for field in row) or row[0].lstrip().startswith('#'):
                continue
            yield reader.line_num, [field.strip() for field in row]


def read_csv(path: str, link: IPv6Network | None = None) -> dict[str, Assignment]:
    """
    Read and check an assignments file.

    :param path: the CSV file
    :param link: when given, every address must be inside this link prefix
    :return: the entries by normalized key, in file order
    :raises ConfigError: naming the file and line of the first problem
    :raises OSError: when the file cannot be read
    """
    entries: dict[str, Assignment] = {}
    lines: dict[str, int] = {}
    columns: dict[str, int] | None = None
    for line, row in _rows(path):
        if columns is None:
            columns = _header(path, line, row)
            continue
        if len(row) != len(columns):
            raise ConfigError(f"expected {len(columns)} fields ({','.join(columns)}), found {len(row)}", path, line)
        try:
            key = normalize_key(row[columns['id']])
            assignment = parse_assignment(row[columns['address']], row[columns['prefix']])
            check_on_link(key, assignment, link)
        except ValueError as error:
            raise ConfigError(str(error), path, line) from None
        if key in entries:
            raise ConfigError(f"{key} already has an entry on line {lines[key]}", path, line)
        entries[key] = assignment
        lines[key] = line
    if columns is None:
        raise ConfigError(f"empty file: expected the header {','.join(COLUMNS)}", path, None)
    return entries


def _header(path: str, line: int, row: list[str]) -> dict[str, int]:
    names = [field.lower() for field in row]
    if sorted(names) != sorted(COLUMNS):
        raise ConfigError(f"expected the header {','.join(COLUMNS)}, not {','.join(row)}", path, line)
    return {name: index for index, name in enumerate(names)}


class CSVAssignmentSource(AssignmentSource):
    """
    Assignments read from a CSV file into memory when the source is made. A changed file is read again when the
    configuration is reloaded (SIGHUP), because the handler and its source are built anew.

    :ivar path: the CSV file
    :ivar entries: the entries by normalized key
    """

    def __init__(self, path: str, link: IPv6Network | None = None):
        """
        :param path: the CSV file
        :param link: when given, every address must be inside this link prefix
        :raises ConfigError: for a bad row
        :raises OSError: when the file cannot be read
        """
        self.path = path
        self.entries = read_csv(path, link)

    def get(self, key: str) -> Assignment | None:
        return self.entries.get(key)
