"""
DHCP Unique Identifiers (RFC 8415 section 11, RFC 6355 for DUID-UUID).

A DUID is carried inside an option whose length gives the DUID's length, so every DUID uses all the bytes it is
given. DUIDs are immutable in practice and hashable, because servers key bindings on them.
"""
from struct import Struct
from typing import ClassVar
from uuid import UUID

from dhcpkit.protocol_element import MalformedInputError, ProtocolElement, ValidationError, check_length, checked_save
from dhcpkit.registry import Registry

__all__ = ['DUID', 'UnknownDUID', 'LinkLayerTimeDUID', 'EnterpriseDUID', 'LinkLayerDUID', 'UUIDDUID',
           'duid_registry', 'DUID_LLT', 'DUID_EN', 'DUID_LL', 'DUID_UUID', 'MAX_DUID_LENGTH']

# RFC 8415 section 11.1 and RFC 6355 section 4: DUID types
DUID_LLT = 1
DUID_EN = 2
DUID_LL = 3
DUID_UUID = 4

#: RFC 8415 section 11.1: a DUID is at most 128 octets, not counting the type code
MAX_DUID_LENGTH = 130

_short = Struct('!H')
_ll_header = Struct('!HH')
_llt_header = Struct('!HHI')
_en_header = Struct('!HI')

#: DUID classes by DUID type, filled from the ``dhcpkit.ipv6.duids`` entry point group
duid_registry: Registry[int, type['DUID']] = Registry('dhcpkit.ipv6.duids', 'duid_type')


class DUID(ProtocolElement):
    """
    The base class of DUIDs.

    :cvar duid_type: the DUID type code
    """

    __slots__ = ()

    duid_type: ClassVar[int] = 0

    @classmethod
    def determine_class(cls, buffer: bytes, offset: int = 0) -> type['DUID']:
        if offset < 0 or len(buffer) - offset < 2:
            raise MalformedInputError(cls.__name__, offset, "too short for a DUID type")
        code = (buffer[offset] << 8) | buffer[offset + 1]
        return duid_registry.get(code) or duid_registry.get_loaded(code) or UnknownDUID

    def check_duid_type(self, buffer: bytes, offset: int) -> None:
        """
        Make sure the type code on the wire is the one this class implements.

        :param buffer: the bytes to parse
        :param offset: where the DUID starts
        """
        duid_type = _short.unpack_from(buffer, offset)[0]
        if duid_type != self.duid_type:
            raise self.wrong_duid_type(duid_type, offset)

    def wrong_duid_type(self, duid_type: int, offset: int) -> MalformedInputError:
        """
        Build the error for a type code on the wire that is not the one this class implements, for parsers that read
        the type code together with the fields after it.

        :param duid_type: the type code from the wire
        :param offset: where the DUID starts
        :return: the error to raise
        """
        return MalformedInputError(type(self).__name__, offset, f"DUID type {duid_type} is not {self.duid_type}")

    def validate(self) -> None:
        if self.validated_length() > MAX_DUID_LENGTH:
            raise ValidationError(f"{type(self).__name__} is longer than {MAX_DUID_LENGTH} bytes")

    def __hash__(self) -> int:  # DUIDs are the hashable elements
        return hash((type(self),) + tuple(getattr(self, name) for name in self.fields))


class UnknownDUID(DUID):
    """
    A DUID of a type this library does not know, or one whose bytes do not fit the layout of its type (see
    :class:`~dhcpkit.ipv6.options.DUIDOption`); it keeps its bytes.

    :ivar duid_type: the DUID type code
    :ivar duid_data: everything after the type code
    """

    __slots__ = ('duid_type', 'duid_data')

    unknown_element = True

    def __init__(self, duid_type: int = 0, duid_data: bytes = b''):
        self.duid_type = duid_type  # type: ignore[misc]
        self.duid_data = duid_data

    def load_from(self, buffer: bytes, offset: int = 0, length: int | None = None) -> int:
        length = check_length('UnknownDUID', buffer, offset, length, 2)
        self.duid_type = _short.unpack_from(buffer, offset)[0]  # type: ignore[misc]
        self.duid_data = bytes(buffer[offset + 2:offset + length])
        return length

    @checked_save
    def save(self) -> bytes:
        return _short.pack(self.duid_type) + self.duid_data

    def validated_length(self) -> int:
        return 2 + len(self.duid_data)

    def validate(self) -> None:
        if not isinstance(self.duid_type, int) or not 0 <= self.duid_type <= 0xffff:
            raise ValidationError(f"UnknownDUID type {self.duid_type!r} is not a 16-bit unsigned integer")
        if not isinstance(self.duid_data, bytes) or not self.duid_data:
            raise ValidationError("UnknownDUID data must be at least one byte (RFC 8415 section 11.1)")
        super().validate()


class LinkLayerTimeDUID(DUID):
    """
    DUID-LLT (RFC 8415 section 11.2): a hardware type, a time in seconds since 2000-01-01 UTC, and a link-layer
    address.
    """

    __slots__ = ('hardware_type', 'time', 'link_layer_address')

    duid_type = DUID_LLT

    def __init__(self, hardware_type: int = 0, time: int = 0, link_layer_address: bytes = b''):
        self.hardware_type = hardware_type
        self.time = time
        self.link_layer_address = link_layer_address

    def load_from(self, buffer: bytes, offset: int = 0, length: int | None = None) -> int:
        length = check_length('LinkLayerTimeDUID', buffer, offset, length, 8)
        duid_type, hardware_type, time = _llt_header.unpack_from(buffer, offset)
        if duid_type != self.duid_type:
            raise self.wrong_duid_type(duid_type, offset)
        self.hardware_type = hardware_type
        self.time = time
        self.link_layer_address = bytes(buffer[offset + 8:offset + length])
        return length

    @checked_save
    def save(self) -> bytes:
        return _llt_header.pack(self.duid_type, self.hardware_type, self.time) + self.link_layer_address

    def validated_length(self) -> int:
        return 8 + len(self.link_layer_address)

    def validate(self) -> None:
        _validate_hardware(self, self.hardware_type, self.link_layer_address)
        if not isinstance(self.time, int) or not 0 <= self.time <= 0xffffffff:
            raise ValidationError("LinkLayerTimeDUID.time must be a 32-bit unsigned integer")
        super().validate()


class EnterpriseDUID(DUID):
    """DUID-EN (RFC 8415 section 11.3): an IANA enterprise number and an identifier assigned by that enterprise."""

    __slots__ = ('enterprise_number', 'identifier')

    duid_type = DUID_EN

    def __init__(self, enterprise_number: int = 0, identifier: bytes = b''):
        self.enterprise_number = enterprise_number
        self.identifier = identifier

    def load_from(self, buffer: bytes, offset: int = 0, length: int | None = None) -> int:
        length = check_length('EnterpriseDUID', buffer, offset, length, 6)
        duid_type, enterprise_number = _en_header.unpack_from(buffer, offset)
        if duid_type != self.duid_type:
            raise self.wrong_duid_type(duid_type, offset)
        self.enterprise_number = enterprise_number
        self.identifier = bytes(buffer[offset + 6:offset + length])
        return length

    @checked_save
    def save(self) -> bytes:
        return _en_header.pack(self.duid_type, self.enterprise_number) + self.identifier

    def validated_length(self) -> int:
        return 6 + len(self.identifier)

    def validate(self) -> None:
        if not isinstance(self.enterprise_number, int) or not 0 <= self.enterprise_number <= 0xffffffff:
            raise ValidationError("EnterpriseDUID.enterprise_number must be a 32-bit unsigned integer")
        # No more than bytes: DUIDs are opaque (RFC 8415 section 11), and the enterprise number alone already makes
        # a DUID of the minimum length
        if not isinstance(self.identifier, bytes):
            raise ValidationError("EnterpriseDUID.identifier must be bytes")
        super().validate()


class LinkLayerDUID(DUID):
    """DUID-LL (RFC 8415 section 11.4): a hardware type and a link-layer address."""

    __slots__ = ('hardware_type', 'link_layer_address')

    duid_type = DUID_LL

    def __init__(self, hardware_type: int = 0, link_layer_address: bytes = b''):
        self.hardware_type = hardware_type
        self.link_layer_address = link_layer_address

    def load_from(self, buffer: bytes, offset: int = 0, length: int | None = None) -> int:
        length = check_length('LinkLayerDUID', buffer, offset, length, 4)
        duid_type, hardware_type = _ll_header.unpack_from(buffer, offset)
        if duid_type != self.duid_type:
            raise self.wrong_duid_type(duid_type, offset)
        self.hardware_type = hardware_type
        self.link_layer_address = bytes(buffer[offset + 4:offset + length])
        return length

    @checked_save
    def save(self) -> bytes:
        return _ll_header.pack(self.duid_type, self.hardware_type) + self.link_layer_address

    def validated_length(self) -> int:
        return 4 + len(self.link_layer_address)

    def validate(self) -> None:
        _validate_hardware(self, self.hardware_type, self.link_layer_address)
        super().validate()


class UUIDDUID(DUID):
    """DUID-UUID (RFC 6355): a 128-bit universally unique identifier."""

    __slots__ = ('uuid',)

    duid_type = DUID_UUID

    def __init__(self, uuid: UUID = UUID(int=0)):
        self.uuid = uuid

    def load_from(self, buffer: bytes, offset: int = 0, length: int | None = None) -> int:
        length = check_length('UUIDDUID', buffer, offset, length, 18)
        if length != 18:
            raise MalformedInputError('UUIDDUID', offset, f"length {length}, expected 18")
        self.check_duid_type(buffer, offset)
        self.uuid = UUID(bytes=bytes(buffer[offset + 2:offset + 18]))
        return 18

    @checked_save
    def save(self) -> bytes:
        return _short.pack(self.duid_type) + self.uuid.bytes

    def validated_length(self) -> int:
        return 18

    def validate(self) -> None:
        if not isinstance(self.uuid, UUID):
            raise ValidationError("UUIDDUID.uuid must be a UUID")


def _validate_hardware(duid: DUID, hardware_type: int, link_layer_address: bytes) -> None:
    if not isinstance(hardware_type, int) or not 0 <= hardware_type <= 0xffff:
        raise ValidationError(f"{type(duid).__name__}.hardware_type must be a 16-bit unsigned integer")
    # An empty address is still a DUID (the hardware type makes it long enough), and servers treat DUIDs as opaque
    # values that they only compare (RFC 8415 section 11): a client on an interface without a link-layer address
    # (PPP, a raw-IP modem, a tunnel) may well send one
    if not isinstance(link_layer_address, bytes):
        raise ValidationError(f"{type(duid).__name__}.link_layer_address must be bytes")
