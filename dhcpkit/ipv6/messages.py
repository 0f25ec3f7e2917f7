"""
DHCPv6 messages (RFC 8415 sections 8 and 9) and which RFC 8415 options each may carry (appendix B).

A message is the whole UDP payload, or the whole data of a Relay Message option, so it always uses every byte it is
given. Messages from other RFCs (Leasequery, DHCPv4-over-DHCPv6) live in :mod:`dhcpkit.ipv6.extensions`.
"""
import struct
from ipaddress import IPv6Address
from struct import Struct
from typing import ClassVar, Sequence, TypeVar

from dhcpkit.ipv6.option_base import Option, parse_options, validate_option_list
from dhcpkit.ipv6.options import (AuthenticationOption, ClientIdOption, ElapsedTimeOption, IANAOption, IATAOption,
                                  InformationRefreshTimeOption, InterfaceIdOption, OptionRequestOption,
                                  PreferenceOption, RapidCommitOption, ReconfigureAcceptOption,
                                  ReconfigureMessageOption, RelayMessageOption, ServerIdOption, ServerUnicastOption,
                                  StatusCodeOption, UserClassOption, VendorClassOption,
                                  VendorSpecificInformationOption, validate_unsigned)
from dhcpkit.protocol_element import MalformedInputError, ProtocolElement, ValidationError, check_length
from dhcpkit.registry import Registry

__all__ = [
    'Message', 'UnknownMessage', 'ClientServerMessage', 'RelayServerMessage', 'message_registry',
    'SolicitMessage', 'AdvertiseMessage', 'RequestMessage', 'ConfirmMessage', 'RenewMessage', 'RebindMessage',
    'ReplyMessage', 'ReleaseMessage', 'DeclineMessage', 'ReconfigureMessage', 'InformationRequestMessage',
    'RelayForwardMessage', 'RelayReplyMessage',
]

# RFC 8415 section 7.3: message types
MSG_SOLICIT = 1
MSG_ADVERTISE = 2
MSG_REQUEST = 3
MSG_CONFIRM = 4
MSG_RENEW = 5
MSG_REBIND = 6
MSG_REPLY = 7
MSG_RELEASE = 8
MSG_DECLINE = 9
MSG_RECONFIGURE = 10
MSG_INFORMATION_REQUEST = 11
MSG_RELAY_FORW = 12
MSG_RELAY_REPL = 13

_relay_header = Struct('!BB16s16s')

#: Message classes by message type, filled from the ``dhcpkit.ipv6.messages`` entry point group
message_registry: Registry[int, type['Message']] = Registry('dhcpkit.ipv6.messages', 'message_type')

SomeOption = TypeVar('SomeOption', bound=Option)


class Message(ProtocolElement):
    """
    The base class of DHCPv6 messages.

    :cvar message_type: the message type code
    :cvar from_client_to_server: whether clients send this message to servers
    :cvar from_server_to_client: whether servers send this message to clients
    """

    __slots__ = ()

    message_type: ClassVar[int] = 0
    from_client_to_server: ClassVar[bool] = False
    from_server_to_client: ClassVar[bool] = False

    @classmethod
    def determine_class(cls, buffer: bytes, offset: int = 0) -> type['Message']:
        if offset < 0 or offset >= len(buffer):
            raise MalformedInputError(cls.__name__, offset, "no message type")
        code = buffer[offset]
        return message_registry.get(code) or message_registry.get_loaded(code) or UnknownMessage


class UnknownMessage(Message):
    """
    A message of a type this library does not know; it keeps its bytes.

    :ivar message_type: the message type code
    :ivar message_data: everything after the type code
    """

    __slots__ = ('message_type', 'message_data')

    unknown_element = True

    def __init__(self, message_type: int = 0, message_data: bytes = b''):
        self.message_type = message_type  # type: ignore[misc]
        self.message_data = message_data

    def load_from(self, buffer: bytes, offset: int = 0, length: int | None = None) -> int:
        length = check_length('UnknownMessage', buffer, offset, length, 1)
        self.message_type = buffer[offset]  # type: ignore[misc]
        self.message_data = bytes(buffer[offset + 1:offset + length])
        return length

    def save(self) -> bytes:
        if not isinstance(self.message_type, int) or not 0 <= self.message_type <= 255:
            raise ValidationError(f"UnknownMessage.message_type {self.message_type!r} is not an 8-bit integer")
        if not isinstance(self.message_data, bytes):
            raise ValidationError("UnknownMessage.message_data must be bytes")
        return bytes((self.message_type,)) + self.message_data

    def validate(self) -> None:
        validate_unsigned(self, 'message_type', self.message_type, 8)
        if not isinstance(self.message_data, bytes):
            raise ValidationError("UnknownMessage.message_data must be bytes")


class OptionsMessage(Message):
    """The methods shared by every message that carries a list of options."""

    __slots__ = ()

    options: list[Option]

    def get_option_of_type(self, klass: type[SomeOption]) -> SomeOption | None:
        """
        Return the first option of the given class, or None.

        :param klass: the option class
        :return: the option or None
        """
        for option in self.options:
            if isinstance(option, klass):
                return option
        return None

    def get_options_of_type(self, klass: type[SomeOption]) -> list[SomeOption]:
        """
        Return every option of the given class.

        :param klass: the option class
        :return: the options
        """
        return [option for option in self.options if isinstance(option, klass)]

    def contained_elements(self) -> Sequence[ProtocolElement]:
        return self.options

    def validate(self) -> None:
        validate_option_list(self, self.options)
        children = self.contained_elements()  # then what ProtocolElement.validate() does
        if children is not None:
            self.validate_contains(children)


class ClientServerMessage(OptionsMessage):
    """
    A message between client and server (RFC 8415 section 8): a type, a 3-byte transaction id and options.

    :ivar transaction_id: 3 bytes chosen by the client
    :ivar options: the options
    """

    __slots__ = ('transaction_id', 'options')

    def __init__(self, transaction_id: bytes = b'\x00\x00\x00', options: list[Option] | None = None):
        self.transaction_id = transaction_id
        self.options = [] if options is None else options

    def load_from(self, buffer: bytes, offset: int = 0, length: int | None = None) -> int:
        name = type(self).__name__
        length = check_length(name, buffer, offset, length, 4)
        if buffer[offset] != self.message_type:
            raise MalformedInputError(name, offset, f"message type {buffer[offset]} is not {self.message_type}")
        self.transaction_id = bytes(buffer[offset + 1:offset + 4])
        self.options = parse_options(buffer, offset + 4, offset + length, name)
        return length

    def save(self) -> bytes:
        if not isinstance(self.transaction_id, bytes) or len(self.transaction_id) != 3:
            raise ValidationError(f"{type(self).__name__}.transaction_id must be 3 bytes, not {self.transaction_id!r}")
        try:
            return (bytes((self.message_type,)) + self.transaction_id
                    + b''.join([option.save() for option in self.options]))
        except (TypeError, AttributeError) as error:
            raise ValidationError(f"{type(self).__name__} cannot be saved: {error}") from None

    def validated_length(self) -> int:
        try:
            return 4 + sum([option.validated_length() for option in self.options])
        except (TypeError, AttributeError) as error:
            raise ValidationError(f"{type(self).__name__} cannot be saved: {error}") from None

    def validate(self) -> None:
        if not isinstance(self.transaction_id, bytes) or len(self.transaction_id) != 3:
            raise ValidationError(f"{type(self).__name__}.transaction_id must be 3 bytes")
        super().validate()


class RelayServerMessage(OptionsMessage):
    """
    A message between relay agents and servers (RFC 8415 section 9).

    :ivar hop_count: how many relays have relayed this message
    :ivar link_address: an address on the client's link, or :: when the relay has none
    :ivar peer_address: the address of the client or relay that the message came from or goes to
    :ivar options: the options, including exactly one Relay Message option
    """

    __slots__ = ('hop_count', 'link_address', 'peer_address', 'options')

    def __init__(self, hop_count: int = 0, link_address: IPv6Address = IPv6Address(0),
                 peer_address: IPv6Address = IPv6Address(0), options: list[Option] | None = None):
        self.hop_count = hop_count
        self.link_address = link_address
        self.peer_address = peer_address
        self.options = [] if options is None else options

    def load_from(self, buffer: bytes, offset: int = 0, length: int | None = None) -> int:
        name = type(self).__name__
        length = check_length(name, buffer, offset, length, 34)
        message_type, self.hop_count, link, peer = _relay_header.unpack_from(buffer, offset)
        if message_type != self.message_type:
            raise MalformedInputError(name, offset, f"message type {message_type} is not {self.message_type}")
        self.link_address = IPv6Address(link)
        self.peer_address = IPv6Address(peer)
        self.options = parse_options(buffer, offset + 34, offset + length, name)
        return length

    def save(self) -> bytes:
        try:
            return (_relay_header.pack(self.message_type, self.hop_count, self.link_address.packed,
                                       self.peer_address.packed)
                    + b''.join([option.save() for option in self.options]))
        except (struct.error, TypeError, AttributeError, OverflowError) as error:
            raise ValidationError(f"{type(self).__name__} cannot be saved: {error}") from None

    def validated_length(self) -> int:
        try:
            return 34 + sum([option.validated_length() for option in self.options])
        except (struct.error, TypeError, AttributeError, OverflowError) as error:
            raise ValidationError(f"{type(self).__name__} cannot be saved: {error}") from None

    def validate(self) -> None:
        validate_unsigned(self, 'hop_count', self.hop_count, 8)
        for name in ('link_address', 'peer_address'):
            if not isinstance(getattr(self, name), IPv6Address):
                raise ValidationError(f"{type(self).__name__}.{name} must be an IPv6 address")
        super().validate()

    @property
    def relayed_message(self) -> Message | None:
        """The message in this message's Relay Message option, or None."""
        option = self.get_option_of_type(RelayMessageOption)
        return option.relayed_message if option else None

    @relayed_message.setter
    def relayed_message(self, message: Message) -> None:
        option = self.get_option_of_type(RelayMessageOption)
        if option:
            option.relayed_message = message
        else:
            self.options.append(RelayMessageOption(message))

    @property
    def inner_relay_message(self) -> 'RelayServerMessage':
        """The relay message closest to the client: follow relayed messages while they are relay messages."""
        current = self
        while isinstance(current.relayed_message, RelayServerMessage):
            current = current.relayed_message
        return current

    @property
    def inner_message(self) -> Message | None:
        """The client's own message at the bottom of the relay chain, or None when a relay message has none."""
        return self.inner_relay_message.relayed_message


class SolicitMessage(ClientServerMessage):
    """Solicit (RFC 8415 section 16.2): a client looks for servers."""

    __slots__ = ()
    message_type = MSG_SOLICIT
    from_client_to_server = True


class AdvertiseMessage(ClientServerMessage):
    """Advertise (RFC 8415 section 16.3): a server offers to serve the client."""

    __slots__ = ()
    message_type = MSG_ADVERTISE
    from_server_to_client = True


class RequestMessage(ClientServerMessage):
    """Request (RFC 8415 section 16.4): a client asks one server for leases and configuration."""

    __slots__ = ()
    message_type = MSG_REQUEST
    from_client_to_server = True


class ConfirmMessage(ClientServerMessage):
    """Confirm (RFC 8415 section 16.5): a client asks whether its addresses are still on-link."""

    __slots__ = ()
    message_type = MSG_CONFIRM
    from_client_to_server = True


class RenewMessage(ClientServerMessage):
    """Renew (RFC 8415 section 16.6): a client asks the server that gave its leases to extend them."""

    __slots__ = ()
    message_type = MSG_RENEW
    from_client_to_server = True


class RebindMessage(ClientServerMessage):
    """Rebind (RFC 8415 section 16.7): a client asks any server to extend its leases."""

    __slots__ = ()
    message_type = MSG_REBIND
    from_client_to_server = True


class ReplyMessage(ClientServerMessage):
    """Reply (RFC 8415 section 16.10): the server's answer with leases, configuration or a status."""

    __slots__ = ()
    message_type = MSG_REPLY
    from_server_to_client = True


class ReleaseMessage(ClientServerMessage):
    """Release (RFC 8415 section 16.8): a client gives leases back."""

    __slots__ = ()
    message_type = MSG_RELEASE
    from_client_to_server = True


class DeclineMessage(ClientServerMessage):
    """Decline (RFC 8415 section 16.9): a client found an address already in use on the link."""

    __slots__ = ()
    message_type = MSG_DECLINE
    from_client_to_server = True


class ReconfigureMessage(ClientServerMessage):
    """Reconfigure (RFC 8415 section 16.11): a server asks a client to renew or refresh."""

    __slots__ = ()
    message_type = MSG_RECONFIGURE
    from_server_to_client = True


class InformationRequestMessage(ClientServerMessage):
    """Information-request (RFC 8415 section 16.12): a client asks for configuration without leases."""

    __slots__ = ()
    message_type = MSG_INFORMATION_REQUEST
    from_client_to_server = True


class RelayForwardMessage(RelayServerMessage):
    """Relay-forward (RFC 8415 section 9.1): a relay passes on a client's (or another relay's) message."""

    __slots__ = ()
    message_type = MSG_RELAY_FORW
    from_client_to_server = True

    def wrap_response(self, response: Message) -> 'RelayReplyMessage':
        """
        Build the Relay-reply that carries `response` back through the relay that sent this message.

        :param response: the message for the relay to deliver
        :return: a Relay-reply with this message's hop count and addresses
        """
        return RelayReplyMessage(self.hop_count, self.link_address, self.peer_address,
                                 [RelayMessageOption(response)])


class RelayReplyMessage(RelayServerMessage):
    """Relay-reply (RFC 8415 section 9.2): a server sends a message for a relay to deliver."""

    __slots__ = ()
    message_type = MSG_RELAY_REPL
    from_server_to_client = True


def _allow(option_class: type[Option], message_classes: Sequence[type[Message]], minimum: int = 0,
           maximum: int = 1) -> None:
    for message_class in message_classes:
        message_class.add_may_contain(option_class, minimum, maximum)


_CLIENT_MESSAGES: list[type[Message]] = [SolicitMessage, RequestMessage, ConfirmMessage, RenewMessage,
                                         RebindMessage, ReleaseMessage, DeclineMessage, InformationRequestMessage]
_SERVER_MESSAGES: list[type[Message]] = [AdvertiseMessage, ReplyMessage, ReconfigureMessage]
_ALL_CLIENT_SERVER: list[type[Message]] = _CLIENT_MESSAGES + _SERVER_MESSAGES

# RFC 8415 appendix B: which options may appear in which messages
_allow(ClientIdOption, [SolicitMessage, RequestMessage, ConfirmMessage, RenewMessage, RebindMessage,
                        ReleaseMessage, DeclineMessage, AdvertiseMessage, ReconfigureMessage], 1)
_allow(ClientIdOption, [InformationRequestMessage, ReplyMessage])
_allow(ServerIdOption, [RequestMessage, RenewMessage, ReleaseMessage, DeclineMessage, AdvertiseMessage,
                        ReplyMessage, ReconfigureMessage], 1)
_allow(ServerIdOption, [InformationRequestMessage])
_allow(IANAOption, [SolicitMessage, RequestMessage, ConfirmMessage, RenewMessage, RebindMessage, ReleaseMessage,
                    DeclineMessage, AdvertiseMessage, ReplyMessage], 0, 2 ** 31)
_allow(IATAOption, [SolicitMessage, RequestMessage, ConfirmMessage, RenewMessage, RebindMessage, ReleaseMessage,
                    DeclineMessage, AdvertiseMessage, ReplyMessage], 0, 2 ** 31)
_allow(OptionRequestOption, [SolicitMessage, RequestMessage, RenewMessage, RebindMessage,
                             InformationRequestMessage, ReconfigureMessage])
# Appendix B does not list the ORO for these, but ISC dhclient sends one in its Release (see the captures); RFC 8415
# section 16 lets a server use such a message, and ignoring the ORO is harmless, so it is accepted.
_allow(OptionRequestOption, [ReleaseMessage, DeclineMessage, ConfirmMessage])
_allow(PreferenceOption, [AdvertiseMessage])
_allow(ElapsedTimeOption, _CLIENT_MESSAGES)
_allow(RelayMessageOption, [RelayForwardMessage, RelayReplyMessage], 1)
_allow(AuthenticationOption, _ALL_CLIENT_SERVER)
_allow(ServerUnicastOption, [AdvertiseMessage, ReplyMessage])
_allow(StatusCodeOption, [AdvertiseMessage, ReplyMessage])
_allow(RapidCommitOption, [SolicitMessage, ReplyMessage])
_allow(UserClassOption, _CLIENT_MESSAGES + [AdvertiseMessage, ReplyMessage])
_allow(VendorClassOption, _CLIENT_MESSAGES + [AdvertiseMessage, ReplyMessage], 0, 2 ** 31)
_allow(VendorSpecificInformationOption, _CLIENT_MESSAGES + [AdvertiseMessage, ReplyMessage], 0, 2 ** 31)
# Relay agents add vendor options of their own to their Relay-forward (a DOCSIS CMTS puts its capabilities and the
# cable modem's MAC address in a Vendor-specific Information option of enterprise 4491), and a server may answer with
# some in its Relay-reply: a relayed message with them is not invalid, whatever a handler makes of them
_allow(VendorClassOption, [RelayForwardMessage, RelayReplyMessage], 0, 2 ** 31)
_allow(VendorSpecificInformationOption, [RelayForwardMessage, RelayReplyMessage], 0, 2 ** 31)
_allow(InterfaceIdOption, [RelayForwardMessage, RelayReplyMessage])
_allow(ReconfigureMessageOption, [ReconfigureMessage], 1)
_allow(ReconfigureAcceptOption, [SolicitMessage, RequestMessage, RenewMessage, RebindMessage,
                                 InformationRequestMessage, AdvertiseMessage, ReplyMessage])
# Not in appendix B for these either, but ISC dhclient configured to accept Reconfigure sends it in its Confirm and
# Release too; dropping those would leave a rebooted client unconfirmed and a released lease held, so it is ignored
# there
_allow(ReconfigureAcceptOption, [ConfirmMessage, ReleaseMessage, DeclineMessage])
_allow(InformationRefreshTimeOption, [ReplyMessage])


def allow_in_messages(option_class: type[Option], message_classes: Sequence[type[Message]], minimum: int = 0,
                      maximum: int = 1) -> None:
    """
    Record that an option may appear in the given messages; extensions call this for their options.

    :param option_class: the option class
    :param message_classes: the message classes that may carry it
    :param minimum: how many times it must at least appear
    :param maximum: how many times it may at most appear
    """
    _allow(option_class, message_classes, minimum, maximum)
