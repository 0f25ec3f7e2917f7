"""
Tests for dhcpkit.ipv6.server.config_loader: every error names file, line, key and reason; seed-era files load
unchanged; message handlers are found by short name, by module with a ``handler`` attribute, or by ``module:Class``,
including a site's own package.
"""
import sys
import textwrap
from ipaddress import IPv6Address
from pathlib import Path
from typing import Iterator

import pytest

from dhcpkit.ipv6 import INFINITY
from dhcpkit.ipv6.config import ConfigError
from dhcpkit.ipv6.duids import LinkLayerDUID
from dhcpkit.ipv6.message_handlers.dump_requests import DumpRequestsMessageHandler
from dhcpkit.ipv6.message_handlers.standard import StandardMessageHandler
from dhcpkit.ipv6.messages import AdvertiseMessage, RelayForwardMessage, SolicitMessage
from dhcpkit.ipv6.option_handlers.dns import DomainSearchListOptionHandler, RecursiveNameServersOptionHandler
from dhcpkit.ipv6.option_handlers.preference import PreferenceOptionHandler
from dhcpkit.ipv6.options import (ClientIdOption, ElapsedTimeOption, InterfaceIdOption, PreferenceOption,
                                  RelayMessageOption)
from dhcpkit.ipv6.server.config_loader import load_config, parse_ini

SEED_ERA = '''
[server]
duid = 000300010002b3a3b3a3
user = nobody
group = nogroup
threads = 10
message-handler = dhcpkit.ipv6.message_handlers.standard

[logging]
facility = daemon

[interface eth0]
multicast = yes
link-local-addresses = auto
global-unicast-addresses = all

[option RecursiveNameServers]
server-address-1 = 2001:db8::1
server-address-2 = 2001:db8::2

[option DomainSearchList]
domain-name-1 = example.com
domain-name-2 = example.net

[option Preference]
preference = 255
'''


def write(tmp_path: Path, text: str, name: str = 'ipv6-dhcpd.ini') -> str:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return str(path)


def error_of(tmp_path: Path, text: str) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, text))
    return info.value


def test_seed_era_file_loads_unchanged(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, SEED_ERA))
    assert config['server']['duid'] == LinkLayerDUID(1, bytes.fromhex('0002b3a3b3a3'))
    assert config['server']['message-handler'] is StandardMessageHandler
    assert config['server']['threads'] == 10
    assert config['server']['user'] == 'nobody' and config['server']['group'] == 'nogroup'
    assert config['server']['lease-sync'] == 'full'
    assert config['logging']['facility'] == 'daemon'
    assert config['interfaces']['eth0'] == {'multicast': True, 'link-local-addresses': 'auto',
                                            'global-unicast-addresses': 'all', 'reply-from': None}
    handlers = [handler_class for handler_class, _section, _id in config['option-handlers']]
    assert handlers == [RecursiveNameServersOptionHandler, DomainSearchListOptionHandler, PreferenceOptionHandler]
    handler = config['server']['message-handler'](config)
    dns = handler.option_handlers[6]
    assert isinstance(dns, RecursiveNameServersOptionHandler)
    assert dns.option.dns_servers == [IPv6Address('2001:db8::1'), IPv6Address('2001:db8::2')]


@pytest.mark.parametrize('text, line, section, key, reason', [
    ('[server]\nthreads = many\n', 2, 'server', 'threads', 'expected an integer'),
    ('[server]\nthreads = 0\n', 2, 'server', 'threads', 'must be from 1 to 1024'),
    ('[server]\nallow-rapid-commit = perhaps\n', 2, 'server', 'allow-rapid-commit', 'expected yes or no'),
    ('[server]\nduid = 00zz\n', 2, 'server', 'duid', 'expected a DUID in hex'),
    ('[server]\nthreds = 4\n', 2, 'server', 'threds', 'unknown key'),
    ('[server]\nlease-sync = never\n', 2, 'server', 'lease-sync', 'expected one of full, normal'),
    ('[logging]\nlevel = loud\n', 2, 'logging', 'level', 'expected one of'),
    ('[logging]\nfacility = nowhere\n', 2, 'logging', 'facility', 'unknown syslog facility'),
    ('[interface eth0]\nmulticast = sometimes\n', 2, 'interface eth0', 'multicast', 'expected yes or no'),
    ('[interface eth0]\nlink-local-addresses = 2001:db8::1\n', 2, 'interface eth0', 'link-local-addresses',
     'must be link-local'),
    ('\n[option RecursiveNameServers]\nserver-address-1 = not-an-address\n', 3, 'option RecursiveNameServers',
     'server-address-1', 'expected an IPv6 address'),
    ('[option RecursiveNameServers]\nserver-address-1 = 2001:db8::1\nserver-adress-2 = 2001:db8::2\n', 3,
     'option RecursiveNameServers', 'server-adress-2', 'unknown key'),
    ('[option Preference]\npreference = 256\n', 2, 'option Preference', 'preference', '256'),
    ('[option AddressPool 2001:db8:1::/64]\nrange = 2001:db8:2::1-2001:db8:2::9\n', 2,
     'option AddressPool 2001:db8:1::/64', 'range', 'not inside the link prefix'),
    ('[option AddressPool 2001:db8:1::/64]\nrange = 2001:db8:1::1-2001:db8:1::9\npreferred-lifetime = 2h\n'
     'valid-lifetime = 1h\n', 3, 'option AddressPool 2001:db8:1::/64', 'preferred-lifetime', 'longer than'),
])
def test_errors_name_file_line_section_key_and_reason(tmp_path: Path, text: str, line: int, section: str, key: str,
                                                      reason: str) -> None:
    error = error_of(tmp_path, text)
    assert error.filename is not None and error.filename.endswith('ipv6-dhcpd.ini')
    assert (error.line, error.section, error.key) == (line, section, key)
    assert reason in error.reason
    assert str(error).startswith(f'{error.filename}:{line}: [{section}] {key}: ')


@pytest.mark.parametrize('text, line, reason', [
    ('[server]\nthreads = 4\n[server]\n', 3, 'duplicate section'),
    ('[server]\nthreads = 4\nthreads = 5\n', 3, 'duplicate key'),
    ('threads = 4\n', 1, 'key outside of any section'),
    ('[server]\nthis is not ini\n', 2, 'cannot parse line'),
    ('[servers]\n', 1, 'unknown section'),
    ('[option NoSuchHandler]\n', 1, "unknown option handler 'NoSuchHandler'"),
    ('[option AddressPool]\nrange = 2001:db8::1-2001:db8::2\n', 1, 'needs the link prefix'),
])
def test_structural_errors_name_the_line(tmp_path: Path, text: str, line: int, reason: str) -> None:
    error = error_of(tmp_path, text)
    assert error.line == line
    assert reason in error.reason


def test_missing_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read the configuration") as info:
        load_config(str(tmp_path / 'missing.ini'))
    assert info.value.filename is not None and info.value.filename.endswith('missing.ini')


def test_durations_accept_suffixes_and_infinite(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, '''
        [server]
        duid = 000300010002b3a3b3a3
        [option AddressPool 2001:db8:1::/64]
        range = 2001:db8:1::1-2001:db8:1::ff
        preferred-lifetime = 30m
        valid-lifetime = infinite
        quarantine-time = 1d
    '''))
    _handler_class, section, _handler_id = config['option-handlers'][0]
    assert section.get_duration('preferred-lifetime') == 1800
    assert section.get_duration('valid-lifetime') == INFINITY
    assert section.get_duration('quarantine-time') == 86400


def test_parse_ini_keeps_lines_and_continuations() -> None:
    sections = parse_ini('; comment\n[server]\n# another\nuser = nobody\n\n[option X id]\nkey = a\n  b\n', 'f.ini')
    assert [section.name for section in sections] == ['server', 'option X id']
    assert sections[0].line_of('user') == 4
    assert sections[1]['key'] == 'a\nb'


@pytest.mark.parametrize('name, expected', [
    ('standard', StandardMessageHandler),
    ('dump_requests', DumpRequestsMessageHandler),
    ('dhcpkit.ipv6.message_handlers.dump_requests', DumpRequestsMessageHandler),
    ('dhcpkit.ipv6.message_handlers.standard:StandardMessageHandler', StandardMessageHandler),
])
def test_message_handler_names(tmp_path: Path, name: str, expected: type) -> None:
    config = load_config(write(tmp_path, f'[server]\nduid = 000300010002b3a3b3a3\nmessage-handler = {name}\n'))
    assert config['server']['message-handler'] is expected


@pytest.mark.parametrize('name, reason', [
    ('no.such.module', "cannot import 'no.such.module'"),
    ('dhcpkit.ipv6.messages:SolicitMessage', 'is not a MessageHandler subclass'),
])
def test_bad_message_handler_names(tmp_path: Path, name: str, reason: str) -> None:
    error = error_of(tmp_path, f'[server]\nduid = 000300010002b3a3b3a3\nmessage-handler = {name}\n')
    assert (error.line, error.key) == (3, 'message-handler')
    assert reason in error.reason


SITE_HANDLER = '''
from dhcpkit.ipv6.message_handlers.standard import StandardMessageHandler
from dhcpkit.ipv6.options import PreferenceOption


class SiteMessageHandler(StandardMessageHandler):
    """A site's own handler: every Advertise says how much this site likes the client."""

    def handle_reload(self):
        super().handle_reload()
        self.site_preference = int(self.config['server']['threads'])

    def init_response(self, bundle):
        response = super().init_response(bundle)
        response.options.append(PreferenceOption(self.site_preference))
        return response


handler = SiteMessageHandler
'''


@pytest.fixture
def site_package(tmp_path: Path) -> Iterator[Path]:
    """A small plugin package, ``mysite.dhcp``, on the Python path as a site would install it."""
    package = tmp_path / 'site-packages' / 'mysite'
    package.mkdir(parents=True)
    (package / '__init__.py').write_text('')
    (package / 'dhcp.py').write_text(SITE_HANDLER)
    sys.path.insert(0, str(package.parent))
    try:
        yield package
    finally:
        sys.path.remove(str(package.parent))
        for module in ('mysite.dhcp', 'mysite'):
            sys.modules.pop(module, None)


@pytest.mark.parametrize('name', ['mysite.dhcp:SiteMessageHandler', 'mysite.dhcp'])
def test_site_message_handler_from_a_plugin_package_is_used(tmp_path: Path, site_package: Path, name: str) -> None:
    config = load_config(write(tmp_path, f'[server]\nduid = 000300010002b3a3b3a3\nthreads = 42\n'
                                         f'message-handler = {name}\n'))
    handler_class = config['server']['message-handler']
    assert handler_class.__module__ == 'mysite.dhcp' and handler_class.__name__ == 'SiteMessageHandler'
    handler = handler_class(config)
    solicit = SolicitMessage(b'\x01\x02\x03', [ClientIdOption(LinkLayerDUID(1, bytes(6))), ElapsedTimeOption(0)])
    wrapped = RelayForwardMessage(0, IPv6Address(0), IPv6Address('fe80::1'),
                                  [InterfaceIdOption(b'eth0'), RelayMessageOption(solicit)])
    reply = handler.handle(wrapped, True)
    assert reply is not None
    advertise = reply.relayed_message
    assert isinstance(advertise, AdvertiseMessage)
    assert advertise.get_option_of_type(PreferenceOption) == PreferenceOption(42)
