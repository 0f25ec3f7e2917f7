"""
Strategies for the protocol core: the RFC 8415 messages, options and DUIDs, the unknown elements, and prefix
delegation. Every example passes ``validate()``.

The building blocks (integers of a given size, unicast addresses, DUIDs, option lists) are public so that the
strategies of extension modules can reuse them.
"""
from ipaddress import IPv6Address, IPv6Network
from typing import Any, Sequence
from uuid import UUID

from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from dhcpkit.ipv6.duids import (DUID, EnterpriseDUID, LinkLayerDUID, LinkLayerTimeDUID, UnknownDUID, UUIDDUID,
                                duid_registry)
from dhcpkit.ipv6.extensions.prefix_delegation import IAPDOption, IAPrefixOption
from dhcpkit.ipv6.messages import (MSG_INFORMATION_REQUEST, MSG_REBIND, MSG_RENEW, AdvertiseMessage,
                                   ConfirmMessage, DeclineMessage, InformationRequestMessage, Message,
                                   RebindMessage, ReconfigureMessage, RelayForwardMessage, RelayReplyMessage,
                                   ReleaseMessage, RenewMessage, ReplyMessage, RequestMessage, SolicitMessage,
                                   UnknownMessage, message_registry)
from dhcpkit.ipv6.option_base import Option, UnknownOption, option_registry
from dhcpkit.ipv6.options import (AuthenticationOption, ClientIdOption, ElapsedTimeOption, IAAddressOption,
                                  IANAOption, IATAOption, InformationRefreshTimeOption, InterfaceIdOption,
                                  OptionRequestOption, PreferenceOption, RapidCommitOption, ReconfigureAcceptOption,
                                  ReconfigureMessageOption, RelayMessageOption, ServerIdOption, ServerUnicastOption,
                                  StatusCodeOption, UserClassOption, VendorClassOption,
                                  VendorSpecificInformationOption)

# Building blocks

u8 = st.integers(0, 0xff)
u16 = st.integers(0, 0xffff)
u32 = st.integers(0, 0xffffffff)
u64 = st.integers(0, 0xffffffffffffffff)

#: Any IPv6 address, with the interesting ones (unspecified, loopback, link-local, documentation) made likely
ipv6_addresses: SearchStrategy[IPv6Address] = st.one_of(
    st.sampled_from([IPv6Address('::'), IPv6Address('::1'), IPv6Address('fe80::1'), IPv6Address('2001:db8::1'),
                     IPv6Address('ff02::1:2')]),
    st.integers(0, 2 ** 128 - 1).map(IPv6Address),
)


def _is_unicast(address: IPv6Address) -> bool:
    return not (address.is_multicast or address.is_unspecified or address.is_loopback)


#: Addresses that may be assigned to an interface (not multicast, unspecified or loopback)
unicast_addresses: SearchStrategy[IPv6Address] = ipv6_addresses.filter(_is_unicast)

#: Any IPv6 prefix, in canonical form (no bits set past the prefix length)
ipv6_prefixes: SearchStrategy[IPv6Network] = st.builds(
    lambda address, length: IPv6Network((address, length), strict=False), ipv6_addresses, st.integers(0, 128))

iaids = st.binary(min_size=4, max_size=4)
transaction_ids = st.binary(min_size=3, max_size=3)


@st.composite
def lifetimes(draw: st.DrawFn) -> tuple[int, int]:
    """A (preferred, valid) pair with preferred <= valid (RFC 8415 sections 21.6 and 21.22)."""
    valid = draw(st.one_of(st.sampled_from([0, 0xffffffff]), u32))
    preferred = draw(st.one_of(st.just(valid), st.integers(0, valid)))
    return preferred, valid


@st.composite
def timers(draw: st.DrawFn) -> tuple[int, int]:
    """A (T1, T2) pair with T1 <= T2 unless T2 is 0 (RFC 8415 section 21.4)."""
    t2 = draw(st.one_of(st.just(0), u32))
    t1 = draw(u32 if t2 == 0 else st.integers(0, t2))
    return t1, t2


def unregistered_codes(registry: Any, bits: int) -> SearchStrategy[int]:
    """
    Codes that no class is registered for in `registry`, so that an unknown element parses back as unknown.

    :param registry: the registry of the element family
    :param bits: the size of the code
    :return: the strategy
    """
    def is_free(code: int) -> bool:
        registry.load()
        return code not in registry

    return st.integers(0, (1 << bits) - 1).filter(is_free)


# DUIDs (RFC 8415 section 11: at most 128 octets after the 2-octet type code, and at least one)

link_layer_time_duids = st.builds(LinkLayerTimeDUID, hardware_type=u16, time=u32,
                                  link_layer_address=st.binary(min_size=1, max_size=122))
enterprise_duids = st.builds(EnterpriseDUID, enterprise_number=u32, identifier=st.binary(min_size=1, max_size=124))
link_layer_duids = st.builds(LinkLayerDUID, hardware_type=u16, link_layer_address=st.binary(min_size=1, max_size=126))
uuid_duids = st.builds(UUIDDUID, uuid=st.binary(min_size=16, max_size=16).map(lambda packed: UUID(bytes=packed)))
unknown_duids = st.builds(UnknownDUID, duid_type=unregistered_codes(duid_registry, 16),
                          duid_data=st.binary(min_size=1, max_size=128))

#: Any valid DUID
duids: SearchStrategy[DUID] = st.one_of(link_layer_time_duids, enterprise_duids, link_layer_duids, uuid_duids,
                                        unknown_duids)

# Options

unknown_options = st.builds(UnknownOption, option_type=unregistered_codes(option_registry, 16),
                            option_data=st.binary(max_size=40))
client_id_options = st.builds(ClientIdOption, duid=duids)
server_id_options = st.builds(ServerIdOption, duid=duids)
status_code_options = st.builds(StatusCodeOption, status_code=st.one_of(st.integers(0, 6), u16),
                                status_message=st.text(max_size=30))


@st.composite
def option_lists(draw: st.DrawFn, required: Sequence[SearchStrategy[Option]] = (),
                 optional: Sequence[SearchStrategy[Option]] = (),
                 repeated: Sequence[SearchStrategy[Option]] = (), unknown: bool = True) -> list[Option]:
    """
    A list of options in any order: each required one once, each optional one at most once, each repeated one zero to
    two times, and maybe an unknown option (which every container must accept).

    :param required: strategies for options that must be present
    :param optional: strategies for options that may be present once
    :param repeated: strategies for options that may be present several times
    :param unknown: whether an unknown option may be added
    :return: the options
    """
    options = [draw(strategy) for strategy in required]
    for strategy in optional:
        if draw(st.booleans()):
            options.append(draw(strategy))
    for strategy in repeated:
        options.extend(draw(st.lists(strategy, max_size=2)))
    if unknown:
        options.extend(draw(st.lists(unknown_options, max_size=1)))
    return list(draw(st.permutations(options)))


@st.composite
def ia_address_options(draw: st.DrawFn) -> IAAddressOption:
    preferred, valid = draw(lifetimes())
    return IAAddressOption(address=draw(unicast_addresses), preferred_lifetime=preferred, valid_lifetime=valid,
                           options=draw(option_lists(optional=[status_code_options])))


@st.composite
def iana_options(draw: st.DrawFn) -> IANAOption:
    t1, t2 = draw(timers())
    return IANAOption(iaid=draw(iaids), t1=t1, t2=t2,
                      options=draw(option_lists(optional=[status_code_options], repeated=[ia_address_options()])))


@st.composite
def iata_options(draw: st.DrawFn) -> IATAOption:
    return IATAOption(iaid=draw(iaids),
                      options=draw(option_lists(optional=[status_code_options], repeated=[ia_address_options()])))


@st.composite
def ia_prefix_options(draw: st.DrawFn) -> IAPrefixOption:
    preferred, valid = draw(lifetimes())
    return IAPrefixOption(prefix=draw(ipv6_prefixes), preferred_lifetime=preferred, valid_lifetime=valid,
                          options=draw(option_lists(optional=[status_code_options])))


@st.composite
def iapd_options(draw: st.DrawFn) -> IAPDOption:
    t1, t2 = draw(timers())
    return IAPDOption(iaid=draw(iaids), t1=t1, t2=t2,
                      options=draw(option_lists(optional=[status_code_options], repeated=[ia_prefix_options()])))


option_request_options = st.builds(OptionRequestOption, requested_options=st.lists(u16, max_size=10))
preference_options = st.builds(PreferenceOption, preference=u8)
elapsed_time_options = st.builds(ElapsedTimeOption, elapsed_time=u16)
authentication_options = st.builds(AuthenticationOption, protocol=u8, algorithm=u8, rdm=u8, replay_detection=u64,
                                   auth_info=st.binary(max_size=32))
server_unicast_options = st.builds(ServerUnicastOption, server_address=ipv6_addresses.filter(
    lambda address: not (address.is_multicast or address.is_unspecified)))
rapid_commit_options = st.builds(RapidCommitOption)
user_class_options = st.builds(UserClassOption, user_classes=st.lists(st.binary(max_size=16), max_size=3))
vendor_class_options = st.builds(VendorClassOption, enterprise_number=u32,
                                 vendor_classes=st.lists(st.binary(max_size=16), max_size=3))
vendor_specific_information_options = st.builds(
    VendorSpecificInformationOption, enterprise_number=u32,
    vendor_options=st.lists(st.tuples(u16, st.binary(max_size=16)), max_size=3))
interface_id_options = st.builds(InterfaceIdOption, interface_id=st.binary(min_size=1, max_size=32))
reconfigure_message_options = st.builds(ReconfigureMessageOption,
                                        message_type=st.sampled_from([MSG_RENEW, MSG_REBIND,
                                                                      MSG_INFORMATION_REQUEST]))
reconfigure_accept_options = st.builds(ReconfigureAcceptOption)
information_refresh_time_options = st.builds(InformationRefreshTimeOption, refresh_time=u32)

# Client/server messages, with the options RFC 8415 appendix B allows in each

_ias = [iana_options(), iata_options(), iapd_options()]
_addresses_only_ias = [iana_options(), iata_options()]
_client_vendor = [vendor_class_options, vendor_specific_information_options]


def _client_server(message_class: type[Message], **option_spec: Any) -> SearchStrategy[Message]:
    return st.builds(message_class, transaction_id=transaction_ids, options=option_lists(**option_spec))


solicit_messages = _client_server(
    SolicitMessage, required=[client_id_options],
    optional=[option_request_options, elapsed_time_options, rapid_commit_options, authentication_options,
              user_class_options, reconfigure_accept_options],
    repeated=_ias + _client_vendor)
advertise_messages = _client_server(
    AdvertiseMessage, required=[client_id_options, server_id_options],
    optional=[preference_options, authentication_options, server_unicast_options, status_code_options,
              user_class_options, reconfigure_accept_options],
    repeated=_ias + _client_vendor)
request_messages = _client_server(
    RequestMessage, required=[client_id_options, server_id_options],
    optional=[option_request_options, elapsed_time_options, authentication_options, user_class_options,
              reconfigure_accept_options],
    repeated=_ias + _client_vendor)
confirm_messages = _client_server(
    ConfirmMessage, required=[client_id_options],
    optional=[elapsed_time_options, authentication_options, user_class_options],
    repeated=_addresses_only_ias + _client_vendor)
renew_messages = _client_server(
    RenewMessage, required=[client_id_options, server_id_options],
    optional=[option_request_options, elapsed_time_options, authentication_options, user_class_options,
              reconfigure_accept_options],
    repeated=_ias + _client_vendor)
rebind_messages = _client_server(
    RebindMessage, required=[client_id_options],
    optional=[option_request_options, elapsed_time_options, authentication_options, user_class_options,
              reconfigure_accept_options],
    repeated=_ias + _client_vendor)
release_messages = _client_server(
    ReleaseMessage, required=[client_id_options, server_id_options],
    optional=[elapsed_time_options, authentication_options, user_class_options],
    repeated=_ias + _client_vendor)
decline_messages = _client_server(
    DeclineMessage, required=[client_id_options, server_id_options],
    optional=[elapsed_time_options, authentication_options, user_class_options],
    repeated=_addresses_only_ias + _client_vendor)
reply_messages = _client_server(
    ReplyMessage, required=[server_id_options],
    optional=[client_id_options, authentication_options, server_unicast_options, status_code_options,
              rapid_commit_options, user_class_options, reconfigure_accept_options,
              information_refresh_time_options],
    repeated=_ias + _client_vendor)
# RFC 8415 section 18.3.11: a Reconfigure carries both identifiers and a Reconfigure Message option
reconfigure_messages = _client_server(
    ReconfigureMessage, required=[server_id_options, client_id_options, reconfigure_message_options],
    optional=[option_request_options, authentication_options])
information_request_messages = _client_server(
    InformationRequestMessage,
    optional=[client_id_options, server_id_options, option_request_options, elapsed_time_options,
              authentication_options, user_class_options, reconfigure_accept_options],
    repeated=_client_vendor)

client_messages: SearchStrategy[Message] = st.one_of(
    solicit_messages, request_messages, confirm_messages, renew_messages, rebind_messages, release_messages,
    decline_messages, information_request_messages)
server_messages: SearchStrategy[Message] = st.one_of(advertise_messages, reply_messages, reconfigure_messages)
unknown_messages = st.builds(UnknownMessage, message_type=unregistered_codes(message_registry, 8),
                             message_data=st.binary(max_size=40))


def _relay(message_class: type[Message], inner: SearchStrategy[Message]) -> SearchStrategy[Message]:
    options = option_lists(required=[st.builds(RelayMessageOption, relayed_message=inner)],
                           optional=[interface_id_options])
    return st.builds(message_class, hop_count=u8, link_address=ipv6_addresses, peer_address=ipv6_addresses,
                     options=options)


def relay_forward_messages(depth: int = 2) -> SearchStrategy[Message]:
    """
    Relay-forward messages around a client message, with up to `depth` more Relay-forward messages in between.

    :param depth: how many further relays may be nested
    :return: the strategy
    """
    inner = client_messages if depth == 0 else st.one_of(client_messages, relay_forward_messages(depth - 1))
    return _relay(RelayForwardMessage, inner)


def relay_reply_messages(depth: int = 2) -> SearchStrategy[Message]:
    """
    Relay-reply messages around a server message, with up to `depth` more Relay-reply messages in between.

    :param depth: how many further relays may be nested
    :return: the strategy
    """
    inner = server_messages if depth == 0 else st.one_of(server_messages, relay_reply_messages(depth - 1))
    return _relay(RelayReplyMessage, inner)


relay_message_options = st.builds(RelayMessageOption,
                                  relayed_message=st.one_of(client_messages, server_messages))

STRATEGIES: dict[type, SearchStrategy[Any]] = {
    # DUIDs
    LinkLayerTimeDUID: link_layer_time_duids,
    EnterpriseDUID: enterprise_duids,
    LinkLayerDUID: link_layer_duids,
    UUIDDUID: uuid_duids,
    UnknownDUID: unknown_duids,
    # Options
    UnknownOption: unknown_options,
    ClientIdOption: client_id_options,
    ServerIdOption: server_id_options,
    IANAOption: iana_options(),
    IATAOption: iata_options(),
    IAAddressOption: ia_address_options(),
    OptionRequestOption: option_request_options,
    PreferenceOption: preference_options,
    ElapsedTimeOption: elapsed_time_options,
    RelayMessageOption: relay_message_options,
    AuthenticationOption: authentication_options,
    ServerUnicastOption: server_unicast_options,
    StatusCodeOption: status_code_options,
    RapidCommitOption: rapid_commit_options,
    UserClassOption: user_class_options,
    VendorClassOption: vendor_class_options,
    VendorSpecificInformationOption: vendor_specific_information_options,
    InterfaceIdOption: interface_id_options,
    ReconfigureMessageOption: reconfigure_message_options,
    ReconfigureAcceptOption: reconfigure_accept_options,
    InformationRefreshTimeOption: information_refresh_time_options,
    IAPDOption: iapd_options(),
    IAPrefixOption: ia_prefix_options(),
    # Messages
    UnknownMessage: unknown_messages,
    SolicitMessage: solicit_messages,
    AdvertiseMessage: advertise_messages,
    RequestMessage: request_messages,
    ConfirmMessage: confirm_messages,
    RenewMessage: renew_messages,
    RebindMessage: rebind_messages,
    ReplyMessage: reply_messages,
    ReleaseMessage: release_messages,
    DeclineMessage: decline_messages,
    ReconfigureMessage: reconfigure_messages,
    InformationRequestMessage: information_request_messages,
    RelayForwardMessage: relay_forward_messages(),
    RelayReplyMessage: relay_reply_messages(),
}
