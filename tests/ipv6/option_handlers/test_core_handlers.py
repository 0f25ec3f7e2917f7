"""
Tests for the core option handlers that the standard message handler always installs: server and client identifiers
(:mod:`~dhcpkit.ipv6.option_handlers.server_id`, :mod:`~dhcpkit.ipv6.option_handlers.client_id`), the relay echoes
(:mod:`~dhcpkit.ipv6.option_handlers.relay_echo`), unanswered IAs (:mod:`~dhcpkit.ipv6.option_handlers.unanswered_ia`),
reply statuses (:mod:`~dhcpkit.ipv6.option_handlers.status`), the unicast policy
(:mod:`~dhcpkit.ipv6.option_handlers.unicast`) and T1/T2 (:mod:`~dhcpkit.ipv6.option_handlers.timing_limits`).
"""
from ipaddress import IPv6Address, IPv6Network

import pytest

from dhcpkit.ipv6 import INFINITY
from dhcpkit.ipv6.config import ConfigError
from dhcpkit.ipv6.exceptions import CannotRespondError, UseMulticastError
from dhcpkit.ipv6.extensions.prefix_delegation import STATUS_NOPREFIXAVAIL, IAPDOption, IAPrefixOption
from dhcpkit.ipv6.extensions.relay_echo_request import OPTION_ERO, EchoRequestOption
from dhcpkit.ipv6.extensions.remote_id import OPTION_REMOTE_ID, RemoteIdOption
from dhcpkit.ipv6.extensions.subscriber_id import SubscriberIdOption
from dhcpkit.ipv6.messages import (AdvertiseMessage, ClientServerMessage, ConfirmMessage, DeclineMessage,
                                   InformationRequestMessage, RebindMessage, ReleaseMessage, RenewMessage,
                                   ReplyMessage, RequestMessage, SolicitMessage)
from dhcpkit.ipv6.option_base import Option, UnknownOption
from dhcpkit.ipv6.option_handlers import option_handler_registry
from dhcpkit.ipv6.option_handlers.client_id import ClientIdOptionHandler
from dhcpkit.ipv6.option_handlers.relay_echo import (EchoRequestOptionHandler, InterfaceIdOptionHandler,
                                                     RemoteIdOptionHandler, SubscriberIdOptionHandler)
from dhcpkit.ipv6.option_handlers.server_id import ServerIdOptionHandler
from dhcpkit.ipv6.option_handlers.status import CONFIRM_ANSWERED, ReplyStatusOptionHandler
from dhcpkit.ipv6.option_handlers.timing_limits import IANATimingLimitsOptionHandler, IAPDTimingLimitsOptionHandler
from dhcpkit.ipv6.option_handlers.unanswered_ia import UnansweredIAOptionHandler
from dhcpkit.ipv6.option_handlers.unicast import UNICAST_ALLOWED, UnicastPolicyOptionHandler
from dhcpkit.ipv6.options import (OPTION_RELAY_MSG, STATUS_NOADDRSAVAIL, STATUS_NOBINDING, STATUS_SUCCESS,
                                  STATUS_USEMULTICAST,
                                  ClientIdOption, IAAddressOption, IANAOption, IATAOption, InterfaceIdOption,
                                  ServerIdOption, StatusCodeOption)
from dhcpkit.ipv6.transaction_bundle import TransactionBundle
from tests.ipv6.option_handlers.helpers import (CLIENT_DUID, OTHER_SERVER_DUID, SECTION_LINE, SERVER_DUID,
                                                TRANSACTION_ID, client_options, config_error, information_request,
                                                make_bundle, make_section, run_handler, solicit, standard_response)

IAID = b'\x00\x00\x00\x01'
ADDRESS = IPv6Address('2001:db8:1::100')
PREFIX = IPv6Network('2001:db8:100::/56')


def client_message(message_class: type[ClientServerMessage], server_duid: object = None,
                   extra: list[Option] | None = None, client_id: bool = True) -> ClientServerMessage:
    """A client message with (or without) a Client Identifier, a Server Identifier when given, and extra options."""
    options: list[Option] = client_options() if client_id else []
    if server_duid is not None:
        options.append(ServerIdOption(server_duid))  # type: ignore[arg-type]
    return message_class(TRANSACTION_ID, options + (extra or []))


def empty_response(request: ClientServerMessage) -> ClientServerMessage:
    """The empty response the standard message handler starts from."""
    if isinstance(request, SolicitMessage):
        return AdvertiseMessage(TRANSACTION_ID)
    return ReplyMessage(TRANSACTION_ID)


# Server Identifier (RFC 8415 section 16)

MUST_NAME_US = [RequestMessage, RenewMessage, ReleaseMessage, DeclineMessage]
MUST_NOT_NAME_A_SERVER = [SolicitMessage, ConfirmMessage, RebindMessage]


@pytest.mark.parametrize('message_class', MUST_NAME_US)
def test_server_id_required(message_class: type[ClientServerMessage]) -> None:
    handler = ServerIdOptionHandler(SERVER_DUID)
    with pytest.raises(CannotRespondError):
        handler.pre(make_bundle(client_message(message_class)))
    with pytest.raises(CannotRespondError):
        handler.pre(make_bundle(client_message(message_class, OTHER_SERVER_DUID)))
    response = run_handler(handler, make_bundle(client_message(message_class, SERVER_DUID)),
                           ReplyMessage(TRANSACTION_ID, [StatusCodeOption(STATUS_SUCCESS)]))
    assert response.options == [ServerIdOption(SERVER_DUID), StatusCodeOption(STATUS_SUCCESS)]


@pytest.mark.parametrize('message_class', MUST_NOT_NAME_A_SERVER)
def test_server_id_forbidden(message_class: type[ClientServerMessage]) -> None:
    handler = ServerIdOptionHandler(SERVER_DUID)
    for duid in (SERVER_DUID, OTHER_SERVER_DUID):
        with pytest.raises(CannotRespondError):
            handler.pre(make_bundle(client_message(message_class, duid)))
    request = client_message(message_class)
    response = run_handler(handler, make_bundle(request), empty_response(request))
    assert response.options == [ServerIdOption(SERVER_DUID)]


def test_server_id_information_request() -> None:
    # RFC 8415 section 16.12: a Server Identifier is optional, but must be ours when present
    handler = ServerIdOptionHandler(SERVER_DUID)
    with pytest.raises(CannotRespondError):
        handler.pre(make_bundle(client_message(InformationRequestMessage, OTHER_SERVER_DUID)))
    for request in (client_message(InformationRequestMessage, SERVER_DUID), information_request(),
                    client_message(InformationRequestMessage, client_id=False)):
        response = run_handler(handler, make_bundle(request, relayed=True), ReplyMessage(TRANSACTION_ID))
        assert response.options == [ServerIdOption(SERVER_DUID)]


# Client Identifier (RFC 8415 sections 16 and 18.3)

@pytest.mark.parametrize('message_class', MUST_NAME_US + MUST_NOT_NAME_A_SERVER)
def test_client_id_required(message_class: type[ClientServerMessage]) -> None:
    handler = ClientIdOptionHandler()
    with pytest.raises(CannotRespondError):
        handler.pre(make_bundle(client_message(message_class, client_id=False)))
    request = client_message(message_class)
    response = run_handler(handler, make_bundle(request), empty_response(request))
    assert response.options == [ClientIdOption(CLIENT_DUID)]


def test_client_id_information_request() -> None:
    handler = ClientIdOptionHandler()
    response = run_handler(handler, make_bundle(client_message(InformationRequestMessage, client_id=False)),
                           ReplyMessage(TRANSACTION_ID))
    assert response.options == []
    response = run_handler(handler, make_bundle(information_request()), ReplyMessage(TRANSACTION_ID))
    assert response.options == [ClientIdOption(CLIENT_DUID)]


def test_core_handlers_take_no_configuration() -> None:
    # The default from_config: no ID, and every key stays unread (so the loader reports it)
    section = make_section('option ClientId', {'duid': '0001'})
    assert isinstance(ClientIdOptionHandler.from_config(section), ClientIdOptionHandler)
    assert section.unused_keys() == ['duid']
    with pytest.raises(ConfigError) as excinfo:
        ClientIdOptionHandler.from_config(section, 'x')
    config_error(excinfo, None, SECTION_LINE)


# Relay echoes (RFC 8415 section 21.18, RFC 4649, RFC 4580, RFC 4994)

def relay_bundle(relay_options: list[Option]) -> TransactionBundle:
    """A relayed Solicit, answered and with the outgoing relay messages created."""
    bundle = make_bundle(solicit(), relayed=True, relay_options=relay_options)
    bundle.response = AdvertiseMessage(TRANSACTION_ID)
    bundle.create_outgoing_relay_messages()
    return bundle


def run_relay_handler(handler: EchoRequestOptionHandler | InterfaceIdOptionHandler,
                      bundle: TransactionBundle) -> None:
    assert bundle.outgoing_relay_messages is not None
    for relay_in, relay_out in zip(bundle.incoming_relay_messages, bundle.outgoing_relay_messages):
        handler.handle_relay(bundle, relay_in, relay_out)


def test_interface_id_echo() -> None:
    bundle = relay_bundle([])
    run_relay_handler(InterfaceIdOptionHandler(), bundle)
    assert bundle.outgoing_relay_messages is not None
    closest, ours = bundle.outgoing_relay_messages
    assert closest.options == [InterfaceIdOption(b'relay-port-1')]
    assert ours.options == [InterfaceIdOption(b'eth0')]
    outgoing = bundle.outgoing_message
    assert outgoing is ours and outgoing.relayed_message is closest


def test_remote_id_and_subscriber_id_echo() -> None:
    remote_id = RemoteIdOption(9, b'line-1')
    subscriber_id = SubscriberIdOption(b'customer-1')
    bundle = relay_bundle([remote_id, subscriber_id])
    for handler in (RemoteIdOptionHandler(), SubscriberIdOptionHandler()):
        run_relay_handler(handler, bundle)  # type: ignore[arg-type]
    assert bundle.outgoing_relay_messages is not None
    assert bundle.outgoing_relay_messages[0].options == [remote_id, subscriber_id]
    assert bundle.outgoing_relay_messages[1].options == []


def test_echo_request() -> None:
    unknown = UnknownOption(65000, b'opaque')
    remote_id = RemoteIdOption(9, b'line-1')
    ero = EchoRequestOption([65000, OPTION_REMOTE_ID, OPTION_RELAY_MSG, 65001])
    bundle = relay_bundle([remote_id, unknown, ero])
    run_relay_handler(InterfaceIdOptionHandler(), bundle)
    run_relay_handler(RemoteIdOptionHandler(), bundle)  # type: ignore[arg-type]
    run_relay_handler(EchoRequestOptionHandler(), bundle)
    assert bundle.outgoing_relay_messages is not None
    closest, ours = bundle.outgoing_relay_messages
    # the Remote-Id is there once, the unknown option is echoed, the Relay Message is never copied
    assert closest.options == [InterfaceIdOption(b'relay-port-1'), remote_id, unknown]
    assert ours.options == [InterfaceIdOption(b'eth0')]


def test_echo_request_only_echoes_what_a_relay_reply_may_carry() -> None:
    ero = EchoRequestOption([OPTION_ERO])
    bundle = relay_bundle([ero])
    run_relay_handler(EchoRequestOptionHandler(), bundle)
    assert bundle.outgoing_relay_messages is not None
    relay_out = bundle.outgoing_relay_messages[0]
    assert all(relay_out.may_contain(option) for option in relay_out.options)


# Unanswered IAs (RFC 8415 section 18.3)

def all_ias() -> list[Option]:
    return [IANAOption(IAID, 0, 0, [IAAddressOption(ADDRESS, 3600, 7200)]), IATAOption(b'\x00\x00\x00\x02'),
            IAPDOption(b'\x00\x00\x00\x03', 0, 0, [IAPrefixOption(PREFIX, 3600, 7200)])]


@pytest.mark.parametrize('message_class, na_status, pd_status', [
    (SolicitMessage, STATUS_NOADDRSAVAIL, STATUS_NOPREFIXAVAIL),
    (RequestMessage, STATUS_NOADDRSAVAIL, STATUS_NOPREFIXAVAIL),
    (RenewMessage, STATUS_NOBINDING, STATUS_NOBINDING),
    (RebindMessage, STATUS_NOBINDING, STATUS_NOBINDING),
    (ReleaseMessage, STATUS_NOBINDING, STATUS_NOBINDING),
    (DeclineMessage, STATUS_NOBINDING, STATUS_NOBINDING),
])
def test_unanswered_ias(message_class: type[ClientServerMessage], na_status: int, pd_status: int) -> None:
    request = client_message(message_class, extra=all_ias())
    bundle = make_bundle(request)
    response = run_handler(UnansweredIAOptionHandler(), bundle, empty_response(request))
    statuses = [(type(option), option.iaid, option.get_option_of_type(StatusCodeOption).status_code)  # type: ignore
                for option in response.options]
    assert statuses == [(IANAOption, IAID, na_status), (IATAOption, b'\x00\x00\x00\x02', na_status),
                        (IAPDOption, b'\x00\x00\x00\x03', pd_status)]
    for option in response.options:
        assert len(option.options) == 1  # type: ignore[attr-defined]  # only the status, no leases
    na = response.options[0]
    assert isinstance(na, IANAOption) and na.t1 == na.t2 == 0
    assert bundle.get_unanswered_ia_options() == []


def test_unanswered_ias_skips_answered_ones() -> None:
    request = client_message(RequestMessage, SERVER_DUID, extra=all_ias())
    bundle = make_bundle(request)
    bundle.mark_handled(request.options[-3])  # the IA_NA
    response = run_handler(UnansweredIAOptionHandler(), bundle, ReplyMessage(TRANSACTION_ID))
    assert [type(option) for option in response.options] == [IATAOption, IAPDOption]


@pytest.mark.parametrize('request_message', [client_message(ConfirmMessage, extra=all_ias()[:1]),
                                             information_request()])
def test_unanswered_ias_not_for_confirm_or_information_request(request_message: ClientServerMessage) -> None:
    response = run_handler(UnansweredIAOptionHandler(), make_bundle(request_message), ReplyMessage(TRANSACTION_ID))
    assert response.options == []


# Reply statuses (RFC 8415 sections 18.3.3, 18.3.7, 18.3.8)

def test_confirm_without_answer_gets_no_reply() -> None:
    request = client_message(ConfirmMessage, extra=all_ias()[:1])
    with pytest.raises(CannotRespondError):
        run_handler(ReplyStatusOptionHandler(), make_bundle(request), ReplyMessage(TRANSACTION_ID))
    bundle = make_bundle(request)
    bundle.marks.add(CONFIRM_ANSWERED)
    status = StatusCodeOption(STATUS_SUCCESS, "All addresses are on-link")
    response = run_handler(ReplyStatusOptionHandler(), bundle, ReplyMessage(TRANSACTION_ID, [status]))
    assert response.options == [status]


@pytest.mark.parametrize('message_class', [ReleaseMessage, DeclineMessage])
def test_release_and_decline_get_success(message_class: type[ClientServerMessage]) -> None:
    request = client_message(message_class, SERVER_DUID, extra=all_ias())
    response = run_handler(ReplyStatusOptionHandler(), make_bundle(request), ReplyMessage(TRANSACTION_ID))
    assert len(response.options) == 1
    status = response.get_option_of_type(StatusCodeOption)
    assert status is not None and status.status_code == STATUS_SUCCESS
    # a status that another handler set is kept
    existing = StatusCodeOption(STATUS_NOBINDING, "other")
    response = run_handler(ReplyStatusOptionHandler(), make_bundle(request), ReplyMessage(TRANSACTION_ID, [existing]))
    assert response.options == [existing]


@pytest.mark.parametrize('request_message', [solicit(), client_message(RequestMessage, SERVER_DUID),
                                             information_request()])
def test_no_status_for_other_messages(request_message: ClientServerMessage) -> None:
    response = run_handler(ReplyStatusOptionHandler(), make_bundle(request_message), empty_response(request_message))
    assert response.options == []


# Unicast policy (RFC 8415 section 18.4)

@pytest.mark.parametrize('message_class', MUST_NAME_US)
def test_unicast_refused_without_permission(message_class: type[ClientServerMessage]) -> None:
    request = client_message(message_class, SERVER_DUID)
    with pytest.raises(UseMulticastError):
        UnicastPolicyOptionHandler().pre(make_bundle(request, received_over_multicast=False))
    # over multicast, through a relay, or with a Server Unicast option configured it is fine
    UnicastPolicyOptionHandler().pre(make_bundle(request, received_over_multicast=True))
    UnicastPolicyOptionHandler().pre(make_bundle(request, received_over_multicast=False, relayed=True))
    bundle = make_bundle(request, received_over_multicast=False)
    bundle.marks.add(UNICAST_ALLOWED)
    UnicastPolicyOptionHandler().pre(bundle)


@pytest.mark.parametrize('request_message', [solicit(), client_message(ConfirmMessage, extra=all_ias()[:1]),
                                             client_message(RebindMessage, extra=all_ias()[:1]),
                                             information_request()])
def test_unicast_discards_multicast_only_messages(request_message: ClientServerMessage) -> None:
    with pytest.raises(CannotRespondError):
        UnicastPolicyOptionHandler().pre(make_bundle(request_message, received_over_multicast=False))


def test_unicast_whole_server() -> None:
    request = client_message(RenewMessage, SERVER_DUID, extra=all_ias()[:1])
    response = standard_response([], request, received_over_multicast=False)
    assert response is not None
    # RFC 8415 section 18.4: only the status and the two identifiers
    assert [type(option) for option in response.options] == [ServerIdOption, ClientIdOption, StatusCodeOption]
    status = response.get_option_of_type(StatusCodeOption)
    assert status is not None and status.status_code == STATUS_USEMULTICAST
    response = standard_response([], request, received_over_multicast=False, relayed=True)
    assert response is not None and response.get_option_of_type(IANAOption) is not None


# T1 and T2 (RFC 8415 sections 21.4 and 21.21)

TIMING = 'option IANATimingLimits'


def test_timing_limits_registered() -> None:
    assert option_handler_registry['IANATimingLimits'] is IANATimingLimitsOptionHandler
    assert option_handler_registry['IAPDTimingLimits'] is IAPDTimingLimitsOptionHandler


def test_timing_limits_from_config() -> None:
    section = make_section(TIMING, {'min-t1': '5m', 'max-t1': '1h', 'factor-t1': '0.4', 'min-t2': '10m',
                                    'max-t2': '2h', 'factor-t2': '0.7', 'max-t3': '1'})
    handler = IANATimingLimitsOptionHandler.from_config(section)
    assert (handler.min_t1, handler.max_t1, handler.factor_t1) == (300, 3600, 0.4)
    assert (handler.min_t2, handler.max_t2, handler.factor_t2) == (600, 7200, 0.7)
    assert section.unused_keys() == ['max-t3']


def test_timing_limits_defaults() -> None:
    handler = IAPDTimingLimitsOptionHandler.from_config(make_section('option IAPDTimingLimits', {}))
    assert (handler.min_t1, handler.max_t1, handler.factor_t1) == (0, INFINITY, 0.5)
    assert (handler.min_t2, handler.max_t2, handler.factor_t2) == (0, INFINITY, 0.8)


@pytest.mark.parametrize('key, value', [('min-t1', 'soon'), ('max-t2', '-1'), ('factor-t1', 'half'),
                                        ('factor-t2', '-0.5')])
def test_timing_limits_bad_value(key: str, value: str) -> None:
    with pytest.raises(ConfigError) as excinfo:
        IANATimingLimitsOptionHandler.from_config(make_section(TIMING, {key: value}))
    config_error(excinfo, key, SECTION_LINE + 1)


@pytest.mark.parametrize('values', [{'min-t1': '2h', 'max-t1': '1h'}, {'factor-t1': '0.9', 'factor-t2': '0.5'},
                                    {'factor-t2': '1.5'}])
def test_timing_limits_inconsistent(values: dict[str, str]) -> None:
    with pytest.raises(ConfigError) as excinfo:
        IANATimingLimitsOptionHandler.from_config(make_section(TIMING, values))
    config_error(excinfo, None, SECTION_LINE)


def test_timing_limits_no_id() -> None:
    with pytest.raises(ConfigError) as excinfo:
        IANATimingLimitsOptionHandler.from_config(make_section(TIMING, {}), 'eth0')
    config_error(excinfo, None, SECTION_LINE)


def timed_response(handler: IANATimingLimitsOptionHandler | IAPDTimingLimitsOptionHandler,
                   options: list[Option]) -> list[tuple[int, int]]:
    request = client_message(RequestMessage, SERVER_DUID)
    response = run_handler(handler, make_bundle(request), ReplyMessage(TRANSACTION_ID, options))
    return [(option.t1, option.t2) for option in response.options
            if isinstance(option, (IANAOption, IAPDOption))]


def test_timing_limits_defaults_follow_the_rfc() -> None:
    options: list[Option] = [
        IANAOption(IAID, 0, 0, [IAAddressOption(ADDRESS, 3600, 7200), IAAddressOption(ADDRESS + 1, 1000, 2000),
                                IAAddressOption(ADDRESS + 2, 10, 0)]),  # released: ignored
        IAPDOption(IAID, 0, 0, [IAPrefixOption(PREFIX, 4000, 8000)]),
        IANAOption(b'\x00\x00\x00\x09', 5, 6, [StatusCodeOption(STATUS_NOADDRSAVAIL)]),
    ]
    assert timed_response(IANATimingLimitsOptionHandler(), options) == [(500, 800), (0, 0), (0, 0)]
    assert timed_response(IAPDTimingLimitsOptionHandler(), options) == [(500, 800), (2000, 3200), (0, 0)]


def test_timing_limits_clamp() -> None:
    handler = IANATimingLimitsOptionHandler(min_t1=600, max_t1=1000, min_t2=900, max_t2=1200)
    assert handler.timers_for(100) == (600, 900)
    assert handler.timers_for(36000) == (1000, 1200)
    # T1 never exceeds T2, whatever the limits say
    assert IANATimingLimitsOptionHandler(min_t1=2000, max_t2=1500).timers_for(1000) == (800, 800)
    assert handler.timers_for(INFINITY) == (1000, 1200)


def test_timing_limits_clamp_infinite_lifetimes() -> None:
    assert IANATimingLimitsOptionHandler(max_t1=3600, max_t2=7200).timers_for(INFINITY) == (3600, 7200)


def test_timing_limits_remembered_per_lifetime_but_a_subclass_is_asked_every_time() -> None:
    def options() -> list[Option]:
        return [IANAOption(IAID, 0, 0, [IAAddressOption(ADDRESS, 3600, 7200)]),
                IANAOption(b'\x00\x00\x00\x09', 0, 0, [IAAddressOption(ADDRESS + 1, 1000, 2000)])]
    handler = IANATimingLimitsOptionHandler()
    assert timed_response(handler, options()) == [(1800, 2880), (500, 800)]
    assert timed_response(handler, options()) == [(1800, 2880), (500, 800)]

    class Counting(IANATimingLimitsOptionHandler):
        asked = 0

        def timers_for(self, shortest_preferred: int) -> tuple[int, int]:
            Counting.asked += 1
            return Counting.asked, Counting.asked
    counting = Counting()
    assert timed_response(counting, options()) == [(1, 1), (2, 2)]
    assert timed_response(counting, options()) == [(3, 3), (4, 4)]


# The core handlers together, through the standard message handler

def test_whole_server_release() -> None:
    request = client_message(ReleaseMessage, SERVER_DUID, extra=all_ias()[:1])
    response = standard_response([], request)
    assert isinstance(response, ReplyMessage)
    assert response.get_option_of_type(ClientIdOption) == ClientIdOption(CLIENT_DUID)
    status = response.get_option_of_type(StatusCodeOption)
    assert status is not None and status.status_code == STATUS_SUCCESS
    ia = response.get_option_of_type(IANAOption)
    assert ia is not None and ia.options[0].status_code == STATUS_NOBINDING  # type: ignore[attr-defined]


def test_whole_server_confirm_is_not_answered_without_configuration() -> None:
    assert standard_response([], client_message(ConfirmMessage, extra=all_ias()[:1])) is None


def test_whole_server_drops_requests_for_others() -> None:
    assert standard_response([], client_message(RequestMessage, OTHER_SERVER_DUID, extra=all_ias()[:1])) is None
    assert standard_response([], client_message(SolicitMessage, SERVER_DUID)) is None
    assert standard_response([], client_message(SolicitMessage, client_id=False)) is None
