"""
The Relay Agent Subscriber-ID option (RFC 4580): a relay's identifier for the subscriber the client belongs to.
"""
from dhcpkit.ipv6.messages import RelayForwardMessage, RelayReplyMessage, allow_in_messages
from dhcpkit.ipv6.option_base import OpaqueOption

__all__ = ['SubscriberIdOption', 'OPTION_SUBSCRIBER_ID']

# RFC 4580 section 3: option code
OPTION_SUBSCRIBER_ID = 38


class SubscriberIdOption(OpaqueOption):
    """
    Relay Agent Subscriber-ID (RFC 4580 section 3): an opaque identifier of the subscriber, added by a relay agent
    and stable across changes of the subscriber's circuit.

    :ivar subscriber_id: the identifier, at least one byte
    """

    __slots__ = ('subscriber_id',)

    option_type = OPTION_SUBSCRIBER_ID
    value_name = 'subscriber_id'
    minimum_length = 1

    def __init__(self, subscriber_id: bytes = b''):
        self.subscriber_id = subscriber_id


# RFC 4580 section 4: relays add it to Relay-forward; RFC 4994 lets the server echo it back in Relay-reply
allow_in_messages(SubscriberIdOption, [RelayForwardMessage, RelayReplyMessage])
