"""
Base classes for option handlers that send an option whose value comes from their configuration section.

Most configurable options have one of a few shapes: a list of addresses from numbered keys (``server-address-1``,
``server-address-2``, ...), a list of domain names from numbered keys (``domain-name-1``, ...), or a single value such
as a duration. Each shape is one class here; a feature module only names its option class and its keys.
"""
from collections.abc import Callable, Sequence
from ipaddress import IPv6Address
from typing import ClassVar, Generic, Self, TypeVar

from dhcpkit.ipv6 import INFINITY
from dhcpkit.ipv6.config import ConfigSection
from dhcpkit.ipv6.domain_names import validate_domain_name
from dhcpkit.ipv6.option_base import AddressListOption, DomainListOption, Option
from dhcpkit.ipv6.option_handlers import OptionHandler, SimpleOptionHandler
from dhcpkit.protocol_element import ValidationError

__all__ = ['reject_handler_id', 'get_numbered_values', 'parse_domain_name', 'ValueOptionHandler',
           'AddressListOptionHandler', 'DomainListOptionHandler', 'DurationOptionHandler']

Value = TypeVar('Value')
Item = TypeVar('Item')


def reject_handler_id(handler_class: type[OptionHandler], section: ConfigSection,
                      option_handler_id: str | None) -> None:
    """
    Refuse an ID in the section name (``[option NAME ID]``) for a handler that exists only once.

    :param handler_class: the handler class, for the message
    :param section: the section
    :param option_handler_id: the ID part of the section name, if any
    :raises dhcpkit.ipv6.config.ConfigError: when there is an ID
    """
    if option_handler_id is not None:
        raise section.error(None, f"{handler_class.__name__} does not take an ID in its section name")


def get_numbered_values(section: ConfigSection, prefix: str, converter: Callable[[str], Item]) -> list[Item]:
    """
    Read the keys ``<prefix>-1``, ``<prefix>-2``, ... in number order and convert each value.

    :param section: the section
    :param prefix: the part of the key before the dash and number
    :param converter: turns the text into a value; raises ValueError when it cannot
    :return: the values
    :raises dhcpkit.ipv6.config.ConfigError: naming the key whose value the converter refused
    """
    values = []
    for key, text in section.get_numbered(prefix):
        try:
            values.append(converter(text))
        except ValueError as error:
            raise section.error(key, str(error)) from None
    return values


def parse_domain_name(text: str) -> str:
    """
    Check a fully qualified domain name from the configuration.

    :param text: the name, with or without the trailing dot
    :return: the name without the trailing dot
    :raises ValueError: when it is not a valid host name
    """
    name = text.strip()
    name = name[:-1] if name.endswith('.') else name
    if not name:
        raise ValueError(f"expected a domain name such as example.com, not {text!r}")
    validate_domain_name(name)  # ValidationError is a ValueError
    return name


class ValueOptionHandler(SimpleOptionHandler, Generic[Value]):
    """
    Send one option whose value is read from the configuration, to clients that ask for it in their Option Request
    option (or to every client when `send_always` is set). The option goes only into responses that may carry it,
    so the message rules of the option's RFC apply.

    Subclasses set `option_class` and implement :meth:`read_value`; :meth:`make_option` by default stores the value in
    the option's ``value_name`` attribute.

    :ivar value: the configured value
    """

    #: The class of the option to send
    option_class: ClassVar[type[Option]]

    #: Whether to send the option when the client did not ask for it
    send_always: ClassVar[bool] = False

    def __init__(self, value: Value):
        """
        :param value: the value of the option
        :raises ValidationError: when the resulting option is not valid
        """
        self.value = value
        option = self.make_option(value)
        option.validate()
        super().__init__(option, always_send=self.send_always)

    @classmethod
    def make_option(cls, value: Value) -> Option:
        """
        Build the option that carries the value.

        :param value: the configured value
        :return: the option
        """
        option = cls.option_class()
        setattr(option, getattr(cls.option_class, 'value_name'), value)
        return option

    @classmethod
    def read_value(cls, section: ConfigSection) -> Value:
        """
        Read and check the value from the section; every key read here is a known key.

        :param section: the ``[option NAME]`` section
        :return: the value
        :raises dhcpkit.ipv6.config.ConfigError: when a key is missing or a value is wrong
        """
        raise NotImplementedError

    @classmethod
    def from_config(cls, section: ConfigSection, option_handler_id: str | None = None) -> Self:
        reject_handler_id(cls, section, option_handler_id)
        value = cls.read_value(section)
        try:
            return cls(value)
        except ValidationError as error:
            raise section.error(None, str(error)) from None


class AddressListOptionHandler(ValueOptionHandler[list[IPv6Address]]):
    """
    Send an option with a list of unicast addresses, configured as ``<address_key>-1 = 2001:db8::53``,
    ``<address_key>-2 = ...`` in number order. At least one address is required.
    """

    option_class: ClassVar[type[AddressListOption]]

    #: The key prefix of the numbered addresses
    address_key: ClassVar[str] = 'server-address'

    def __init__(self, value: Sequence[IPv6Address]):
        """
        :param value: the addresses, in order of preference
        """
        super().__init__(list(value))

    @classmethod
    def read_value(cls, section: ConfigSection) -> list[IPv6Address]:
        return section.get_numbered_addresses(cls.address_key)


class DomainListOptionHandler(ValueOptionHandler[list[str]]):
    """
    Send an option with a list of domain names, configured as ``<name_key>-1 = example.com``,
    ``<name_key>-2 = ...`` in number order. At least one name is required.
    """

    option_class: ClassVar[type[DomainListOption]]

    #: The key prefix of the numbered domain names
    name_key: ClassVar[str] = 'domain-name'

    def __init__(self, value: Sequence[str]):
        """
        :param value: the domain names, in order
        """
        super().__init__(list(value))

    @classmethod
    def read_value(cls, section: ConfigSection) -> list[str]:
        names = get_numbered_values(section, cls.name_key, parse_domain_name)
        if not names:
            raise section.error(None, f"needs at least one {cls.name_key}-1 key")
        return names


class DurationOptionHandler(ValueOptionHandler[int]):
    """
    Send an option with a time in seconds, configured as ``<duration_key> = 1h`` (plain seconds or a number with
    ``s``, ``m``, ``h``, ``d`` or ``w``; ``infinite`` where `allow_infinite` is set). The key is required.
    """

    #: The key of the duration
    duration_key: ClassVar[str]

    #: The shortest allowed duration in seconds
    minimum: ClassVar[int] = 0

    #: The longest allowed finite duration in seconds
    maximum: ClassVar[int] = INFINITY - 1

    #: Whether ``infinite`` is allowed
    allow_infinite: ClassVar[bool] = False

    @classmethod
    def read_value(cls, section: ConfigSection) -> int:
        seconds = section.get_duration(cls.duration_key, required=True)
        assert seconds is not None
        if seconds == INFINITY:
            if cls.allow_infinite:
                return seconds
            raise section.error(cls.duration_key, "may not be infinite")
        if not cls.minimum <= seconds <= cls.maximum:
            infinite = " or infinite" if cls.allow_infinite else ""
            raise section.error(cls.duration_key,
                                f"must be from {cls.minimum} to {cls.maximum} seconds{infinite}, not {seconds}")
        return seconds
