"""
Dual-Stack Lite: the AFTR-Name option (RFC 6334), and the shape it shares with other options that carry exactly one
fully qualified domain name.
"""
from typing import ClassVar

from dhcpkit.ipv6.domain_names import encode_domain_name, parse_domain_name, validate_domain_name
from dhcpkit.ipv6.messages import AdvertiseMessage, ReplyMessage, allow_in_messages
from dhcpkit.ipv6.option_base import Option
from dhcpkit.protocol_element import MalformedInputError, ValidationError

__all__ = ['AFTRNameOption', 'SingleDomainNameOption', 'OPTION_AFTR_NAME']

# RFC 6334 section 3: option code
OPTION_AFTR_NAME = 64


class SingleDomainNameOption(Option):
    """
    An option whose data is exactly one fully qualified domain name (RFC 1035 section 3.1, no compression). Subclasses
    name the attribute in `value_name`; the name is text without the trailing dot and may not be the root.
    """

    __slots__ = ()

    value_name: ClassVar[str]

    def load_data(self, buffer: bytes, offset: int, length: int) -> None:
        used, name = parse_domain_name(buffer, offset, offset + length, element=type(self).__name__)
        if used != length:
            raise MalformedInputError(type(self).__name__, offset + used,
                                      f"{length - used} bytes after the domain name")
        setattr(self, self.value_name, name)

    def save_data(self) -> bytes:
        return encode_domain_name(getattr(self, self.value_name))

    def validate(self) -> None:
        name = getattr(self, self.value_name)
        if not isinstance(name, str) or name in ('', '.'):
            raise ValidationError(f"{type(self).__name__}.{self.value_name} must be a domain name, not {name!r}")
        try:
            validate_domain_name(name)
        except ValidationError as error:
            raise ValidationError(f"{type(self).__name__}.{self.value_name}: {error}") from None


class AFTRNameOption(SingleDomainNameOption):
    """
    AFTR-Name (RFC 6334 section 3): the name of the Address Family Transition Router that the client's B4 element
    tunnels IPv4 to.

    :ivar fqdn: the AFTR's fully qualified domain name, without trailing dot
    """

    __slots__ = ('fqdn',)

    option_type = OPTION_AFTR_NAME
    value_name = 'fqdn'

    def __init__(self, fqdn: str = ''):
        self.fqdn = fqdn


# RFC 6334 section 4: the server sends at most one in its responses; the client asks for it with the ORO
allow_in_messages(AFTRNameOption, [AdvertiseMessage, ReplyMessage])
