"""
Configuration sections with typed, checked values.

A :class:`ConfigSection` is one ``[section]`` of the INI file with the line number of every key. Its getters convert
and check values and raise :class:`ConfigError` naming the file, line, section, key and what was expected; it also
remembers which keys were read, so that a key nobody reads is reported as unknown instead of silently ignored.
"""
import os
import re
from ipaddress import IPv6Address, IPv6Network
from typing import Iterator, Mapping

from dhcpkit.ipv6 import INFINITY

__all__ = ['ConfigError', 'ConfigSection', 'parse_duration', 'parse_bool']

_DURATION = re.compile(r'^\s*(\d+)\s*([smhdw]?)\s*$', re.IGNORECASE)
_DURATION_UNITS = {'': 1, 's': 1, 'm': 60, 'h': 3600, 'd': 86400, 'w': 604800}
_TRUE = {'yes', 'true', 'on', '1'}
_FALSE = {'no', 'false', 'off', '0'}


class ConfigError(ValueError):
    """
    A configuration problem, with where it is.

    :ivar filename: the configuration file
    :ivar line: the line number, when known
    :ivar section: the section name, when known
    :ivar key: the key, when the problem is with one value
    :ivar reason: what is wrong
    """

    def __init__(self, reason: str, filename: str | None = None, line: int | None = None,
                 section: str | None = None, key: str | None = None):
        self.reason = reason
        self.filename = filename
        self.line = line
        self.section = section
        self.key = key
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.filename or '<config>'
        if self.line is not None:
            where += f':{self.line}'
        if self.section is not None:
            where += f': [{self.section}]'
        if self.key is not None:
            where += f' {self.key}'
        return f'{where}: {self.reason}'


def parse_duration(value: str) -> int:
    """
    Parse a duration: plain seconds or a number with a unit (``s``, ``m``, ``h``, ``d``, ``w``), or ``infinite``.

    :param value: the text
    :return: seconds (:data:`dhcpkit.ipv6.INFINITY` for infinite)
    :raises ValueError: when it is not a duration
    """
    if value.strip().lower() in ('infinite', 'infinity'):
        return INFINITY
    match = _DURATION.match(value)
    if not match:
        raise ValueError(f"expected a duration such as 3600, 30m, 12h or 1d, not {value!r}")
    seconds = int(match.group(1)) * _DURATION_UNITS[match.group(2).lower()]
    if seconds >= INFINITY:
        raise ValueError(f"duration {value!r} is too long (use 'infinite')")
    return seconds


def parse_bool(value: str) -> bool:
    """
    Parse yes/no, true/false, on/off or 1/0.

    :param value: the text
    :return: the truth value
    :raises ValueError: when it is none of those
    """
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ValueError(f"expected yes or no, not {value!r}")


class ConfigSection(Mapping[str, str]):
    """
    One section of the configuration file.

    :ivar name: the full section name, such as ``option RecursiveNameServers``
    :ivar filename: the file it came from
    :ivar line: the line of the section header
    :ivar base_directory: where relative paths in values start from (the directory of the file)
    """

    def __init__(self, name: str, values: Mapping[str, tuple[str, int]], filename: str = '<config>',
                 line: int | None = None, base_directory: str | None = None):
        self.name = name
        self.filename = filename
        self.line = line
        self.base_directory = base_directory or os.path.dirname(os.path.abspath(filename))
        self._values = dict(values)
        self._used: set[str] = set()

    # Mapping interface: reading a key through it counts as using it

    def __getitem__(self, key: str) -> str:
        value = self._values[key][0]
        self._used.add(key)
        return value

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def line_of(self, key: str) -> int | None:
        """
        :param key: a key of this section
        :return: the line it is on, or the section's line when the key is absent
        """
        return self._values[key][1] if key in self._values else self.line

    def error(self, key: str | None, reason: str) -> ConfigError:
        """
        Build an error about a key (or the whole section when `key` is None).

        :param key: the key
        :param reason: what is wrong
        :return: the error to raise
        """
        line = self.line_of(key) if key else self.line
        return ConfigError(reason, self.filename, line, self.name, key)

    def unused_keys(self) -> list[str]:
        """:return: the keys that no getter has read"""
        return [key for key in self._values if key not in self._used]

    def check_all_used(self) -> None:
        """
        Raise for the first key that no getter read: the handler does not know it.

        :raises ConfigError: naming the unknown key
        """
        for key in self.unused_keys():
            raise self.error(key, "unknown key")

    # Typed getters

    def get_str(self, key: str, default: str | None = None, required: bool = False) -> str | None:
        """
        :param key: the key
        :param default: the value when the key is absent
        :param required: raise when the key is absent
        :return: the text value
        """
        if key not in self._values:
            if required:
                raise self.error(key, "is required")
            return default
        return self[key].strip()

    def _convert(self, key: str, converter: 'type | object', default: object, required: bool) -> object:
        text = self.get_str(key, None, required)
        if text is None:
            return default
        try:
            return converter(text)  # type: ignore[operator]
        except ValueError as error:
            raise self.error(key, str(error)) from None

    def get_bool(self, key: str, default: bool = False) -> bool:
        """
        :param key: the key
        :param default: the value when the key is absent
        :return: the truth value
        """
        return bool(self._convert(key, parse_bool, default, False))

    def get_int(self, key: str, default: int | None = None, minimum: int | None = None,
                maximum: int | None = None, required: bool = False) -> int | None:
        """
        :param key: the key
        :param default: the value when the key is absent
        :param minimum: the smallest allowed value
        :param maximum: the largest allowed value
        :param required: raise when the key is absent
        :return: the integer
        """
        value = self._convert(key, _parse_int, default, required)
        if value is None:
            return None
        assert isinstance(value, int)
        if minimum is not None and value < minimum or maximum is not None and value > maximum:
            raise self.error(key, f"must be from {minimum} to {maximum}, not {value}")
        return value

    def get_float(self, key: str, default: float, minimum: float = 0.0) -> float:
        """
        :param key: the key
        :param default: the value when the key is absent
        :param minimum: the smallest allowed value
        :return: the number
        """
        value = self._convert(key, _parse_float, default, False)
        assert isinstance(value, float)
        if value < minimum:
            raise self.error(key, f"must be at least {minimum}, not {value}")
        return value

    def get_duration(self, key: str, default: int | None = None, required: bool = False) -> int | None:
        """
        :param key: the key
        :param default: the value when the key is absent
        :param required: raise when the key is absent
        :return: seconds, or :data:`dhcpkit.ipv6.INFINITY`
        """
        value = self._convert(key, parse_duration, default, required)
        assert value is None or isinstance(value, int)
        return value

    def get_address(self, key: str, default: IPv6Address | None = None, required: bool = False,
                    unicast: bool = True) -> IPv6Address | None:
        """
        :param key: the key
        :param default: the value when the key is absent
        :param required: raise when the key is absent
        :param unicast: require a unicast address
        :return: the IPv6 address
        """
        value = self._convert(key, _parse_address, default, required)
        assert value is None or isinstance(value, IPv6Address)
        if value is not None and unicast and (value.is_multicast or value.is_unspecified):
            raise self.error(key, f"{value} is not a unicast address")
        return value

    def get_network(self, key: str, default: IPv6Network | None = None,
                    required: bool = False) -> IPv6Network | None:
        """
        :param key: the key
        :param default: the value when the key is absent
        :param required: raise when the key is absent
        :return: the IPv6 prefix (host bits must be zero)
        """
        value = self._convert(key, _parse_network, default, required)
        assert value is None or isinstance(value, IPv6Network)
        return value

    def get_path(self, key: str, default: str | None = None, required: bool = False) -> str | None:
        """
        :param key: the key
        :param default: the value when the key is absent
        :param required: raise when the key is absent
        :return: the path, relative paths taken from the configuration file's directory; None for an empty value
        """
        text = self.get_str(key, default, required)
        if not text:
            return None
        return os.path.normpath(os.path.join(self.base_directory, text))

    def get_numbered(self, prefix: str) -> list[tuple[str, str]]:
        """
        Read the keys ``<prefix>-1``, ``<prefix>-2``, ... (the numbering need not be contiguous), in number order.

        :param prefix: the part before the dash and number, such as ``server-address``
        :return: (key, value) pairs
        """
        pattern = re.compile(re.escape(prefix) + r'-(\d+)$')
        numbered = []
        for key in self._values:
            match = pattern.match(key)
            if match:
                numbered.append((int(match.group(1)), key))
        return [(key, self[key].strip()) for _number, key in sorted(numbered)]

    def get_numbered_addresses(self, prefix: str, required: bool = True) -> list[IPv6Address]:
        """
        Read numbered unicast addresses, as in ``server-address-1 = 2001:db8::53``.

        :param prefix: the key prefix
        :param required: raise when there is none
        :return: the addresses in number order
        """
        addresses = []
        for key, text in self.get_numbered(prefix):
            try:
                address = _parse_address(text)
            except ValueError as error:
                raise self.error(key, str(error)) from None
            if address.is_multicast or address.is_unspecified or address.is_loopback:
                raise self.error(key, f"{address} is not a unicast address")
            addresses.append(address)
        if required and not addresses:
            raise self.error(None, f"needs at least one {prefix}-1 key")
        return addresses


def _parse_int(text: str) -> int:
    try:
        return int(text, 0)
    except ValueError:
        raise ValueError(f"expected an integer, not {text!r}") from None


def _parse_float(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise ValueError(f"expected a number, not {text!r}") from None


def _parse_address(text: str) -> IPv6Address:
    try:
        return IPv6Address(text)
    except ValueError:
        raise ValueError(f"expected an IPv6 address, not {text!r}") from None


def _parse_network(text: str) -> IPv6Network:
    try:
        return IPv6Network(text)
    except ValueError as error:
        raise ValueError(f"expected an IPv6 prefix such as 2001:db8::/48, not {text!r} ({error})") from None
