"""
Helpers for the behaviour tests of dynamic pools (``test_pool_*.py``).

The exchanges themselves go through the shared in-process client (:mod:`tests.ipv6.message_handlers.client`); this
module adds what pools need on top: a configuration with ``[option AddressPool]`` and ``[option PrefixPool]``
sections, a handler that is closed after the test (it holds the lease database open), a look at the database through a
connection of our own (what survives a crash is what another reader sees), and a clock the pools read instead of the
real one.
"""
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from ipaddress import IPv6Address, IPv6Network
from pathlib import Path
from typing import Any

import pytest

from dhcpkit.ipv6.duids import DUID, LinkLayerDUID
from dhcpkit.ipv6.leases.sqlite_store import LEASE_DATABASE_NAME
from dhcpkit.ipv6.message_handlers.standard import StandardMessageHandler
from dhcpkit.ipv6.option_handlers import pools as pools_module
from dhcpkit.ipv6.server.config_loader import load_config
from tests.ipv6.message_handlers.client import InProcessClient, write_config

__all__ = ['POOL_SERVER_DUID_HEX', 'POOL_SERVER_DUID', 'HandlerFactory', 'LINK', 'LINK_ADDRESS', 'OTHER_LINK_ADDRESS',
           'ADDRESS_RANGE', 'PD_AGGREGATE',
           'pool_config', 'make_handler', 'handler_factory', 'handler', 'pool_client', 'client_duid', 'StoredLease',
           'stored_leases', 'Clock', 'clock', 'NA_PREFERRED', 'NA_VALID', 'PD_PREFERRED', 'PD_VALID']

#: The server DUID of every pool test (DUID-LL, Ethernet, 00:aa:bb:cc:dd:ee)
POOL_SERVER_DUID_HEX = '0003000100aabbccddee'

#: The same as an object
POOL_SERVER_DUID = LinkLayerDUID(1, bytes.fromhex('00aabbccddee'))

#: The link the pools serve, an address on it (what the listener puts in its Relay-forward), and one on another link
LINK = IPv6Network('2001:db8:1::/64')
LINK_ADDRESS = IPv6Address('2001:db8:1::1')
OTHER_LINK_ADDRESS = IPv6Address('2001:db8:2::1')

#: The default pools
ADDRESS_RANGE = (IPv6Address('2001:db8:1::1:0'), IPv6Address('2001:db8:1::1:ffff'))
PD_AGGREGATE = IPv6Network('2001:db8:100::/48')

#: The default lifetimes in seconds
NA_PREFERRED, NA_VALID = 3600, 7200
PD_PREFERRED, PD_VALID = 43200, 86400


def pool_config(address_range: str = f'{ADDRESS_RANGE[0]}-{ADDRESS_RANGE[1]}',
                prefix: str | None = str(PD_AGGREGATE), delegated_length: int = 64, link: str = str(LINK),
                na_lifetimes: tuple[str, str] = ('1h', '2h'),
                pd_lifetimes: tuple[str, str] = ('12h', '1d'), quarantine_time: str = '1h') -> str:
    """
    The pool sections of a configuration: an AddressPool and (unless `prefix` is None) a PrefixPool on `link`.
    """
    text = (f"[option AddressPool {link}]\n"
            f"range = {address_range}\n"
            f"preferred-lifetime = {na_lifetimes[0]}\n"
            f"valid-lifetime = {na_lifetimes[1]}\n"
            f"quarantine-time = {quarantine_time}\n\n")
    if prefix is not None:
        text += (f"[option PrefixPool {link}]\n"
                 f"prefix = {prefix}\n"
                 f"delegated-length = {delegated_length}\n"
                 f"preferred-lifetime = {pd_lifetimes[0]}\n"
                 f"valid-lifetime = {pd_lifetimes[1]}\n"
                 f"quarantine-time = {quarantine_time}\n\n")
    return text


def make_handler(directory: Path, body: str | None = None, rapid_commit: bool = True) -> StandardMessageHandler:
    """
    Write ``ipv6-dhcpd.ini`` (state in ``directory/state``) and build its handler the way the server does. The caller
    closes it.

    :param directory: where to write the file
    :param body: the sections after ``[server]``; None for :func:`pool_config` with its defaults
    :param rapid_commit: the value of ``allow-rapid-commit``
    """
    path = write_config(directory, pool_config() if body is None else body, rapid_commit=rapid_commit,
                        duid=POOL_SERVER_DUID_HEX)
    config = load_config(str(path))
    built = config['server']['message-handler'](config)
    assert isinstance(built, StandardMessageHandler)
    return built


#: What the handler_factory fixture gives: call it with pool_config() keywords (or body=...) for a handler
HandlerFactory = Callable[..., StandardMessageHandler]


@pytest.fixture
def handler_factory(tmp_path: Path) -> Iterator[HandlerFactory]:
    """Build handlers from pool configurations (in their own directories under tmp_path); closed after the test."""
    built: list[StandardMessageHandler] = []

    def factory(body: str | None = None, rapid_commit: bool = True, **pool_arguments: Any) -> StandardMessageHandler:
        directory = tmp_path if not built else tmp_path / f'config{len(built)}'
        directory.mkdir(exist_ok=True)
        new = make_handler(directory, pool_config(**pool_arguments) if body is None else body, rapid_commit)
        built.append(new)
        return new

    yield factory
    for old in built:
        old.close()


@pytest.fixture
def handler(handler_factory: HandlerFactory) -> StandardMessageHandler:
    """A handler with the default pools."""
    return handler_factory()


_duid_numbers = iter(range(1, 1 << 40))


def client_duid(number: int | None = None) -> DUID:
    """
    :param number: a number to make the DUID from, or None for a fresh one
    :return: a DUID-LL with a locally administered MAC address
    """
    if number is None:
        number = next(_duid_numbers)
    return LinkLayerDUID(1, b'\x06' + number.to_bytes(5, 'big'))


def pool_client(handler: StandardMessageHandler, duid: DUID | None = None,
                link_address: IPv6Address | str = LINK_ADDRESS, **options: Any) -> InProcessClient:
    """An in-process client on the pools' link (unless told otherwise), behind the listener's Interface-Id eth0."""
    return InProcessClient(handler, duid or client_duid(), link_address=link_address, interface_name=b'eth0',
                           **options)


@dataclass(frozen=True)
class StoredLease:
    """One row of the lease table as another reader sees it."""
    resource: str
    lease_type: str
    pool: str
    duid: bytes
    iaid: bytes
    state: str
    preferred_until: int
    valid_until: int
    updated: int


def stored_leases(directory: Path) -> dict[str, StoredLease]:
    """
    Read the lease database of a handler made in `directory` with a separate connection, as another process (or the
    server after a crash) would.

    :return: resource → row; empty when there is no database yet
    """
    path = directory / 'state' / LEASE_DATABASE_NAME
    if not path.exists():
        return {}
    connection = sqlite3.connect(f'file:{path}?mode=ro', uri=True)
    try:
        rows = connection.execute('SELECT resource, lease_type, pool, duid, iaid, state, preferred_until, '
                                  'valid_until, updated FROM leases').fetchall()
    finally:
        connection.close()
    return {row[0]: StoredLease(row[0], row[1], row[2], bytes(row[3]), bytes(row[4]), *row[5:]) for row in rows}


class Clock:
    """
    The time the pools see. Starts at the real time; :meth:`advance` moves it on without sleeping.

    :ivar now: the current UNIX time
    """

    def __init__(self, now: float):
        self.now = now

    def time(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """Make the pool handlers read a clock the test controls."""
    import time
    fake = Clock(time.time())
    monkeypatch.setattr(pools_module, 'time', fake)
    return fake
