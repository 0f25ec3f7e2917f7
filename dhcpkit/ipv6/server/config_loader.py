"""
Reading ``ipv6-dhcpd.ini`` into the configuration dictionary that message handlers get.

Everything is checked here, at load time: unknown sections, unknown keys and bad values raise a
:class:`~dhcpkit.ipv6.config.ConfigError` that names the file, line, section, key and what was expected. Option
handler sections are checked by building their handlers once. A file written for the seed-era ``ipv6-dhcpd.ini``
loads unchanged.

The resulting dictionary::

    {
        'filename': str,
        'server': {'threads', 'user', 'group', 'duid', 'message-handler', 'allow-rapid-commit', 'pid-file',
                   'state-directory', 'max-exceptions', 'exception-window', 'queue-size', 'lease-sync'},
        'logging': {'level', 'console', 'syslog', 'syslog-socket', 'facility', 'file'},
        'interfaces': {name: {'multicast', 'link-local-addresses', 'global-unicast-addresses'}},
        'option-handlers': [(handler class, ConfigSection, handler id or None), ...],
    }
"""
import importlib
import logging.handlers
import os
import re
from ipaddress import IPv6Address
from typing import Any

from dhcpkit.ipv6.config import ConfigError, ConfigSection
from dhcpkit.ipv6.duids import DUID, LinkLayerDUID
from dhcpkit.ipv6.message_handlers import MessageHandler
from dhcpkit.ipv6.option_handlers import option_handler_registry
from dhcpkit.protocol_element import MalformedInputError, ValidationError

__all__ = ['load_config', 'parse_ini', 'SHIPPED_MESSAGE_HANDLERS']

#: Short names of the message handlers that ship with dhcpkit
SHIPPED_MESSAGE_HANDLERS = {
    'standard': 'dhcpkit.ipv6.message_handlers.standard:StandardMessageHandler',
    'dump_requests': 'dhcpkit.ipv6.message_handlers.dump_requests:DumpRequestsMessageHandler',
}

_SECTION = re.compile(r'^\[\s*([^\]]+?)\s*\]\s*$')
_KEY_VALUE = re.compile(r'^([A-Za-z0-9_.*-]+)\s*[=:]\s*(.*?)\s*$')
_LEVELS = {'debug': logging.DEBUG, 'info': logging.INFO, 'warning': logging.WARNING, 'error': logging.ERROR,
           'critical': logging.CRITICAL}
_MAX_FILE_SIZE = 16 * 1024 * 1024


def parse_ini(text: str, filename: str) -> list[ConfigSection]:
    """
    Split INI text into sections, keeping the line number of every section and key.

    Comments start with ``;`` or ``#`` at the start of a line; values may continue on indented lines.

    :param text: the file contents
    :param filename: the file name, for errors
    :return: the sections in file order
    """
    sections: list[ConfigSection] = []
    seen: set[str] = set()
    name: str | None = None
    header_line = 0
    values: dict[str, tuple[str, int]] = {}
    last_key: str | None = None

    def finish() -> None:
        if name is not None:
            sections.append(ConfigSection(name, values, filename, header_line))

    for number, raw_line in enumerate(text.splitlines(), start=1):
        stripped = raw_line.strip()
        if not stripped or stripped[0] in ';#':
            continue
        if raw_line[0] in ' \t' and last_key is not None:
            value, line = values[last_key]
            values[last_key] = ((value + '\n' + stripped).strip(), line)
            continue
        section_match = _SECTION.match(stripped)
        if section_match:
            finish()
            name = ' '.join(section_match.group(1).split())
            if name in seen:
                raise ConfigError("duplicate section", filename, number, name)
            seen.add(name)
            header_line = number
            values = {}
            last_key = None
            continue
        key_match = _KEY_VALUE.match(stripped)
        if not key_match:
            raise ConfigError(f"cannot parse line {stripped!r}: expected [section] or key = value", filename, number,
                              name)
        if name is None:
            raise ConfigError("key outside of any section", filename, number, None, key_match.group(1))
        key = key_match.group(1).lower()
        if key in values:
            raise ConfigError("duplicate key", filename, number, name, key)
        values[key] = (key_match.group(2), number)
        last_key = key
    finish()
    return sections


def load_config(filename: str) -> dict[str, Any]:
    """
    Read and check a configuration file.

    :param filename: the path of the INI file
    :return: the configuration dictionary
    :raises ConfigError: when the file cannot be read or any part of it is wrong
    """
    try:
        with open(filename, encoding='utf-8') as config_file:
            text = config_file.read(_MAX_FILE_SIZE + 1)
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"cannot read the configuration: {error}", filename) from None
    if len(text) > _MAX_FILE_SIZE:
        raise ConfigError(f"file is larger than {_MAX_FILE_SIZE} bytes", filename)

    config: dict[str, Any] = {'filename': os.path.abspath(filename), 'interfaces': {}, 'option-handlers': []}
    server_section = ConfigSection('server', {}, filename)
    logging_section = ConfigSection('logging', {}, filename)
    for section in parse_ini(text, filename):
        kind, _, rest = section.name.partition(' ')
        if section.name == 'server':
            server_section = section
        elif section.name == 'logging':
            logging_section = section
        elif kind == 'interface' and rest:
            config['interfaces'][rest] = _interface(section)
            section.check_all_used()
        elif kind == 'option' and rest:
            config['option-handlers'].append(_option_handler(section, rest))
        else:
            raise section.error(None, "unknown section; expected [server], [logging], [interface NAME] or "
                                      "[option NAME [ID]]")
    config['server'] = _server(server_section)
    server_section.check_all_used()
    config['logging'] = _logging(logging_section)
    logging_section.check_all_used()
    return config


def _server(section: ConfigSection) -> dict[str, Any]:
    duid_text = section.get_str('duid')
    return {
        'threads': section.get_int('threads', 10, 1, 1024),
        'user': section.get_str('user', 'nobody'),
        'group': section.get_str('group', None),
        'duid': _duid(section, duid_text) if duid_text else derive_duid(),
        'message-handler': _message_handler(section),
        'allow-rapid-commit': section.get_bool('allow-rapid-commit', False),
        'pid-file': section.get_path('pid-file', '/run/ipv6-dhcpd.pid'),
        'state-directory': section.get_path('state-directory', '/var/lib/dhcpkit'),
        'max-exceptions': section.get_int('max-exceptions', 50, 1, 1000000),
        'exception-window': section.get_float('exception-window', 10.0, 0.001),
        'queue-size': section.get_int('queue-size', 250, 1, 1000000),
        'lease-sync': _choice(section, 'lease-sync', 'full', ('full', 'normal')),
    }


def _choice(section: ConfigSection, key: str, default: str, choices: tuple[str, ...]) -> str:
    value = (section.get_str(key, default) or default).lower()
    if value not in choices:
        raise section.error(key, f"expected one of {', '.join(choices)}, not {value!r}")
    return value


def _duid(section: ConfigSection, text: str) -> DUID:
    try:
        data = bytes.fromhex(text.replace(':', '').replace('-', ''))
        _used, duid = DUID.parse(data)
        duid.validate()
        return duid
    except (ValueError, MalformedInputError, ValidationError) as error:
        raise section.error('duid', f"expected a DUID in hex: {error}") from None


def derive_duid() -> DUID:
    """
    Make a DUID-LL from the MAC address of the first interface that has one, so that the server keeps the same DUID
    across restarts without configuration.

    :return: the DUID
    :raises ConfigError: when no interface has a MAC address
    """
    import netifaces
    for interface in sorted(netifaces.interfaces()):
        for link in netifaces.ifaddresses(interface).get(netifaces.AF_LINK, []):
            mac = link.get('addr', '')
            if mac and mac != '00:00:00:00:00:00' and len(mac.split(':')) == 6:
                return LinkLayerDUID(1, bytes.fromhex(mac.replace(':', '')))
    raise ConfigError("no interface with a MAC address to derive a DUID from: set duid in [server]")


def _message_handler(section: ConfigSection) -> type[MessageHandler]:
    name = section.get_str('message-handler', 'standard') or 'standard'
    target = SHIPPED_MESSAGE_HANDLERS.get(name, name)
    module_name, _, attribute = target.partition(':')
    try:
        module = importlib.import_module(module_name)
        handler_class = getattr(module, attribute or 'handler')
    except Exception as error:
        raise section.error('message-handler', f"cannot import {target!r}: {error}") from None
    if not isinstance(handler_class, type) or not issubclass(handler_class, MessageHandler):
        raise section.error('message-handler', f"{target!r} is not a MessageHandler subclass")
    return handler_class


def _logging(section: ConfigSection) -> dict[str, Any]:
    level_name = (section.get_str('level', 'info') or 'info').lower()
    if level_name not in _LEVELS:
        raise section.error('level', f"expected one of {', '.join(_LEVELS)}, not {level_name!r}")
    facility = (section.get_str('facility', 'daemon') or 'daemon').lower()
    if facility not in logging.handlers.SysLogHandler.facility_names:
        raise section.error('facility', f"unknown syslog facility {facility!r}")
    return {
        'level': _LEVELS[level_name],
        'console': section.get_bool('console', False),
        'syslog': section.get_bool('syslog', True),
        'syslog-socket': section.get_str('syslog-socket', '/dev/log'),
        'facility': facility,
        'file': section.get_path('file'),
    }


def _address_list(section: ConfigSection, key: str, default: str, keywords: set[str]) -> str | list[IPv6Address]:
    text = (section.get_str(key, default) or default).strip()
    if text.lower() in keywords:
        return text.lower()
    addresses = []
    for word in text.split():
        try:
            addresses.append(IPv6Address(word))
        except ValueError:
            raise section.error(key, f"expected {' or '.join(sorted(keywords))} or a list of IPv6 addresses, "
                                     f"not {word!r}") from None
    return addresses


def _interface(section: ConfigSection) -> dict[str, Any]:
    link_local = _address_list(section, 'link-local-addresses', 'auto', {'auto', 'all'})
    if isinstance(link_local, list) and not all(address.is_link_local for address in link_local):
        raise section.error('link-local-addresses', "every address must be link-local (fe80::/10)")
    global_unicast = _address_list(section, 'global-unicast-addresses', 'none', {'none', 'all'})
    if isinstance(global_unicast, list) and any(address.is_link_local or address.is_multicast
                                                for address in global_unicast):
        raise section.error('global-unicast-addresses', "every address must be a global unicast address")
    section.get_bool('listen-to-self', False)  # seed-era key, accepted and ignored: we never hear ourselves
    reply_from = section.get_address('reply-from')
    if reply_from is not None and not reply_from.is_link_local:
        raise section.error('reply-from', "must be a link-local address")
    return {
        'multicast': section.get_bool('multicast', True),
        'link-local-addresses': link_local,
        'global-unicast-addresses': global_unicast,
        'reply-from': reply_from,
    }


def _option_handler(section: ConfigSection, rest: str) -> tuple[Any, ConfigSection, str | None]:
    handler_name, _, id_text = rest.partition(' ')
    handler_id = id_text.strip() or None
    try:
        handler_class = option_handler_registry[handler_name]
    except KeyError:
        known = ', '.join(sorted(option_handler_registry.all()))
        raise section.error(None, f"unknown option handler {handler_name!r}; known: {known}") from None
    try:
        handler_class.from_config(section, handler_id)
    except ConfigError:
        raise
    except (ValueError, OSError) as error:
        raise section.error(None, str(error)) from None
    section.check_all_used()
    return handler_class, section, handler_id
