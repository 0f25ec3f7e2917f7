"""Tests for dhcpkit.ipv6.duids: DUID-LLT, DUID-EN, DUID-LL (RFC 8415 section 11), DUID-UUID (RFC 6355)."""
from uuid import UUID

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dhcpkit.ipv6.duids import (DUID, DUID_EN, DUID_LL, DUID_LLT, DUID_UUID, MAX_DUID_LENGTH, EnterpriseDUID,
                                LinkLayerDUID, LinkLayerTimeDUID, UnknownDUID, UUIDDUID)
from dhcpkit.protocol_element import MalformedInputError, ValidationError
from tests.strategies.core import STRATEGIES
from tests.wire_checks import (assert_invalid, assert_malformed, assert_parses, assert_parses_inside, assert_round_trip,
                               assert_saves)


def h(text: str) -> bytes:
    """Hex with spaces for readability."""
    return bytes.fromhex(text.replace(' ', ''))


MAC = h('000102030405')
SOME_UUID = UUID('12345678-1234-5678-1234-567812345678')

WIRE_TABLE: list[tuple[bytes, DUID]] = [
    (h('0001 0001 329903e6 9e455e4c2aad'), LinkLayerTimeDUID(1, 0x329903e6, h('9e455e4c2aad'))),
    (h('0001 ffff ffffffff 01'), LinkLayerTimeDUID(0xffff, 0xffffffff, b'\x01')),
    (h('0002 00007ed9 737276'), EnterpriseDUID(32473, b'srv')),
    (h('0002 ffffffff 00'), EnterpriseDUID(0xffffffff, b'\x00')),
    (h('0003 0001 000102030405'), LinkLayerDUID(1, MAC)),
    (h('0003 0020 0102030405060708090a0b0c0d0e0f1011121314'),
     LinkLayerDUID(32, h('0102030405060708090a0b0c0d0e0f1011121314'))),
    (h('0004 12345678123456781234567812345678'), UUIDDUID(SOME_UUID)),
    (h('ff00 616263'), UnknownDUID(0xff00, b'abc')),
    (h('0000 78'), UnknownDUID(0, b'x')),
]

#: The smallest valid wire length of each class: anything shorter is malformed
MINIMUM_LENGTH = {LinkLayerTimeDUID: 8, EnterpriseDUID: 6, LinkLayerDUID: 4, UUIDDUID: 18, UnknownDUID: 2}


def _id(value: object) -> str:
    return type(value).__name__ if isinstance(value, DUID) else ''


def test_constants() -> None:
    assert (DUID_LLT, DUID_EN, DUID_LL, DUID_UUID) == (1, 2, 3, 4)
    assert MAX_DUID_LENGTH == 130  # 2 bytes of type code and at most 128 bytes of identifier
    for klass, code in ((LinkLayerTimeDUID, 1), (EnterpriseDUID, 2), (LinkLayerDUID, 3), (UUIDDUID, 4)):
        assert klass.duid_type == code


@pytest.mark.parametrize('data, duid', WIRE_TABLE, ids=_id)
def test_parse(data: bytes, duid: DUID) -> None:
    assert_parses(DUID, data, duid)
    assert_parses(type(duid), data, duid)
    # Within a larger buffer, a DUID uses exactly the length it is given
    assert_parses_inside(DUID, data, duid, before=b'\xee', after=b'\xee', length=len(data))


@pytest.mark.parametrize('data, duid', WIRE_TABLE, ids=_id)
def test_save(data: bytes, duid: DUID) -> None:
    assert_saves(duid, data)


@pytest.mark.parametrize('data, duid', WIRE_TABLE, ids=_id)
def test_validate(data: bytes, duid: DUID) -> None:
    duid.validate()


@pytest.mark.parametrize('data, duid', WIRE_TABLE, ids=_id)
def test_truncated(data: bytes, duid: DUID) -> None:
    for length in range(MINIMUM_LENGTH[type(duid)]):
        with pytest.raises(MalformedInputError):
            DUID.parse(data[:length])
        with pytest.raises(MalformedInputError):
            DUID.parse(data, 0, length)


@pytest.mark.parametrize('data, duid', WIRE_TABLE, ids=_id)
def test_length_past_the_buffer(data: bytes, duid: DUID) -> None:
    with pytest.raises(MalformedInputError, match="requested"):
        DUID.parse(data, 0, len(data) + 1)


@pytest.mark.parametrize('data, problem', [
    (b'', "too short for a DUID type"),
    (b'\x00', "too short for a DUID type"),
    (h('0001 0001 329903'), "LinkLayerTimeDUID .*needs at least 8"),
    (h('0002 000000'), "EnterpriseDUID .*needs at least 6"),
    (h('0003 00'), "LinkLayerDUID .*needs at least 4"),
    (h('0004 123456781234567812345678123456'), "UUIDDUID .*needs at least 18"),
    (h('0004 1234567812345678123456781234567800'), "UUIDDUID .*length 19, expected 18"),
])
def test_malformed(data: bytes, problem: str) -> None:
    assert_malformed(DUID, data, problem)


def test_wrong_class() -> None:
    with pytest.raises(MalformedInputError, match="found a LinkLayerTimeDUID instead"):
        LinkLayerDUID.parse(h('0001 0001 329903e6 9e455e4c2aad'))
    duid = LinkLayerDUID.__new__(LinkLayerDUID)
    with pytest.raises(MalformedInputError, match="DUID type 1 is not 3"):
        duid.load_from(h('0001 0001 329903e6 9e455e4c2aad'))


@pytest.mark.parametrize('duid, data, problem', [
    (LinkLayerTimeDUID(1, 2, b'\x03'), h('0003 0001 329903e6 9e455e4c2aad'),
     "^LinkLayerTimeDUID at offset 0: DUID type 3 is not 1$"),
    (EnterpriseDUID(1, b'\x02'), h('0001 0001 329903e6 9e455e4c2aad'),
     "^EnterpriseDUID at offset 0: DUID type 1 is not 2$"),
    (LinkLayerDUID(1, b'\x02'), h('0002 0001 329903e6 9e455e4c2aad'),
     "^LinkLayerDUID at offset 0: DUID type 2 is not 3$"),
], ids=_id)
def test_load_from_another_type_leaves_the_duid_alone(duid: DUID, data: bytes, problem: str) -> None:
    before = repr(duid)
    with pytest.raises(MalformedInputError, match=problem):
        duid.load_from(data)
    assert repr(duid) == before


@pytest.mark.parametrize('duid, problem', [
    (LinkLayerTimeDUID(-1, 0, MAC), r"LinkLayerTimeDUID.hardware_type must be a 16-bit unsigned integer"),
    (LinkLayerTimeDUID(65536, 0, MAC), r"LinkLayerTimeDUID.hardware_type"),
    (LinkLayerTimeDUID(1, 2 ** 32, MAC), r"LinkLayerTimeDUID.time must be a 32-bit unsigned integer"),
    (LinkLayerTimeDUID(1, -1, MAC), r"LinkLayerTimeDUID.time"),
    (LinkLayerTimeDUID(1, 0, 'mac'), r"LinkLayerTimeDUID.link_layer_address"),  # type: ignore[arg-type]
    (LinkLayerTimeDUID(1, 0, b'x' * 123), r"LinkLayerTimeDUID is longer than 130 bytes"),
    (EnterpriseDUID(-1, b'x'), r"EnterpriseDUID.enterprise_number must be a 32-bit unsigned integer"),
    (EnterpriseDUID(2 ** 32, b'x'), r"EnterpriseDUID.enterprise_number"),
    (EnterpriseDUID(9, 'id'), r"EnterpriseDUID.identifier"),  # type: ignore[arg-type]
    (EnterpriseDUID(9, b'x' * 125), r"EnterpriseDUID is longer than 130 bytes"),
    (LinkLayerDUID(65536, MAC), r"LinkLayerDUID.hardware_type"),
    (LinkLayerDUID(1, b'x' * 127), r"LinkLayerDUID is longer than 130 bytes"),
    (UUIDDUID(str(SOME_UUID)), r"UUIDDUID.uuid must be a UUID"),  # type: ignore[arg-type]
    (UUIDDUID(SOME_UUID.bytes), r"UUIDDUID.uuid must be a UUID"),  # type: ignore[arg-type]
    (UnknownDUID(65536, b'x'), r"UnknownDUID type 65536 is not a 16-bit unsigned integer"),
    (UnknownDUID(-1, b'x'), r"UnknownDUID type"),
    (UnknownDUID(0xff00, 'x'), r"UnknownDUID data must be at least one byte"),  # type: ignore[arg-type]
    (UnknownDUID(0xff00, b'x' * 129), r"UnknownDUID is longer than 130 bytes"),
])
def test_validate_rejects(duid: DUID, problem: str) -> None:
    assert_invalid(duid, problem)


@pytest.mark.parametrize('duid', [
    LinkLayerTimeDUID(1, 0, b'x' * 122),
    EnterpriseDUID(9, b'x' * 124),
    LinkLayerDUID(1, b'x' * 126),
    UnknownDUID(0xff00, b'x' * 128),
    LinkLayerDUID(0, b'\x00'),
    # Opaque values (RFC 8415 section 11): without an address or identifier they are still long enough
    LinkLayerDUID(1, b''),
    LinkLayerTimeDUID(1, 0, b''),
    EnterpriseDUID(9, b''),
])
def test_validate_length_limits(duid: DUID) -> None:
    duid.validate()
    assert len(duid.save()) <= MAX_DUID_LENGTH


def test_unknown_duid_needs_an_identifier() -> None:
    with pytest.raises(ValidationError):
        UnknownDUID(0xff00, b'').validate()


def test_unknown_duid_is_unknown() -> None:
    assert UnknownDUID.unknown_element
    assert DUID.determine_class(h('ff00 00')) is UnknownDUID
    assert DUID.determine_class(h('0003 0001')) is LinkLayerDUID


def test_hashable_and_equal() -> None:
    first = LinkLayerDUID(1, MAC)
    same = LinkLayerDUID(1, bytes(MAC))
    other = LinkLayerDUID(1, h('000102030406'))
    assert first == same
    assert hash(first) == hash(same)
    assert first != other
    assert len({first, same, other}) == 2
    bindings: dict[DUID, str] = {first: 'lease'}
    assert bindings[DUID.parse(h('0003 0001 000102030405'))[1]] == 'lease'
    # Same bytes, different class: not equal
    assert LinkLayerDUID(1, MAC) != UnknownDUID(3, h('0001') + MAC)
    assert EnterpriseDUID(1, b'x') != LinkLayerDUID(1, b'x')
    for _data, duid in WIRE_TABLE:
        assert hash(duid) == hash(DUID.parse(duid.save())[1])


def test_repr() -> None:
    assert repr(LinkLayerDUID(1, MAC)) == ("LinkLayerDUID(hardware_type=1, "
                                           "link_layer_address=b'\\x00\\x01\\x02\\x03\\x04\\x05')")
    assert eval(repr(UUIDDUID(SOME_UUID)), {'UUIDDUID': UUIDDUID, 'UUID': UUID}) == UUIDDUID(SOME_UUID)


DUID_CLASSES = [LinkLayerTimeDUID, EnterpriseDUID, LinkLayerDUID, UUIDDUID, UnknownDUID]


@pytest.mark.parametrize('klass', DUID_CLASSES, ids=lambda klass: klass.__name__)
@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_round_trip(klass: type[DUID], data: st.DataObject) -> None:
    duid = data.draw(STRATEGIES[klass])
    parsed = assert_round_trip(duid, DUID)
    assert hash(parsed) == hash(duid)


@pytest.mark.parametrize('duid', [
    pytest.param(LinkLayerDUID(65536, MAC), id='LinkLayerDUID'),
    pytest.param(LinkLayerTimeDUID(1, 2 ** 32, MAC), id='LinkLayerTimeDUID'),
    pytest.param(EnterpriseDUID(-1, b'x'), id='EnterpriseDUID'),
    pytest.param(UnknownDUID(65536, b'x'), id='UnknownDUID'),
])
def test_save_rejects_out_of_range_fields(duid: DUID) -> None:
    with pytest.raises(ValidationError):
        duid.save()
