"""
Reloading the configuration (DESIGN "The path of one packet": SIGHUP → ``handler.reload(new_config)``): the next
exchange sees the new configuration, and exchanges that run while the configuration is swapped each see one whole
configuration, never a mix, and never fail.
"""
import threading
import time
from ipaddress import IPv6Address
from pathlib import Path
from typing import Any

from dhcpkit.ipv6.duids import EnterpriseDUID
from dhcpkit.ipv6.extensions.dns import (OPTION_DNS_SERVERS, OPTION_DOMAIN_LIST, DomainSearchListOption,
                                         RecursiveNameServersOption)
from dhcpkit.ipv6.message_handlers import MessageHandler
from dhcpkit.ipv6.messages import AdvertiseMessage, ClientServerMessage, ReplyMessage
from dhcpkit.ipv6.options import RapidCommitOption, ServerIdOption
from dhcpkit.ipv6.server.config_loader import load_config
from tests.ipv6.message_handlers.client import (DNS_CONFIG, DNS_SERVERS, SEARCH_LIST, SERVER_DUID, InProcessClient,
                                                write_config)

OTHER_DNS_SERVERS = [IPv6Address('2001:db8:b::53')]
OTHER_SEARCH_LIST = ['example.org']
OTHER_DNS_CONFIG = """
[option RecursiveNameServers]
server-address-1 = 2001:db8:b::53

[option DomainSearchList]
domain-name-1 = example.org
"""
DNS_ORO = [OPTION_DNS_SERVERS, OPTION_DOMAIN_LIST]


def load(directory: Path, name: str, body: str, **arguments: Any) -> dict[str, Any]:
    return load_config(str(write_config(directory, body, name=name, **arguments)))


def dns_of(reply: ClientServerMessage | None) -> tuple[list[IPv6Address] | None, list[str] | None]:
    assert isinstance(reply, ReplyMessage)
    servers = reply.get_option_of_type(RecursiveNameServersOption)
    search = reply.get_option_of_type(DomainSearchListOption)
    return (servers.dns_servers if servers else None), (search.search_list if search else None)


def test_reload_changes_dns_servers(tmp_path: Path) -> None:
    first = load(tmp_path, 'first.ini', DNS_CONFIG)
    second = load(tmp_path, 'second.ini', OTHER_DNS_CONFIG)
    handler: MessageHandler = first['server']['message-handler'](first)
    client = InProcessClient(handler)
    assert dns_of(client.information_request(oro=DNS_ORO)) == (DNS_SERVERS, SEARCH_LIST)
    handler.reload(second)
    assert handler.config is second
    assert dns_of(client.information_request(oro=DNS_ORO)) == (OTHER_DNS_SERVERS, OTHER_SEARCH_LIST)
    handler.reload(load(tmp_path, 'third.ini', ''))
    assert dns_of(client.information_request(oro=DNS_ORO)) == (None, None)
    handler.reload(first)
    assert dns_of(client.information_request(oro=DNS_ORO)) == (DNS_SERVERS, SEARCH_LIST)


def test_reload_changes_server_duid_and_rapid_commit(tmp_path: Path) -> None:
    first = load(tmp_path, 'first.ini', '', rapid_commit=False)
    new_duid = EnterpriseDUID(40208, b'new server')
    second = load(tmp_path, 'second.ini', '', rapid_commit=True, duid=new_duid.save().hex())
    handler: MessageHandler = first['server']['message-handler'](first)
    client = InProcessClient(handler)
    advertise = client.solicit(rapid_commit=True)
    assert isinstance(advertise, AdvertiseMessage)
    assert client.server_duid == SERVER_DUID

    handler.reload(second)
    # The client's chosen server is gone: its Renew names the old DUID and is not answered
    assert client.renew() is None
    reply = client.solicit(rapid_commit=True)
    assert isinstance(reply, ReplyMessage)
    assert reply.get_options_of_type(RapidCommitOption) == [RapidCommitOption()]
    assert reply.get_options_of_type(ServerIdOption) == [ServerIdOption(new_duid)]


def test_exchanges_during_reloads_see_one_whole_configuration(tmp_path: Path) -> None:
    first = load(tmp_path, 'first.ini', DNS_CONFIG)
    second = load(tmp_path, 'second.ini', OTHER_DNS_CONFIG)
    handler: MessageHandler = first['server']['message-handler'](first)
    allowed = {(tuple(DNS_SERVERS), tuple(SEARCH_LIST)), (tuple(OTHER_DNS_SERVERS), tuple(OTHER_SEARCH_LIST))}

    stop = threading.Event()
    errors: list[BaseException] = []
    seen: list[tuple[tuple[IPv6Address, ...], tuple[str, ...]]] = []
    seen_lock = threading.Lock()

    def hammer() -> None:
        client = InProcessClient(handler)
        try:
            while not stop.is_set():
                servers, search = dns_of(client.information_request(oro=DNS_ORO))
                assert servers is not None and search is not None
                with seen_lock:
                    seen.append((tuple(servers), tuple(search)))
        except BaseException as error:  # pylint: disable=broad-except
            errors.append(error)

    threads = [threading.Thread(target=hammer, name=f'hammer-{number}') for number in range(4)]
    for thread in threads:
        thread.start()
    try:
        for number in range(50):
            handler.reload(second if number % 2 == 0 else first)
            time.sleep(0.002)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []
    assert seen, "no exchange ran during the reloads"
    assert set(seen) <= allowed
    # After an even number of swaps the handler serves the first configuration again
    assert dns_of(InProcessClient(handler).information_request(oro=DNS_ORO)) == (DNS_SERVERS, SEARCH_LIST)
