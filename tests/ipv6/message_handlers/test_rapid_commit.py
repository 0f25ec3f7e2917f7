"""
Rapid Commit: the two-message exchange Solicit/Reply (RFC 8415 sections 18.3.1 and 21.14), allowed by
``allow-rapid-commit`` in ``[server]``.
"""
from pathlib import Path

from dhcpkit.ipv6.extensions.dns import OPTION_DNS_SERVERS, RecursiveNameServersOption
from dhcpkit.ipv6.extensions.prefix_delegation import STATUS_NOPREFIXAVAIL, IAPDOption
from dhcpkit.ipv6.messages import AdvertiseMessage, ReplyMessage
from dhcpkit.ipv6.options import (STATUS_NOADDRSAVAIL, ClientIdOption, IANAOption, PreferenceOption,
                                  RapidCommitOption, ServerIdOption)
from tests.ipv6.message_handlers.client import (DNS_CONFIG, DNS_SERVERS, SERVER_DUID, InProcessClient, find_ia,
                                                load_handler, status_of)


def test_allowed_and_asked_gives_reply_with_rapid_commit(tmp_path: Path) -> None:
    client = InProcessClient(load_handler(tmp_path, rapid_commit=True))
    reply = client.solicit(ia_na=1, ia_pd=1, rapid_commit=True)
    assert isinstance(reply, ReplyMessage)
    assert reply.get_options_of_type(RapidCommitOption) == [RapidCommitOption()]
    assert reply.get_options_of_type(ServerIdOption) == [ServerIdOption(SERVER_DUID)]
    assert reply.get_options_of_type(ClientIdOption) == [ClientIdOption(client.duid)]
    iana = find_ia(reply, IANAOption, 1)
    assert iana is not None and status_of(iana) == STATUS_NOADDRSAVAIL and iana.get_addresses() == []
    assert (iana.t1, iana.t2) == (0, 0)
    iapd = find_ia(reply, IAPDOption, 0x101)
    assert iapd is not None and status_of(iapd) == STATUS_NOPREFIXAVAIL and iapd.get_prefixes() == []
    assert client.server_duid == SERVER_DUID
    assert client.advertise is None


def test_not_allowed_gives_advertise_without_rapid_commit(tmp_path: Path) -> None:
    client = InProcessClient(load_handler(tmp_path, rapid_commit=False))
    advertise = client.solicit(rapid_commit=True)
    assert isinstance(advertise, AdvertiseMessage)
    assert advertise.get_option_of_type(RapidCommitOption) is None
    assert status_of(find_ia(advertise, IANAOption, 1)) == STATUS_NOADDRSAVAIL


def test_allowed_but_not_asked_gives_advertise(tmp_path: Path) -> None:
    client = InProcessClient(load_handler(tmp_path, rapid_commit=True))
    advertise = client.solicit(rapid_commit=False)
    assert isinstance(advertise, AdvertiseMessage)
    assert advertise.get_option_of_type(RapidCommitOption) is None


def test_rapid_commit_reply_carries_requested_options_and_no_preference(tmp_path: Path) -> None:
    body = DNS_CONFIG + "\n[option Preference]\npreference = 10\n"
    client = InProcessClient(load_handler(tmp_path, body, rapid_commit=True))
    reply = client.solicit(rapid_commit=True, oro=[OPTION_DNS_SERVERS])
    assert isinstance(reply, ReplyMessage)
    assert reply.get_options_of_type(RecursiveNameServersOption) == [RecursiveNameServersOption(DNS_SERVERS)]
    assert reply.get_option_of_type(PreferenceOption) is None
    advertise = client.solicit(rapid_commit=False, oro=[OPTION_DNS_SERVERS])
    assert isinstance(advertise, AdvertiseMessage)
    assert advertise.get_options_of_type(PreferenceOption) == [PreferenceOption(10)]
