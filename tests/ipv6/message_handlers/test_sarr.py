"""
Solicit, Advertise, Request, Reply: the four-message exchange (RFC 8415 sections 18.3.1, 18.3.2, 16.2, 16.4).

No address or prefix pool is configured, so every IA is answered with NoAddrsAvail or NoPrefixAvail.
"""
from pathlib import Path

import pytest

from dhcpkit.ipv6.duids import EnterpriseDUID
from dhcpkit.ipv6.extensions.dns import (OPTION_DNS_SERVERS, OPTION_DOMAIN_LIST, DomainSearchListOption,
                                         RecursiveNameServersOption)
from dhcpkit.ipv6.extensions.prefix_delegation import STATUS_NOPREFIXAVAIL, IAPDOption
from dhcpkit.ipv6.extensions.sol_max_rt import OPTION_SOL_MAX_RT, SolMaxRTOption
from dhcpkit.ipv6.messages import AdvertiseMessage, ReplyMessage
from dhcpkit.ipv6.options import (STATUS_NOADDRSAVAIL, ClientIdOption, IANAOption, IATAOption, OptionRequestOption,
                                  PreferenceOption, RapidCommitOption, ServerIdOption)
from dhcpkit.protocol_element import ValidationError
from tests.ipv6.message_handlers.client import (DNS_CONFIG, DNS_SERVERS, SEARCH_LIST, SERVER_DUID, InProcessClient,
                                                assert_empty_ia, find_ia, load_handler, status_of)


@pytest.fixture
def client(tmp_path: Path) -> InProcessClient:
    return InProcessClient(load_handler(tmp_path))


@pytest.fixture
def dns_client(tmp_path: Path) -> InProcessClient:
    return InProcessClient(load_handler(tmp_path, DNS_CONFIG))


def test_advertise_identifies_server_and_client(client: InProcessClient) -> None:
    advertise = client.solicit()
    assert isinstance(advertise, AdvertiseMessage)
    assert advertise.get_options_of_type(ServerIdOption) == [ServerIdOption(SERVER_DUID)]
    assert advertise.get_options_of_type(ClientIdOption) == [ClientIdOption(client.duid)]
    assert client.server_duid == SERVER_DUID


def test_advertise_has_no_rapid_commit_and_no_top_level_status(client: InProcessClient) -> None:
    advertise = client.solicit()
    assert isinstance(advertise, AdvertiseMessage)
    assert advertise.get_option_of_type(RapidCommitOption) is None
    assert status_of(advertise) is None


def test_advertise_gives_no_addrs_avail_per_ia_na(client: InProcessClient) -> None:
    advertise = client.solicit(ia_na=2)
    assert isinstance(advertise, AdvertiseMessage)
    assert [ia.iaid for ia in advertise.get_options_of_type(IANAOption)] == [b'\0\0\0\1', b'\0\0\0\2']
    for iaid in (1, 2):
        assert_empty_ia(find_ia(advertise, IANAOption, iaid), STATUS_NOADDRSAVAIL)
    assert advertise.get_options_of_type(IAPDOption) == []
    assert client.iana[b'\0\0\0\1'].status_code == STATUS_NOADDRSAVAIL
    assert client.addresses == []


def test_advertise_gives_no_prefix_avail_per_ia_pd(client: InProcessClient) -> None:
    advertise = client.solicit(ia_na=1, ia_pd=2)
    assert isinstance(advertise, AdvertiseMessage)
    assert_empty_ia(find_ia(advertise, IANAOption, 1), STATUS_NOADDRSAVAIL)
    assert len(advertise.get_options_of_type(IAPDOption)) == 2
    for iaid in (0x101, 0x102):
        assert_empty_ia(find_ia(advertise, IAPDOption, iaid), STATUS_NOPREFIXAVAIL)


def test_advertise_gives_no_addrs_avail_for_ia_ta(client: InProcessClient) -> None:
    solicit = client.build_solicit(ia_na=0)
    solicit.options.append(IATAOption(b'\0\0\0\x09'))
    advertise = client.exchange(solicit)
    assert isinstance(advertise, AdvertiseMessage)
    assert_empty_ia(find_ia(advertise, IATAOption, 9), STATUS_NOADDRSAVAIL)


def test_solicit_without_ias_gets_advertise_without_ias(client: InProcessClient) -> None:
    advertise = client.solicit(ia_na=0)
    assert isinstance(advertise, AdvertiseMessage)
    assert advertise.get_options_of_type(IANAOption) == []
    assert advertise.get_options_of_type(IAPDOption) == []


def test_solicit_with_server_id_is_dropped(client: InProcessClient) -> None:
    """RFC 8415 section 16.2: a Solicit that carries a Server Identifier is discarded."""
    solicit = client.build_solicit()
    solicit.options.append(ServerIdOption(SERVER_DUID))
    with pytest.raises(ValidationError, match='SolicitMessage may not contain ServerIdOption'):
        solicit.validate()
    assert client.exchange(solicit, validate=False) is None


def test_solicit_without_client_id_is_dropped(client: InProcessClient) -> None:
    """RFC 8415 section 16.2: a Solicit without a Client Identifier is discarded."""
    solicit = client.build_solicit()
    solicit.options = [option for option in solicit.options if not isinstance(option, ClientIdOption)]
    with pytest.raises(ValidationError, match='SolicitMessage must contain ClientIdOption'):
        solicit.validate()
    assert client.exchange(solicit, validate=False) is None


def test_dns_options_only_when_requested(dns_client: InProcessClient) -> None:
    advertise = dns_client.solicit()
    assert isinstance(advertise, AdvertiseMessage)
    assert advertise.get_option_of_type(RecursiveNameServersOption) is None
    assert advertise.get_option_of_type(DomainSearchListOption) is None

    advertise = dns_client.solicit(oro=[OPTION_DNS_SERVERS])
    assert isinstance(advertise, AdvertiseMessage)
    assert advertise.get_options_of_type(RecursiveNameServersOption) == [RecursiveNameServersOption(DNS_SERVERS)]
    assert advertise.get_option_of_type(DomainSearchListOption) is None

    advertise = dns_client.solicit(oro=[OPTION_DNS_SERVERS, OPTION_DOMAIN_LIST])
    assert isinstance(advertise, AdvertiseMessage)
    assert advertise.get_options_of_type(RecursiveNameServersOption) == [RecursiveNameServersOption(DNS_SERVERS)]
    assert advertise.get_options_of_type(DomainSearchListOption) == [DomainSearchListOption(SEARCH_LIST)]


def test_no_dns_options_when_not_configured(client: InProcessClient) -> None:
    advertise = client.solicit(oro=[OPTION_DNS_SERVERS, OPTION_DOMAIN_LIST])
    assert isinstance(advertise, AdvertiseMessage)
    assert advertise.get_option_of_type(RecursiveNameServersOption) is None
    assert advertise.get_option_of_type(DomainSearchListOption) is None


def test_preference_when_configured(tmp_path: Path) -> None:
    client = InProcessClient(load_handler(tmp_path, "[option Preference]\npreference = 255\n"))
    advertise = client.solicit()
    assert isinstance(advertise, AdvertiseMessage)
    assert advertise.get_options_of_type(PreferenceOption) == [PreferenceOption(255)]
    # RFC 8415 appendix B: the Preference option belongs in Advertise only
    reply = client.request()
    assert isinstance(reply, ReplyMessage)
    assert reply.get_option_of_type(PreferenceOption) is None


def test_no_preference_when_not_configured(client: InProcessClient) -> None:
    advertise = client.solicit()
    assert isinstance(advertise, AdvertiseMessage)
    assert advertise.get_option_of_type(PreferenceOption) is None


def test_request_gets_reply_with_no_addrs_avail(client: InProcessClient) -> None:
    client.solicit(ia_na=2, ia_pd=1)
    reply = client.request()
    assert isinstance(reply, ReplyMessage)
    assert reply.get_options_of_type(ServerIdOption) == [ServerIdOption(SERVER_DUID)]
    assert reply.get_options_of_type(ClientIdOption) == [ClientIdOption(client.duid)]
    assert reply.get_option_of_type(RapidCommitOption) is None
    assert status_of(reply) is None
    assert len(reply.get_options_of_type(IANAOption)) == 2
    for iaid in (1, 2):
        assert_empty_ia(find_ia(reply, IANAOption, iaid), STATUS_NOADDRSAVAIL)
    assert_empty_ia(find_ia(reply, IAPDOption, 0x101), STATUS_NOPREFIXAVAIL)
    assert client.addresses == [] and client.prefixes == []
    assert client.iana[b'\0\0\0\1'].status_code == STATUS_NOADDRSAVAIL
    assert client.iapd[(0x101).to_bytes(4, 'big')].status_code == STATUS_NOPREFIXAVAIL


def test_request_with_dns_in_oro(dns_client: InProcessClient) -> None:
    dns_client.solicit()
    reply = dns_client.request(oro=[OPTION_DNS_SERVERS, OPTION_DOMAIN_LIST])
    assert isinstance(reply, ReplyMessage)
    assert reply.get_options_of_type(RecursiveNameServersOption) == [RecursiveNameServersOption(DNS_SERVERS)]
    assert reply.get_options_of_type(DomainSearchListOption) == [DomainSearchListOption(SEARCH_LIST)]
    reply = dns_client.request()
    assert isinstance(reply, ReplyMessage)
    assert reply.get_option_of_type(RecursiveNameServersOption) is None


def test_request_for_another_server_is_dropped(client: InProcessClient) -> None:
    """RFC 8415 section 16.4: a Request whose Server Identifier is not ours is discarded."""
    client.solicit()
    assert client.request(server_duid=EnterpriseDUID(40208, b'another server')) is None


def test_request_without_server_id_is_dropped(client: InProcessClient) -> None:
    """RFC 8415 section 16.4: a Request without a Server Identifier is discarded."""
    request = client.build_request()
    assert request.get_option_of_type(ServerIdOption) is None  # the client never chose a server
    with pytest.raises(ValidationError, match='RequestMessage must contain ServerIdOption'):
        request.validate()
    assert client.exchange(request, validate=False) is None


def test_request_without_client_id_is_dropped(client: InProcessClient) -> None:
    """RFC 8415 section 16.4: a Request without a Client Identifier is discarded."""
    client.solicit()
    request = client.build_request()
    request.options = [option for option in request.options if not isinstance(option, ClientIdOption)]
    with pytest.raises(ValidationError, match='RequestMessage must contain ClientIdOption'):
        request.validate()
    assert client.exchange(request, validate=False) is None


def test_sol_max_rt_when_configured(tmp_path: Path) -> None:
    """RFC 8415 sections 18.2.1 and 21.24: the client asks for SOL_MAX_RT, the server sends it when configured."""
    client = InProcessClient(load_handler(tmp_path, "[option SolMaxRT]\nsol-max-rt = 1h\n"))
    solicit = client.build_solicit()
    oro = solicit.get_option_of_type(OptionRequestOption)
    assert oro is not None and OPTION_SOL_MAX_RT in oro.requested_options
    advertise = client.exchange(solicit)
    assert isinstance(advertise, AdvertiseMessage)
    assert advertise.get_options_of_type(SolMaxRTOption) == [SolMaxRTOption(3600)]
    reply = client.request()
    assert isinstance(reply, ReplyMessage)
    assert reply.get_options_of_type(SolMaxRTOption) == [SolMaxRTOption(3600)]
