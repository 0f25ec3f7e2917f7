"""
Leasequery: asking a server about the leases it has given out (RFC 5007), in bulk over TCP (RFC 5460), with the
status codes that Active Leasequery added (RFC 7653).

A requestor (usually a relay agent or an access concentrator) sends a Leasequery message with one LQ Query option
saying what it looks for; the server answers with a Leasequery-reply carrying the client's data. Bulk Leasequery adds
Leasequery-data messages for the second and later clients and a Leasequery-done message at the end.
"""
from ipaddress import IPv6Address
from struct import Struct

from dhcpkit.ipv6.extensions.prefix_delegation import IAPrefixOption
from dhcpkit.ipv6.extensions.remote_id import RemoteIdOption
from dhcpkit.ipv6.messages import ClientServerMessage, Message, RelayForwardMessage, allow_in_messages
from dhcpkit.ipv6.option_base import (AddressListOption, ContainerOption, Option, UnsignedIntegerOption,
                                      parse_options, save_options)
from dhcpkit.ipv6.options import (AuthenticationOption, ClientIdOption, DUIDOption, ElapsedTimeOption,
                                  IAAddressOption, OptionRequestOption, ServerIdOption, StatusCodeOption,
                                  validate_unsigned)
from dhcpkit.protocol_element import ValidationError

__all__ = [
    'LeasequeryMessage', 'LeasequeryReplyMessage', 'LeasequeryDoneMessage', 'LeasequeryDataMessage',
    'LQQueryOption', 'ClientDataOption', 'CLTTimeOption', 'LQRelayDataOption', 'LQClientLinkOption', 'RelayIdOption',
    'MSG_LEASEQUERY', 'MSG_LEASEQUERY_REPLY', 'MSG_LEASEQUERY_DONE', 'MSG_LEASEQUERY_DATA',
    'OPTION_LQ_QUERY', 'OPTION_CLIENT_DATA', 'OPTION_CLT_TIME', 'OPTION_LQ_RELAY_DATA', 'OPTION_LQ_CLIENT_LINK',
    'OPTION_RELAY_ID',
    'QUERY_BY_ADDRESS', 'QUERY_BY_CLIENTID', 'QUERY_BY_RELAY_ID', 'QUERY_BY_LINK_ADDRESS', 'QUERY_BY_REMOTE_ID',
    'STATUS_UNKNOWNQUERYTYPE', 'STATUS_MALFORMEDQUERY', 'STATUS_NOTCONFIGURED', 'STATUS_NOTALLOWED',
    'STATUS_QUERYTERMINATED', 'STATUS_DATAMISSING', 'STATUS_CATCHUPCOMPLETE', 'STATUS_NOTSUPPORTED',
    'STATUS_TLSCONNECTIONREFUSED', 'QUERY_SUBJECTS',
]

# RFC 5007 section 5 and RFC 5460 section 8: message types
MSG_LEASEQUERY = 14
MSG_LEASEQUERY_REPLY = 15
MSG_LEASEQUERY_DONE = 16
MSG_LEASEQUERY_DATA = 17

# RFC 5007 section 5 and RFC 5460 section 8: option codes
OPTION_LQ_QUERY = 44
OPTION_CLIENT_DATA = 45
OPTION_CLT_TIME = 46
OPTION_LQ_RELAY_DATA = 47
OPTION_LQ_CLIENT_LINK = 48
OPTION_RELAY_ID = 53

# RFC 5007 section 4.1.2.1 and RFC 5460 section 5.2: query types
QUERY_BY_ADDRESS = 1
QUERY_BY_CLIENTID = 2
QUERY_BY_RELAY_ID = 3
QUERY_BY_LINK_ADDRESS = 4
QUERY_BY_REMOTE_ID = 5

# RFC 5007 section 4.1.2.6 (7-10), RFC 5460 section 5.3 (11) and RFC 7653 section 6.2 (12-15): status codes
STATUS_UNKNOWNQUERYTYPE = 7
STATUS_MALFORMEDQUERY = 8
STATUS_NOTCONFIGURED = 9
STATUS_NOTALLOWED = 10
STATUS_QUERYTERMINATED = 11
STATUS_DATAMISSING = 12
STATUS_CATCHUPCOMPLETE = 13
STATUS_NOTSUPPORTED = 14
STATUS_TLSCONNECTIONREFUSED = 15

_lq_query_header = Struct('!B16s')


class LeasequeryMessage(ClientServerMessage):
    """Leasequery (RFC 5007 section 4.2): a requestor asks a server about the bindings that match a query."""

    __slots__ = ()
    message_type = MSG_LEASEQUERY
    from_client_to_server = True


class LeasequeryReplyMessage(ClientServerMessage):
    """Leasequery-reply (RFC 5007 section 4.3): the server's answer, with the first (or only) client's data."""

    __slots__ = ()
    message_type = MSG_LEASEQUERY_REPLY
    from_server_to_client = True


class LeasequeryDoneMessage(ClientServerMessage):
    """Leasequery-done (RFC 5460 section 5.3.2): the end of the answers to a bulk Leasequery."""

    __slots__ = ()
    message_type = MSG_LEASEQUERY_DONE
    from_server_to_client = True


class LeasequeryDataMessage(ClientServerMessage):
    """Leasequery-data (RFC 5460 section 5.3.1): the data of one more client in the answer to a bulk Leasequery."""

    __slots__ = ()
    message_type = MSG_LEASEQUERY_DATA
    from_server_to_client = True


class LQQueryOption(ContainerOption):
    """
    LQ Query (RFC 5007 section 4.1.2.1, extended by RFC 5460 section 5.2): what a Leasequery looks for.

    :ivar query_type: one of the ``QUERY_BY_*`` types
    :ivar link_address: the link to search on, or :: for every link
    :ivar options: the query options (the address, client id, relay id or remote id to look for, and an Option
                   Request option naming what to return)
    """

    __slots__ = ('query_type', 'link_address')

    option_type = OPTION_LQ_QUERY

    def __init__(self, query_type: int = QUERY_BY_ADDRESS, link_address: IPv6Address = IPv6Address(0),
                 options: list[Option] | None = None):
        self.query_type = query_type
        self.link_address = link_address
        self.options = [] if options is None else options

    def load_data(self, buffer: bytes, offset: int, length: int) -> None:
        if length < _lq_query_header.size:
            raise self.wrong_length(offset, length, f"at least {_lq_query_header.size}")
        self.query_type, packed = _lq_query_header.unpack_from(buffer, offset)
        self.link_address = IPv6Address(packed)
        self.options = parse_options(buffer, offset + _lq_query_header.size, offset + length, 'LQQueryOption')

    def save_data(self) -> bytes:
        return _lq_query_header.pack(self.query_type, self.link_address.packed) + save_options(self.options)

    def validate(self) -> None:
        # Unknown query types are well-formed: the server answers them with STATUS_UNKNOWNQUERYTYPE
        validate_unsigned(self, 'query_type', self.query_type, 8)
        if not isinstance(self.link_address, IPv6Address):
            raise ValidationError("LQQueryOption.link_address must be an IPv6 address")
        super().validate()
        subject = QUERY_SUBJECTS.get(self.query_type)
        if subject is not None and not any(isinstance(option, subject) for option in self.options):
            raise ValidationError(f"LQQueryOption with query type {self.query_type} must contain a "
                                  f"{subject.__name__}")


class ClientDataOption(ContainerOption):
    """
    Client Data (RFC 5007 section 4.1.2.2): everything the server knows about one client: its DUID, addresses,
    prefixes, the time since it last talked to the server, and the other options the requestor asked for.

    :ivar options: the client's options
    """

    __slots__ = ()  # options: ContainerOption's slot

    option_type = OPTION_CLIENT_DATA

    def __init__(self, options: list[Option] | None = None):
        self.options = [] if options is None else options


class CLTTimeOption(UnsignedIntegerOption):
    """Client Last Transaction Time (RFC 5007 section 4.1.2.3): seconds since the client last talked to the server."""

    __slots__ = ('clt_time',)

    option_type = OPTION_CLT_TIME
    value_name = 'clt_time'
    value_struct = Struct('!I')

    def __init__(self, clt_time: int = 0):
        self.clt_time = clt_time


class LQRelayDataOption(Option):
    """
    LQ Relay Data (RFC 5007 section 4.1.2.4): the last Relay-forward message the server received for the client.

    :ivar peer_address: the address of the relay agent that the server received the message from
    :ivar relay_message: the complete Relay-forward message, with all the relays' options
    """

    __slots__ = ('peer_address', 'relay_message')

    option_type = OPTION_LQ_RELAY_DATA

    def __init__(self, peer_address: IPv6Address = IPv6Address(0), relay_message: Message | None = None):
        self.peer_address = peer_address
        self.relay_message = relay_message

    def load_data(self, buffer: bytes, offset: int, length: int) -> None:
        if length < 17:
            raise self.wrong_length(offset, length, "at least 17 (an address and a message)")
        self.peer_address = IPv6Address(bytes(buffer[offset:offset + 16]))
        _used, self.relay_message = Message.parse(buffer, offset + 16, length - 16)

    def save_data(self) -> bytes:
        if self.relay_message is None:
            raise ValidationError("LQRelayDataOption has no relay message")
        return self.peer_address.packed + self.relay_message.save()

    def validate(self) -> None:
        if not isinstance(self.peer_address, IPv6Address):
            raise ValidationError("LQRelayDataOption.peer_address must be an IPv6 address")
        if not isinstance(self.relay_message, RelayForwardMessage):
            raise ValidationError("LQRelayDataOption.relay_message must be a Relay-forward message")
        try:
            self.relay_message.validate()
        except ValidationError as error:
            raise ValidationError(f"LQRelayDataOption -> {error}") from None


class LQClientLinkOption(AddressListOption):
    """LQ Client Link (RFC 5007 section 4.1.2.5): the links on which the queried client has bindings."""

    __slots__ = ('link_addresses',)

    option_type = OPTION_LQ_CLIENT_LINK
    value_name = 'link_addresses'

    def __init__(self, link_addresses: list[IPv6Address] | None = None):
        self.link_addresses = [] if link_addresses is None else link_addresses


class RelayIdOption(DUIDOption):
    """Relay Identifier (RFC 5460 section 5.4.1): the DUID of a relay agent."""

    __slots__ = ()
    option_type = OPTION_RELAY_ID


#: RFC 5007 section 4.1.2.1 and RFC 5460 section 5.2: the option that each query type looks for, which its query
#: options must contain (a query by link address has only the link address)
QUERY_SUBJECTS: dict[int, type[Option]] = {
    QUERY_BY_ADDRESS: IAAddressOption,
    QUERY_BY_CLIENTID: ClientIdOption,
    QUERY_BY_RELAY_ID: RelayIdOption,
    QUERY_BY_REMOTE_ID: RemoteIdOption,
}

# RFC 5007 section 4.1.2.1 and RFC 5460 section 5.2: the query options of each query type, and the Option Request
# option that names what the server should put in the client data
LQQueryOption.add_may_contain(IAAddressOption, 0, 1)
LQQueryOption.add_may_contain(ClientIdOption, 0, 1)
LQQueryOption.add_may_contain(RelayIdOption, 0, 1)
LQQueryOption.add_may_contain(RemoteIdOption, 0, 1)
LQQueryOption.add_may_contain(OptionRequestOption, 0, 1)

# RFC 5007 section 4.1.2.2: the client data holds the client's DUID, addresses, prefixes and CLT time, plus any other
# option that the requestor asked for, so every option is allowed; RFC 5460 section 5.3 adds the relay data.
ClientDataOption.add_may_contain(ClientIdOption, 1, 1)
ClientDataOption.add_may_contain(IAAddressOption)
ClientDataOption.add_may_contain(IAPrefixOption)
ClientDataOption.add_may_contain(CLTTimeOption, 1, 1)
ClientDataOption.add_may_contain(LQRelayDataOption, 0, 1)
ClientDataOption.add_may_contain(Option)

# RFC 5007 section 4.2.2: the requestor identifies itself and asks exactly one query
allow_in_messages(ClientIdOption, [LeasequeryMessage], 1, 1)
allow_in_messages(ServerIdOption, [LeasequeryMessage], 0, 1)
allow_in_messages(LQQueryOption, [LeasequeryMessage], 1, 1)
allow_in_messages(ElapsedTimeOption, [LeasequeryMessage], 0, 1)
allow_in_messages(AuthenticationOption, [LeasequeryMessage, LeasequeryReplyMessage], 0, 1)

# RFC 5007 section 4.3.3: the reply identifies both ends and carries a status, the client's data or its links
allow_in_messages(ClientIdOption, [LeasequeryReplyMessage], 1, 1)
allow_in_messages(ServerIdOption, [LeasequeryReplyMessage], 1, 1)
allow_in_messages(StatusCodeOption, [LeasequeryReplyMessage, LeasequeryDoneMessage], 0, 1)
allow_in_messages(ClientDataOption, [LeasequeryReplyMessage], 0, 1)
allow_in_messages(LQClientLinkOption, [LeasequeryReplyMessage], 0, 1)
allow_in_messages(LQRelayDataOption, [LeasequeryReplyMessage], 0, 1)

# RFC 5460 section 5.3.1: each Leasequery-data message carries one more client
allow_in_messages(ClientDataOption, [LeasequeryDataMessage], 1, 1)
allow_in_messages(LQRelayDataOption, [LeasequeryDataMessage], 0, 1)

# RFC 5460 section 5.4.1: a relay agent may identify itself in the Relay-forward messages it sends
allow_in_messages(RelayIdOption, [RelayForwardMessage], 0, 1)
