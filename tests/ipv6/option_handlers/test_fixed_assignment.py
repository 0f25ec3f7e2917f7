"""
Static assignments in whole exchanges (:mod:`dhcpkit.ipv6.option_handlers.fixed_assignment`): the standard message
handler built from an INI file with ``[option CSVBasedFixedAssignment <link>]`` or ``[option SQLiteBasedFixedAssignment
<link>]``, alone and in front of the dynamic pools, driven by the in-process client.
"""
import logging
from collections.abc import Iterator
from ipaddress import IPv6Address, IPv6Network
from pathlib import Path
from typing import Callable

import pytest

from dhcpkit.ipv6.assignments.build_sqlite import build_database
from dhcpkit.ipv6.assignments.sqlite_source import SQLiteAssignmentSource
from dhcpkit.ipv6.config import ConfigError
from dhcpkit.ipv6.duids import EnterpriseDUID, LinkLayerDUID, LinkLayerTimeDUID
from dhcpkit.ipv6.extensions.linklayer_id import ClientLinkLayerAddressOption
from dhcpkit.ipv6.extensions.prefix_delegation import STATUS_NOPREFIXAVAIL, IAPDOption
from dhcpkit.ipv6.extensions.remote_id import RemoteIdOption
from dhcpkit.ipv6.extensions.subscriber_id import SubscriberIdOption
from dhcpkit.ipv6.message_handlers.standard import StandardMessageHandler
from dhcpkit.ipv6.messages import AdvertiseMessage, ClientServerMessage, ReplyMessage
from dhcpkit.ipv6.option_base import Option
from dhcpkit.ipv6.option_handlers.fixed_assignment import (CSVBasedFixedAssignmentOptionHandler,
                                                           FixedAssignmentOptionHandler,
                                                           SQLiteBasedFixedAssignmentOptionHandler)
from dhcpkit.ipv6.options import (STATUS_NOADDRSAVAIL, STATUS_NOBINDING, STATUS_NOTONLINK, STATUS_SUCCESS,
                                  IAAddressOption, IANAOption, InterfaceIdOption)
from dhcpkit.ipv6.server.config_loader import load_config
from tests.ipv6.message_handlers.client import InProcessClient, find_ia, status_of, write_config

SERVER_DUID_HEX = '0003000100aabbccddee'
SERVER_DUID = LinkLayerDUID(1, bytes.fromhex('00aabbccddee'))
LINK = IPv6Network('2001:db8:0:1::/64')
LINK_ADDRESS = IPv6Address('2001:db8:0:1::1')
OTHER_LINK_ADDRESS = IPv6Address('2001:db8:0:2::1')

STATIC_DUID = LinkLayerDUID(1, bytes.fromhex('0011223344ff'))
STATIC_ADDRESS = IPv6Address('2001:db8:0:1::100')
STATIC_PREFIX = IPv6Network('2001:db8:200::/48')

SEED_CSV = '''id,address,prefix
duid:000300010011223344ff,2001:db8:0:1::100,2001:db8:200::/48
interface-id-str:Fa2/3,2001:db8:0:1::101,
remote-id:9:0102,,2001:db8:202::/48
remote-id-str:40208:SIII-Tester,2001:db8:0:1::103,2001:db8:203::/48
subscriber-id-str:customer-17,2001:db8:0:1::104,
linklayer-id-str:1:02:aa:bb:cc:dd:ee,2001:db8:0:1::105,
'''

SEED_SECTION = '''
[option CSVBasedFixedAssignment 2001:db8:0:1::/64]
assignments-file = assignments.csv
'''

SQLITE_SECTION = '''
[option SQLiteBasedFixedAssignment 2001:db8:0:1::/64]
assignments-file = assignments.sqlite
'''

POOLS = '''
[option AddressPool 2001:db8:0:1::/64]
range = 2001:db8:0:1::1:0-2001:db8:0:1::1:ffff

[option PrefixPool 2001:db8:0:1::/64]
prefix = 2001:db8:100::/40
delegated-length = 56
'''

Factory = Callable[..., StandardMessageHandler]


def write_files(directory: Path, body: str, csv_text: str = SEED_CSV) -> Path:
    """The assignments (as CSV and as SQLite) and ``ipv6-dhcpd.ini`` in `directory`."""
    directory.mkdir(exist_ok=True)
    (directory / 'assignments.csv').write_text(csv_text, encoding='utf-8')
    build_database(str(directory / 'assignments.csv'), str(directory / 'assignments.sqlite'))
    return write_config(directory, body, rapid_commit=True, duid=SERVER_DUID_HEX)


@pytest.fixture
def make_handler(tmp_path: Path) -> Iterator[Factory]:
    """Build message handlers from configurations in directories under tmp_path; closed after the test."""
    built: list[StandardMessageHandler] = []

    def factory(body: str = SEED_SECTION, csv_text: str = SEED_CSV) -> StandardMessageHandler:
        config = load_config(str(write_files(tmp_path / f'config{len(built)}', body, csv_text)))
        handler = config['server']['message-handler'](config)
        assert isinstance(handler, StandardMessageHandler)
        built.append(handler)
        return handler

    yield factory
    for handler in built:
        handler.close()


def static_handler(message_handler: StandardMessageHandler) -> FixedAssignmentOptionHandler:
    found = [option_handler for option_handler in message_handler.option_handlers
             if isinstance(option_handler, FixedAssignmentOptionHandler)]
    assert len(found) == 1
    return found[0]


def static_client(message_handler: StandardMessageHandler, **arguments: object) -> InProcessClient:
    return InProcessClient(message_handler, STATIC_DUID, link_address=LINK_ADDRESS, **arguments)  # type: ignore


def addresses_in(message: object, iaid: int) -> dict[IPv6Address, tuple[int, int]]:
    assert isinstance(message, (AdvertiseMessage, ReplyMessage))
    ia = find_ia(message, IANAOption, iaid)
    assert ia is not None
    return {option.address: (option.preferred_lifetime, option.valid_lifetime) for option in ia.options
            if isinstance(option, IAAddressOption)}


def ia_status(message: ClientServerMessage | None, klass: type[IANAOption] | type[IAPDOption], iaid: int) -> int | None:
    assert message is not None
    ia = find_ia(message, klass, iaid)
    assert ia is not None
    return status_of(ia)


# A client with an entry

@pytest.mark.parametrize('section', [SEED_SECTION, SQLITE_SECTION])
def test_static_client_gets_its_address_and_prefix(make_handler: Factory, section: str) -> None:
    client = static_client(make_handler(section))
    advertise = client.solicit(ia_na=1, ia_pd=1)
    assert isinstance(advertise, AdvertiseMessage)
    assert addresses_in(advertise, 1) == {STATIC_ADDRESS: (3600, 7200)}
    reply = client.request()
    assert isinstance(reply, ReplyMessage)
    assert client.addresses == [STATIC_ADDRESS]
    assert client.prefixes == [STATIC_PREFIX]
    iana = client.iana[(1).to_bytes(4, 'big')]
    assert (iana.t1, iana.t2) == (1800, 2880)
    assert iana.leases == {STATIC_ADDRESS: (3600, 7200)}


def test_rapid_commit(make_handler: Factory) -> None:
    client = static_client(make_handler())
    reply = client.solicit(ia_na=1, ia_pd=1, rapid_commit=True)
    assert isinstance(reply, ReplyMessage)
    assert client.addresses == [STATIC_ADDRESS]
    assert client.prefixes == [STATIC_PREFIX]


def test_lifetimes_from_the_section(make_handler: Factory) -> None:
    client = static_client(make_handler(SEED_SECTION + 'preferred-lifetime = 12h\nvalid-lifetime = 1d\n'))
    client.solicit(ia_na=1, ia_pd=1, rapid_commit=True)
    assert client.iana[(1).to_bytes(4, 'big')].leases == {STATIC_ADDRESS: (43200, 86400)}
    assert client.iapd[(0x101).to_bytes(4, 'big')].leases == {STATIC_PREFIX: (43200, 86400)}


def test_only_the_first_ia_gets_the_address_and_prefix(make_handler: Factory) -> None:
    client = static_client(make_handler())
    advertise = client.solicit(ia_na=2, ia_pd=2)
    assert isinstance(advertise, AdvertiseMessage)
    assert addresses_in(advertise, 1) == {STATIC_ADDRESS: (3600, 7200)}
    assert ia_status(advertise, IANAOption, 2) == STATUS_NOADDRSAVAIL
    first_pd = find_ia(advertise, IAPDOption, 0x101)
    assert first_pd is not None and first_pd.get_prefixes() == [STATIC_PREFIX]
    assert ia_status(advertise, IAPDOption, 0x102) == STATUS_NOPREFIXAVAIL


def test_renew_and_rebind(make_handler: Factory) -> None:
    client = static_client(make_handler())
    client.solicit(ia_na=1, ia_pd=1, rapid_commit=True)
    for exchange in (client.renew, client.rebind):
        reply = exchange()
        assert isinstance(reply, ReplyMessage)
        assert addresses_in(reply, 1) == {STATIC_ADDRESS: (3600, 7200)}
        assert client.addresses == [STATIC_ADDRESS]
        assert client.prefixes == [STATIC_PREFIX]


def test_renew_ends_what_the_client_holds_besides_its_entry(make_handler: Factory) -> None:
    client = static_client(make_handler())
    client.solicit(rapid_commit=True)
    old = IPv6Address('2001:db8:0:1::9999')
    client.iana[(1).to_bytes(4, 'big')].leases[old] = (100, 200)
    reply = client.renew()
    assert addresses_in(reply, 1) == {STATIC_ADDRESS: (3600, 7200), old: (0, 0)}
    assert client.addresses == [STATIC_ADDRESS]


def test_the_ia_that_holds_the_address_keeps_it(make_handler: Factory) -> None:
    client = static_client(make_handler())
    client.server_duid = SERVER_DUID
    client.set_ias(2, 0)
    client.iana[(2).to_bytes(4, 'big')].leases[STATIC_ADDRESS] = (0, 0)
    reply = client.renew()
    assert addresses_in(reply, 2) == {STATIC_ADDRESS: (3600, 7200)}
    assert ia_status(reply, IANAOption, 1) == STATUS_NOBINDING


def test_release(make_handler: Factory) -> None:
    client = static_client(make_handler())
    client.solicit(ia_na=1, ia_pd=1, rapid_commit=True)
    reply = client.release()
    assert isinstance(reply, ReplyMessage)
    assert status_of(reply) == STATUS_SUCCESS
    assert reply.get_options_of_type(IANAOption) == [] and reply.get_options_of_type(IAPDOption) == []
    assert client.addresses == [] and client.prefixes == []
    # The same address again next time
    client.solicit(rapid_commit=True)
    assert client.addresses == [STATIC_ADDRESS]


def test_decline_is_logged(make_handler: Factory, caplog: pytest.LogCaptureFixture) -> None:
    client = static_client(make_handler())
    client.solicit(rapid_commit=True)
    with caplog.at_level(logging.WARNING, 'dhcpkit.ipv6.option_handlers.fixed_assignment'):
        reply = client.decline(STATIC_ADDRESS)
    assert isinstance(reply, ReplyMessage)
    assert status_of(reply) == STATUS_SUCCESS
    assert reply.get_options_of_type(IANAOption) == []
    warnings = [record.getMessage() for record in caplog.records if record.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert str(STATIC_ADDRESS) in warnings[0] and 'duid:000300010011223344ff' in warnings[0]
    # The client tries again, gets the same address, and declines it again: no second warning for a while
    caplog.clear()
    with caplog.at_level(logging.DEBUG, 'dhcpkit.ipv6.option_handlers.fixed_assignment'):
        client.solicit(rapid_commit=True)
        client.decline(STATIC_ADDRESS)
    declines = [record for record in caplog.records if 'declined' in record.getMessage()]
    assert [record.levelno for record in declines] == [logging.DEBUG]


def test_release_of_something_else_is_not_ours(make_handler: Factory) -> None:
    client = static_client(make_handler())
    client.server_duid = SERVER_DUID
    client.set_ias(1, 0)
    client.iana[(1).to_bytes(4, 'big')].leases[IPv6Address('2001:db8:0:1::9999')] = (0, 0)
    reply = client.release()
    assert isinstance(reply, ReplyMessage)
    assert ia_status(reply, IANAOption, 1) == STATUS_NOBINDING


def test_confirm(make_handler: Factory) -> None:
    client = static_client(make_handler())
    client.solicit(rapid_commit=True)
    reply = client.confirm()
    assert isinstance(reply, ReplyMessage) and status_of(reply) == STATUS_SUCCESS
    reply = client.confirm(['2001:db8:0:9::1'])
    assert isinstance(reply, ReplyMessage) and status_of(reply) == STATUS_NOTONLINK


def test_confirm_of_a_client_without_entry_on_the_link(make_handler: Factory) -> None:
    client = InProcessClient(make_handler(), link_address=LINK_ADDRESS)
    reply = client.confirm(['2001:db8:0:1::5'])
    assert isinstance(reply, ReplyMessage) and status_of(reply) == STATUS_SUCCESS


def test_nothing_on_another_link(make_handler: Factory) -> None:
    client = InProcessClient(make_handler(), STATIC_DUID, link_address=OTHER_LINK_ADDRESS)
    advertise = client.solicit()
    assert isinstance(advertise, AdvertiseMessage)
    assert ia_status(advertise, IANAOption, 1) == STATUS_NOADDRSAVAIL
    assert client.confirm(['2001:db8:0:1::100']) is None, "nobody knows that link, so a Confirm gets no answer"


# The other keys

@pytest.mark.parametrize('relay_options, address, prefix', [
    ([InterfaceIdOption(b'Fa2/3')], IPv6Address('2001:db8:0:1::101'), None),
    ([InterfaceIdOption(b'Gi0/1'), RemoteIdOption(9, b'\x01\x02')], None, IPv6Network('2001:db8:202::/48')),
    ([RemoteIdOption(40208, b'SIII-Tester')], IPv6Address('2001:db8:0:1::103'), IPv6Network('2001:db8:203::/48')),
    ([SubscriberIdOption(b'customer-17')], IPv6Address('2001:db8:0:1::104'), None),
    ([ClientLinkLayerAddressOption(1, bytes.fromhex('02aabbccddee'))], IPv6Address('2001:db8:0:1::105'), None),
])
@pytest.mark.parametrize('section', [SEED_SECTION, SQLITE_SECTION])
def test_relayed_clients(make_handler: Factory, section: str, relay_options: list[Option],
                         address: IPv6Address | None, prefix: IPv6Network | None) -> None:
    client = InProcessClient(make_handler(section), EnterpriseDUID(40208, b'client-without-entry'),
                             via_relays=[(LINK_ADDRESS, 'fe80::1', relay_options)])
    reply = client.solicit(ia_na=1, ia_pd=1, rapid_commit=True)
    assert isinstance(reply, ReplyMessage)
    assert client.addresses == ([address] if address else [])
    assert client.prefixes == ([prefix] if prefix else [])


def test_duid_wins_over_relay_keys(make_handler: Factory) -> None:
    client = InProcessClient(make_handler(), STATIC_DUID,
                             via_relays=[(LINK_ADDRESS, 'fe80::1', [InterfaceIdOption(b'Fa2/3')])])
    client.solicit(rapid_commit=True)
    assert client.addresses == [STATIC_ADDRESS]


@pytest.mark.parametrize('duid', [LinkLayerDUID(1, bytes.fromhex('02aabbccddee')),
                                  LinkLayerTimeDUID(1, 12345, bytes.fromhex('02aabbccddee'))])
def test_link_layer_address_from_the_duid(make_handler: Factory, duid: LinkLayerDUID | LinkLayerTimeDUID) -> None:
    client = InProcessClient(make_handler(), duid, link_address=LINK_ADDRESS)
    client.solicit(rapid_commit=True)
    assert client.addresses == [IPv6Address('2001:db8:0:1::105')]


def test_server_interface_name_for_direct_clients(make_handler: Factory) -> None:
    csv_text = 'id,address,prefix\ninterface-id-str:eth7,2001:db8:0:1::77,\n'
    client = InProcessClient(make_handler(csv_text=csv_text), link_address=LINK_ADDRESS, interface_name=b'eth7')
    client.solicit(rapid_commit=True)
    assert client.addresses == [IPv6Address('2001:db8:0:1::77')]


# Together with the pools

def test_pools_after_the_static_section(make_handler: Factory) -> None:
    message_handler = make_handler(SEED_SECTION + POOLS)
    static = static_client(message_handler)
    static.solicit(ia_na=2, ia_pd=1)
    static.request()
    assert static.iana[(1).to_bytes(4, 'big')].leases.keys() == {STATIC_ADDRESS}
    pool_address, = static.iana[(2).to_bytes(4, 'big')].leases
    assert pool_address != STATIC_ADDRESS and pool_address in LINK
    assert static.prefixes == [STATIC_PREFIX]

    dynamic = InProcessClient(message_handler, link_address=LINK_ADDRESS)
    dynamic.solicit(ia_na=1, ia_pd=1)
    dynamic.request()
    address, = dynamic.addresses
    prefix, = dynamic.prefixes
    assert IPv6Address('2001:db8:0:1::1:0') <= address <= IPv6Address('2001:db8:0:1::1:ffff')
    assert prefix.subnet_of(IPv6Network('2001:db8:100::/40')) and prefix.prefixlen == 56
    renewed = dynamic.renew()
    assert isinstance(renewed, ReplyMessage)
    assert dynamic.addresses == [address]
    released = static.release()
    assert isinstance(released, ReplyMessage) and status_of(released) == STATUS_SUCCESS


def test_order_matters_pools_first_win(make_handler: Factory) -> None:
    client = static_client(make_handler(POOLS + SEED_SECTION))
    client.solicit(rapid_commit=True)
    address, = client.addresses
    assert address != STATIC_ADDRESS


# Loading and reloading

def test_reload_reads_the_changed_csv(make_handler: Factory, tmp_path: Path) -> None:
    message_handler = make_handler()
    client = static_client(message_handler)
    client.solicit(rapid_commit=True)
    assert client.addresses == [STATIC_ADDRESS]
    path = write_files(tmp_path / 'config0', SEED_SECTION, SEED_CSV.replace('::100', '::200'))
    message_handler.reload(load_config(str(path)))
    reply = client.renew()
    assert addresses_in(reply, 1) == {IPv6Address('2001:db8:0:1::200'): (3600, 7200), STATIC_ADDRESS: (0, 0)}


def test_live_sqlite_replacement(make_handler: Factory, tmp_path: Path) -> None:
    message_handler = make_handler(SQLITE_SECTION)
    source = static_handler(message_handler).source
    assert isinstance(source, SQLiteAssignmentSource)
    client = static_client(message_handler)
    client.solicit(rapid_commit=True)
    assert client.addresses == [STATIC_ADDRESS]
    directory = tmp_path / 'config0'
    (directory / 'new.csv').write_text(SEED_CSV.replace('::100', '::200'), encoding='utf-8')
    build_database(str(directory / 'new.csv'), str(directory / 'assignments.sqlite'))
    source.refresh(force=True)  # what happens by itself within a second
    reply = client.solicit(rapid_commit=True)
    assert addresses_in(reply, 1) == {IPv6Address('2001:db8:0:1::200'): (3600, 7200)}


def test_no_reply_when_the_source_fails(make_handler: Factory) -> None:
    message_handler = make_handler(SQLITE_SECTION + POOLS)
    static_handler(message_handler).source.close()
    client = static_client(message_handler)
    assert client.solicit() is None


def load_error(tmp_path: Path, body: str, csv_text: str = SEED_CSV) -> ConfigError:
    with pytest.raises(ConfigError) as excinfo:
        load_config(str(write_files(tmp_path, body, csv_text)))
    return excinfo.value


@pytest.mark.parametrize('section', [SEED_SECTION, SQLITE_SECTION])
def test_address_outside_the_link_is_refused(tmp_path: Path, section: str) -> None:
    error = load_error(tmp_path, section, SEED_CSV.replace('2001:db8:0:1::104', '2001:db8:0:2::104'))
    assert error.filename is not None
    assert error.filename.endswith('assignments.csv' if 'CSV' in section else 'assignments.sqlite')
    if 'CSV' in section:
        assert error.line == 6
    assert 'subscriber-id-str:customer-17' in str(error)
    assert 'not inside the link prefix 2001:db8:0:1::/64' in str(error)


def test_bad_csv_names_file_and_line(tmp_path: Path) -> None:
    (tmp_path / 'bad.csv').write_text('id,address,prefix\nduid:00,2001:db8:0:1::1,\nduid:00,2001:db8:0:1::2,\n')
    error = load_error(tmp_path, SEED_SECTION.replace('assignments.csv', 'bad.csv'))
    assert (error.filename, error.line) == (str(tmp_path / 'bad.csv'), 3)


@pytest.mark.parametrize('body, key, words', [
    (SEED_SECTION.replace('assignments.csv', 'missing.csv'), 'assignments-file', 'cannot read'),
    (SQLITE_SECTION.replace('assignments.sqlite', 'missing.sqlite'), 'assignments-file', 'cannot read'),
    ('[option CSVBasedFixedAssignment 2001:db8:0:1::/64]\n', 'assignments-file', 'required'),
    ('[option CSVBasedFixedAssignment 2001:db8:0:1::/64]\nassignments-file =\n', 'assignments-file', 'path'),
    ('[option CSVBasedFixedAssignment]\nassignments-file = assignments.csv\n', None, 'link prefix'),
    ('[option CSVBasedFixedAssignment 2001:db8:0:1::1/64]\nassignments-file = assignments.csv\n', None,
     'link prefix'),
    (SEED_SECTION + 'preferred-lifetime = 3h\n', 'preferred-lifetime', 'longer than valid-lifetime'),
    (SEED_SECTION + 'valid-lifetime = soon\n', 'valid-lifetime', 'duration'),
    (SEED_SECTION + 'assignments = x\n', 'assignments', 'unknown key'),
])
def test_config_errors(tmp_path: Path, body: str, key: str | None, words: str) -> None:
    error = load_error(tmp_path, body)
    assert error.filename == str(tmp_path / 'ipv6-dhcpd.ini')
    assert error.key == key
    assert words in str(error)


def test_sqlite_database_is_checked_at_load(tmp_path: Path) -> None:
    write_files(tmp_path, SQLITE_SECTION)
    (tmp_path / 'assignments.sqlite').write_text('not a database' * 100)
    error = load_error(tmp_path / 'other', SQLITE_SECTION.replace('assignments.sqlite',
                                                                  str(tmp_path / 'assignments.sqlite')))
    assert 'not a readable assignments database' in str(error)


def test_handler_classes_are_registered() -> None:
    from dhcpkit.ipv6.option_handlers import option_handler_registry
    assert option_handler_registry['CSVBasedFixedAssignment'] is CSVBasedFixedAssignmentOptionHandler
    assert option_handler_registry['SQLiteBasedFixedAssignment'] is SQLiteBasedFixedAssignmentOptionHandler
