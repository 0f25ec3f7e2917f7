"""
Prefix exclusion: the PD Exclude option (RFC 6603), a part of a delegated prefix that the client may not use.
"""
from ipaddress import IPv6Network

from dhcpkit.ipv6.extensions.prefix_delegation import IAPrefixOption
from dhcpkit.ipv6.option_base import Option
from dhcpkit.ipv6.options import validate_unsigned
from dhcpkit.protocol_element import ValidationError

__all__ = ['PDExcludeOption', 'OPTION_PD_EXCLUDE']

# RFC 6603 section 4.2: option code
OPTION_PD_EXCLUDE = 67


def _subnet_id_length(prefix_length: int, delegated_length: int) -> int:
    """The number of bytes of the subnet ID for an excluded prefix inside a delegated prefix (RFC 6603 section 4.2)."""
    return (prefix_length - delegated_length + 7) // 8


class PDExcludeOption(Option):
    """
    PD Exclude (RFC 6603 section 4.2): inside an IA Prefix option, the one prefix out of the delegated prefix that
    the client may not assign (typically the prefix of the link between the client and the server).

    The excluded prefix is encoded relative to the delegated prefix, whose length only the containing IA Prefix option
    knows: the subnet ID holds the bits between the delegated prefix length and `prefix_length`, left-aligned and
    zero-padded to whole bytes. Use :meth:`excluded_prefix` and :meth:`from_prefixes` to convert.

    :ivar prefix_length: the length of the excluded prefix, 1 to 128
    :ivar subnet_id: the subnet ID bytes, 1 to 16
    """

    __slots__ = ('prefix_length', 'subnet_id')

    option_type = OPTION_PD_EXCLUDE

    def __init__(self, prefix_length: int = 64, subnet_id: bytes = b'\x00'):
        self.prefix_length = prefix_length
        self.subnet_id = subnet_id

    def load_data(self, buffer: bytes, offset: int, length: int) -> None:
        # RFC 6603 section 4.2: "A valid option-len is between 2 and 17"
        if not 2 <= length <= 17:
            raise self.wrong_length(offset, length, "2 to 17")
        self.prefix_length = buffer[offset]
        self.subnet_id = bytes(buffer[offset + 1:offset + length])

    def save_data(self) -> bytes:
        return bytes((self.prefix_length,)) + self.subnet_id

    def validate(self) -> None:
        validate_unsigned(self, 'prefix_length', self.prefix_length, 8)
        if not 1 <= self.prefix_length <= 128:
            raise ValidationError(f"PDExcludeOption.prefix_length must be from 1 to 128, not {self.prefix_length}")
        if not isinstance(self.subnet_id, bytes):
            raise ValidationError("PDExcludeOption.subnet_id must be bytes")
        # The longest subnet ID belongs to a delegated prefix of length 0, the shortest to one of prefix_length - 1
        longest = _subnet_id_length(self.prefix_length, 0)
        if not 1 <= len(self.subnet_id) <= longest:
            raise ValidationError(f"PDExcludeOption.subnet_id must be 1 to {longest} bytes for a /{self.prefix_length}"
                                  f", not {len(self.subnet_id)}")

    def excluded_prefix(self, delegated: IPv6Network) -> IPv6Network:
        """
        Work out the excluded prefix from the delegated prefix that this option belongs to.

        :param delegated: the prefix of the containing IA Prefix option
        :return: the excluded prefix
        :raises ValidationError: when this option does not fit the delegated prefix (the excluded prefix is not
                                 longer, the subnet ID has the wrong length, or its padding bits are not zero)
        """
        delegated_length = delegated.prefixlen
        if not delegated_length < self.prefix_length <= 128:
            raise ValidationError(f"PDExcludeOption.prefix_length /{self.prefix_length} must be longer than the "
                                  f"delegated prefix {delegated}")
        expected = _subnet_id_length(self.prefix_length, delegated_length)
        if len(self.subnet_id) != expected:
            raise ValidationError(f"PDExcludeOption.subnet_id must be {expected} bytes for a /{self.prefix_length} "
                                  f"inside {delegated}, not {len(self.subnet_id)}")
        padding = 8 * expected - (self.prefix_length - delegated_length)
        value = int.from_bytes(self.subnet_id, 'big')
        if value & ((1 << padding) - 1):
            raise ValidationError(f"PDExcludeOption.subnet_id {self.subnet_id.hex()} has padding bits set")
        subnet_bits = value >> padding
        address = int(delegated.network_address) | (subnet_bits << (128 - self.prefix_length))
        return IPv6Network((address, self.prefix_length))

    @classmethod
    def from_prefixes(cls, delegated: IPv6Network, excluded: IPv6Network) -> 'PDExcludeOption':
        """
        Build the option that excludes `excluded` from `delegated`.

        :param delegated: the delegated prefix
        :param excluded: the prefix to exclude, which must be a longer prefix inside `delegated`
        :return: the option
        :raises ValueError: when `excluded` is not a longer prefix inside `delegated`
        """
        if excluded.prefixlen <= delegated.prefixlen or not excluded.subnet_of(delegated):
            raise ValueError(f"{excluded} is not a longer prefix inside {delegated}")
        bits = excluded.prefixlen - delegated.prefixlen
        length = _subnet_id_length(excluded.prefixlen, delegated.prefixlen)
        subnet_bits = (int(excluded.network_address) >> (128 - excluded.prefixlen)) & ((1 << bits) - 1)
        return cls(excluded.prefixlen, (subnet_bits << (8 * length - bits)).to_bytes(length, 'big'))


# RFC 6603 section 4.2: only inside an IA Prefix option, at most once
IAPrefixOption.add_may_contain(PDExcludeOption, 0, 1)
