"""
The base of every DHCPv6 protocol element: messages, options, DUIDs and sub-options.

Wire format only: nothing here knows about sockets, threads (beyond a nesting counter), configuration or logging.

The contract every element follows:

- ``Cls.parse(buffer, offset, length) -> (used_length, element)`` picks the class from the type code and loads it;
- ``element.load_from(buffer, offset, length) -> used_length`` fills an existing object;
- ``element.save() -> bytes`` gives back the wire format;
- ``element.validate()`` checks semantics (ranges, containment rules) and raises :class:`ValidationError`.

Parsing checks structure only: every length from the wire is checked against the space that contains it, and an
element that does not use exactly its declared length is malformed. Anything wrong raises
:class:`MalformedInputError`, never an :class:`IndexError` or :class:`struct.error`.
"""
import functools
import inspect
import struct
import threading
from typing import Any, Callable, ClassVar, Iterable, Sequence, TypeVar

__all__ = [
    'MalformedInputError', 'ValidationError', 'ProtocolElement', 'INFINITE', 'MAX_NESTING_DEPTH',
    'check_length', 'enter_nested', 'leave_nested', 'nesting', 'checked_save',
]

#: Unlimited occurrences in a containment rule.
INFINITE = 2 ** 31

#: How deep option lists may nest (options inside options, and relay messages inside relay messages, where each relay
#: adds one option list). RFC 8415 limits relay chains to HOP_COUNT_LIMIT (8) relays and IA options nest three deep,
#: so 48 leaves room for every legal packet while keeping Python's stack safe.
MAX_NESTING_DEPTH = 48

SomeElement = TypeVar('SomeElement', bound='ProtocolElement')


class MalformedInputError(ValueError):
    """
    Bytes that cannot be a protocol element: a length that does not fit, a truncated field, nesting that is too deep.

    :ivar element: the name of the element being parsed
    :ivar offset: the offset in the buffer where the problem was found
    :ivar problem: what was wrong
    """

    def __init__(self, element: str, offset: int, problem: str):
        super().__init__(f"{element} at offset {offset}: {problem}")
        self.element = element
        self.offset = offset
        self.problem = problem


class ValidationError(ValueError):
    """
    A well-formed element whose contents break a protocol rule: a value out of range, an option where it may not be.
    """


class NestingDepth(threading.local):
    """
    How many option lists this thread's parse is inside; 0 in every new thread.

    The count lives in a one-element list, :attr:`counter`, so that the parser reads the thread-local object once per
    option list and then counts in the list (each access to a thread-local attribute costs as much as a function
    call).
    """

    def __init__(self) -> None:
        self.counter = [0]

    @property
    def depth(self) -> int:
        """The current depth."""
        return self.counter[0]


#: This thread's nesting depth, kept by :func:`enter_nested` and :func:`leave_nested` (and by
#: :func:`dhcpkit.ipv6.option_base.parse_options`, which does the same inline because it runs for every option list)
nesting = NestingDepth()


def enter_nested(element: str, offset: int) -> None:
    """
    Count one more level of nesting for this thread's parse, failing when it gets too deep.

    Every parser that recurses (options inside options, messages inside relay messages) calls this before it recurses
    and :func:`leave_nested` afterwards (in a ``finally``), so that no packet can exhaust the stack.

    :param element: the name of the element that is about to parse its contents
    :param offset: where its contents start
    """
    counter = nesting.counter
    depth = counter[0] + 1
    if depth > MAX_NESTING_DEPTH:
        raise MalformedInputError(element, offset, f"elements nested more than {MAX_NESTING_DEPTH} deep")
    counter[0] = depth


def leave_nested() -> None:
    """Undo one :func:`enter_nested`."""
    nesting.counter[0] -= 1


def check_length(element: str, buffer: bytes, offset: int, length: int | None, minimum: int) -> int:
    """
    Work out how many bytes an element may use, and make sure that there are at least `minimum`.

    :param element: the name of the element, for the error message
    :param buffer: the buffer being parsed
    :param offset: where the element starts
    :param length: how many bytes the caller allows, or None for the rest of the buffer
    :param minimum: the smallest number of bytes the element can have
    :return: the number of bytes available to the element
    """
    available = len(buffer) - offset
    if offset < 0 or available < 0:
        raise MalformedInputError(element, offset, "offset outside the buffer")
    if length is None:
        length = available
    elif length < 0 or length > available:
        raise MalformedInputError(element, offset, f"{length} bytes requested but only {available} available")
    if length < minimum:
        raise MalformedInputError(element, offset, f"needs at least {minimum} bytes, got {length}")
    return length


def checked_save(save: Callable[[SomeElement], bytes]) -> Callable[[SomeElement], bytes]:
    """
    Decorate a ``save()`` so that values that cannot be encoded raise :class:`ValidationError` naming the element,
    instead of the :class:`struct.error`, :class:`OverflowError` or :class:`TypeError` of whatever encoded them.

    :param save: the save method
    :return: the checked save method
    """
    @functools.wraps(save)
    def checked(self: SomeElement) -> bytes:
        try:
            return save(self)
        except (struct.error, OverflowError, TypeError, AttributeError) as error:
            raise ValidationError(f"{type(self).__name__} cannot be saved: {error}") from None
    return checked


class ProtocolElement:
    """
    The base class of every element of the protocol.

    Subclasses define ``__init__`` with keyword names equal to their attribute names; from that signature this class
    derives equality and ``repr`` once, when the subclass is created. Containment rules are kept per class and set with
    :meth:`add_may_contain`.
    """

    __slots__ = ()

    #: The attributes that define this element, taken from the constructor's signature.
    fields: ClassVar[tuple[str, ...]] = ()

    #: Which element classes this class may contain, with (minimum, maximum) occurrences.
    _may_contain: ClassVar[dict[type['ProtocolElement'], tuple[int, int]]] = {}

    #: The rules of :attr:`_may_contain` with a minimum above 0, as (class, minimum), in the order they were added
    _required: ClassVar[tuple[tuple[type['ProtocolElement'], int], ...]] = ()

    #: :meth:`_rule_for` results by child class, cleared whenever a rule is added
    _rule_cache: ClassVar[dict[type['ProtocolElement'], tuple[type['ProtocolElement'], int] | None]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        parameters = list(inspect.signature(cls.__init__).parameters.values())[1:]
        cls.fields = tuple(parameter.name for parameter in parameters
                           if parameter.kind in (parameter.POSITIONAL_OR_KEYWORD, parameter.KEYWORD_ONLY))
        # Every class starts with its own rules: a subclass of SolicitMessage should not silently share its table
        cls._may_contain = {}
        cls._required = ()
        cls._rule_cache = {}
        # A class that changes how it is saved, but not how its length is worked out, gets its length by saving
        if 'save' in cls.__dict__ and 'validated_length' not in cls.__dict__:
            setattr(cls, 'validated_length', ProtocolElement.validated_length)

    # Parsing and saving

    @classmethod
    def determine_class(cls, buffer: bytes, offset: int = 0) -> type['ProtocolElement']:
        """
        Return the class that the bytes at `offset` should be parsed as. Element families override this to look up
        their type code in a registry.

        :param buffer: the buffer to parse
        :param offset: where the element starts
        :return: the class to load the element with
        """
        return cls

    @classmethod
    def parse(cls: type[SomeElement], buffer: bytes, offset: int = 0,
              length: int | None = None) -> tuple[int, SomeElement]:
        """
        Parse one element from the buffer, picking the right subclass from the type code.

        :param buffer: the bytes to parse
        :param offset: where the element starts
        :param length: how many bytes the element may use; None means up to the end of the buffer
        :return: the number of bytes used and the element
        :raises MalformedInputError: when the bytes cannot be this element
        """
        element_class = cls.determine_class(buffer, offset)
        if not issubclass(element_class, cls):
            raise MalformedInputError(cls.__name__, offset, f"found a {element_class.__name__} instead")
        element = element_class.__new__(element_class)
        used = element.load_from(buffer, offset, length)
        return used, element

    def load_from(self, buffer: bytes, offset: int = 0, length: int | None = None) -> int:
        """
        Load this element's attributes from the wire format.

        :param buffer: the bytes to parse
        :param offset: where the element starts
        :param length: how many bytes the element may use; None means up to the end of the buffer
        :return: the number of bytes used
        :raises MalformedInputError: when the bytes cannot be this element
        """
        raise NotImplementedError

    def save(self) -> bytes:
        """
        Return this element in wire format.

        :return: the bytes
        """
        raise NotImplementedError

    def validated_length(self) -> int:
        """
        Return the length of :meth:`save`'s result, for an element that :meth:`validate` has just accepted, raising
        what :meth:`save` would raise. Elements whose length follows from their validated attributes override this,
        so that containers can check their size without building the bytes.

        :return: the number of bytes :meth:`save` returns
        """
        return len(self.save())

    # Validation

    def validate(self) -> None:
        """
        Check that this element follows the protocol's rules, including the containment rules for its children.

        :raises ValidationError: naming what is wrong and where
        """
        children = self.contained_elements()
        if children is not None:
            self.validate_contains(children)

    def contained_elements(self) -> Sequence['ProtocolElement'] | None:
        """
        The child elements that containment rules apply to, or None if this element cannot contain elements.

        :return: the children
        """
        return None

    @classmethod
    def add_may_contain(cls, klass: type['ProtocolElement'], min_occurrence: int = 0,
                        max_occurrence: int = INFINITE) -> None:
        """
        Allow this element to contain elements of class `klass` (or its subclasses).

        :param klass: the class of contained element
        :param min_occurrence: how many must at least be present
        :param max_occurrence: how many may at most be present
        """
        if not 0 <= min_occurrence <= max_occurrence:
            raise ValueError(f"Bad occurrence limits {min_occurrence}..{max_occurrence}")
        cls._may_contain[klass] = (min_occurrence, max_occurrence)
        cls._required = tuple((rule_class, minimum) for rule_class, (minimum, _maximum) in cls._may_contain.items()
                              if minimum > 0)
        cls._rule_cache.clear()

    @classmethod
    def _rule_for(cls, klass: type['ProtocolElement']) -> tuple[type['ProtocolElement'], int] | None:
        """
        How an element of class `klass` counts when this class contains it: the class of the rule it falls under and
        that rule's maximum, :data:`_UNKNOWN_CHILD` for unknown elements (always allowed, not counted), or None when
        it is not allowed. Cached per class, because validation asks for every child.

        :param klass: the class of the contained element
        :return: (rule class, maximum), :data:`_UNKNOWN_CHILD` or None
        """
        try:
            return cls._rule_cache[klass]
        except KeyError:
            pass
        rule: tuple[type[ProtocolElement], int] | None = None
        if getattr(klass, 'unknown_element', False):
            rule = _UNKNOWN_CHILD
        else:
            for candidate in klass.__mro__:
                limits = cls._may_contain.get(candidate)
                if limits is not None:
                    rule = candidate, limits[1]
                    break
        cls._rule_cache[klass] = rule
        return rule

    @classmethod
    def may_contain(cls, element: 'ProtocolElement | type[ProtocolElement]') -> bool:
        """
        Tell whether this element may contain the given element or element class at all.

        Unknown elements (a type code this library has no class for) are always allowed, because the protocol
        requires ignoring them rather than rejecting the packet.

        :param element: an element or element class
        :return: whether it is allowed
        """
        klass = element if isinstance(element, type) else type(element)
        return cls._rule_for(klass) is not None

    def validate_contains(self, children: Iterable['ProtocolElement']) -> None:
        """
        Check the containment rules of this element against `children` and validate each child.

        Whether a child is an unknown element (``unknown_element``) is a property of its class.

        :param children: the contained elements
        :raises ValidationError: when a child is not allowed, occurs too often, or a required child is missing
        """
        cls = type(self)
        rules = cls._rule_cache
        counts: dict[type[ProtocolElement], int] = {}
        for child in children:
            child_class = type(child)
            try:
                rule = rules[child_class]
            except KeyError:
                rule = cls._rule_for(child_class)
            if rule is _UNKNOWN_CHILD:
                child.validate()
                continue
            if rule is None:
                raise ValidationError(f"{cls.__name__} may not contain {child_class.__name__}")
            rule_class, maximum = rule
            count = counts.get(rule_class, 0) + 1
            if count > maximum:
                raise ValidationError(f"{cls.__name__} may contain {child_class.__name__} "
                                      f"at most {maximum} time{'s' if maximum != 1 else ''}")
            counts[rule_class] = count
            try:
                child.validate()
            except ValidationError as error:
                raise ValidationError(f"{cls.__name__} -> {error}") from None
        for rule_class, minimum in cls._required:
            if counts.get(rule_class, 0) < minimum:
                raise ValidationError(f"{cls.__name__} must contain {rule_class.__name__} "
                                      f"at least {minimum} time{'s' if minimum != 1 else ''}")

    # Python behaviour

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in self.fields)

    __hash__: Any = None  # elements are mutable; hashable ones define their own

    def __repr__(self) -> str:
        arguments = ', '.join(f'{name}={getattr(self, name)!r}' for name in self.fields)
        return f'{type(self).__name__}({arguments})'


#: The rule of unknown elements (see :meth:`ProtocolElement._rule_for`): allowed anywhere, in any number
_UNKNOWN_CHILD: tuple[type[ProtocolElement], int] = (ProtocolElement, INFINITE)
