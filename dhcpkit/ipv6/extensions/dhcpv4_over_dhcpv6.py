"""
DHCPv4 over DHCPv6 (RFC 7341): a client on an IPv6-only network carries its DHCPv4 messages inside DHCPv6 messages
to a DHCP 4o6 server, whose addresses it learns from an ordinary DHCPv6 exchange.
"""
from ipaddress import IPv6Address

from dhcpkit.ipv6.messages import (AdvertiseMessage, OptionsMessage, ReplyMessage, allow_in_messages)
from dhcpkit.ipv6.option_base import AddressListOption, OpaqueOption, Option, parse_options, save_options
from dhcpkit.ipv6.options import validate_unsigned
from dhcpkit.protocol_element import MalformedInputError, ValidationError, check_length

__all__ = [
    'DHCPv4OverDHCPv6Message', 'DHCPv4QueryMessage', 'DHCPv4ResponseMessage', 'DHCPv4MessageOption',
    'DHCP4o6ServerAddressOption', 'MSG_DHCPV4_QUERY', 'MSG_DHCPV4_RESPONSE', 'OPTION_DHCPV4_MSG',
    'OPTION_DHCP4_O_DHCP6_SERVER', 'DHCPV4_QUERY_FLAG_UNICAST',
]

# RFC 7341 section 5: message types
MSG_DHCPV4_QUERY = 20
MSG_DHCPV4_RESPONSE = 21

# RFC 7341 section 6: option codes
OPTION_DHCPV4_MSG = 87
OPTION_DHCP4_O_DHCP6_SERVER = 88

# RFC 7341 section 5.1: the Unicast flag of a DHCPv4-query, the most significant bit of the 24-bit flags field. The
# client sets it when the DHCPv4 client would have sent the DHCPv4 message to a unicast address.
DHCPV4_QUERY_FLAG_UNICAST = 0x800000


class DHCPv4OverDHCPv6Message(OptionsMessage):
    """
    The shape of DHCPv4-query and DHCPv4-response (RFC 7341 section 5): a message type, 24 bits of flags and options.
    Unlike client/server messages they have no transaction id; the DHCPv4 message inside has its own.

    :ivar flags: the 24-bit flags field, as an integer
    :ivar options: the options, including exactly one DHCPv4 Message option
    """

    __slots__ = ('flags', 'options')

    def __init__(self, flags: int = 0, options: list[Option] | None = None):
        self.flags = flags
        self.options = [] if options is None else options

    def load_from(self, buffer: bytes, offset: int = 0, length: int | None = None) -> int:
        name = type(self).__name__
        length = check_length(name, buffer, offset, length, 4)
        if buffer[offset] != self.message_type:
            raise MalformedInputError(name, offset, f"message type {buffer[offset]} is not {self.message_type}")
        self.flags = int.from_bytes(buffer[offset + 1:offset + 4], 'big')
        self.options = parse_options(buffer, offset + 4, offset + length, name)
        return length

    def save(self) -> bytes:
        try:
            return bytes((self.message_type,)) + self.flags.to_bytes(3, 'big') + save_options(self.options)
        except (TypeError, AttributeError, OverflowError) as error:
            raise ValidationError(f"{type(self).__name__} cannot be saved: {error}") from None

    def validate(self) -> None:
        # Flags that are not defined must be sent as zero but ignored on receipt, so they are not an error here
        validate_unsigned(self, 'flags', self.flags, 24)
        super().validate()


class DHCPv4QueryMessage(DHCPv4OverDHCPv6Message):
    """DHCPv4-query (RFC 7341 section 5.1): a DHCPv4 message from the client to the DHCP 4o6 server."""

    __slots__ = ()
    message_type = MSG_DHCPV4_QUERY
    from_client_to_server = True


class DHCPv4ResponseMessage(DHCPv4OverDHCPv6Message):
    """DHCPv4-response (RFC 7341 section 5.2): a DHCPv4 message from the DHCP 4o6 server to the client."""

    __slots__ = ()
    message_type = MSG_DHCPV4_RESPONSE
    from_server_to_client = True


class DHCPv4MessageOption(OpaqueOption):
    """
    DHCPv4 Message (RFC 7341 section 6.1): a whole DHCPv4 packet, kept as bytes because decoding DHCPv4 is the
    DHCP 4o6 server's business, not the DHCPv6 layer's.
    """

    __slots__ = ('dhcpv4_message',)

    option_type = OPTION_DHCPV4_MSG
    value_name = 'dhcpv4_message'
    minimum_length = 1

    def __init__(self, dhcpv4_message: bytes = b''):
        self.dhcpv4_message = dhcpv4_message


class DHCP4o6ServerAddressOption(AddressListOption):
    """
    DHCP 4o6 Server Address (RFC 7341 section 6.2): where the client should send its DHCPv4-query messages. An empty
    list tells the client to use the All_DHCP_Relay_Agents_and_Servers multicast address.
    """

    __slots__ = ('dhcp4o6_servers',)

    option_type = OPTION_DHCP4_O_DHCP6_SERVER
    value_name = 'dhcp4o6_servers'
    minimum_count = 0

    def __init__(self, dhcp4o6_servers: list[IPv6Address] | None = None):
        self.dhcp4o6_servers = [] if dhcp4o6_servers is None else dhcp4o6_servers


# RFC 7341 sections 5.1 and 5.2: each message carries exactly one DHCPv4 message
allow_in_messages(DHCPv4MessageOption, [DHCPv4QueryMessage, DHCPv4ResponseMessage], 1, 1)

# RFC 7341 section 6.2: the server gives the 4o6 servers' addresses when the client asks for them in its ORO
allow_in_messages(DHCP4o6ServerAddressOption, [AdvertiseMessage, ReplyMessage], 0, 1)
