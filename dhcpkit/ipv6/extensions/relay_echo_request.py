"""
The Relay Agent Echo Request option (RFC 4994): the options a relay agent wants the server to copy into its reply.
"""
from dhcpkit.ipv6.messages import RelayForwardMessage, allow_in_messages
from dhcpkit.ipv6.option_base import OptionCodeListOption

__all__ = ['EchoRequestOption', 'OPTION_ERO']

# RFC 4994 section 4: option code
OPTION_ERO = 43


class EchoRequestOption(OptionCodeListOption):
    """
    Relay Agent Echo Request (RFC 4994 section 4): the codes of the options from its Relay-forward that the relay
    agent wants back, unchanged, in the server's Relay-reply.

    :ivar requested_options: the option codes
    """

    __slots__ = ('requested_options',)

    option_type = OPTION_ERO
    value_name = 'requested_options'

    def __init__(self, requested_options: list[int] | None = None):
        self.requested_options = [] if requested_options is None else requested_options


# RFC 4994 section 4: relay agents send it in Relay-forward only
allow_in_messages(EchoRequestOption, [RelayForwardMessage])
