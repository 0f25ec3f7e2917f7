"""
Confirm against dynamic pools (RFC 8415 section 18.3.3): a pool knows its link, so it can tell a client whether its
addresses are on-link (Success) or not (NotOnLink); on a link without pools the server cannot tell and stays silent.
"""
from pathlib import Path

from dhcpkit.ipv6.extensions.client_fqdn import ClientFQDNOption
from dhcpkit.ipv6.message_handlers.standard import StandardMessageHandler
from dhcpkit.ipv6.messages import ReplyMessage
from dhcpkit.ipv6.options import STATUS_NOTONLINK, STATUS_SUCCESS, IANAOption, ReconfigureAcceptOption
from tests.ipv6.message_handlers.client import status_of
from tests.ipv6.message_handlers.pool_helpers import (OTHER_LINK_ADDRESS, HandlerFactory, pool_client,
                                                      stored_leases)
from tests.ipv6.message_handlers.pool_helpers import handler, handler_factory  # noqa: F401 (fixtures)


def test_confirm_on_link(handler: StandardMessageHandler, tmp_path: Path) -> None:
    client = pool_client(handler)
    client.solicit(ia_na=2)
    client.request()
    before = stored_leases(tmp_path)
    reply = client.confirm()
    assert isinstance(reply, ReplyMessage)
    assert status_of(reply) == STATUS_SUCCESS
    assert reply.get_options_of_type(IANAOption) == []
    # Confirm changes no lease
    assert stored_leases(tmp_path) == before


def test_confirm_with_options_that_only_belong_in_other_messages(handler: StandardMessageHandler) -> None:
    # dhcpcd (with "hostname") sends its Client FQDN in the Confirm after a reboot, dhclient also Reconfigure Accept;
    # RFC 4704 and appendix B of RFC 8415 leave them out of a Confirm, but the client still gets its answer
    client = pool_client(handler)
    client.solicit(ia_na=1)
    client.request()
    confirm = client.build_confirm()
    confirm.options += [ClientFQDNOption(0, 'laptop.example.com.'), ReconfigureAcceptOption()]
    reply = client.exchange(confirm)
    assert isinstance(reply, ReplyMessage)
    assert status_of(reply) == STATUS_SUCCESS
    assert reply.get_option_of_type(ClientFQDNOption) is None


def test_confirm_on_link_address_not_leased(handler: StandardMessageHandler) -> None:
    # On-link is about the link prefix, not about the range or a lease
    reply = pool_client(handler).confirm(['2001:db8:1::abcd'])
    assert status_of(reply) == STATUS_SUCCESS


def test_confirm_off_link(handler: StandardMessageHandler) -> None:
    reply = pool_client(handler).confirm(['2001:db8:2::1:5'])
    assert isinstance(reply, ReplyMessage)
    assert status_of(reply) == STATUS_NOTONLINK


def test_confirm_some_off_link(handler: StandardMessageHandler) -> None:
    client = pool_client(handler)
    client.solicit()
    client.request()
    reply = client.confirm([client.addresses[0], '2001:db8:2::1:5'])
    assert status_of(reply) == STATUS_NOTONLINK


def test_confirm_after_moving_to_another_link(handler_factory: HandlerFactory) -> None:
    # Two links, one pool each: a client that moves from the first to the second is told NotOnLink there
    handler = handler_factory(
        body=('[option AddressPool 2001:db8:1::/64]\nrange = 2001:db8:1::1:0-2001:db8:1::1:ff\n\n'
              '[option AddressPool 2001:db8:2::/64]\nrange = 2001:db8:2::1:0-2001:db8:2::1:ff\n'))
    client = pool_client(handler)
    client.solicit()
    client.request()
    assert status_of(client.confirm()) == STATUS_SUCCESS
    client.link_address = OTHER_LINK_ADDRESS
    assert status_of(client.confirm()) == STATUS_NOTONLINK


def test_confirm_from_a_link_without_pools_is_not_answered(handler: StandardMessageHandler) -> None:
    client = pool_client(handler, link_address=OTHER_LINK_ADDRESS)
    assert client.confirm(['2001:db8:2::1:5']) is None
    assert client.confirm(['2001:db8:1::1:5']) is None
