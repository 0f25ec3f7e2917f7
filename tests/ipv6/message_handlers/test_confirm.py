"""
Confirm (RFC 8415 sections 16.5 and 18.3.3): the client asks whether its addresses are still on-link. A server that
cannot tell (here: no configuration describes any link) must not reply, and neither may it reply to a Confirm without
addresses.
"""
from ipaddress import IPv6Address
from pathlib import Path

import pytest

from dhcpkit.ipv6.messages import ConfirmMessage
from dhcpkit.ipv6.options import ClientIdOption, IANAOption, ServerIdOption
from dhcpkit.protocol_element import ValidationError
from tests.ipv6.message_handlers.client import DNS_CONFIG, SERVER_DUID, InProcessClient, load_handler

ADDRESSES = [IPv6Address('2001:db8:1::1234'), IPv6Address('2001:db8:1::5678')]


@pytest.fixture
def client(tmp_path: Path) -> InProcessClient:
    client = InProcessClient(load_handler(tmp_path, DNS_CONFIG))
    client.set_ias(2, 0)
    return client


def test_confirm_names_no_server_and_carries_the_addresses(client: InProcessClient) -> None:
    confirm = client.build_confirm(ADDRESSES)
    assert isinstance(confirm, ConfirmMessage)
    assert confirm.get_option_of_type(ServerIdOption) is None
    assert [address for ia in confirm.get_options_of_type(IANAOption) for address in ia.get_addresses()] == ADDRESSES


def test_no_reply_without_link_configuration(client: InProcessClient) -> None:
    assert client.confirm(ADDRESSES) is None


def test_no_reply_relayed_either(tmp_path: Path) -> None:
    client = InProcessClient(load_handler(tmp_path), via_relays=[('2001:db8:1::1', 'fe80::1', [])])
    client.set_ias(1, 0)
    assert client.confirm(ADDRESSES[:1]) is None


def test_no_reply_to_confirm_without_addresses(client: InProcessClient) -> None:
    """RFC 8415 section 18.3.3: a Confirm without any addresses gets no Reply."""
    confirm = client.build_confirm([])
    assert confirm.get_options_of_type(IANAOption) == []
    assert client.exchange(confirm) is None
    client.set_ias(1, 0)
    confirm = client.build_confirm()  # an IA_NA without addresses
    assert len(confirm.get_options_of_type(IANAOption)) == 1
    assert client.exchange(confirm) is None


def test_confirm_with_server_id_is_invalid(client: InProcessClient) -> None:
    """RFC 8415 section 16.5: a Confirm that carries a Server Identifier is discarded."""
    confirm = client.build_confirm(ADDRESSES)
    confirm.options.append(ServerIdOption(SERVER_DUID))
    with pytest.raises(ValidationError, match='ConfirmMessage may not contain ServerIdOption'):
        confirm.validate()
    assert client.exchange(confirm, validate=False) is None


def test_confirm_without_client_id_is_invalid(client: InProcessClient) -> None:
    confirm = client.build_confirm(ADDRESSES)
    confirm.options = [option for option in confirm.options if not isinstance(option, ClientIdOption)]
    with pytest.raises(ValidationError, match='ConfirmMessage must contain ClientIdOption'):
        confirm.validate()
    assert client.exchange(confirm, validate=False) is None
