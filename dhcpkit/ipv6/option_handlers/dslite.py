"""
Dual-Stack Lite: the name of the AFTR that clients tunnel IPv4 to (RFC 6334).

.. code-block:: ini

    [option AFTRName]
    fqdn = aftr.example.com
"""
from typing import ClassVar

from dhcpkit.ipv6.config import ConfigSection
from dhcpkit.ipv6.extensions.dslite import AFTRNameOption
from dhcpkit.ipv6.option_handlers.configured import ValueOptionHandler, parse_domain_name

__all__ = ['AFTRNameOptionHandler']


class AFTRNameOptionHandler(ValueOptionHandler[str]):
    """Tell clients that ask for it the AFTR's name (RFC 6334 section 3), from ``fqdn``."""

    option_class = AFTRNameOption

    #: The key of the name
    name_key: ClassVar[str] = 'fqdn'

    @classmethod
    def read_value(cls, section: ConfigSection) -> str:
        text = section.get_str(cls.name_key, required=True)
        assert text is not None
        try:
            return parse_domain_name(text)
        except ValueError as error:
            raise section.error(cls.name_key, str(error)) from None
