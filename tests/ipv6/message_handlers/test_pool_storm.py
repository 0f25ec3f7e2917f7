"""
Many clients at once against one handler with dynamic pools: 16 threads with 100 clients each do Solicit and Request
concurrently. Every client must get its own address and its own prefix, and the lease store must hold exactly what
the clients were told, no more and no less.
"""
import threading
from ipaddress import IPv6Address, IPv6Network
from pathlib import Path


from dhcpkit.ipv6.duids import duid_registry
from dhcpkit.ipv6.messages import AdvertiseMessage, ReplyMessage, message_registry
from dhcpkit.ipv6.option_base import option_registry
from dhcpkit.registry import Registry
from tests.ipv6.message_handlers.client import InProcessClient
from tests.ipv6.message_handlers.pool_helpers import HandlerFactory, client_duid, pool_client, stored_leases
from tests.ipv6.message_handlers.pool_helpers import handler_factory  # noqa: F401 (fixture)

THREADS = 16
CLIENTS_PER_THREAD = 100
FIRST, LAST = IPv6Address('2001:db8:1::1:0'), IPv6Address('2001:db8:1::1:7cf')   # 2000 addresses
AGGREGATE = IPv6Network('2001:db8:100::/48')


def test_storm(handler_factory: HandlerFactory, tmp_path: Path) -> None:
    handler = handler_factory(address_range=f'{FIRST}-{LAST}', prefix=str(AGGREGATE), delegated_length=64)
    # The daemon loads the registries before it serves (privileges.preload); so do we: first use from many threads
    # at once is the subject of the test below
    for registry in (message_registry, option_registry, duid_registry):
        registry.load()
    barrier = threading.Barrier(THREADS)
    results: list[list[InProcessClient]] = [[] for _ in range(THREADS)]
    errors: list[BaseException] = []

    def run(thread_number: int) -> None:
        try:
            clients = [pool_client(handler, duid=client_duid(0x5700000000 + thread_number * 1000 + number))
                       for number in range(CLIENTS_PER_THREAD)]
            barrier.wait()
            for client in clients:
                assert isinstance(client.solicit(ia_na=1, ia_pd=1), AdvertiseMessage)
                assert isinstance(client.request(), ReplyMessage)
                results[thread_number].append(client)
        except BaseException as error:
            errors.append(error)
            barrier.abort()

    threads = [threading.Thread(target=run, args=(number,)) for number in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []

    clients = [client for group in results for client in group]
    assert len(clients) == THREADS * CLIENTS_PER_THREAD
    told: dict[str, tuple[str, bytes]] = {}
    for client in clients:
        assert len(client.addresses) == 1 and len(client.prefixes) == 1, client.duid
        [address], [prefix] = client.addresses, client.prefixes
        assert FIRST <= address <= LAST
        assert prefix.prefixlen == 64 and prefix.subnet_of(AGGREGATE)
        for resource, lease_type in ((str(address), 'na'), (str(prefix), 'pd')):
            assert resource not in told, f"{resource} given twice"
            told[resource] = (lease_type, client.duid.save())

    rows = stored_leases(tmp_path)
    assert {resource: (row.lease_type, row.duid) for resource, row in rows.items()} == told
    assert {row.state for row in rows.values()} == {'bound'}


def test_registry_first_use_from_many_threads() -> None:
    """
    Fresh registries (as in a new process) looked up by many threads at once must all find the message types: a
    registry that said it was loaded before it was filled made the first packets of a busy server parse as
    UnknownMessage.
    """
    misses: list[int] = []
    for _attempt in range(10):
        registry: Registry[int, type] = Registry('dhcpkit.ipv6.messages', 'message_type')
        barrier = threading.Barrier(THREADS)

        def look_up() -> None:
            barrier.wait()
            for code in range(1, 14):
                if code not in registry and registry.get(code) is None:
                    try:
                        registry[code]
                    except KeyError:
                        misses.append(code)

        threads = [threading.Thread(target=look_up) for _ in range(THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert misses == []
