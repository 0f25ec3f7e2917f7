"""
Information-request (RFC 8415 sections 16.12 and 18.3.6): configuration without leases. The Client Identifier is
optional; a Server Identifier, when present, must be ours; IA options are not allowed.
"""
from pathlib import Path

import pytest

from dhcpkit.ipv6.duids import EnterpriseDUID
from dhcpkit.ipv6.extensions.dns import (OPTION_DNS_SERVERS, OPTION_DOMAIN_LIST, DomainSearchListOption,
                                         RecursiveNameServersOption)
from dhcpkit.ipv6.extensions.prefix_delegation import IAPDOption
from dhcpkit.ipv6.extensions.sol_max_rt import OPTION_INF_MAX_RT, InfMaxRTOption
from dhcpkit.ipv6.messages import ReplyMessage
from dhcpkit.ipv6.options import (OPTION_INFORMATION_REFRESH_TIME, STATUS_SUCCESS, ClientIdOption, IANAOption,
                                  InformationRefreshTimeOption, OptionRequestOption, ServerIdOption)
from dhcpkit.protocol_element import ValidationError
from tests.ipv6.message_handlers.client import (DNS_CONFIG, DNS_SERVERS, SEARCH_LIST, SERVER_DUID, InProcessClient,
                                                load_handler, status_of)


@pytest.fixture
def client(tmp_path: Path) -> InProcessClient:
    return InProcessClient(load_handler(tmp_path, DNS_CONFIG + "\n[option InformationRefreshTime]\nrefresh-time = 12h\n"
                                                               "\n[option InfMaxRT]\ninf-max-rt = 2h\n"))


def test_reply_with_dns_options_when_asked(client: InProcessClient) -> None:
    reply = client.information_request(oro=[OPTION_DNS_SERVERS, OPTION_DOMAIN_LIST])
    assert isinstance(reply, ReplyMessage)
    assert reply.get_options_of_type(ServerIdOption) == [ServerIdOption(SERVER_DUID)]
    assert reply.get_options_of_type(ClientIdOption) == [ClientIdOption(client.duid)]
    assert reply.get_options_of_type(RecursiveNameServersOption) == [RecursiveNameServersOption(DNS_SERVERS)]
    assert reply.get_options_of_type(DomainSearchListOption) == [DomainSearchListOption(SEARCH_LIST)]
    assert reply.get_options_of_type(IANAOption) == [] and reply.get_options_of_type(IAPDOption) == []
    assert status_of(reply) in (None, STATUS_SUCCESS)


def test_only_what_is_asked_for(client: InProcessClient) -> None:
    reply = client.information_request(oro=[OPTION_DOMAIN_LIST])
    assert isinstance(reply, ReplyMessage)
    assert reply.get_option_of_type(RecursiveNameServersOption) is None
    assert reply.get_options_of_type(DomainSearchListOption) == [DomainSearchListOption(SEARCH_LIST)]
    reply = client.information_request(oro=[])
    assert isinstance(reply, ReplyMessage)
    assert reply.get_option_of_type(RecursiveNameServersOption) is None
    assert reply.get_option_of_type(DomainSearchListOption) is None


def test_information_refresh_time(client: InProcessClient) -> None:
    """RFC 8415 sections 18.2.6 and 21.23: the client asks for it, and only a Reply to Information-request has it."""
    request = client.build_information_request()
    oro = request.get_option_of_type(OptionRequestOption)
    assert oro is not None and OPTION_INFORMATION_REFRESH_TIME in oro.requested_options
    reply = client.exchange(request)
    assert isinstance(reply, ReplyMessage)
    assert reply.get_options_of_type(InformationRefreshTimeOption) == [InformationRefreshTimeOption(12 * 3600)]
    client.solicit()
    reply = client.request(oro=[OPTION_INFORMATION_REFRESH_TIME])
    assert isinstance(reply, ReplyMessage)
    assert reply.get_option_of_type(InformationRefreshTimeOption) is None


def test_with_our_server_id_is_answered(client: InProcessClient) -> None:
    reply = client.information_request(oro=[OPTION_DNS_SERVERS], server_duid=SERVER_DUID)
    assert isinstance(reply, ReplyMessage)
    assert reply.get_options_of_type(RecursiveNameServersOption) == [RecursiveNameServersOption(DNS_SERVERS)]


def test_with_foreign_server_id_is_dropped(client: InProcessClient) -> None:
    assert client.information_request(server_duid=EnterpriseDUID(40208, b'another server')) is None


def test_with_ia_na_is_invalid(client: InProcessClient) -> None:
    """RFC 8415 section 16.12: an Information-request with an IA option is discarded; the server's validation does."""
    request = client.build_information_request()
    request.options.append(IANAOption(b'\0\0\0\1'))
    with pytest.raises(ValidationError, match='InformationRequestMessage may not contain IANAOption'):
        request.validate()
    with pytest.raises(ValidationError, match='InformationRequestMessage may not contain IANAOption'):
        client.exchange(request)


def test_without_client_id_is_answered_without_client_id(client: InProcessClient) -> None:
    request = client.build_information_request(oro=[OPTION_DNS_SERVERS], client_id=False)
    assert request.get_option_of_type(ClientIdOption) is None
    reply = client.exchange(request)
    assert isinstance(reply, ReplyMessage)
    assert reply.get_option_of_type(ClientIdOption) is None
    assert reply.get_options_of_type(ServerIdOption) == [ServerIdOption(SERVER_DUID)]
    assert reply.get_options_of_type(RecursiveNameServersOption) == [RecursiveNameServersOption(DNS_SERVERS)]


def test_inf_max_rt(client: InProcessClient) -> None:
    """RFC 8415 sections 18.2.6 and 21.25: the client asks for INF_MAX_RT, the server sends it when configured."""
    request = client.build_information_request()
    oro = request.get_option_of_type(OptionRequestOption)
    assert oro is not None and OPTION_INF_MAX_RT in oro.requested_options
    reply = client.exchange(request)
    assert isinstance(reply, ReplyMessage)
    assert reply.get_options_of_type(InfMaxRTOption) == [InfMaxRTOption(7200)]
