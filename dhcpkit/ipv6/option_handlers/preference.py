"""
The server's preference (RFC 8415 section 21.8): clients pick the Advertise with the highest preference, and a client
that receives preference 255 stops waiting for other servers (section 18.2.1).

.. code-block:: ini

    [option Preference]
    preference = 255
"""
from typing import ClassVar

from dhcpkit.ipv6.config import ConfigSection
from dhcpkit.ipv6.option_handlers.configured import ValueOptionHandler
from dhcpkit.ipv6.options import PreferenceOption

__all__ = ['PreferenceOptionHandler']

# RFC 8415 section 21.8: the preference is one octet
_MAX_PREFERENCE = 255


class PreferenceOptionHandler(ValueOptionHandler[int]):
    """
    Put a Preference option (RFC 8415 section 21.8) in every Advertise, whether or not the client asked for it; only
    Advertise messages may carry it (appendix B), so Replies never get it.
    """

    option_class = PreferenceOption
    send_always = True

    #: The key of the preference
    preference_key: ClassVar[str] = 'preference'

    @classmethod
    def read_value(cls, section: ConfigSection) -> int:
        preference = section.get_int(cls.preference_key, minimum=0, maximum=_MAX_PREFERENCE, required=True)
        assert preference is not None
        return preference
