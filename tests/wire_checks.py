"""
The checks that every wire-format test makes, written once so that each test file holds only its own tables.

Every protocol element is tested the same way (DESIGN.md, "Wire-format contract"): a table of (bytes, element)
pairs checked both ways, every truncated prefix and every length that claims more than the data refused with
MalformedInputError, invalid objects refused by validate(), and a Hypothesis round trip. The ``assert_*``
functions each make one of those checks; ``option_module_tests``, ``option_table_tests`` and
``message_table_tests`` turn a module's tables into the usual parametrised pytest functions, with the ids that
hand-written tests have.

This module is not a test module, so pytest does not rewrite its asserts; the asserts carry their own messages.
"""
from collections.abc import Callable, Collection, Iterable, Mapping
from typing import Any, NamedTuple, TypeVar

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis.strategies import SearchStrategy

from dhcpkit.ipv6.messages import Message
from dhcpkit.ipv6.option_base import Option
from dhcpkit.protocol_element import MalformedInputError, ProtocolElement, ValidationError

Element = TypeVar('Element', bound=ProtocolElement)


def with_length(data: bytes, length: int) -> bytes:
    """
    Replace the 16-bit length field of an option, to build options whose length disagrees with their data.

    :param data: an option: two bytes of code, two of length, then the data
    :param length: the length to claim
    :return: the option with the new length and the same data
    """
    return data[:2] + length.to_bytes(2, 'big') + data[4:]


def assert_parses(base: type[ProtocolElement], data: bytes, element: Element) -> Element:
    """
    Check that ``base.parse`` picks the element's own class from the type code, uses every byte and gives an equal
    element: the registry lookup and the parse direction of a wire table row.

    :return: the parsed element, for checks of its own
    """
    used, parsed = base.parse(data)
    assert used == len(data), f"{base.__name__}.parse used {used} of {len(data)} bytes"
    assert type(parsed) is type(element), f"parsed a {type(parsed).__name__}, not a {type(element).__name__}"
    assert parsed == element, f"parsed {parsed!r}, expected {element!r}"
    return parsed


def assert_parses_inside(base: type[ProtocolElement], data: bytes, element: ProtocolElement, before: bytes = b'\xff',
                         after: bytes = b'\xff', length: int | None = None) -> None:
    """
    Check that the element parses the same at an offset in a larger buffer and leaves the bytes around it alone:
    parsing must not assume that an element starts at 0 or ends the buffer.

    :param before: the bytes in front of the element
    :param after: the bytes behind it
    :param length: the length to hand to parse (elements without a length field of their own need it)
    """
    result = base.parse(before + data + after, len(before), length)
    assert result == (len(data), element), f"parsed {result!r} at offset {len(before)}, expected {element!r}"


def assert_saves(element: ProtocolElement, data: bytes) -> None:
    """Check that ``save()`` gives exactly the bytes of the table: the other direction of a wire table row."""
    saved = element.save()
    assert saved == data, f"{element!r} saved as {saved.hex()}, expected {data.hex()}"


def assert_prefixes_malformed(base: type[ProtocolElement], data: bytes, whole: Collection[int] = ()) -> None:
    """
    Check that every prefix of the data shorter than all of it raises MalformedInputError, so that a cut-off
    packet is never mistaken for a complete one.

    :param whole: lengths at which a prefix is itself well-formed (a message cut between two options); the caller
                  checks what those parse to
    """
    for length in range(len(data)):
        if length not in whole:
            with pytest.raises(MalformedInputError):
                base.parse(data[:length])


def assert_length_past_data_malformed(base: type[ProtocolElement], data: bytes, extras: Iterable[int] = (1,),
                                      match: str | None = None) -> None:
    """
    Check that an option whose length field claims more bytes than it has raises MalformedInputError instead of
    reading past its data.

    :param data: a whole option, with no bytes after it
    :param extras: how many bytes more than the data each variant claims
    :param match: a pattern the error message must contain
    """
    for extra in extras:
        with pytest.raises(MalformedInputError, match=match):
            base.parse(with_length(data, len(data) - 4 + extra))


def assert_malformed(base: type[ProtocolElement], data: bytes, match: str | None = None) -> None:
    """Check that parsing the data raises MalformedInputError (whose message contains ``match``, if given)."""
    with pytest.raises(MalformedInputError, match=match):
        base.parse(data)


def assert_invalid(element: ProtocolElement, match: str | None = None) -> None:
    """Check that ``validate()`` raises ValidationError (whose message contains ``match``, if given)."""
    with pytest.raises(ValidationError, match=match):
        element.validate()


def assert_round_trip(element: Element, base: type[ProtocolElement] | None = None) -> Element:
    """
    Check that a valid element saves to bytes that parse back to an equal element, which saves to the same bytes:
    the property that the shared round-trip test checks for every strategy.

    :param base: the class to parse with; the element's own class when None
    :return: the parsed element
    """
    element.validate()
    wire = element.save()
    parsed = assert_parses(type(element) if base is None else base, wire, element)
    assert parsed.save() == wire, f"{parsed!r} saved as {parsed.save().hex()} after parsing {wire.hex()}"
    return parsed


def assert_strategy_round_trips(element_class: type[ProtocolElement], strategy: SearchStrategy[Any]) -> None:
    """Run :func:`assert_round_trip` on examples from a strategy, which must build instances of exactly the class."""
    # How fast examples are drawn is not what this tests, and on a busy machine it varies too much to check
    @settings(suppress_health_check=[HealthCheck.too_slow])
    @given(strategy)
    def check(element: ProtocolElement) -> None:
        assert type(element) is element_class, f"the strategy built a {type(element).__name__}"
        assert_round_trip(element)

    check()


class OptionTableTests(NamedTuple):
    """The tests :func:`option_table_tests` makes, in this order, named as a test module would usually bind them."""
    test_parse: Callable[[bytes, Option], None]
    test_save: Callable[[bytes, Option], None]
    test_validate: Callable[[bytes, Option], None]
    test_truncated: Callable[[bytes, Option], None]
    test_option_length_past_data: Callable[[bytes, Option], None]


def option_table_tests(cases: Iterable[tuple[bytes, Option]]) -> OptionTableTests:
    """
    Make the tests every table of (bytes, option) pairs gets: parse through the option registry, save, validate,
    every truncated prefix malformed, and an option length one past the data malformed.

    The tests take the arguments ``data, option``, so pytest gives them the ids that hand-written tests had. A test
    module binds them, under these names or its own, for pytest to collect them there.
    """
    table = pytest.mark.parametrize('data, option', list(cases))

    @table
    def test_parse(data: bytes, option: Option) -> None:
        assert_parses(Option, data, option)

    @table
    def test_save(data: bytes, option: Option) -> None:
        assert_saves(option, data)

    @table
    def test_validate(data: bytes, option: Option) -> None:
        option.validate()

    @table
    def test_truncated(data: bytes, option: Option) -> None:
        assert_prefixes_malformed(Option, data)

    @table
    def test_option_length_past_data(data: bytes, option: Option) -> None:
        assert_length_past_data_malformed(Option, data)

    return OptionTableTests(test_parse, test_save, test_validate, test_truncated, test_option_length_past_data)


class OptionModuleTests(NamedTuple):
    """The tests :func:`option_module_tests` makes, in this order, named as a test module binds them."""
    test_parse: Callable[[bytes, Option], None]
    test_save: Callable[[bytes, Option], None]
    test_validate: Callable[[bytes, Option], None]
    test_truncated: Callable[[bytes, Option], None]
    test_option_length_past_data: Callable[[bytes, Option], None]
    test_validate_invalid: Callable[[Option], None]
    test_malformed: Callable[[bytes], None]
    test_roundtrip: Callable[[type[ProtocolElement]], None]


def option_module_tests(cases: Iterable[tuple[bytes, Option]], invalid: Iterable[Option], malformed: Iterable[bytes],
                        strategies: Mapping[type[ProtocolElement], SearchStrategy[Any]]) -> OptionModuleTests:
    """
    Make the standard tests of a module of options from its tables: those of :func:`option_table_tests`, validate()
    rejecting each invalid option (``option``), each malformed byte string refused (``data``), and the round trip
    of each strategy (``option_class``), with the argument names that give the hand-written tests' ids.

    :param cases: (bytes, option) pairs of valid options
    :param invalid: options that validate() must reject
    :param malformed: byte strings that must not parse as an option
    :param strategies: the module's STRATEGIES, each building valid instances of its class
    """
    @pytest.mark.parametrize('option', list(invalid))
    def test_validate_invalid(option: Option) -> None:
        assert_invalid(option)

    @pytest.mark.parametrize('data', list(malformed))
    def test_malformed(data: bytes) -> None:
        assert_malformed(Option, data)

    @pytest.mark.parametrize('option_class', list(strategies))
    def test_roundtrip(option_class: type[ProtocolElement]) -> None:
        assert_strategy_round_trips(option_class, strategies[option_class])

    return OptionModuleTests(*option_table_tests(cases), test_validate_invalid, test_malformed, test_roundtrip)


class MessageTableTests(NamedTuple):
    """The tests :func:`message_table_tests` makes, in this order."""
    test_parse: Callable[[bytes, Message], None]
    test_save: Callable[[bytes, Message], None]
    test_validate: Callable[[bytes, Message], None]


def message_table_tests(cases: Iterable[tuple[bytes, Message]]) -> MessageTableTests:
    """
    Make the tests of a table of (bytes, message) pairs: parse through the message registry, save and validate.
    Truncation is left to the caller, because a message cut between two options is still well-formed.

    The tests take the arguments ``data, message``, so pytest gives them the ids that hand-written tests had.
    """
    table = pytest.mark.parametrize('data, message', list(cases))

    @table
    def test_parse(data: bytes, message: Message) -> None:
        assert_parses(Message, data, message)

    @table
    def test_save(data: bytes, message: Message) -> None:
        assert_saves(message, data)

    @table
    def test_validate(data: bytes, message: Message) -> None:
        message.validate()

    return MessageTableTests(test_parse, test_save, test_validate)
