"""Tests for dhcpkit.protocol_element: errors, check_length, nesting limits, containment rules, equality."""
import struct
import threading
from ipaddress import IPv6Address
from typing import Sequence

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dhcpkit.ipv6 import HOP_COUNT_LIMIT
from dhcpkit.ipv6.duids import LinkLayerDUID
from dhcpkit.ipv6.messages import Message, RelayForwardMessage, SolicitMessage
from dhcpkit.ipv6.option_base import Option
from dhcpkit.ipv6.options import (ClientIdOption, IAAddressOption, IANAOption, InterfaceIdOption,
                                  RelayMessageOption, StatusCodeOption)
from dhcpkit.protocol_element import (INFINITE, MAX_NESTING_DEPTH, MalformedInputError, ProtocolElement,
                                      ValidationError, check_length, enter_nested, leave_nested)
from tests.strategies import all_strategies

# Errors


def test_errors_are_value_errors_but_distinct() -> None:
    assert issubclass(MalformedInputError, ValueError)
    assert issubclass(ValidationError, ValueError)
    assert not issubclass(MalformedInputError, ValidationError)
    assert not issubclass(ValidationError, MalformedInputError)


def test_malformed_input_error_says_what_and_where() -> None:
    error = MalformedInputError('IANAOption', 12, "too short")
    assert error.element == 'IANAOption'
    assert error.offset == 12
    assert error.problem == "too short"
    assert str(error) == "IANAOption at offset 12: too short"


# check_length


@pytest.mark.parametrize('buffer, offset, length, minimum, expected', [
    (b'abcdef', 0, None, 0, 6),
    (b'abcdef', 2, None, 4, 4),
    (b'abcdef', 2, 3, 3, 3),
    (b'abcdef', 6, None, 0, 0),
    (b'abcdef', 6, 0, 0, 0),
    (b'', 0, None, 0, 0),
])
def test_check_length_accepts(buffer: bytes, offset: int, length: int | None, minimum: int, expected: int) -> None:
    assert check_length('Thing', buffer, offset, length, minimum) == expected


@pytest.mark.parametrize('buffer, offset, length, minimum, problem', [
    (b'abcdef', 7, None, 0, "outside the buffer"),
    (b'abcdef', -1, None, 0, "outside the buffer"),
    (b'abcdef', 2, 5, 0, "5 bytes requested but only 4 available"),
    (b'abcdef', 0, -1, 0, "requested"),
    (b'abcdef', 2, None, 5, "needs at least 5 bytes, got 4"),
    (b'abcdef', 0, 2, 3, "needs at least 3 bytes, got 2"),
])
def test_check_length_rejects(buffer: bytes, offset: int, length: int | None, minimum: int, problem: str) -> None:
    with pytest.raises(MalformedInputError, match=problem) as info:
        check_length('Thing', buffer, offset, length, minimum)
    assert info.value.element == 'Thing'
    assert info.value.offset == offset


# Nesting


def _depth() -> int:
    from dhcpkit.protocol_element import nesting
    return nesting.depth


def test_enter_nested_limits_depth() -> None:
    start = _depth()
    entered = 0
    try:
        with pytest.raises(MalformedInputError, match=f"nested more than {MAX_NESTING_DEPTH} deep"):
            for _ in range(MAX_NESTING_DEPTH + 1):
                enter_nested('Thing', 0)
                entered += 1
        assert entered == MAX_NESTING_DEPTH - start
    finally:
        for _ in range(entered):
            leave_nested()
    assert _depth() == start


def test_nesting_is_counted_per_thread() -> None:
    results: list[int] = []
    enter_nested('Thing', 0)
    try:
        thread = threading.Thread(target=lambda: results.append(_depth()))
        thread.start()
        thread.join()
    finally:
        leave_nested()
    assert results == [0]


def _relay_forward_chain(depth: int, inner: bytes) -> bytes:
    """`depth` Relay-forward messages, each in the Relay Message option of the one outside it."""
    data = inner
    for hop in range(depth):
        option = struct.pack('!HH', 9, len(data)) + data
        data = bytes((12, hop % 256)) + bytes(32) + option
    return data


def _iana_chain(depth: int) -> bytes:
    """`depth` IA_NA options, each inside the one outside it."""
    data = b''
    for _ in range(depth):
        data = struct.pack('!HH', 3, 12 + len(data)) + b'iaid' + bytes(8) + data
    return data


SOLICIT = SolicitMessage(b'abc', [ClientIdOption(LinkLayerDUID(1, b'\x00\x01\x02\x03\x04\x05'))]).save()


def test_deep_relay_chain_is_malformed_not_recursion_error() -> None:
    data = _relay_forward_chain(100, SOLICIT)
    with pytest.raises(MalformedInputError, match="nested"):
        Message.parse(data)
    assert _depth() == 0
    # The thread can parse normally afterwards
    assert Message.parse(SOLICIT)[0] == len(SOLICIT)


def test_chains_deeper_than_the_recursion_limit_are_malformed() -> None:
    # As deep as 16-bit option lengths allow: far past Python's default recursion limit of 1000
    with pytest.raises(MalformedInputError, match="nested"):
        Message.parse(_relay_forward_chain(1700, SOLICIT))
    with pytest.raises(MalformedInputError, match="nested"):
        Option.parse(_iana_chain(4000))
    assert _depth() == 0


def test_deep_iana_chain_is_malformed_not_recursion_error() -> None:
    data = _iana_chain(100)
    with pytest.raises(MalformedInputError, match="nested"):
        Option.parse(data)
    message = SOLICIT + data
    with pytest.raises(MalformedInputError, match="nested"):
        Message.parse(message)
    assert _depth() == 0


def test_legal_relay_chain_parses() -> None:
    # A client message through HOP_COUNT_LIMIT relays, wrapped once more by the server itself, with IA_NA ->
    # IA Address -> Status Code inside
    address = IAAddressOption(IPv6Address('2001:db8::1'), 10, 20, [StatusCodeOption(0, 'ok')])
    message: Message = SolicitMessage(b'abc', [ClientIdOption(LinkLayerDUID(1, b'\x00' * 6)),
                                               IANAOption(b'iaid', 0, 0, [address])])
    for hop in range(HOP_COUNT_LIMIT + 1):
        message = RelayForwardMessage(hop, IPv6Address('::'), IPv6Address('fe80::1'),
                                      [InterfaceIdOption(b'eth0'), RelayMessageOption(message)])
    data = message.save()
    used, parsed = Message.parse(data)
    assert used == len(data)
    assert parsed == message
    parsed.validate()


def test_moderate_iana_chain_parses_and_fails_validation() -> None:
    # Structure is fine, so parsing works; IA_NA inside IA_NA is not allowed, which validate() reports
    data = _iana_chain(10)
    used, option = Option.parse(data)
    assert used == len(data)
    assert option.save() == data
    with pytest.raises(ValidationError, match="IANAOption may not contain IANAOption"):
        option.validate()


# Containment rules, on small element classes of our own


class Leaf(ProtocolElement):
    __slots__ = ('value',)

    def __init__(self, value: int = 0):
        self.value = value

    def validate(self) -> None:
        if self.value < 0:
            raise ValidationError(f"Leaf.value {self.value} is negative")


class SpecialLeaf(Leaf):
    __slots__ = ()


class OtherLeaf(ProtocolElement):
    __slots__ = ()

    def __init__(self) -> None:
        pass


class MysteryLeaf(ProtocolElement):
    __slots__ = ()
    unknown_element = True

    def __init__(self) -> None:
        pass


class Tree(ProtocolElement):
    __slots__ = ('children',)

    def __init__(self, children: list[ProtocolElement] | None = None):
        self.children = [] if children is None else children

    def contained_elements(self) -> Sequence[ProtocolElement]:
        return self.children


class Forest(Tree):
    __slots__ = ()


class Bush(Tree):
    __slots__ = ()


Tree.add_may_contain(Leaf, 1, 2)
Tree.add_may_contain(OtherLeaf)
Bush.add_may_contain(SpecialLeaf, 0, 1)


def test_may_contain() -> None:
    assert Tree.may_contain(Leaf)
    assert Tree.may_contain(Leaf(1))
    assert Tree.may_contain(SpecialLeaf)  # a subclass of an allowed class
    assert Tree.may_contain(OtherLeaf())
    assert not Tree.may_contain(Tree)
    assert Tree.may_contain(MysteryLeaf)  # unknown elements are always allowed
    assert Bush.may_contain(SpecialLeaf)
    assert not Bush.may_contain(Leaf)


def test_rules_are_per_class() -> None:
    # A subclass starts with no rules of its own
    assert not Forest.may_contain(Leaf)
    assert Forest.may_contain(MysteryLeaf)
    assert not Tree.may_contain(Forest)


def test_add_may_contain_checks_limits() -> None:
    with pytest.raises(ValueError):
        Forest.add_may_contain(Leaf, 2, 1)
    with pytest.raises(ValueError):
        Forest.add_may_contain(Leaf, -1, 1)
    assert not Forest.may_contain(Leaf)


def test_default_maximum_is_unlimited() -> None:
    Tree(children=[Leaf(1)] + [OtherLeaf()] * 100).validate()
    assert Tree._may_contain[OtherLeaf] == (0, INFINITE)


@pytest.mark.parametrize('children', [
    [Leaf(1)],
    [Leaf(1), Leaf(2)],
    [SpecialLeaf(1), OtherLeaf()],
    [MysteryLeaf(), Leaf(0), MysteryLeaf()],
])
def test_validate_contains_accepts(children: list[ProtocolElement]) -> None:
    Tree(children).validate()


@pytest.mark.parametrize('children, message', [
    ([], "Tree must contain Leaf at least 1 time$"),
    ([OtherLeaf()], "Tree must contain Leaf at least 1 time$"),
    ([Leaf(1), Leaf(2), Leaf(3)], "Tree may contain Leaf at most 2 times$"),
    ([Leaf(1), SpecialLeaf(2), Leaf(3)], "Tree may contain Leaf at most 2 times$"),
    ([Leaf(1), Tree([Leaf(1)])], "Tree may not contain Tree$"),
    ([Leaf(-1)], "^Tree -> Leaf.value -1 is negative$"),
])
def test_validate_contains_rejects(children: list[ProtocolElement], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        Tree(children).validate()


def test_validate_contains_counts_subclasses_under_their_own_rule() -> None:
    Bush([SpecialLeaf(1)]).validate()
    with pytest.raises(ValidationError, match="Bush may contain SpecialLeaf at most 1 time$"):
        Bush([SpecialLeaf(1), SpecialLeaf(2)]).validate()
    with pytest.raises(ValidationError, match="Bush may not contain Leaf"):
        Bush([Leaf(1)]).validate()


def test_unknown_elements_are_not_counted_and_validated_without_a_prefix() -> None:
    class BrokenMystery(MysteryLeaf):
        __slots__ = ()

        def validate(self) -> None:
            raise ValidationError("mystery")

    Tree([Leaf(1), Leaf(2)] + [MysteryLeaf()] * 3).validate()
    with pytest.raises(ValidationError, match="^mystery$"):
        Tree([Leaf(1), BrokenMystery()]).validate()


def test_rules_added_later_apply_at_once() -> None:
    class Grove(Tree):
        __slots__ = ()

    Grove.add_may_contain(OtherLeaf)
    Grove([OtherLeaf()]).validate()  # fills the rule cache
    Grove.add_may_contain(Leaf, 1, 1)
    with pytest.raises(ValidationError, match="Grove must contain Leaf at least 1 time$"):
        Grove([OtherLeaf()]).validate()
    with pytest.raises(ValidationError, match="Grove may contain Leaf at most 1 time$"):
        Grove([Leaf(1), Leaf(2)]).validate()
    Grove([OtherLeaf(), Leaf(1)]).validate()


def test_nested_validation_errors_name_the_path() -> None:
    relay = RelayForwardMessage(0, IPv6Address('::'), IPv6Address('fe80::1'),
                                [RelayMessageOption(SolicitMessage(b'abc', []))])
    with pytest.raises(ValidationError, match="^RelayForwardMessage -> SolicitMessage must contain ClientIdOption"):
        relay.validate()


# validated_length


def _elements(element: ProtocolElement) -> list[ProtocolElement]:
    """The element and every element inside it."""
    found = [element]
    for name in type(element).fields:
        value = getattr(element, name)
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, ProtocolElement):
                found.extend(_elements(item))
    return found


STRATEGIES = all_strategies()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_validated_length_is_the_length_of_save(data: st.DataObject) -> None:
    klass = data.draw(st.sampled_from(sorted(STRATEGIES, key=lambda klass: f'{klass.__module__}.{klass.__name__}')))
    element = data.draw(STRATEGIES[klass])
    element.validate()
    for part in _elements(element):
        assert part.validated_length() == len(part.save()), repr(part)


def test_a_new_save_without_a_new_length_measures_the_bytes() -> None:
    class Saved(Leaf):
        __slots__ = ()

        def save(self) -> bytes:
            return b'x' * self.value

        def validated_length(self) -> int:
            return 1

    class SavedDifferently(Saved):
        __slots__ = ()

        def save(self) -> bytes:
            return b'y' * (self.value + 1)

    assert Saved(5).validated_length() == 1
    assert SavedDifferently.validated_length is ProtocolElement.validated_length
    assert SavedDifferently(5).validated_length() == 6


# Python behaviour


def test_fields_come_from_the_constructor() -> None:
    assert Leaf.fields == ('value',)
    assert Tree.fields == ('children',)
    assert Forest.fields == ('children',)
    assert OtherLeaf.fields == ()


def test_equality_compares_type_and_fields() -> None:
    assert Leaf(1) == Leaf(1)
    assert Leaf(1) != Leaf(2)
    assert Leaf(1) != SpecialLeaf(1)
    assert Leaf(1) != 1
    assert Tree([Leaf(1)]) == Tree([Leaf(1)])
    assert Tree([Leaf(1)]) != Forest([Leaf(1)])


def test_elements_are_not_hashable_by_default() -> None:
    with pytest.raises(TypeError):
        hash(Leaf(1))


def test_repr_is_a_constructor_call() -> None:
    assert repr(Tree([Leaf(1), OtherLeaf()])) == 'Tree(children=[Leaf(value=1), OtherLeaf()])'
    option = StatusCodeOption(2, 'none')
    assert repr(option) == "StatusCodeOption(status_code=2, status_message='none')"
    assert eval(repr(option), {'StatusCodeOption': StatusCodeOption}) == option
