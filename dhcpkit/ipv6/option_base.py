"""
The DHCPv6 option base class, the option registry, and base classes for the shapes that many options share.

Every option is ``option-code (16 bits) | option-len (16 bits) | option-data`` (RFC 8415 section 21.1). Subclasses
implement :meth:`Option.load_data` and :meth:`Option.save_data` for the data part; the header, its bounds checks and
the registry lookup live here once. Most options are one of a few shapes (an integer, a list of addresses, a list of
domain names, opaque bytes, a list of option codes, a container of options), each with one base class below.
"""
import struct
from functools import lru_cache
from ipaddress import IPv6Address
from operator import attrgetter
from struct import Struct
from typing import Any, ClassVar, Sequence

from dhcpkit.ipv6.domain_names import encode_domain_name, parse_domain_name, parse_domain_names, validate_domain_name
from dhcpkit.protocol_element import (MAX_NESTING_DEPTH, MalformedInputError, ProtocolElement, ValidationError,
                                      check_length, nesting)
from dhcpkit.registry import Registry

__all__ = [
    'Option', 'UnknownOption', 'option_registry', 'parse_options', 'save_options', 'save_options_after',
    'validate_option_list', 'is_unicast_address',
    'EmptyOption', 'UnsignedIntegerOption', 'OpaqueOption', 'AddressListOption', 'DomainListOption',
    'OptionCodeListOption', 'ContainerOption', 'StringOption', 'SingleDomainNameOption',
]

_header = Struct('!HH')
_unpack_header = _header.unpack_from
_pack_header = _header.pack

#: Option classes by option code, filled from the ``dhcpkit.ipv6.options`` entry point group
option_registry: Registry[int, type['Option']] = Registry('dhcpkit.ipv6.options', 'option_type')


class Option(ProtocolElement):
    """
    The base class of DHCPv6 options (RFC 8415 section 21.1).

    :cvar option_type: the option code
    """

    __slots__ = ()

    option_type: ClassVar[int] = 0

    #: The registry that :meth:`determine_class` uses; sub-option spaces (such as NTP's) set their own
    registry: ClassVar[Registry[int, type['Option']] | dict[int, type['Option']]] = option_registry

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # Like ProtocolElement's rule for save(): a new save_data() without a new length means measuring the bytes
        if 'save_data' in cls.__dict__ and 'validated_data_length' not in cls.__dict__:
            setattr(cls, 'validated_data_length', Option.validated_data_length)

    @classmethod
    def determine_class(cls, buffer: bytes, offset: int = 0) -> type['Option']:
        """
        Find the option class registered for the option code at `offset`.

        :param buffer: the bytes to parse
        :param offset: where the option starts
        :return: the registered class, or the space's unknown class
        """
        if len(buffer) - offset < 2 or offset < 0:
            raise MalformedInputError(cls.__name__, offset, "too short for an option code")
        code = (buffer[offset] << 8) | buffer[offset + 1]
        registry = cls.registry
        return registry.get(code) or _look_up_missing(registry, code) or cls.unknown_class()

    @classmethod
    def unknown_class(cls) -> type['Option']:
        """
        The class for codes this option space has no class for.

        :return: :class:`UnknownOption`
        """
        return UnknownOption

    def load_from(self, buffer: bytes, offset: int = 0, length: int | None = None) -> int:
        """
        Check the option header and load the option data.

        :param buffer: the bytes to parse
        :param offset: where the option starts
        :param length: how many bytes the option may use
        :return: the number of bytes used
        """
        length = check_length(type(self).__name__, buffer, offset, length, 4)
        option_type, option_length = _unpack_header(buffer, offset)
        if option_length > length - 4:
            raise MalformedInputError(type(self).__name__, offset,
                                      f"option length {option_length} is longer than the {length - 4} bytes left")
        self.check_option_type(option_type, offset)
        self.load_data(buffer, offset + 4, option_length)
        return int(option_length) + 4

    def check_option_type(self, option_type: int, offset: int) -> None:
        """
        Make sure that the option code on the wire is the one this class implements.

        :param option_type: the code from the wire
        :param offset: where the option starts
        """
        if option_type != self.option_type:
            raise MalformedInputError(type(self).__name__, offset,
                                      f"option code {option_type} is not {self.option_type}")

    def load_data(self, buffer: bytes, offset: int, length: int) -> None:
        """
        Load the option data, which is exactly `length` bytes at `offset` (bounds already checked).

        :param buffer: the bytes to parse
        :param offset: where the option data starts
        :param length: the option length from the header
        """
        raise NotImplementedError

    def save_data(self) -> bytes:
        """
        Return the option data in wire format, without the header.

        :return: the option data
        """
        raise NotImplementedError

    def save(self) -> bytes:
        """
        Return the whole option in wire format.

        :return: the bytes
        """
        try:
            data = self.save_data()
            size = len(data)
            if size > 0xffff:
                raise ValidationError(f"{type(self).__name__} has {size} bytes of data, more than an option "
                                      f"can carry (65535)")
            return _pack_header(self.option_type, size) + data
        except (struct.error, OverflowError, TypeError, AttributeError) as error:
            raise ValidationError(f"{type(self).__name__} cannot be saved: {error}") from None

    def validated_length(self) -> int:
        """
        :meth:`save`'s length and errors (see :meth:`ProtocolElement.validated_length`), from
        :meth:`validated_data_length`.

        :return: the length of the whole option
        """
        try:
            size = self.validated_data_length()
            if size > 0xffff:
                raise ValidationError(f"{type(self).__name__} has {size} bytes of data, more than an option "
                                      f"can carry (65535)")
            return size + 4
        except (struct.error, OverflowError, TypeError, AttributeError) as error:
            raise ValidationError(f"{type(self).__name__} cannot be saved: {error}") from None

    def validated_data_length(self) -> int:
        """
        Return the length of :meth:`save_data`'s result for an option whose own attributes :meth:`validate` has
        accepted (and whose contained elements it has validated), raising what :meth:`save_data` would raise. The
        shapes whose length follows from their attributes override this to skip building the bytes; a class that
        overrides :meth:`save_data` alone gets this default back.

        :return: the length of the option data
        """
        return len(self.save_data())

    def validate_size(self) -> None:
        """
        Check that the option data fits in an option (65535 bytes); options whose data can grow call this from
        ``validate()``, after checking their own attributes.

        :raises ValidationError: when it does not
        """
        size = self.validated_data_length()
        if size > 0xffff:
            raise ValidationError(f"{type(self).__name__} has {size} bytes of data, more than an option can carry "
                                  f"(65535)")

    def wrong_length(self, offset: int, length: int, expected: str) -> MalformedInputError:
        """
        Build the error for option data of the wrong length.

        :param offset: where the option data starts
        :param length: its length
        :param expected: a description of the lengths that are valid
        :return: the error to raise
        """
        return MalformedInputError(type(self).__name__, offset - 4, f"option length {length}, expected {expected}")


class UnknownOption(Option):
    """
    An option whose code this library does not know. It keeps its data so that it saves to the same bytes.

    :ivar option_type: the option code
    :ivar option_data: the option data
    """

    __slots__ = ('option_type', 'option_data')

    unknown_element = True

    def __init__(self, option_type: int = 0, option_data: bytes = b''):
        self.option_type = option_type  # type: ignore[misc]
        self.option_data = option_data

    def check_option_type(self, option_type: int, offset: int) -> None:
        self.option_type = option_type  # type: ignore[misc]

    def load_data(self, buffer: bytes, offset: int, length: int) -> None:
        self.option_data = bytes(buffer[offset:offset + length])

    def save_data(self) -> bytes:
        return self.option_data

    def validate(self) -> None:
        if not isinstance(self.option_type, int) or not 0 <= self.option_type <= 0xffff:
            raise ValidationError(f"UnknownOption code {self.option_type!r} is not a 16-bit unsigned integer")
        if not isinstance(self.option_data, bytes) or len(self.option_data) > 0xffff:
            raise ValidationError("UnknownOption data must be at most 65535 bytes")


def parse_options(buffer: bytes, offset: int, end: int, parent: str,
                  space: type[Option] = Option) -> list[Option]:
    """
    Parse the options that fill the space from `offset` to `end` exactly.

    This is the one loop that turns option lists into objects, for messages and for options that contain options, so
    it also counts nesting depth.

    :param buffer: the bytes to parse
    :param offset: where the first option starts
    :param end: the first offset after the options
    :param parent: the name of the containing element, for errors
    :param space: the option space (its ``registry`` and ``unknown_class()`` are used)
    :return: the options, in wire order
    """
    if end > len(buffer):
        raise MalformedInputError(parent, offset, "options run past the end of the data")
    # enter_nested() and leave_nested() inline: this runs for every option list of every packet
    depth_counter = nesting.counter
    depth = depth_counter[0] + 1
    if depth > MAX_NESTING_DEPTH:
        raise MalformedInputError(parent, offset, f"elements nested more than {MAX_NESTING_DEPTH} deep")
    options: list[Option] = []
    if offset >= end:
        # An empty list (an IA Address without options, say) recurses into nothing, so it needs no counting
        return options
    registry = space.registry
    get = registry.get
    unknown = space.unknown_class()
    append = options.append
    depth_counter[0] = depth
    try:
        while offset < end:
            if end - offset < 4:
                raise MalformedInputError(parent, offset, f"{end - offset} bytes left, too short for an option")
            code, option_length = _unpack_header(buffer, offset)
            next_offset = offset + 4 + option_length
            if next_offset > end:
                raise MalformedInputError(parent, offset, f"option {code} has length {option_length} but only "
                                                          f"{end - offset - 4} bytes are left")
            option_class = get(code) or _look_up_missing(registry, code) or unknown
            option = option_class.__new__(option_class)
            if option_class is unknown:
                option.check_option_type(code, offset)
            option.load_data(buffer, offset + 4, option_length)
            append(option)
            offset = next_offset
    finally:
        depth_counter[0] -= 1
    return options


def _look_up_missing(registry: Registry[int, type[Option]] | dict[int, type[Option]], code: int) -> type[Option] | None:
    """
    Look up an option code that `registry` did not have: see :meth:`Registry.get_loaded`; a plain dictionary (a
    sub-option space of its own) has nothing more to load.

    :param registry: the registry of the option space
    :param code: the option code
    :return: the class, or None when the code is unknown
    """
    return registry.get_loaded(code) if isinstance(registry, Registry) else None


def validate_option_list(element: ProtocolElement, options: Any) -> None:
    """
    Check that an element's ``options`` attribute is a list of options.

    :param element: the message or option, for the error message
    :param options: its options
    :raises ValidationError: when they are not a list of options
    """
    if not isinstance(options, list):
        raise ValidationError(f"{type(element).__name__}.options must be a list of options")
    for option in options:
        if not isinstance(option, Option):
            raise ValidationError(f"{type(element).__name__}.options must be a list of options")


def save_options(options: Sequence[Option]) -> bytes:
    """
    Return a list of options in wire format.

    :param options: the options
    :return: the bytes
    """
    return b''.join([option.save() for option in options])


def is_unicast_address(address: IPv6Address) -> bool:
    """
    Tell whether an address may be assigned to an interface: not multicast (ff00::/8), unspecified (::) or loopback
    (::1), RFC 4291 section 2.4. The same as testing ``is_multicast``, ``is_unspecified`` and ``is_loopback``, in one
    look at the address's integer value, because validation does this for every address.

    :param address: the address
    :return: whether it is a unicast address
    """
    value = int(address)
    return value > 1 and value >> 120 != 0xff


def save_options_after(header: bytes, options: Sequence[Option]) -> bytes:
    """
    Return a container's header followed by its options in wire format; a container without options (such as most IA
    Address options) gets its header back without building an empty list.

    :param header: the fixed part of the option data
    :param options: the contained options
    :return: the option data
    """
    if not options and type(options) is list:
        return header
    return header + b''.join([option.save() for option in options])


class EmptyOption(Option):
    """An option without data, whose presence is the whole message (such as Rapid Commit)."""

    __slots__ = ()

    def __init__(self) -> None:
        pass

    def load_data(self, buffer: bytes, offset: int, length: int) -> None:
        if length != 0:
            raise self.wrong_length(offset, length, "0")

    def save_data(self) -> bytes:
        return b''


class UnsignedIntegerOption(Option):
    """
    An option whose data is one unsigned integer. Subclasses name the attribute in `value_name` and its wire format
    in `value_struct`.
    """

    __slots__ = ()

    value_name: ClassVar[str]
    value_struct: ClassVar[Struct]

    def load_data(self, buffer: bytes, offset: int, length: int) -> None:
        if length != self.value_struct.size:
            raise self.wrong_length(offset, length, str(self.value_struct.size))
        setattr(self, self.value_name, self.value_struct.unpack_from(buffer, offset)[0])

    def save_data(self) -> bytes:
        return self.value_struct.pack(getattr(self, self.value_name))

    def validated_data_length(self) -> int:
        return self.value_struct.size

    def validate(self) -> None:
        value = getattr(self, self.value_name)
        limit = 1 << (8 * self.value_struct.size)
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < limit:
            raise ValidationError(f"{type(self).__name__}.{self.value_name} must be an integer from 0 to "
                                  f"{limit - 1}, not {value!r}")


class OpaqueOption(Option):
    """
    An option whose data is a string of bytes. Subclasses name the attribute in `value_name` and may require a
    minimum length.
    """

    __slots__ = ()

    value_name: ClassVar[str]
    minimum_length: ClassVar[int] = 0

    def load_data(self, buffer: bytes, offset: int, length: int) -> None:
        if length < self.minimum_length:
            raise self.wrong_length(offset, length, f"at least {self.minimum_length}")
        setattr(self, self.value_name, bytes(buffer[offset:offset + length]))

    def save_data(self) -> bytes:
        value: bytes = getattr(self, self.value_name)
        return value

    def validate(self) -> None:
        value = getattr(self, self.value_name)
        if not isinstance(value, bytes) or not self.minimum_length <= len(value) <= 0xffff:
            raise ValidationError(f"{type(self).__name__}.{self.value_name} must be {self.minimum_length} to 65535 "
                                  f"bytes")


class StringOption(Option):
    """
    An option whose data is text (ASCII unless a subclass says otherwise), such as a time zone.
    """

    __slots__ = ()

    value_name: ClassVar[str]
    encoding: ClassVar[str] = 'ascii'

    def load_data(self, buffer: bytes, offset: int, length: int) -> None:
        try:
            setattr(self, self.value_name, bytes(buffer[offset:offset + length]).decode(self.encoding))
        except UnicodeDecodeError:
            raise MalformedInputError(type(self).__name__, offset, f"data is not {self.encoding} text") from None

    def save_data(self) -> bytes:
        value: str = getattr(self, self.value_name)
        return value.encode(self.encoding)

    def validate(self) -> None:
        value = getattr(self, self.value_name)
        if not isinstance(value, str):
            raise ValidationError(f"{type(self).__name__}.{self.value_name} must be text")
        try:
            encoded = value.encode(self.encoding)
        except UnicodeEncodeError:
            raise ValidationError(f"{type(self).__name__}.{self.value_name} must be {self.encoding} text") from None
        if len(encoded) > 0xffff:
            raise ValidationError(f"{type(self).__name__}.{self.value_name} is too long")


class AddressListOption(Option):
    """
    An option whose data is a list of IPv6 addresses (such as DNS servers). Subclasses name the attribute in
    `value_name`; `minimum_count` says how many addresses must at least be present.
    """

    __slots__ = ()

    value_name: ClassVar[str]
    minimum_count: ClassVar[int] = 1

    def load_data(self, buffer: bytes, offset: int, length: int) -> None:
        if length % 16 or length < 16 * self.minimum_count:
            raise self.wrong_length(offset, length, f"a multiple of 16 (at least {16 * self.minimum_count})")
        setattr(self, self.value_name,
                [IPv6Address(bytes(buffer[start:start + 16])) for start in range(offset, offset + length, 16)])

    def save_data(self) -> bytes:
        return b''.join([address.packed for address in getattr(self, self.value_name)])

    def validate(self) -> None:
        addresses = getattr(self, self.value_name)
        if not isinstance(addresses, list) or not all(isinstance(address, IPv6Address) for address in addresses):
            raise ValidationError(f"{type(self).__name__}.{self.value_name} must be a list of IPv6 addresses")
        if len(addresses) < self.minimum_count or len(addresses) > 4095:
            raise ValidationError(f"{type(self).__name__} must contain {self.minimum_count} to 4095 addresses")
        for address in addresses:
            if not is_unicast_address(address):
                raise ValidationError(f"{type(self).__name__} cannot contain {address}: not a unicast address")


class DomainListOption(Option):
    """
    An option whose data is a list of domain names (such as the DNS search list). Subclasses name the attribute in
    `value_name`.
    """

    __slots__ = ()

    value_name: ClassVar[str]

    def load_data(self, buffer: bytes, offset: int, length: int) -> None:
        setattr(self, self.value_name, parse_domain_names(buffer, offset, offset + length, type(self).__name__))

    def save_data(self) -> bytes:
        return b''.join([encode_domain_name(name) for name in getattr(self, self.value_name)])

    def validate(self) -> None:
        names = getattr(self, self.value_name)
        if not isinstance(names, list):
            raise ValidationError(f"{type(self).__name__}.{self.value_name} must be a list of domain names")
        for name in names:
            validate_domain_name(name)
        if len(self.save_data()) > 0xffff:
            raise ValidationError(f"{type(self).__name__} is too long")


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


@lru_cache(maxsize=64)
def _code_list_struct(count: int) -> Struct:
    """The wire format of `count` 16-bit codes; cached, because building the format string costs more than packing."""
    return Struct(f'!{count}H')


class OptionCodeListOption(Option):
    """
    An option whose data is a list of 16-bit option codes (such as the Option Request option). Subclasses name the
    attribute in `value_name`.
    """

    __slots__ = ()

    value_name: ClassVar[str]

    def load_data(self, buffer: bytes, offset: int, length: int) -> None:
        if length % 2:
            raise self.wrong_length(offset, length, "an even number")
        setattr(self, self.value_name, list(_code_list_struct(length // 2).unpack_from(buffer, offset)))

    def save_data(self) -> bytes:
        codes = getattr(self, self.value_name)
        return _code_list_struct(len(codes)).pack(*codes)

    def validated_data_length(self) -> int:
        return 2 * len(getattr(self, self.value_name))

    def validate(self) -> None:
        codes = getattr(self, self.value_name)
        valid = isinstance(codes, list) and len(codes) <= 32767
        if valid:
            for code in codes:  # a loop rather than all(), which costs more for the usual few codes
                if not isinstance(code, int) or not 0 <= code <= 0xffff:
                    valid = False
                    break
        if not valid:
            raise ValidationError(f"{type(self).__name__}.{self.value_name} must be a list of 16-bit option codes")


class ContainerOption(Option):
    """
    An option whose data is a fixed header followed by options (such as IA_NA). Subclasses give the header's wire
    format in `header_struct` and its attribute names in `header_names`; the options are in ``self.options``.
    """

    __slots__ = ('options',)

    header_struct: ClassVar[Struct] = Struct('')
    header_names: ClassVar[tuple[str, ...]] = ()

    #: Whether ``validate()`` checks every header attribute, so that packing the header cannot fail once it has
    #: passed; then :meth:`validated_data_length` adds up lengths instead of building the bytes
    header_validated: ClassVar[bool] = False

    #: Reads the header attributes as a tuple, when there are at least two (:func:`operator.attrgetter` returns a
    #: single value for one name); built once per class
    _header_values: ClassVar['attrgetter[tuple[Any, ...]] | None'] = None

    #: The option space of the contained options
    option_space: ClassVar[type[Option]] = Option

    options: list[Option]  # declared in __slots__ above

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._header_values = attrgetter(*cls.header_names) if len(cls.header_names) > 1 else None

    def load_data(self, buffer: bytes, offset: int, length: int) -> None:
        header_size = self.header_struct.size
        if length < header_size:
            raise self.wrong_length(offset, length, f"at least {header_size}")
        if header_size:
            for name, value in zip(self.header_names, self.header_struct.unpack_from(buffer, offset)):
                setattr(self, name, value)
        self.options = parse_options(buffer, offset + header_size, offset + length, type(self).__name__,
                                     self.option_space)

    def save_data(self) -> bytes:
        header_values = self._header_values
        if header_values is not None:
            header = self.header_struct.pack(*header_values(self))
        else:
            header = self.header_struct.pack(*[getattr(self, name) for name in self.header_names])
        return save_options_after(header, self.options)

    def validated_data_length(self) -> int:
        if not self.header_validated:
            return len(self.save_data())
        options = self.options
        if not options and type(options) is list:
            return self.header_struct.size
        return self.header_struct.size + sum([option.validated_length() for option in options])

    def contained_elements(self) -> Sequence[ProtocolElement]:
        return self.options

    def validate(self) -> None:
        validate_option_list(self, self.options)
        children = self.contained_elements()
        # ProtocolElement.validate(), without checking an empty list against rules that require nothing
        if children or (children is not None and self._required):
            self.validate_contains(children)
        self.validate_size()

    def get_option_of_type(self, klass: type[Any]) -> Any:
        """
        Return the first contained option of the given class, or None.

        :param klass: the option class
        :return: the option or None
        """
        for option in self.options:
            if isinstance(option, klass):
                return option
        return None

    def get_options_of_type(self, klass: type[Any]) -> list[Any]:
        """
        Return every contained option of the given class.

        :param klass: the option class
        :return: the options
        """
        return [option for option in self.options if isinstance(option, klass)]
