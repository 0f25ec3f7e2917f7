"""Tests for every option of dhcpkit.ipv6.options (RFC 8415 section 21)."""
from ipaddress import IPv6Address
from typing import Any
from uuid import UUID

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dhcpkit.ipv6.duids import EnterpriseDUID, LinkLayerDUID, LinkLayerTimeDUID, UnknownDUID, UUIDDUID
from dhcpkit.ipv6.messages import InformationRequestMessage, SolicitMessage
from dhcpkit.ipv6.option_base import Option, UnknownOption
from dhcpkit.ipv6.options import (OPTION_AUTH, OPTION_CLIENTID, OPTION_ELAPSED_TIME, OPTION_IA_NA, OPTION_IA_TA,
                                  OPTION_IAADDR, OPTION_INFORMATION_REFRESH_TIME, OPTION_INTERFACE_ID, OPTION_ORO,
                                  OPTION_PREFERENCE, OPTION_RAPID_COMMIT, OPTION_RECONF_ACCEPT, OPTION_RECONF_MSG,
                                  OPTION_RELAY_MSG, OPTION_SERVERID, OPTION_STATUS_CODE, OPTION_UNICAST,
                                  OPTION_USER_CLASS, OPTION_VENDOR_CLASS, OPTION_VENDOR_OPTS, STATUS_NOADDRSAVAIL,
                                  STATUS_NOBINDING, STATUS_NOPREFIXAVAIL, STATUS_NOTONLINK, STATUS_SUCCESS,
                                  STATUS_UNSPECFAIL, STATUS_USEMULTICAST, AuthenticationOption, ClientIdOption,
                                  ElapsedTimeOption, IAAddressOption, IANAOption, IATAOption,
                                  InformationRefreshTimeOption, InterfaceIdOption, OptionRequestOption,
                                  PreferenceOption, RapidCommitOption, ReconfigureAcceptOption,
                                  ReconfigureMessageOption, RelayMessageOption, ServerIdOption, ServerUnicastOption,
                                  StatusCodeOption, UserClassOption, VendorClassOption,
                                  VendorSpecificInformationOption)
from dhcpkit.protocol_element import MalformedInputError, ValidationError
from tests.strategies.core import STRATEGIES
from tests.wire_checks import (assert_invalid, assert_length_past_data_malformed, assert_malformed, assert_parses,
                               assert_parses_inside, assert_prefixes_malformed, assert_round_trip, assert_saves)


def h(text: str) -> bytes:
    """Hex with spaces for readability."""
    return bytes.fromhex(text.replace(' ', ''))


MAC = h('000102030405')
ADDRESS = IPv6Address('2001:db8::1')
STATUS_OK = StatusCodeOption(STATUS_SUCCESS, 'ok')
STATUS_OK_HEX = '000d 0004 0000 6f6b'
IA_ADDRESS = IAAddressOption(ADDRESS, 7200, 7500)
IA_ADDRESS_HEX = '0005 0018 20010db8000000000000000000000001 00001c20 00001d4c'

WIRE_TABLE: list[tuple[bytes, Option]] = [
    (h('0001 000a 0003 0001 000102030405'), ClientIdOption(LinkLayerDUID(1, MAC))),
    (h('0001 000e 0001 0001 329903e6 9e455e4c2aad'),
     ClientIdOption(LinkLayerTimeDUID(1, 0x329903e6, h('9e455e4c2aad')))),
    (h('0002 0009 0002 00007ed9 737276'), ServerIdOption(EnterpriseDUID(32473, b'srv'))),
    (h('0002 0012 0004 12345678123456781234567812345678'),
     ServerIdOption(UUIDDUID(UUID('12345678-1234-5678-1234-567812345678')))),
    (h('0003 000c 00000001 00000000 00000000'), IANAOption(h('00000001'), 0, 0, [])),
    (h('0003 0030 61626364 00000e10 00001518' + IA_ADDRESS_HEX + STATUS_OK_HEX),
     IANAOption(b'abcd', 3600, 5400, [IA_ADDRESS, STATUS_OK])),
    (h('0004 0004 61626364'), IATAOption(b'abcd', [])),
    (h('0004 0020 61626364 0005 0018 20010db8000000000000000000000002 00000000 00000000'),
     IATAOption(b'abcd', [IAAddressOption(IPv6Address('2001:db8::2'), 0, 0)])),
    (h(IA_ADDRESS_HEX), IA_ADDRESS),
    (h('0005 0020 20010db8000000000000000000000001 00001c20 00001d4c' + STATUS_OK_HEX),
     IAAddressOption(ADDRESS, 7200, 7500, [STATUS_OK])),
    (h('0005 0018 20010db8000000000000000000000001 ffffffff ffffffff'),
     IAAddressOption(ADDRESS, 0xffffffff, 0xffffffff)),
    (h('0006 0000'), OptionRequestOption([])),
    (h('0006 0004 0017 0018'), OptionRequestOption([23, 24])),
    (h('0007 0001 ff'), PreferenceOption(255)),
    (h('0007 0001 00'), PreferenceOption(0)),
    (h('0008 0002 ffff'), ElapsedTimeOption(0xffff)),
    (h('0008 0002 0000'), ElapsedTimeOption(0)),
    (h('0009 0004 0b010203'), RelayMessageOption(InformationRequestMessage(h('010203'), []))),
    (h('0009 0012 01010203 0001 000a 0003 0001 000102030405'),
     RelayMessageOption(SolicitMessage(h('010203'), [ClientIdOption(LinkLayerDUID(1, MAC))]))),
    (h('000b 000e 03 01 00 0102030405060708 6b6579'), AuthenticationOption(3, 1, 0, 0x0102030405060708, b'key')),
    (h('000b 000b 00 00 00 0000000000000000'), AuthenticationOption(0, 0, 0, 0, b'')),
    (h('000c 0010 20010db8000000000000000000000053'), ServerUnicastOption(IPv6Address('2001:db8::53'))),
    (h('000d 0002 0000'), StatusCodeOption(STATUS_SUCCESS, '')),
    (h('000d 0007 0002 636166c3a9'), StatusCodeOption(STATUS_NOADDRSAVAIL, 'caf\u00e9')),
    (h('000e 0000'), RapidCommitOption()),
    (h('000f 0000'), UserClassOption([])),
    (h('000f 0006 0002 6162 0000'), UserClassOption([b'ab', b''])),
    (h('0010 0004 00000009'), VendorClassOption(9, [])),
    (h('0010 0007 00000009 0001 78'), VendorClassOption(9, [b'x'])),
    (h('0011 0004 00000009'), VendorSpecificInformationOption(9, [])),
    (h('0011 000e 00000009 0001 0002 6162 0002 0000'), VendorSpecificInformationOption(9, [(1, b'ab'), (2, b'')])),
    (h('0012 0004 65746830'), InterfaceIdOption(b'eth0')),
    (h('0013 0001 05'), ReconfigureMessageOption(5)),
    (h('0013 0001 06'), ReconfigureMessageOption(6)),
    (h('0013 0001 0b'), ReconfigureMessageOption(11)),
    (h('0014 0000'), ReconfigureAcceptOption()),
    (h('0020 0004 00015180'), InformationRefreshTimeOption(86400)),
]


def _id(value: object) -> str:
    return type(value).__name__ if isinstance(value, Option) else ''


def test_constants() -> None:
    assert [OPTION_CLIENTID, OPTION_SERVERID, OPTION_IA_NA, OPTION_IA_TA, OPTION_IAADDR, OPTION_ORO,
            OPTION_PREFERENCE, OPTION_ELAPSED_TIME, OPTION_RELAY_MSG] == list(range(1, 10))
    assert [OPTION_AUTH, OPTION_UNICAST, OPTION_STATUS_CODE, OPTION_RAPID_COMMIT, OPTION_USER_CLASS,
            OPTION_VENDOR_CLASS, OPTION_VENDOR_OPTS, OPTION_INTERFACE_ID, OPTION_RECONF_MSG,
            OPTION_RECONF_ACCEPT] == list(range(11, 21))
    assert OPTION_INFORMATION_REFRESH_TIME == 32
    assert [STATUS_SUCCESS, STATUS_UNSPECFAIL, STATUS_NOADDRSAVAIL, STATUS_NOBINDING, STATUS_NOTONLINK,
            STATUS_USEMULTICAST, STATUS_NOPREFIXAVAIL] == list(range(7))


def test_table_covers_every_option() -> None:
    from dhcpkit.ipv6 import options
    values = [getattr(options, name) for name in options.__all__]
    classes = {klass for klass in values if isinstance(klass, type) and issubclass(klass, Option)
               and klass not in (Option, UnknownOption)}
    assert classes == {type(element) for _data, element in WIRE_TABLE}


@pytest.mark.parametrize('data, element', WIRE_TABLE, ids=_id)
def test_parse(data: bytes, element: Option) -> None:
    assert_parses(Option, data, element)
    # The class itself parses it too, and the option is found at an offset within a larger buffer
    assert_parses(type(element), data, element)
    assert_parses_inside(Option, data, element)


@pytest.mark.parametrize('data, element', WIRE_TABLE, ids=_id)
def test_save(data: bytes, element: Option) -> None:
    assert_saves(element, data)


@pytest.mark.parametrize('data, element', WIRE_TABLE, ids=_id)
def test_validate(data: bytes, element: Option) -> None:
    element.validate()


@pytest.mark.parametrize('data, element', WIRE_TABLE, ids=_id)
def test_truncated(data: bytes, element: Option) -> None:
    assert_prefixes_malformed(Option, data)


@pytest.mark.parametrize('data, element', WIRE_TABLE, ids=_id)
def test_option_length_longer_than_data(data: bytes, element: Option) -> None:
    # One and two bytes more than there are, and the largest length there is (unless the option has it already)
    extras = (1, 2, 0xffff - (len(data) - 4))
    assert_length_past_data_malformed(Option, data, [extra for extra in extras if extra])


@pytest.mark.parametrize('data', [
    h('0001 0003 000300'),  # DUID-LL without the rest of its hardware type
    h('0002 0007 0001 0001 000000'),  # DUID-LLT without the whole time
    h('0002 0005 0002 000000'),  # DUID-EN without the whole enterprise number
    h('0002 0011 0004 123456781234567812345678123456'),  # DUID-UUID one byte short
    h('0002 0013 0004 1234567812345678123456781234567800'),  # and one byte long
])
def test_a_duid_that_does_not_fit_its_type_is_kept_as_opaque_bytes(data: bytes) -> None:
    # RFC 8415 section 11: servers treat DUIDs as opaque and only compare them, so the message still has its client
    used, option = Option.parse(data)
    assert used == len(data) and isinstance(option, (ClientIdOption, ServerIdOption))
    assert isinstance(option.duid, UnknownDUID)
    assert option.duid.save() == data[4:]
    option.validate()
    assert option.save() == data


@pytest.mark.parametrize('data, problem', [
    # Too short for a DUID: no type code and byte after it (RFC 8415 section 11.1)
    (h('0001 0000'), "DUID"),
    (h('0001 0001 00'), "DUID"),
    (h('0001 0002 0003'), "DUID"),
    # IA_NA, IA_TA and IA Address headers, and sub-options that disagree with the option length
    (h('0003 000b 0000000100000000000000'), "IANAOption .*expected at least 12"),
    (h('0003 000d 00000001 00000000 00000000 00'), "IANAOption .*too short for an option"),
    (h('0003 0010 00000001 00000000 00000000 0005 0018'), "IANAOption .*has length 24 but only 0"),
    (h('0003 002d 61626364 00000e10 00001518' + IA_ADDRESS_HEX + '000d 0001 00'), "StatusCodeOption .*at least 2"),
    (h('0004 0003 616263'), "IATAOption .*expected at least 4"),
    (h('0004 0005 61626364 00'), "IATAOption"),
    (h('0005 0017 20010db8000000000000000000000001 00001c20 00001d'), "IAAddressOption .*expected at least 24"),
    (h('0005 001a 20010db8000000000000000000000001 00001c20 00001d4c 000d'), "IAAddressOption"),
    (h('0005 001d 20010db8000000000000000000000001 00001c20 00001d4c 000d 0001 00'), "StatusCodeOption .*at least 2"),
    # Fixed sizes
    (h('0006 0003 001700'), "OptionRequestOption .*even"),
    (h('0007 0000'), "PreferenceOption .*expected 1"),
    (h('0007 0002 0000'), "PreferenceOption .*expected 1"),
    (h('0008 0001 00'), "ElapsedTimeOption .*expected 2"),
    (h('0008 0003 000000'), "ElapsedTimeOption .*expected 2"),
    (h('000b 000a 00000000000000000000'), "AuthenticationOption .*at least 11"),
    (h('000c 000f 20010db8 0000000000000000000000'), "ServerUnicastOption .*expected 16"),
    (h('000c 0011 20010db8000000000000000000000053 00'), "ServerUnicastOption .*expected 16"),
    (h('000d 0001 00'), "StatusCodeOption .*at least 2"),
    (h('000d 0003 0000 ff'), "StatusCodeOption .*not UTF-8"),
    (h('000d 0005 0000 eda080'), "StatusCodeOption .*not UTF-8"),  # an encoded surrogate
    (h('000e 0001 00'), "RapidCommitOption .*expected 0"),
    (h('0012 0000'), "InterfaceIdOption .*at least 1"),
    (h('0013 0000'), "ReconfigureMessageOption .*expected 1"),
    (h('0013 0002 0005'), "ReconfigureMessageOption .*expected 1"),
    (h('0014 0001 00'), "ReconfigureAcceptOption .*expected 0"),
    (h('0020 0003 000151'), "InformationRefreshTimeOption .*expected 4"),
    (h('0020 0005 0001518000'), "InformationRefreshTimeOption .*expected 4"),
    # Relay Message: empty, or a message that does not fit
    (h('0009 0000'), "RelayMessageOption .*at least 1"),
    (h('0009 0002 0b01'), "InformationRequestMessage"),
    (h('0009 0008 0b010203 0008 0002'), "InformationRequestMessage .*has length 2 but only 0"),
    (h('0009 0021 0c00' + '00' * 31), "RelayForwardMessage"),
    # Inner lengths of the length-prefixed lists
    (h('000f 0001 00'), "UserClassOption .*truncated"),
    (h('000f 0003 0002 61'), "UserClassOption .*item length 2 runs past"),
    (h('000f 0005 0001 61 0005'), "UserClassOption .*item length 5 runs past"),
    (h('0010 0003 000000'), "VendorClassOption .*at least 4"),
    (h('0010 0007 00000009 0002 78'), "VendorClassOption .*item length 2 runs past"),
    (h('0010 0005 00000009 00'), "VendorClassOption .*truncated"),
    (h('0011 0003 000000'), "VendorSpecificInformationOption .*at least 4"),
    (h('0011 0006 00000009 0001'), "VendorSpecificInformationOption .*truncated"),
    (h('0011 0009 00000009 0001 0002 61'), "VendorSpecificInformationOption .*runs past"),
    (h('0011 000b 00000009 0001 0001 61 0002 00'), "VendorSpecificInformationOption .*truncated"),
])
def test_malformed(data: bytes, problem: str) -> None:
    assert_malformed(Option, data, problem)


def test_malformed_errors_give_the_offset() -> None:
    data = h('ffff') + h('0007 0002 0000')
    with pytest.raises(MalformedInputError) as info:
        Option.parse(data, 2)
    assert info.value.offset == 2
    data = h('ffff') + h('000f 0003 0002 61')
    with pytest.raises(MalformedInputError) as info:
        Option.parse(data, 2)
    assert info.value.offset == 6


def _unsaveable(klass: type, **attributes: Any) -> Any:
    element = klass()
    for name, value in attributes.items():
        setattr(element, name, value)
    return element


@pytest.mark.parametrize('element, problem', [
    (ClientIdOption(None), r"ClientIdOption.duid must be a DUID"),
    (ServerIdOption(b'\x00\x03\x00\x01' + MAC), r"ServerIdOption.duid must be a DUID"),  # type: ignore[arg-type]
    (ClientIdOption(EnterpriseDUID(9, 'id')), r"EnterpriseDUID.identifier"),  # type: ignore[arg-type]
    (ClientIdOption(LinkLayerDUID(1, b'x' * 127)), r"LinkLayerDUID is longer than 130 bytes"),
    (IANAOption(b'abc'), r"IANAOption.iaid must be 4 bytes"),
    (IANAOption(1), r"IANAOption.iaid must be 4 bytes"),  # type: ignore[arg-type]
    (IANAOption(b'abcd', 2 ** 32, 0), r"IANAOption.t1 must be a 32-bit unsigned integer"),
    (IANAOption(b'abcd', 0, -1), r"IANAOption.t2 must be a 32-bit unsigned integer"),
    (IANAOption(b'abcd', options=[ClientIdOption(LinkLayerDUID(1, MAC))]),
     r"IANAOption may not contain ClientIdOption"),
    (IANAOption(b'abcd', options=[STATUS_OK, STATUS_OK]), r"IANAOption may contain StatusCodeOption at most 1 time"),
    (IANAOption(b'abcd', options=[IANAOption(b'abcd')]), r"IANAOption may not contain IANAOption"),
    (_unsaveable(IANAOption, options=None), r"IANAOption.options must be a list of options"),
    (IATAOption(b'abcde'), r"IATAOption.iaid must be 4 bytes"),
    (IATAOption(b'abcd', [IAAddressOption('2001:db8::1')]),  # type: ignore[arg-type]
     r"IATAOption -> IAAddressOption.address"),
    (IATAOption(b'abcd', [STATUS_OK, STATUS_OK]), r"IATAOption may contain StatusCodeOption at most 1 time"),
    (IAAddressOption('2001:db8::1'), r"IAAddressOption.address must be an IPv6 address"),  # type: ignore[arg-type]
    (IAAddressOption(ADDRESS, 0, 2 ** 32), r"IAAddressOption.valid_lifetime must be a 32-bit unsigned integer"),
    (IAAddressOption(ADDRESS, -1, 0), r"IAAddressOption.preferred_lifetime"),
    (IAAddressOption(ADDRESS, options=[STATUS_OK, STATUS_OK]), r"IAAddressOption may contain StatusCodeOption"),
    (IAAddressOption(ADDRESS, options=[IA_ADDRESS]), r"IAAddressOption may not contain IAAddressOption"),
    (OptionRequestOption([65536]), r"OptionRequestOption.requested_options must be a list of 16-bit option codes"),
    (OptionRequestOption([-1]), r"OptionRequestOption.requested_options"),
    (OptionRequestOption((1,)), r"OptionRequestOption.requested_options"),  # type: ignore[arg-type]
    (PreferenceOption(256), r"PreferenceOption.preference must be an integer from 0 to 255"),
    (PreferenceOption(-1), r"PreferenceOption.preference"),
    (ElapsedTimeOption(65536), r"ElapsedTimeOption.elapsed_time must be an integer from 0 to 65535"),
    (RelayMessageOption(None), r"RelayMessageOption.relayed_message must be a message"),
    (RelayMessageOption(b'\x0b\x01\x02\x03'), r"RelayMessageOption.relayed_message"),  # type: ignore[arg-type]
    (RelayMessageOption(SolicitMessage(b'abc', [])), r"SolicitMessage must contain ClientIdOption"),
    (AuthenticationOption(protocol=256), r"AuthenticationOption.protocol must be a 8-bit unsigned integer"),
    (AuthenticationOption(algorithm=-1), r"AuthenticationOption.algorithm"),
    (AuthenticationOption(rdm=256), r"AuthenticationOption.rdm"),
    (AuthenticationOption(replay_detection=2 ** 64), r"AuthenticationOption.replay_detection must be a 64-bit"),
    (AuthenticationOption(auth_info='key'), r"AuthenticationOption.auth_info"),  # type: ignore[arg-type]
    (AuthenticationOption(auth_info=b'x' * 65525), r"AuthenticationOption.auth_info"),
    (ServerUnicastOption(IPv6Address('ff02::1')), r"ServerUnicastOption.server_address ff02::1 is not unicast"),
    (ServerUnicastOption(IPv6Address('::')), r"ServerUnicastOption.server_address :: is not unicast"),
    (ServerUnicastOption('2001:db8::1'), r"server_address must be an IPv6 address"),  # type: ignore[arg-type]
    (StatusCodeOption(65536), r"StatusCodeOption.status_code must be a 16-bit unsigned integer"),
    (StatusCodeOption(0, b'ok'), r"StatusCodeOption.status_message"),  # type: ignore[arg-type]
    (StatusCodeOption(0, 'x' * 65534), r"StatusCodeOption.status_message"),
    (UserClassOption(['class']), r"UserClassOption.user_classes must be a list"),  # type: ignore[list-item]
    (UserClassOption(b'class'), r"UserClassOption.user_classes"),  # type: ignore[arg-type]
    (VendorClassOption(-1), r"VendorClassOption.enterprise_number must be a 32-bit unsigned integer"),
    (VendorClassOption(9, [1]), r"VendorClassOption.vendor_classes must be"),  # type: ignore[list-item]
    (VendorSpecificInformationOption(2 ** 32), r"VendorSpecificInformationOption.enterprise_number"),
    (VendorSpecificInformationOption(9, [(65536, b'')]), r"VendorSpecificInformationOption.vendor_options"),
    (VendorSpecificInformationOption(9, [(1, 'x')]), r"vendor_options"),  # type: ignore[list-item]
    (VendorSpecificInformationOption(9, [[1, b'x']]), r"vendor_options"),  # type: ignore[list-item]
    (VendorSpecificInformationOption(9, [(1, b'x', 2)]), r"vendor_options"),  # type: ignore[list-item]
    (InterfaceIdOption(b''), r"InterfaceIdOption.interface_id must be 1 to 65535 bytes"),
    (InterfaceIdOption('eth0'), r"InterfaceIdOption.interface_id"),  # type: ignore[arg-type]
    (ReconfigureMessageOption(7), r"ReconfigureMessageOption.message_type 7 must be Renew, Rebind or Information"),
    (ReconfigureMessageOption(1), r"ReconfigureMessageOption.message_type"),
    (InformationRefreshTimeOption(2 ** 32), r"InformationRefreshTimeOption.refresh_time"),
    (InformationRefreshTimeOption(-1), r"InformationRefreshTimeOption.refresh_time"),
])
def test_validate_rejects(element: Option, problem: str) -> None:
    assert_invalid(element, problem)


@pytest.mark.parametrize('element', [
    IANAOption(b'abcd', 10, 0),  # T2 of 0 leaves T1 to the client (RFC 8415 section 21.4)
    IANAOption(b'abcd', 10, 10),
    # How T1/T2 and lifetimes relate does not make a message invalid: a server ignores what a client puts there, a
    # client discards just that IA or address (RFC 8415 sections 21.4 and 21.6)
    IANAOption(b'abcd', 10, 5),
    IANAOption(b'abcd', 0, 0, [IAAddressOption(ADDRESS, 10, 5)]),
    IAAddressOption(ADDRESS, 2, 1),
    IANAOption(b'abcd', 0, 0, [IA_ADDRESS, IAAddressOption(IPv6Address('2001:db8::2')), STATUS_OK]),
    IANAOption(b'abcd', 0, 0, [UnknownOption(65000, b'future')]),
    IAAddressOption(IPv6Address('fe80::1'), 0, 0),
    # Nor does an address the server cannot give: in a client's message it is a hint to ignore or a lease it does not
    # know (RFC 8415 section 18.3)
    IAAddressOption(IPv6Address('::'), 0, 0),
    IAAddressOption(IPv6Address('::1'), 0, 0),
    IAAddressOption(IPv6Address('ff02::1'), 0, 0),
    IAAddressOption(ADDRESS, 5, 5),
    OptionRequestOption([0, 65535]),
    ServerUnicastOption(IPv6Address('::1')),
    StatusCodeOption(65535, '\u2603' * 100),
    ReconfigureMessageOption(11),
    ClientIdOption(LinkLayerDUID(1, b'x' * 126)),
])
def test_validate_accepts(element: Option) -> None:
    element.validate()


@pytest.mark.parametrize('element', [
    pytest.param(UserClassOption([b'a' * 40000, b'b' * 40000]), id='UserClassOption'),
    pytest.param(VendorClassOption(9, [b'a' * 40000, b'b' * 40000]), id='VendorClassOption'),
    pytest.param(VendorSpecificInformationOption(9, [(1, b'a' * 70000)]), id='VendorSpecificInformationOption'),
    pytest.param(IANAOption(b'abcd', 0, 0, [IA_ADDRESS] * 3000), id='IANAOption'),
    pytest.param(RelayMessageOption(InformationRequestMessage(b'abc', [VendorClassOption(9, [b'x' * 30000])] * 3)),
                 id='RelayMessageOption'),
    pytest.param(ReconfigureMessageOption(5.0), id='ReconfigureMessageOption'),  # type: ignore[arg-type]
])
def test_validate_rejects_what_cannot_be_saved(element: Option) -> None:
    with pytest.raises(ValidationError):
        element.save()
    with pytest.raises(ValidationError):
        element.validate()


def test_save_rejects_bad_values_with_validation_error() -> None:
    with pytest.raises(ValidationError, match="ClientIdOption"):
        ClientIdOption(None).save()
    with pytest.raises(ValidationError, match="RelayMessageOption"):
        RelayMessageOption(None).save()
    with pytest.raises(ValidationError, match="PreferenceOption cannot be saved"):
        PreferenceOption(256).save()
    with pytest.raises(ValidationError, match="IANAOption cannot be saved"):
        IANAOption(b'abcd', -1).save()


def test_ia_address_lookups() -> None:
    second = IAAddressOption(IPv6Address('2001:db8::2'))
    assert IANAOption(b'abcd', options=[IA_ADDRESS, STATUS_OK, second]).get_addresses() == [ADDRESS, second.address]
    assert IATAOption(b'abcd', options=[second]).get_addresses() == [second.address]
    assert IANAOption(b'abcd').get_addresses() == []
    ia = IANAOption(b'abcd', options=[IA_ADDRESS, STATUS_OK])
    assert ia.get_option_of_type(StatusCodeOption) is STATUS_OK
    assert ia.get_options_of_type(IAAddressOption) == [IA_ADDRESS]


def test_defaults() -> None:
    assert IANAOption() == IANAOption(b'\x00\x00\x00\x00', 0, 0, [])
    assert IANAOption().options is not IANAOption().options
    assert StatusCodeOption() == StatusCodeOption(STATUS_SUCCESS, '')
    assert InformationRefreshTimeOption().refresh_time == 86400
    assert OptionRequestOption().requested_options == []


def test_containment_rules() -> None:
    # RFC 8415 appendix C
    for container in (IANAOption, IATAOption):
        assert container.may_contain(IAAddressOption)
        assert container.may_contain(StatusCodeOption)
        assert not container.may_contain(ClientIdOption)
    assert IAAddressOption.may_contain(StatusCodeOption)
    assert not IAAddressOption.may_contain(IAAddressOption)


CORE_OPTIONS = sorted((klass for klass in STRATEGIES if issubclass(klass, Option)
                       and klass.__module__ == 'dhcpkit.ipv6.options'), key=lambda klass: klass.__name__)


@pytest.mark.parametrize('klass', CORE_OPTIONS, ids=lambda klass: klass.__name__)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_round_trip(klass: type[Option], data: st.DataObject) -> None:
    assert_round_trip(data.draw(STRATEGIES[klass]), Option)
