"""Tests for dhcpkit.ipv6.domain_names: RFC 1035 names without compression, as RFC 8415 section 10 requires."""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dhcpkit.ipv6.domain_names import (MAX_LABEL_LENGTH, MAX_NAME_LENGTH, encode_domain_name, parse_domain_name,
                                       parse_domain_names, validate_domain_name)
from dhcpkit.protocol_element import MalformedInputError, ValidationError

NAMES = [
    (b'\x00', ''),
    (b'\x03com\x00', 'com'),
    (b'\x07example\x03com\x00', 'example.com'),
    (b'\x01a\x02b-\x03_c1\x00', 'a.b-._c1'),
    (bytes((63,)) + b'x' * 63 + b'\x00', 'x' * 63),
]


@pytest.mark.parametrize('wire, name', NAMES)
def test_parse_and_encode(wire: bytes, name: str) -> None:
    assert parse_domain_name(wire, 0, len(wire)) == (len(wire), name)
    assert encode_domain_name(name) == wire


def test_parse_at_offset_and_within_end() -> None:
    buffer = b'\xff\xff\x03www\x00\x03com\x00'
    assert parse_domain_name(buffer, 2, len(buffer)) == (5, 'www')
    assert parse_domain_name(buffer, 7, len(buffer)) == (5, 'com')


def test_trailing_dot_is_ignored_when_encoding() -> None:
    assert encode_domain_name('example.com.') == encode_domain_name('example.com')
    assert encode_domain_name('.') == b'\x00'


@pytest.mark.parametrize('wire, name', [
    (b'\x07example\x03com', 'example.com'),
    (b'\x04host', 'host'),
])
def test_relative_names(wire: bytes, name: str) -> None:
    assert parse_domain_name(wire, 0, len(wire), allow_relative=True) == (len(wire), name)
    assert encode_domain_name(name, relative=True) == wire
    # A relative name may also be followed by a root label, which makes it fully qualified
    assert parse_domain_name(wire + b'\x00', 0, len(wire) + 1, allow_relative=True) == (len(wire) + 1, name)


@pytest.mark.parametrize('wire, end, problem', [
    (b'', None, "not terminated"),
    (b'\x03com', None, "not terminated"),
    (b'\x03com\x00', 4, "not terminated"),  # the root label is past the end
    (b'\x05com\x00', None, "runs past the end"),
    (b'\x03c.m\x00', None, "contains a dot"),
    (b'\x03c\xffm\x00', None, "not ASCII"),
    (b'\xc0\x0c', None, "compression is not allowed"),
    (bytes((64,)) + b'x' * 64 + b'\x00', None, "over 63"),
])
def test_parse_rejects(wire: bytes, end: int | None, problem: str) -> None:
    with pytest.raises(MalformedInputError, match=problem):
        parse_domain_name(wire, 0, len(wire) if end is None else end, element='TestOption')


def test_parse_does_not_read_past_the_buffer() -> None:
    # An end beyond the buffer is clipped to the buffer
    with pytest.raises(MalformedInputError):
        parse_domain_name(b'\x03com', 0, 100)


def test_relative_parse_still_needs_a_label() -> None:
    with pytest.raises(MalformedInputError, match="not terminated"):
        parse_domain_name(b'', 0, 0, allow_relative=True)


def test_name_length_limit() -> None:
    # 4 labels of 63 bytes are 256 bytes with their lengths, 257 with the root label
    too_long = b''.join(bytes((63,)) + b'x' * 63 for _ in range(4)) + b'\x00'
    with pytest.raises(MalformedInputError, match=f"over {MAX_NAME_LENGTH}"):
        parse_domain_name(too_long, 0, len(too_long))
    with pytest.raises(ValidationError, match=f"longer than {MAX_NAME_LENGTH}"):
        encode_domain_name('.'.join(['x' * 63] * 4))
    # 3 labels of 63 and one of 61 make exactly 255 bytes
    longest = '.'.join(['x' * 63] * 3 + ['x' * 61])
    encoded = encode_domain_name(longest)
    assert len(encoded) == MAX_NAME_LENGTH
    assert parse_domain_name(encoded, 0, len(encoded)) == (MAX_NAME_LENGTH, longest)


@pytest.mark.parametrize('name', ['a..b', '.a', 'x' * (MAX_LABEL_LENGTH + 1), 'caf\u00e9.example'])
def test_encode_rejects(name: str) -> None:
    with pytest.raises(ValidationError):
        encode_domain_name(name)


def test_parse_list() -> None:
    wire = b'\x07example\x03com\x00\x03org\x00\x00'
    assert parse_domain_names(wire, 0, len(wire)) == ['example.com', 'org', '']
    assert parse_domain_names(wire, 0, 0) == []


def test_parse_list_must_fill_the_space() -> None:
    wire = b'\x07example\x03com\x00\x03org'
    with pytest.raises(MalformedInputError, match="not terminated"):
        parse_domain_names(wire, 0, len(wire), element='DomainSearchListOption')


def test_parse_list_errors_name_the_element() -> None:
    with pytest.raises(MalformedInputError) as info:
        parse_domain_names(b'\x05ab', 0, 3, element='DomainSearchListOption')
    assert info.value.element == 'DomainSearchListOption'


@pytest.mark.parametrize('name', ['example.com', 'example.com.', 'a-b.c_d.e1', '', '1.2.3.4.in-addr.arpa'])
def test_validate_accepts(name: str) -> None:
    validate_domain_name(name)


@pytest.mark.parametrize('name, relative', [
    ('-a.example', False),
    ('a-.example', False),
    ('a b.example', False),
    ('a..b', False),
    ('', True),
    ('.', True),
    (b'example.com', False),
    (None, False),
])
def test_validate_rejects(name: object, relative: bool) -> None:
    with pytest.raises(ValidationError):
        validate_domain_name(name, relative)  # type: ignore[arg-type]


def test_validate_relative() -> None:
    validate_domain_name('host', relative=True)
    validate_domain_name('host.example', relative=True)


labels = st.from_regex(r'\A[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?\Z')


@settings(max_examples=100, deadline=None)
@given(st.lists(labels, max_size=6), st.booleans())
def test_round_trip(name_labels: list[str], relative: bool) -> None:
    name = '.'.join(name_labels)
    if relative and not name:
        return
    validate_domain_name(name, relative)
    wire = encode_domain_name(name, relative)
    assert parse_domain_name(wire, 0, len(wire), allow_relative=relative) == (len(wire), name)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=80), st.booleans())
def test_parse_random_bytes(wire: bytes, relative: bool) -> None:
    try:
        used, name = parse_domain_name(wire, 0, len(wire), allow_relative=relative)
    except MalformedInputError:
        return
    try:
        fully_qualified = parse_domain_name(wire, 0, used) == (used, name)
    except MalformedInputError:
        fully_qualified = False
    assert encode_domain_name(name, relative=not fully_qualified) == wire[:used]
