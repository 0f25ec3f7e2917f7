"""
Tests for dhcpkit.ipv6.option_base: the option header, the registry lookup, UnknownOption, parse_options, and each
shape base class, through small sample subclasses in an option space of their own.
"""
import struct
from ipaddress import IPv6Address
from struct import Struct
from typing import Any

import pytest

from dhcpkit.ipv6.option_base import (AddressListOption, ContainerOption, DomainListOption, EmptyOption, OpaqueOption,
                                      Option, OptionCodeListOption, SingleDomainNameOption, StringOption,
                                      UnknownOption, UnsignedIntegerOption, is_unicast_address, option_registry,
                                      parse_options, save_options)
from dhcpkit.ipv6.options import ClientIdOption, IAAddressOption, IANAOption, PreferenceOption, StatusCodeOption
from dhcpkit.protocol_element import MalformedInputError, ValidationError
from tests.wire_checks import (assert_invalid, assert_length_past_data_malformed, assert_malformed, assert_parses,
                               assert_parses_inside, assert_prefixes_malformed, assert_saves)

#: The option space of the sample options, separate from the real registry
SAMPLE_REGISTRY: dict[int, type[Option]] = {}


def sample(klass: Any) -> Any:
    """Put a sample option class in the sample space."""
    klass.registry = SAMPLE_REGISTRY
    SAMPLE_REGISTRY[klass.option_type] = klass
    return klass


@sample
class SampleEmptyOption(EmptyOption):
    __slots__ = ()
    option_type = 0xff01


@sample
class SampleByteOption(UnsignedIntegerOption):
    __slots__ = ('value',)
    option_type = 0xff02
    value_name = 'value'
    value_struct = Struct('!B')

    def __init__(self, value: int = 0):
        self.value = value


@sample
class SampleLongOption(UnsignedIntegerOption):
    __slots__ = ('value',)
    option_type = 0xff03
    value_name = 'value'
    value_struct = Struct('!I')

    def __init__(self, value: int = 0):
        self.value = value


@sample
class SampleOpaqueOption(OpaqueOption):
    __slots__ = ('blob',)
    option_type = 0xff04
    value_name = 'blob'
    minimum_length = 2

    def __init__(self, blob: bytes = b''):
        self.blob = blob


@sample
class SampleStringOption(StringOption):
    __slots__ = ('text',)
    option_type = 0xff05
    value_name = 'text'

    def __init__(self, text: str = ''):
        self.text = text


@sample
class SampleUTF8StringOption(StringOption):
    __slots__ = ('text',)
    option_type = 0xff06
    value_name = 'text'
    encoding = 'utf-8'

    def __init__(self, text: str = ''):
        self.text = text


@sample
class SampleAddressesOption(AddressListOption):
    __slots__ = ('addresses',)
    option_type = 0xff07
    value_name = 'addresses'

    def __init__(self, addresses: list[IPv6Address] | None = None):
        self.addresses = [] if addresses is None else addresses


@sample
class SampleMaybeAddressesOption(AddressListOption):
    __slots__ = ('addresses',)
    option_type = 0xff08
    value_name = 'addresses'
    minimum_count = 0

    def __init__(self, addresses: list[IPv6Address] | None = None):
        self.addresses = [] if addresses is None else addresses


@sample
class SampleDomainsOption(DomainListOption):
    __slots__ = ('names',)
    option_type = 0xff09
    value_name = 'names'

    def __init__(self, names: list[str] | None = None):
        self.names = [] if names is None else names


@sample
class SampleCodesOption(OptionCodeListOption):
    __slots__ = ('codes',)
    option_type = 0xff0a
    value_name = 'codes'

    def __init__(self, codes: list[int] | None = None):
        self.codes = [] if codes is None else codes


@sample
class SampleContainerOption(ContainerOption):
    __slots__ = ('tag',)
    option_type = 0xff0b
    header_struct = Struct('!H')
    header_names = ('tag',)

    def __init__(self, tag: int = 0, options: list[Option] | None = None):
        self.tag = tag
        self.options = [] if options is None else options


@sample
class SampleNameOption(SingleDomainNameOption):
    __slots__ = ('name',)
    option_type = 0xff0c
    value_name = 'name'

    def __init__(self, name: str = ''):
        self.name = name


SampleContainerOption.add_may_contain(StatusCodeOption, 0, 1)
SampleContainerOption.add_may_contain(PreferenceOption)

A1 = IPv6Address('2001:db8::1')
A2 = IPv6Address('2001:db8::2')
STATUS = StatusCodeOption(0, 'ok')
STATUS_BYTES = bytes.fromhex('000d0004') + b'\x00\x00ok'
PREFERENCE = PreferenceOption(7)
PREFERENCE_BYTES = bytes.fromhex('0007000107')


def option(code: int, data: bytes) -> bytes:
    """An option header and data."""
    return struct.pack('!HH', code, len(data)) + data


WIRE_TABLE: list[tuple[bytes, Option]] = [
    (option(0xff01, b''), SampleEmptyOption()),
    (option(0xff02, b'\x00'), SampleByteOption(0)),
    (option(0xff02, b'\xff'), SampleByteOption(255)),
    (option(0xff03, b'\x01\x02\x03\x04'), SampleLongOption(0x01020304)),
    (option(0xff04, b'ab'), SampleOpaqueOption(b'ab')),
    (option(0xff04, b'\x00' * 300), SampleOpaqueOption(b'\x00' * 300)),
    (option(0xff05, b''), SampleStringOption('')),
    (option(0xff05, b'Europe/Amsterdam'), SampleStringOption('Europe/Amsterdam')),
    (option(0xff06, 'caf\u00e9'.encode()), SampleUTF8StringOption('caf\u00e9')),
    (option(0xff07, A1.packed), SampleAddressesOption([A1])),
    (option(0xff07, A1.packed + A2.packed), SampleAddressesOption([A1, A2])),
    (option(0xff08, b''), SampleMaybeAddressesOption([])),
    (option(0xff09, b''), SampleDomainsOption([])),
    (option(0xff09, b'\x07example\x03com\x00\x03org\x00'), SampleDomainsOption(['example.com', 'org'])),
    (option(0xff0a, b''), SampleCodesOption([])),
    (option(0xff0a, b'\x00\x17\x00\x18\xff\xff'), SampleCodesOption([23, 24, 65535])),
    (option(0xff0c, b'\x07example\x03com\x00'), SampleNameOption('example.com')),
    (option(0xff0c, b'\x04aftr\x07example\x03net\x00'), SampleNameOption('aftr.example.net')),
    (option(0xff0b, b'\x12\x34'), SampleContainerOption(0x1234, [])),
    (option(0xff0b, b'\x00\x01' + STATUS_BYTES + PREFERENCE_BYTES),
     SampleContainerOption(1, [STATUS, PREFERENCE])),
    (option(0xff0b, b'\x00\x01' + option(65000, b'x')), SampleContainerOption(1, [UnknownOption(65000, b'x')])),
]


@pytest.mark.parametrize('data, element', WIRE_TABLE, ids=lambda value: type(value).__name__)
def test_wire_table(data: bytes, element: Option) -> None:
    assert_parses(type(element), data, element)
    assert_saves(element, data)
    element.validate()
    # The sample space's registry picks the class from the code
    assert type(element).determine_class(data) is type(element)
    # Trailing bytes are not part of the option
    assert_parses_inside(type(element), data, element, before=b'', after=b'\xff\xff')


@pytest.mark.parametrize('data, element', WIRE_TABLE, ids=lambda value: type(value).__name__)
def test_truncated(data: bytes, element: Option) -> None:
    assert_prefixes_malformed(type(element), data)


@pytest.mark.parametrize('data, element', WIRE_TABLE, ids=lambda value: type(value).__name__)
def test_option_length_longer_than_data(data: bytes, element: Option) -> None:
    assert_length_past_data_malformed(type(element), data, match="longer than")
    # The same, within an explicit length that is shorter than the buffer
    with pytest.raises(MalformedInputError):
        type(element).parse(data + b'\x00', 0, len(data) - 1)


@pytest.mark.parametrize('klass, data, problem', [
    (SampleEmptyOption, option(0xff01, b'\x00'), "option length 1, expected 0"),
    (SampleByteOption, option(0xff02, b''), "option length 0, expected 1"),
    (SampleByteOption, option(0xff02, b'\x00\x00'), "option length 2, expected 1"),
    (SampleLongOption, option(0xff03, b'\x00\x00\x00'), "expected 4"),
    (SampleOpaqueOption, option(0xff04, b'a'), "expected at least 2"),
    (SampleStringOption, option(0xff05, b'caf\xc3\xa9'), "not ascii text"),
    (SampleUTF8StringOption, option(0xff06, b'\xff'), "not utf-8 text"),
    (SampleAddressesOption, option(0xff07, b''), "a multiple of 16"),
    (SampleAddressesOption, option(0xff07, A1.packed + b'\x00'), "a multiple of 16"),
    (SampleAddressesOption, option(0xff07, A1.packed[:15]), "a multiple of 16"),
    (SampleDomainsOption, option(0xff09, b'\x07example\x03com'), "not terminated"),
    (SampleDomainsOption, option(0xff09, b'\x07example\x04com\x00'), "not terminated"),
    (SampleCodesOption, option(0xff0a, b'\x00\x17\x00'), "an even number"),
    (SampleNameOption, option(0xff0c, b''), "not terminated"),
    (SampleNameOption, option(0xff0c, b'\x07example\x03com'), "not terminated"),
    (SampleNameOption, option(0xff0c, b'\x07example\x03com\x00\x00'), "1 bytes after the domain name"),
    (SampleNameOption, option(0xff0c, b'\x03com\x00\x03org\x00'), "5 bytes after the domain name"),
    (SampleContainerOption, option(0xff0b, b'\x00'), "expected at least 2"),
    (SampleContainerOption, option(0xff0b, b'\x00\x01' + STATUS_BYTES + b'\x00'), "too short for an option"),
    (SampleContainerOption, option(0xff0b, b'\x00\x01' + STATUS_BYTES[:-1]), "but only"),
    (SampleContainerOption, option(0xff0b, b'\x00\x01' + option(7, b'')), "PreferenceOption .* expected 1"),
])
def test_malformed_data(klass: type[Option], data: bytes, problem: str) -> None:
    assert_malformed(klass, data, problem)


def test_wrong_length_points_at_the_option_header() -> None:
    data = b'\xee' * 3 + option(0xff02, b'\x00\x00')
    with pytest.raises(MalformedInputError) as info:
        SampleByteOption.parse(data, 3)
    assert info.value.element == 'SampleByteOption'
    assert info.value.offset == 3


@pytest.mark.parametrize('element', [
    SampleByteOption(0), SampleByteOption(255), SampleLongOption(2 ** 32 - 1),
    SampleOpaqueOption(b'ab'), SampleOpaqueOption(b'\x00' * 65535),
    SampleStringOption('abc'), SampleUTF8StringOption('\u2603'),
    SampleAddressesOption([A1]), SampleAddressesOption([IPv6Address('fe80::1')] * 4095),
    SampleMaybeAddressesOption([]),
    SampleDomainsOption([]), SampleDomainsOption(['example.com', 'a-b.example']),
    SampleCodesOption([]), SampleCodesOption([0, 65535]),
    SampleNameOption('example.com'), SampleNameOption('example.com.'),
    SampleContainerOption(1, [STATUS, PREFERENCE, PREFERENCE, UnknownOption(65000, b'')]),
])
def test_validate_accepts(element: Option) -> None:
    element.validate()


def _with_options(options: Any) -> SampleContainerOption:
    element = SampleContainerOption(1)
    element.options = options
    return element


@pytest.mark.parametrize('element, problem', [
    (SampleByteOption(256), r"SampleByteOption.value must be an integer from 0 to 255, not 256"),
    (SampleByteOption(-1), r"SampleByteOption.value"),
    (SampleByteOption(True), r"SampleByteOption.value"),
    (SampleByteOption(1.0), r"SampleByteOption.value"),  # type: ignore[arg-type]
    (SampleLongOption(2 ** 32), r"SampleLongOption.value"),
    (SampleOpaqueOption(b'a'), r"SampleOpaqueOption.blob must be 2 to 65535 bytes"),
    (SampleOpaqueOption(b'a' * 65536), r"SampleOpaqueOption.blob"),
    (SampleOpaqueOption('ab'), r"SampleOpaqueOption.blob"),  # type: ignore[arg-type]
    (SampleStringOption(b'abc'), r"SampleStringOption.text must be text"),  # type: ignore[arg-type]
    (SampleStringOption('caf\u00e9'), r"SampleStringOption.text must be ascii text"),
    (SampleStringOption('a' * 65536), r"SampleStringOption.text is too long"),
    (SampleAddressesOption([]), r"SampleAddressesOption must contain 1 to 4095 addresses"),
    (SampleAddressesOption([A1] * 4096), r"SampleAddressesOption must contain 1 to 4095 addresses"),
    (SampleAddressesOption(['2001:db8::1']), r"SampleAddressesOption.addresses must"),  # type: ignore[list-item]
    (SampleAddressesOption((A1,)), r"SampleAddressesOption.addresses must be a list"),  # type: ignore[arg-type]
    (SampleAddressesOption([IPv6Address('ff02::1')]), r"cannot contain ff02::1"),
    (SampleAddressesOption([IPv6Address('::')]), r"cannot contain ::"),
    (SampleAddressesOption([IPv6Address('::1')]), r"cannot contain ::1"),
    (SampleDomainsOption('example.com'), r"SampleDomainsOption.names must be a list"),  # type: ignore[arg-type]
    (SampleDomainsOption(['-bad.example']), r"invalid label"),
    (SampleDomainsOption(['a..b']), r"empty"),
    (SampleDomainsOption(['x' * 63 + '.' + 'y' * 63] * 600), r"SampleDomainsOption is too long"),
    (SampleNameOption(''), r"SampleNameOption.name must be a domain name"),
    (SampleNameOption('.'), r"SampleNameOption.name must be a domain name"),
    (SampleNameOption(b'example.com'), r"SampleNameOption.name must be a domain name"),  # type: ignore[arg-type]
    (SampleNameOption('-bad.example'), r"SampleNameOption.name: .*invalid label"),
    (SampleNameOption('a..b'), r"SampleNameOption.name: "),
    (SampleCodesOption([65536]), r"SampleCodesOption.codes must be a list of 16-bit option codes"),
    (SampleCodesOption([-1]), r"SampleCodesOption.codes"),
    (SampleCodesOption([0] * 32768), r"SampleCodesOption.codes"),
    (SampleCodesOption((1, 2)), r"SampleCodesOption.codes"),  # type: ignore[arg-type]
    (SampleContainerOption(1, [STATUS, STATUS]), r"SampleContainerOption may contain StatusCodeOption at most 1 time"),
    (SampleContainerOption(1, [ClientIdOption()]), r"SampleContainerOption may not contain ClientIdOption"),
    (SampleContainerOption(1, [PreferenceOption(300)]), r"SampleContainerOption -> PreferenceOption.preference"),
    (SampleContainerOption(1, [b'\x00']), r"SampleContainerOption.options must be a list"),  # type: ignore[list-item]
    (_with_options(None), r"SampleContainerOption.options must be a list of options"),
])
def test_validate_rejects(element: Option, problem: str) -> None:
    assert_invalid(element, problem)


def test_save_turns_bad_values_into_validation_errors() -> None:
    with pytest.raises(ValidationError, match="SampleByteOption cannot be saved"):
        SampleByteOption(256).save()
    with pytest.raises(ValidationError, match="SampleOpaqueOption has 65536 bytes of data"):
        SampleOpaqueOption(b'a' * 65536).save()
    with pytest.raises(ValidationError, match="SampleContainerOption has 70004 bytes of data"):
        SampleContainerOption(1, [SampleOpaqueOption(b'a' * 34997)] * 2).save()
    with pytest.raises(ValidationError, match="SampleCodesOption cannot be saved"):
        SampleCodesOption([70000]).save()
    with pytest.raises(ValidationError, match="SampleAddressesOption cannot be saved"):
        SampleAddressesOption(['2001:db8::1']).save()  # type: ignore[list-item]


# Sizes checked by validate(), which works them out from validated attributes where it can


def test_container_too_big_for_an_option() -> None:
    # The sample container's header is not marked as validated, so its size is measured by saving
    assert not SampleContainerOption.header_validated
    assert_invalid(SampleContainerOption(1, [PreferenceOption(1)] * 13107), r"^SampleContainerOption has 65537 bytes "
                                                                            r"of data, more than an option can carry")
    # IA_NA and IA Address add up the lengths of their parts
    address = IAAddressOption(IPv6Address('2001:db8::1'), 10, 20)
    assert_invalid(IANAOption(b'iaid', options=[address] * 2341), r"^IANAOption has 65560 bytes of data, more than an "
                                                                  r"option can carry \(65535\)$")
    IANAOption(b'iaid', options=[address] * 2340).validate()
    too_big = IAAddressOption(IPv6Address('2001:db8::1'), 10, 20, [StatusCodeOption(0, 'a' * 65533)])
    assert_invalid(IANAOption(b'iaid', options=[too_big]), r"^IANAOption -> IAAddressOption has 65563 bytes of data")


class SaveFailsOption(Option):
    """An option that passes validation but cannot be saved, allowed anywhere because it claims to be unknown."""

    __slots__ = ()
    option_type = 0xfff0
    unknown_element = True

    def save_data(self) -> bytes:
        raise TypeError("no bytes today")

    def validate(self) -> None:
        pass


def test_sizes_fail_the_way_saving_fails() -> None:
    # A class that only defines save_data() gets its length by saving
    assert SaveFailsOption.validated_data_length is Option.validated_data_length
    with pytest.raises(ValidationError, match="^SaveFailsOption cannot be saved: no bytes today$"):
        SaveFailsOption().validated_length()
    address = IAAddressOption(IPv6Address('2001:db8::1'), 10, 20, [SaveFailsOption()])
    with pytest.raises(ValidationError, match="^IANAOption -> SaveFailsOption cannot be saved: no bytes today$"):
        IANAOption(b'iaid', options=[address]).validate()


def test_container_lookups() -> None:
    container = SampleContainerOption(1, [PREFERENCE, STATUS, PreferenceOption(9)])
    assert container.get_option_of_type(PreferenceOption) is PREFERENCE
    assert container.get_option_of_type(StatusCodeOption) is STATUS
    assert container.get_option_of_type(ClientIdOption) is None
    assert container.get_options_of_type(PreferenceOption) == [PREFERENCE, PreferenceOption(9)]
    assert container.get_options_of_type(ClientIdOption) == []
    assert container.contained_elements() is container.options


# The header and the registry


def test_unknown_code_in_a_space_gives_unknown_option() -> None:
    data = option(0xfe00, b'abc')
    assert SampleByteOption.determine_class(data) is UnknownOption
    assert Option.determine_class(option(0xfe00, b'')) is UnknownOption
    assert Option.determine_class(PREFERENCE_BYTES) is PreferenceOption


def test_parse_with_the_wrong_class_fails() -> None:
    with pytest.raises(MalformedInputError, match="found a PreferenceOption instead"):
        IANAOption.parse(PREFERENCE_BYTES)


def test_load_from_checks_the_option_code() -> None:
    long_element = SampleLongOption.__new__(SampleLongOption)
    with pytest.raises(MalformedInputError, match="option code 65282 is not 65283"):
        long_element.load_from(option(0xff02, b'\x00\x00\x00\x00'))
    element = SampleByteOption()
    assert element.load_from(option(0xff02, b'\x05')) == 5
    assert element.value == 5


@pytest.mark.parametrize('data, offset', [(b'', 0), (b'\x00', 0), (b'\x00\x01\x00', 2), (b'\x00\x07', 5),
                                          (b'\x00\x07', -1)])
def test_no_room_for_an_option_code(data: bytes, offset: int) -> None:
    with pytest.raises(MalformedInputError):
        Option.parse(data, offset)


def test_parse_at_offset_with_length() -> None:
    data = b'\xaa\xbb' + PREFERENCE_BYTES + STATUS_BYTES
    assert Option.parse(data, 2) == (5, PREFERENCE)
    assert Option.parse(data, 7) == (len(STATUS_BYTES), STATUS)
    assert Option.parse(data, 2, 5) == (5, PREFERENCE)
    with pytest.raises(MalformedInputError):
        Option.parse(data, 2, 4)
    with pytest.raises(MalformedInputError):
        Option.parse(data, 2, len(data))  # more than the buffer has


# UnknownOption


@pytest.mark.parametrize('data, element', [
    (bytes.fromhex('fde80000'), UnknownOption(0xfde8, b'')),
    (bytes.fromhex('fde80003') + b'abc', UnknownOption(0xfde8, b'abc')),
    (bytes.fromhex('00000001') + b'\x00', UnknownOption(0, b'\x00')),
])
def test_unknown_option_round_trip(data: bytes, element: UnknownOption) -> None:
    assert_parses(Option, data, element)
    assert_parses(UnknownOption, data, element)
    assert_saves(element, data)
    element.validate()
    assert_prefixes_malformed(Option, data)


def test_unknown_option_is_always_allowed() -> None:
    assert UnknownOption.unknown_element
    assert IANAOption.may_contain(UnknownOption(65000))


@pytest.mark.parametrize('element', [
    UnknownOption(65536, b''), UnknownOption(-1, b''), UnknownOption('1', b''),  # type: ignore[arg-type]
    UnknownOption(65000, 'abc'), UnknownOption(65000, b'a' * 65536),  # type: ignore[arg-type]
])
def test_unknown_option_validate_rejects(element: UnknownOption) -> None:
    assert_invalid(element, "UnknownOption")


# parse_options and save_options


def test_parse_options() -> None:
    data = b'\xee' + PREFERENCE_BYTES + STATUS_BYTES + option(65000, b'zz') + b'\xee'
    end = len(data) - 1
    assert parse_options(data, 1, end, 'Parent') == [PREFERENCE, STATUS, UnknownOption(65000, b'zz')]
    assert parse_options(data, 1, 1, 'Parent') == []
    assert save_options([PREFERENCE, STATUS, UnknownOption(65000, b'zz')]) == data[1:end]
    assert save_options([]) == b''


def test_parse_options_in_a_space() -> None:
    data = option(0xff02, b'\x07') + option(0xff01, b'') + PREFERENCE_BYTES
    # PreferenceOption's code 7 is unknown in the sample space
    assert parse_options(data, 0, len(data), 'Parent', SampleByteOption) == [
        SampleByteOption(7), SampleEmptyOption(), UnknownOption(7, b'\x07')]


@pytest.mark.parametrize('data, end, problem', [
    (PREFERENCE_BYTES + b'\x00', None, "1 bytes left, too short for an option"),
    (PREFERENCE_BYTES + b'\x00\x07\x00', None, "3 bytes left"),
    (PREFERENCE_BYTES + STATUS_BYTES[:-1], None, "option 13 has length 4 but only 3 bytes are left"),
    (PREFERENCE_BYTES, 4, "option 7 has length 1 but only 0 bytes are left"),
    (PREFERENCE_BYTES, 6, "options run past the end of the data"),
])
def test_parse_options_rejects(data: bytes, end: int | None, problem: str) -> None:
    with pytest.raises(MalformedInputError, match=problem) as info:
        parse_options(data, 0, len(data) if end is None else end, 'Parent')
    assert info.value.element == 'Parent'


def test_parse_options_reports_the_offset_of_the_bad_option() -> None:
    data = PREFERENCE_BYTES + b'\x00\x07\x00\x05\x01'
    with pytest.raises(MalformedInputError) as info:
        parse_options(data, 0, len(data), 'Parent')
    assert info.value.offset == len(PREFERENCE_BYTES)


def test_real_registry_is_a_registry() -> None:
    assert Option.registry is option_registry
    assert SampleByteOption.registry is SAMPLE_REGISTRY


@pytest.mark.parametrize('address', ['::', '::1', '::2', 'ff00::', 'ff02::1:2', 'feff:ffff::', 'fe80::1', '2001:db8::1',
                                     '::ffff:127.0.0.1', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'])
def test_is_unicast_address_agrees_with_ipaddress(address: str) -> None:
    value = IPv6Address(address)
    assert is_unicast_address(value) == (not (value.is_multicast or value.is_unspecified or value.is_loopback))
