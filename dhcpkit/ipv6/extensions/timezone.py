"""
Time zone configuration: the POSIX and TZ database time zone options (RFC 4833).
"""
from dhcpkit.ipv6.messages import AdvertiseMessage, ReplyMessage, allow_in_messages
from dhcpkit.ipv6.option_base import StringOption
from dhcpkit.protocol_element import ValidationError

__all__ = ['PosixTimezoneOption', 'TZDBTimezoneOption', 'OPTION_NEW_POSIX_TIMEZONE', 'OPTION_NEW_TZDB_TIMEZONE']

# RFC 4833 section 3: option codes
OPTION_NEW_POSIX_TIMEZONE = 41
OPTION_NEW_TZDB_TIMEZONE = 42


class TimezoneOption(StringOption):
    """
    A time zone as a non-empty string of printable ASCII, not NUL-terminated (RFC 4833 section 3). Subclasses say
    which notation it is in.
    """

    __slots__ = ()

    value_name = 'timezone'

    timezone: str

    def validate(self) -> None:
        super().validate()
        if not self.timezone or not all(' ' <= character <= '~' for character in self.timezone):
            raise ValidationError(f"{type(self).__name__}.timezone must be non-empty printable ASCII, not "
                                  f"{self.timezone!r}")


class PosixTimezoneOption(TimezoneOption):
    """
    POSIX time zone (RFC 4833 section 3): a TZ string as defined by IEEE 1003.1, such as
    ``'CET-1CEST,M3.5.0,M10.5.0/3'``.

    :ivar timezone: the TZ string
    """

    __slots__ = ('timezone',)

    option_type = OPTION_NEW_POSIX_TIMEZONE

    def __init__(self, timezone: str = 'UTC0'):
        self.timezone = timezone


class TZDBTimezoneOption(TimezoneOption):
    """
    TZ database time zone (RFC 4833 section 3): the name of a zone in the TZ database, such as ``'Europe/Zurich'``.

    :ivar timezone: the zone name
    """

    __slots__ = ('timezone',)

    option_type = OPTION_NEW_TZDB_TIMEZONE

    def __init__(self, timezone: str = 'Etc/UTC'):
        self.timezone = timezone


# RFC 4833 gives no list of messages: the server sends them in its responses and the client asks with the ORO
allow_in_messages(PosixTimezoneOption, [AdvertiseMessage, ReplyMessage])
allow_in_messages(TZDBTimezoneOption, [AdvertiseMessage, ReplyMessage])
