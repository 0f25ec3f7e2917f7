"""
An in-process DHCPv6 client for behaviour tests.

:class:`InProcessClient` drives a message handler through whole exchanges without sockets. It builds each message the
way RFC 8415 section 18.2 says a client does, sends it through the same steps a packet takes in the server (bytes,
parse, validate, the listener's own Relay-forward wrapping, optionally inside the Relay-forward messages of real relay
agents), calls :meth:`MessageHandler.handle`, checks that the Relay-reply chain mirrors what went in, unwraps and
validates the response as a client would (RFC 8415 section 16), and keeps its own view of its leases.

The helpers :func:`write_config` and :func:`load_handler` build a handler from a real INI file, the way the server
does.
"""
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from ipaddress import IPv6Address, IPv6Network
from pathlib import Path
from typing import Any, TypeVar

from dhcpkit.ipv6.duids import DUID, LinkLayerDUID
from dhcpkit.ipv6.extensions.prefix_delegation import IAPDOption, IAPrefixOption
from dhcpkit.ipv6.extensions.sol_max_rt import OPTION_INF_MAX_RT, OPTION_SOL_MAX_RT
from dhcpkit.ipv6.message_handlers import MessageHandler
from dhcpkit.ipv6.messages import (AdvertiseMessage, ClientServerMessage, ConfirmMessage, DeclineMessage,
                                   InformationRequestMessage, Message, RebindMessage, RelayForwardMessage,
                                   RelayReplyMessage, RelayServerMessage, ReleaseMessage, RenewMessage, ReplyMessage,
                                   RequestMessage, SolicitMessage)
from dhcpkit.ipv6.option_base import Option
from dhcpkit.ipv6.options import (OPTION_INFORMATION_REFRESH_TIME, STATUS_SUCCESS, STATUS_USEMULTICAST,
                                  ClientIdOption, ElapsedTimeOption, IAAddressOption, IANAOption, InterfaceIdOption,
                                  OptionRequestOption, RapidCommitOption, RelayMessageOption, ServerIdOption,
                                  ServerUnicastOption, StatusCodeOption)
from dhcpkit.ipv6.server.config_loader import load_config

__all__ = ['InProcessClient', 'IAView', 'Exchange', 'RelayHop', 'SERVER_DUID', 'SERVER_DUID_HEX', 'DNS_SERVERS',
           'SEARCH_LIST', 'DNS_CONFIG', 'write_config', 'load_handler', 'status_of', 'find_ia', 'assert_empty_ia']

#: The DUID every test configuration gives the server (DUID-LL, Ethernet, 02:03:04:05:06:07)
SERVER_DUID_HEX = '00030001020304050607'
SERVER_DUID = LinkLayerDUID(1, bytes.fromhex('020304050607'))

#: The DNS configuration most tests use, and the values it configures
DNS_SERVERS = [IPv6Address('2001:db8::53'), IPv6Address('2001:db8::54')]
SEARCH_LIST = ['example.com', 'example.net']
DNS_CONFIG = '''
[option RecursiveNameServers]
server-address-1 = 2001:db8::53
server-address-2 = 2001:db8::54

[option DomainSearchList]
domain-name-1 = example.com
domain-name-2 = example.net
'''

#: One real relay agent on the way: (link-address, peer-address, extra options of its Relay-forward)
RelayHop = tuple[IPv6Address | str, IPv6Address | str, Sequence[Option]]

SomeOption = TypeVar('SomeOption', bound=Option)

# RFC 8415 section 18.4: the messages a client unicasts to a server that gave it a Server Unicast option
_UNICASTABLE = (RequestMessage, RenewMessage, ReleaseMessage, DeclineMessage)

# RFC 8415 section 16: the messages that must name the server they are for
_NAMES_A_SERVER = (RequestMessage, RenewMessage, ReleaseMessage, DeclineMessage)

_mac_counter = itertools.count(1)


def write_config(directory: Path, body: str = '', *, rapid_commit: bool = False, name: str = 'ipv6-dhcpd.ini',
                 duid: str = SERVER_DUID_HEX) -> Path:
    """
    Write an ``ipv6-dhcpd.ini`` with a ``[server]`` section that needs nothing from the machine, plus `body`.

    :param directory: where to write it (a pytest ``tmp_path``)
    :param body: more sections, such as ``[option RecursiveNameServers]``
    :param rapid_commit: the value of ``allow-rapid-commit``
    :param name: the file name, so one test can write several configurations
    :param duid: the server DUID in hex
    :return: the path of the file
    """
    state = directory / 'state'
    state.mkdir(exist_ok=True)
    path = directory / name
    path.write_text(f"[server]\n"
                    f"duid = {duid}\n"
                    f"allow-rapid-commit = {'yes' if rapid_commit else 'no'}\n"
                    f"state-directory = {state}\n"
                    f"\n{body}\n", encoding='utf-8')
    return path


def load_handler(directory: Path, body: str = '', *, rapid_commit: bool = False) -> MessageHandler:
    """
    Write a configuration file, load it like the server does and build its message handler.

    :param directory: where to write it (a pytest ``tmp_path``)
    :param body: more sections
    :param rapid_commit: the value of ``allow-rapid-commit``
    :return: the message handler
    """
    config = load_config(str(write_config(directory, body, rapid_commit=rapid_commit)))
    handler: MessageHandler = config['server']['message-handler'](config)
    return handler


def status_of(element: ClientServerMessage | Option | None) -> int | None:
    """
    The status code directly inside a message or an IA option, or None when it has none (or is None itself).

    :param element: the message or option
    :return: the status code
    """
    if element is None:
        return None
    options: list[Option] = getattr(element, 'options')
    for option in options:
        if isinstance(option, StatusCodeOption):
            return option.status_code
    return None


def find_ia(message: ClientServerMessage, klass: type[SomeOption], iaid: bytes | int) -> SomeOption | None:
    """
    Find the IA option of a class with an IAID in a message.

    :param message: the message
    :param klass: IANAOption or IAPDOption
    :param iaid: the IAID, as bytes or as a number
    :return: the option or None
    """
    if isinstance(iaid, int):
        iaid = iaid.to_bytes(4, 'big')
    for option in message.get_options_of_type(klass):
        if getattr(option, 'iaid') == iaid:
            return option
    return None


def assert_empty_ia(ia: Option | None, status_code: int) -> None:
    """
    Check that an IA option from a response holds no leases and nothing but one status code, with T1 and T2 zero
    where the IA has them (RFC 8415 sections 18.3.1-18.3.8 for IAs the server cannot serve).

    :param ia: the IA_NA, IA_TA or IA_PD option
    :param status_code: the status code it must carry
    """
    assert ia is not None, "the IA is missing"
    options: list[Option] = getattr(ia, 'options')
    assert len(options) == 1 and isinstance(options[0], StatusCodeOption), f"not just a status: {ia!r}"
    assert options[0].status_code == status_code, f"status {options[0].status_code}, expected {status_code}"
    if isinstance(ia, (IANAOption, IAPDOption)):
        assert (ia.t1, ia.t2) == (0, 0), f"T1/T2 of an empty IA are {ia.t1}/{ia.t2}"


@dataclass
class IAView:
    """
    The client's view of one IA_NA or IA_PD.

    :ivar iaid: the IA identifier
    :ivar t1: T1 from the last Reply that carried this IA
    :ivar t2: T2 from the last Reply that carried this IA
    :ivar leases: address (IA_NA) or prefix (IA_PD) → (preferred lifetime, valid lifetime)
    :ivar status_code: the status of this IA in the last Advertise or Reply that carried it
    """

    iaid: bytes
    t1: int = 0
    t2: int = 0
    leases: dict[Any, tuple[int, int]] = field(default_factory=dict)
    status_code: int | None = None


@dataclass
class Exchange:
    """
    One message and its answer, as they passed the message handler.

    :ivar request: the client's message
    :ivar sent: what the handler got: the listener's Relay-forward around the relays' ones around `request`
    :ivar received: what the handler returned (after a trip through bytes), or None
    :ivar response: the client's message unwrapped from `received`, or None
    :ivar multicast: the ``received_over_multicast`` flag the handler was given
    """

    request: ClientServerMessage
    sent: RelayForwardMessage
    received: RelayReplyMessage | None
    response: ClientServerMessage | None
    multicast: bool

    @property
    def relay_replies(self) -> list[RelayReplyMessage]:
        """The Relay-reply messages of the answer, outermost (the listener's) first."""
        replies: list[RelayReplyMessage] = []
        message: Message | None = self.received
        while isinstance(message, RelayReplyMessage):
            replies.append(message)
            message = message.relayed_message
        return replies


class InProcessClient:
    """
    A DHCPv6 client that talks to a message handler directly.

    Each exchange method builds the message, sends it with :meth:`exchange` and returns the unwrapped response (or
    None when the server stays silent). :attr:`last` keeps the whole exchange for tests that look at relay messages.

    :ivar handler: the message handler under test
    :ivar duid: the client's DUID
    :ivar link_local_address: the client's link-local address, the peer address of direct traffic
    :ivar link_address: the link-address the listener puts in its Relay-forward (the interface's global address or ::)
    :ivar interface_name: the Interface-Id the listener puts in its Relay-forward
    :ivar via_relays: the real relay agents between client and server, outermost (closest to the server) first
    :ivar relay_source_address: the address the outermost relay sends from, the listener's peer address for relayed
        traffic
    :ivar oro: option codes to ask for in every message that carries an Option Request option
    :ivar iana: this client's IA_NAs by IAID
    :ivar iapd: this client's IA_PDs by IAID
    :ivar server_duid: the server the client chose (from an Advertise or a Reply)
    :ivar server_unicast: the address from a Server Unicast option, when the server gave one
    :ivar advertise: the last Advertise received
    :ivar last: the last exchange
    """

    def __init__(self, handler: MessageHandler, duid: DUID | None = None, *,
                 link_local_address: IPv6Address | str | None = None,
                 link_address: IPv6Address | str = '::', interface_name: bytes = b'eth0',
                 via_relays: Sequence[RelayHop] = (), relay_source_address: IPv6Address | str = '2001:db8:ffff::1',
                 oro: Sequence[int] = ()):
        number = next(_mac_counter)
        mac = bytes.fromhex('02005e') + number.to_bytes(3, 'big')
        self.handler = handler
        self.duid: DUID = duid if duid is not None else LinkLayerDUID(1, mac)
        self.link_local_address = IPv6Address(link_local_address or f'fe80::ff:fe00:{number:x}')
        self.link_address = IPv6Address(link_address)
        self.interface_name = interface_name
        self.via_relays = [(IPv6Address(link), IPv6Address(peer), list(options))
                           for link, peer, options in via_relays]
        self.relay_source_address = IPv6Address(relay_source_address)
        self.oro = list(oro)
        self.iana: dict[bytes, IAView] = {}
        self.iapd: dict[bytes, IAView] = {}
        self.server_duid: DUID | None = None
        self.server_unicast: IPv6Address | None = None
        self.advertise: AdvertiseMessage | None = None
        self.last: Exchange | None = None
        self._transaction_ids = itertools.count(number << 12)

    # Building messages (RFC 8415 section 18.2)

    def new_transaction_id(self) -> bytes:
        """:return: a transaction id this client has not used before"""
        return (next(self._transaction_ids) % (1 << 24)).to_bytes(3, 'big')

    def option_request(self, oro: Sequence[int] | None, required: Iterable[int]) -> OptionRequestOption:
        """
        The Option Request option: the codes RFC 8415 requires for this message, then the ones the test asks for.

        :param oro: the extra codes, or None for :attr:`oro`
        :param required: the codes this message type must ask for
        :return: the option
        """
        codes = list(required)
        for code in (self.oro if oro is None else oro):
            if code not in codes:
                codes.append(code)
        return OptionRequestOption(codes)

    def common_options(self, client_id: bool = True) -> list[Option]:
        """
        :param client_id: whether to identify the client
        :return: the Client Identifier and the Elapsed Time (0: the first transmission of the exchange)
        """
        options: list[Option] = [ClientIdOption(self.duid)] if client_id else []
        options.append(ElapsedTimeOption(0))
        return options

    def server_id(self, server_duid: DUID | None) -> list[Option]:
        """
        :param server_duid: the server to address, or None for the chosen one
        :return: the Server Identifier option, or nothing when no server is known
        """
        duid = server_duid if server_duid is not None else self.server_duid
        return [ServerIdOption(duid)] if duid is not None else []

    def ia_options(self, with_leases: bool = True, hints: ClientServerMessage | None = None) -> list[Option]:
        """
        The client's IA options, with T1/T2 and lifetimes 0 (RFC 8415 sections 21.4, 21.6, 21.21, 21.22: a server
        ignores what a client puts there).

        :param with_leases: whether to include the leases the client holds
        :param hints: an Advertise whose leases to ask for (RFC 8415 section 18.2.2)
        :return: IA_NA options, then IA_PD options
        """
        options: list[Option] = []
        for iaid, view in self.iana.items():
            addresses = list(view.leases) if with_leases else []
            if hints is not None:
                advertised = find_ia(hints, IANAOption, iaid)
                addresses += [address for address in (advertised.get_addresses() if advertised else [])
                              if address not in addresses]
            options.append(IANAOption(iaid, 0, 0, [IAAddressOption(address, 0, 0) for address in addresses]))
        for iaid, view in self.iapd.items():
            prefixes = list(view.leases) if with_leases else []
            if hints is not None:
                advertised_pd = find_ia(hints, IAPDOption, iaid)
                prefixes += [prefix for prefix in (advertised_pd.get_prefixes() if advertised_pd else [])
                             if prefix not in prefixes]
            options.append(IAPDOption(iaid, 0, 0, [IAPrefixOption(prefix, 0, 0) for prefix in prefixes]))
        return options

    def set_ias(self, ia_na: int, ia_pd: int) -> None:
        """
        Decide how many IA_NAs and IA_PDs the client wants; IAs it already has keep their view.

        :param ia_na: the number of IA_NAs (IAIDs 1, 2, ...)
        :param ia_pd: the number of IA_PDs (IAIDs 0x101, 0x102, ...)
        """
        self.iana = {iaid: self.iana.get(iaid, IAView(iaid))
                     for iaid in (number.to_bytes(4, 'big') for number in range(1, ia_na + 1))}
        self.iapd = {iaid: self.iapd.get(iaid, IAView(iaid))
                     for iaid in (number.to_bytes(4, 'big') for number in range(0x101, 0x101 + ia_pd))}

    def group_by_ia(self, addresses: Iterable[IPv6Address | str]) -> dict[bytes, list[IPv6Address]]:
        """
        Sort addresses into the IA_NAs that hold them; an address no IA holds goes into the first IA_NA.

        :param addresses: the addresses
        :return: the addresses by IAID
        """
        first = next(iter(self.iana), (1).to_bytes(4, 'big'))
        by_iaid: dict[bytes, list[IPv6Address]] = {}
        for text in addresses:
            address = IPv6Address(text)
            holder = next((iaid for iaid, view in self.iana.items() if address in view.leases), first)
            by_iaid.setdefault(holder, []).append(address)
        return by_iaid

    def build_solicit(self, ia_na: int = 1, ia_pd: int = 0, rapid_commit: bool = False,
                      oro: Sequence[int] | None = None) -> SolicitMessage:
        """Solicit (RFC 8415 section 18.2.1): no Server Identifier, the IAs the client wants."""
        self.set_ias(ia_na, ia_pd)
        options = self.common_options() + [self.option_request(oro, [OPTION_SOL_MAX_RT])]
        if rapid_commit:
            options.append(RapidCommitOption())
        options += self.ia_options(with_leases=False)
        return SolicitMessage(self.new_transaction_id(), options)

    def build_request(self, oro: Sequence[int] | None = None, server_duid: DUID | None = None) -> RequestMessage:
        """Request (RFC 8415 section 18.2.2): the chosen server, the IAs with what it advertised as hints."""
        options = (self.common_options() + self.server_id(server_duid)
                   + [self.option_request(oro, [OPTION_SOL_MAX_RT])]
                   + self.ia_options(with_leases=False, hints=self.advertise))
        return RequestMessage(self.new_transaction_id(), options)

    def build_renew(self, oro: Sequence[int] | None = None, server_duid: DUID | None = None) -> RenewMessage:
        """Renew (RFC 8415 section 18.2.4): the server that gave the leases, the IAs with the leases held."""
        options = (self.common_options() + self.server_id(server_duid)
                   + [self.option_request(oro, [OPTION_SOL_MAX_RT])] + self.ia_options())
        return RenewMessage(self.new_transaction_id(), options)

    def build_rebind(self, oro: Sequence[int] | None = None) -> RebindMessage:
        """Rebind (RFC 8415 section 18.2.5): any server, so no Server Identifier; the IAs with the leases held."""
        options = self.common_options() + [self.option_request(oro, [OPTION_SOL_MAX_RT])] + self.ia_options()
        return RebindMessage(self.new_transaction_id(), options)

    def build_release(self, server_duid: DUID | None = None) -> ReleaseMessage:
        """Release (RFC 8415 section 18.2.7): the server that gave the leases, the IAs with the leases to give back."""
        options = self.common_options() + self.server_id(server_duid) + self.ia_options()
        return ReleaseMessage(self.new_transaction_id(), options)

    def build_decline(self, addresses: Iterable[IPv6Address | str],
                      server_duid: DUID | None = None) -> DeclineMessage:
        """
        Decline (RFC 8415 section 18.2.8): the server that gave the addresses, and for each declined address the IA_NA
        that holds it (the first IA_NA when no IA holds it).
        """
        by_iaid = self.group_by_ia(addresses)
        options = self.common_options() + self.server_id(server_duid)
        options += [IANAOption(iaid, 0, 0, [IAAddressOption(address, 0, 0) for address in declined])
                    for iaid, declined in by_iaid.items()]
        return DeclineMessage(self.new_transaction_id(), options)

    def build_confirm(self, addresses: Iterable[IPv6Address | str] | None = None) -> ConfirmMessage:
        """
        Confirm (RFC 8415 section 18.2.3): no Server Identifier; IA_NAs with the addresses to check (by default the
        ones the client holds; extra addresses go into the first IA_NA).
        """
        if addresses is None:
            options = self.common_options() + [option for option in self.ia_options()
                                               if isinstance(option, IANAOption)]
            return ConfirmMessage(self.new_transaction_id(), options)
        by_iaid = self.group_by_ia(addresses)
        options = self.common_options()
        options += [IANAOption(iaid, 0, 0, [IAAddressOption(address, 0, 0) for address in confirmed])
                    for iaid, confirmed in by_iaid.items()]
        return ConfirmMessage(self.new_transaction_id(), options)

    def build_information_request(self, oro: Sequence[int] | None = None, client_id: bool = True,
                                  server_duid: DUID | None = None) -> InformationRequestMessage:
        """
        Information-request (RFC 8415 section 18.2.6): no IAs; a Client Identifier unless `client_id` is false; an
        Option Request option with INF_MAX_RT and the Information Refresh Time; a Server Identifier only when given.
        """
        options = self.common_options(client_id)
        if server_duid is not None:
            options.append(ServerIdOption(server_duid))
        options.append(self.option_request(oro, [OPTION_INF_MAX_RT, OPTION_INFORMATION_REFRESH_TIME]))
        return InformationRequestMessage(self.new_transaction_id(), options)

    # The exchanges

    def solicit(self, ia_na: int = 1, ia_pd: int = 0, rapid_commit: bool = False, oro: Sequence[int] | None = None,
                multicast: bool | None = None) -> ClientServerMessage | None:
        """Start over: forget the chosen server and send a Solicit. :return: the Advertise or Reply, or None"""
        self.server_duid = None
        self.server_unicast = None
        self.advertise = None
        return self.exchange(self.build_solicit(ia_na, ia_pd, rapid_commit, oro), multicast)

    def request(self, oro: Sequence[int] | None = None, server_duid: DUID | None = None,
                multicast: bool | None = None) -> ClientServerMessage | None:
        """Send a Request to the chosen server (or `server_duid`). :return: the Reply, or None"""
        return self.exchange(self.build_request(oro, server_duid), multicast)

    def renew(self, oro: Sequence[int] | None = None, server_duid: DUID | None = None,
              multicast: bool | None = None) -> ClientServerMessage | None:
        """Send a Renew for every IA. :return: the Reply, or None"""
        return self.exchange(self.build_renew(oro, server_duid), multicast)

    def rebind(self, oro: Sequence[int] | None = None, multicast: bool | None = None) -> ClientServerMessage | None:
        """Send a Rebind for every IA. :return: the Reply, or None"""
        return self.exchange(self.build_rebind(oro), multicast)

    def release(self, server_duid: DUID | None = None, multicast: bool | None = None) -> ClientServerMessage | None:
        """Give every lease back. :return: the Reply, or None"""
        return self.exchange(self.build_release(server_duid), multicast)

    def decline(self, address: IPv6Address | str, server_duid: DUID | None = None,
                multicast: bool | None = None) -> ClientServerMessage | None:
        """Decline one address. :return: the Reply, or None"""
        return self.exchange(self.build_decline([address], server_duid), multicast)

    def confirm(self, addresses: Iterable[IPv6Address | str] | None = None,
                multicast: bool | None = None) -> ClientServerMessage | None:
        """Ask whether addresses are still on-link. :return: the Reply, or None"""
        return self.exchange(self.build_confirm(addresses), multicast)

    def information_request(self, oro: Sequence[int] | None = None, client_id: bool = True,
                            server_duid: DUID | None = None,
                            multicast: bool | None = None) -> ClientServerMessage | None:
        """Ask for configuration without leases. :return: the Reply, or None"""
        return self.exchange(self.build_information_request(oro, client_id, server_duid), multicast)

    # Sending and receiving

    def wrap(self, message: ClientServerMessage) -> RelayForwardMessage:
        """
        Put the message in the Relay-forward messages of the relays (the one closest to the client gets hop count 0,
        each further one the hop count of what it relays plus one, RFC 8415 section 19.1.2) and then in the
        listener's own Relay-forward.

        :param message: the client's message, as the server parsed it
        :return: the message the handler gets
        """
        inner: Message = message
        for hop_count, (link, peer, options) in enumerate(reversed(self.via_relays)):
            inner = RelayForwardMessage(hop_count, link, peer, list(options) + [RelayMessageOption(inner)])
        source = self.relay_source_address if self.via_relays else self.link_local_address
        return RelayForwardMessage(0, self.link_address, source,
                                   [InterfaceIdOption(self.interface_name), RelayMessageOption(inner)])

    def default_multicast(self, message: ClientServerMessage) -> bool:
        """
        Whether the packet arrives over multicast when the test does not say: relays unicast to the server; a client
        multicasts unless the server gave it a Server Unicast address for this kind of message (RFC 8415 18.4).
        """
        if self.via_relays:
            return False
        return not (self.server_unicast is not None and isinstance(message, _UNICASTABLE))

    def exchange(self, message: ClientServerMessage, multicast: bool | None = None,
                 validate: bool = True) -> ClientServerMessage | None:
        """
        Send a message through the handler and process the answer.

        The packet travels as the server would see it: saved to bytes, parsed, validated (the server drops what does
        not validate, so an invalid message raises ValidationError here and never reaches the handler), wrapped. The
        answer must be a Relay-reply chain that mirrors the Relay-forward chain, and the client's message in it must
        validate, carry our transaction id and pass the checks of RFC 8415 section 16.

        :param message: the client's message
        :param multicast: ``received_over_multicast``; None for :meth:`default_multicast`
        :param validate: false to hand the handler a message the server would have dropped before, to test that the
            handler refuses it on its own too
        :return: the response, or None when the server did not answer
        """
        _used, parsed = Message.parse(message.save())
        assert parsed == message, "the client's message does not survive the trip through bytes"
        assert isinstance(parsed, ClientServerMessage)
        wrapped = self.wrap(parsed)
        if validate:
            wrapped.validate()
        if multicast is None:
            multicast = self.default_multicast(message)
        self.before_sending(message)

        outgoing = self.handler.handle(wrapped, received_over_multicast=multicast)
        if outgoing is None:
            self.last = Exchange(message, wrapped, None, None, multicast)
            return None

        assert isinstance(outgoing, RelayReplyMessage), f"the handler returned {type(outgoing).__name__}"
        outgoing.validate()
        _used, received = Message.parse(outgoing.save())
        assert received == outgoing, "the handler's answer does not survive the trip through bytes"
        assert isinstance(received, RelayReplyMessage)
        response = self.unwrap(wrapped, received)
        self.last = Exchange(message, wrapped, received, response, multicast)
        self.check_response(message, response)
        self.after_receiving(message, response)
        return response

    @staticmethod
    def unwrap(sent: RelayForwardMessage, received: RelayReplyMessage) -> ClientServerMessage:
        """
        Check that the Relay-reply chain mirrors the Relay-forward chain layer by layer (RFC 8415 sections 9.2 and
        19.3: same hop count, link-address and peer-address; the Interface-Id echoed) and return the message inside.

        :param sent: what the handler got
        :param received: what it returned
        :return: the message for the client
        """
        sent_layer: Message | None = sent
        received_layer: Message | None = received
        depth = 0
        while isinstance(sent_layer, RelayForwardMessage):
            assert isinstance(received_layer, RelayReplyMessage), \
                f"layer {depth}: expected RelayReplyMessage, got {type(received_layer).__name__}"
            assert (received_layer.hop_count, received_layer.link_address, received_layer.peer_address) == \
                   (sent_layer.hop_count, sent_layer.link_address, sent_layer.peer_address), f"layer {depth} differs"
            assert len(received_layer.get_options_of_type(RelayMessageOption)) == 1, f"layer {depth}"
            assert (received_layer.get_options_of_type(InterfaceIdOption)
                    == sent_layer.get_options_of_type(InterfaceIdOption)), f"layer {depth}: Interface-Id not echoed"
            sent_layer = sent_layer.relayed_message
            received_layer = received_layer.relayed_message
            depth += 1
        assert isinstance(received_layer, ClientServerMessage) and not isinstance(received_layer, RelayServerMessage), \
            f"innermost message is {type(received_layer).__name__}"
        return received_layer

    def check_response(self, request: ClientServerMessage, response: ClientServerMessage) -> None:
        """
        What a client checks before it accepts a response (RFC 8415 sections 16.3 and 16.10).

        :param request: what the client sent
        :param response: what came back
        """
        assert response.transaction_id == request.transaction_id, "transaction id differs"
        assert isinstance(response, (AdvertiseMessage, ReplyMessage)), f"got a {type(response).__name__}"
        response.validate()
        server_ids = response.get_options_of_type(ServerIdOption)
        assert len(server_ids) == 1, "a response carries exactly one Server Identifier"
        sent_client_id = request.get_option_of_type(ClientIdOption)
        received_client_ids = response.get_options_of_type(ClientIdOption)
        if sent_client_id is None:
            assert received_client_ids == [], "a Client Identifier in the reply to a message without one"
        else:
            assert received_client_ids == [sent_client_id], "the Client Identifier is not ours"
        if isinstance(request, _NAMES_A_SERVER):
            sent_server_id = request.get_option_of_type(ServerIdOption)
            assert sent_server_id is not None and server_ids[0].duid == sent_server_id.duid, \
                "the reply comes from another server than the one addressed"
        # What a client would discard (RFC 8415 sections 21.4, 21.6, 21.21, 21.22), which validate() lets through
        for option in response.options:
            if isinstance(option, (IANAOption, IAPDOption)):
                assert not (option.t2 and option.t1 > option.t2), f"T1 {option.t1} is greater than T2 {option.t2}"
                for lease in option.options:
                    if isinstance(lease, (IAAddressOption, IAPrefixOption)):
                        assert lease.preferred_lifetime <= lease.valid_lifetime, \
                            f"{lease} has a preferred lifetime greater than its valid lifetime"

    # The client's view of its leases

    def before_sending(self, message: ClientServerMessage) -> None:
        """
        A client stops using what it releases or declines when it starts the exchange (RFC 8415 sections 18.2.7 and
        18.2.8).
        """
        if isinstance(message, (ReleaseMessage, DeclineMessage)):
            for option in message.options:
                if isinstance(option, IANAOption):
                    view = self.iana.get(option.iaid)
                    for address in option.get_addresses():
                        if view is not None:
                            view.leases.pop(address, None)
                elif isinstance(option, IAPDOption):
                    view = self.iapd.get(option.iaid)
                    for prefix in option.get_prefixes():
                        if view is not None:
                            view.leases.pop(prefix, None)

    def after_receiving(self, request: ClientServerMessage, response: ClientServerMessage) -> None:
        """
        Update the client's view from an accepted response (RFC 8415 sections 18.2.9 and 18.2.10).

        :param request: what the client sent
        :param response: what came back
        """
        if status_of(response) == STATUS_USEMULTICAST:
            # Section 18.2.10: send again over multicast; the reply carries nothing else to use
            self.server_unicast = None
            return
        server_id = response.get_option_of_type(ServerIdOption)
        assert server_id is not None
        if isinstance(response, AdvertiseMessage):
            self.advertise = response
        if isinstance(request, (SolicitMessage, RebindMessage)) or self.server_duid is None:
            self.server_duid = server_id.duid
        unicast = response.get_option_of_type(ServerUnicastOption)
        if unicast is not None:
            self.server_unicast = unicast.server_address
        committed = isinstance(response, ReplyMessage)
        for option in response.options:
            if isinstance(option, IANAOption):
                self.update_ia(self.iana, option.iaid, option.t1, option.t2, status_of(option),
                               [(lease.address, lease.preferred_lifetime, lease.valid_lifetime)
                                for lease in option.options if isinstance(lease, IAAddressOption)], committed)
            elif isinstance(option, IAPDOption):
                self.update_ia(self.iapd, option.iaid, option.t1, option.t2, status_of(option),
                               [(lease.prefix, lease.preferred_lifetime, lease.valid_lifetime)
                                for lease in option.options if isinstance(lease, IAPrefixOption)], committed)

    @staticmethod
    def update_ia(views: dict[bytes, IAView], iaid: bytes, t1: int, t2: int, status_code: int | None,
                  leases: list[tuple[IPv6Address | IPv6Network, int, int]], committed: bool) -> None:
        """
        Take the status, timers and leases of one IA from a response. An Advertise only offers, so it changes the
        status but no leases; a lease with valid lifetime 0 is gone; leases the Reply does not mention stay until they
        expire (RFC 8415 section 18.2.10.1).
        """
        view = views.get(iaid)
        if view is None:
            return
        view.status_code = STATUS_SUCCESS if status_code is None else status_code
        if not committed:
            return
        view.t1, view.t2 = t1, t2
        for lease, preferred, valid in leases:
            if valid == 0:
                view.leases.pop(lease, None)
            else:
                view.leases[lease] = (preferred, valid)

    @property
    def addresses(self) -> list[IPv6Address]:
        """Every address the client holds."""
        return [address for view in self.iana.values() for address in view.leases]

    @property
    def prefixes(self) -> list[IPv6Network]:
        """Every prefix the client holds."""
        return [prefix for view in self.iapd.values() for prefix in view.leases]
