"""
Domain names in DHCPv6 wire format: RFC 1035 section 3.1 labels, without compression (RFC 8415 section 10).

Names are handled as text without the trailing dot, for example ``'example.com'``. A name that does not end with the
zero-length root label is a relative (partial) name; only the Client FQDN option allows those (RFC 4704 section 4.2).
"""
import re

from dhcpkit.protocol_element import MalformedInputError, ValidationError

__all__ = ['parse_domain_name', 'parse_domain_names', 'encode_domain_name', 'validate_domain_name',
           'MAX_LABEL_LENGTH', 'MAX_NAME_LENGTH']

#: RFC 1035 section 2.3.4: labels are at most 63 octets, names at most 255 octets in wire format
MAX_LABEL_LENGTH = 63
MAX_NAME_LENGTH = 255

_hostname_label = re.compile(r'^[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$')


def parse_domain_name(buffer: bytes, offset: int, end: int, allow_relative: bool = False,
                      element: str = 'domain name') -> tuple[int, str]:
    """
    Parse one domain name that starts at `offset` and may not extend past `end`.

    :param buffer: the bytes to parse
    :param offset: where the name starts
    :param end: the first offset that is not part of the available space
    :param allow_relative: accept a name that ends at `end` without a root label
    :param element: the name of the element that contains the name, for errors
    :return: the number of bytes used and the name as text
    """
    end = min(end, len(buffer))
    labels: list[str] = []
    position = offset
    while True:
        if position >= end:
            if allow_relative and labels:
                break
            raise MalformedInputError(element, position, "domain name is not terminated by a root label")
        label_length = buffer[position]
        position += 1
        if label_length == 0:
            break
        if label_length > MAX_LABEL_LENGTH:
            raise MalformedInputError(element, position - 1,
                                      f"label length {label_length} is over {MAX_LABEL_LENGTH} (compression is not "
                                      f"allowed in DHCPv6)")
        if position + label_length > end:
            raise MalformedInputError(element, position - 1, f"label of {label_length} bytes runs past the end")
        label = buffer[position:position + label_length]
        position += label_length
        if b'.' in label:
            raise MalformedInputError(element, position - label_length, "label contains a dot")
        try:
            labels.append(label.decode('ascii'))
        except UnicodeDecodeError:
            raise MalformedInputError(element, position - label_length, "label is not ASCII") from None
    used = position - offset
    if used > MAX_NAME_LENGTH:
        raise MalformedInputError(element, offset, f"domain name of {used} bytes is over {MAX_NAME_LENGTH}")
    return used, '.'.join(labels)


def parse_domain_names(buffer: bytes, offset: int, end: int, element: str = 'domain name list') -> list[str]:
    """
    Parse a list of fully qualified domain names that fills the space from `offset` to `end` exactly.

    :param buffer: the bytes to parse
    :param offset: where the list starts
    :param end: the first offset after the list
    :param element: the name of the element that contains the list, for errors
    :return: the names
    """
    names = []
    while offset < end:
        used, name = parse_domain_name(buffer, offset, end, element=element)
        names.append(name)
        offset += used
    return names


def encode_domain_name(name: str, relative: bool = False) -> bytes:
    """
    Encode a domain name in wire format.

    :param name: the name as text; a trailing dot is ignored
    :param relative: leave off the root label (only for partial names in the Client FQDN option)
    :return: the encoded name
    :raises ValidationError: when a label is empty or too long, or the name is too long
    """
    if name.endswith('.'):
        name = name[:-1]
    parts = []
    if name:
        for label in name.split('.'):
            encoded = label.encode('ascii', errors='strict') if label.isascii() else b''
            if not encoded or len(encoded) > MAX_LABEL_LENGTH:
                raise ValidationError(f"Domain name {name!r} has a label that is empty, not ASCII or longer than "
                                      f"{MAX_LABEL_LENGTH} bytes")
            parts.append(bytes((len(encoded),)) + encoded)
    if not relative:
        parts.append(b'\x00')
    encoded_name = b''.join(parts)
    if len(encoded_name) > MAX_NAME_LENGTH:
        raise ValidationError(f"Domain name {name!r} is longer than {MAX_NAME_LENGTH} bytes in wire format")
    return encoded_name


def validate_domain_name(name: str, relative: bool = False) -> None:
    """
    Check that a name can be encoded and that its labels are host names (letters, digits, hyphens and underscores).

    :param name: the name as text
    :param relative: whether a partial name is allowed
    :raises ValidationError: when it is not a valid name
    """
    if not isinstance(name, str):
        raise ValidationError(f"Domain name must be text, not {type(name).__name__}")
    encode_domain_name(name, relative)
    stripped = name[:-1] if name.endswith('.') else name
    if relative and not stripped:
        raise ValidationError("A partial domain name may not be empty")
    for label in stripped.split('.') if stripped else []:
        if not _hostname_label.match(label):
            raise ValidationError(f"Domain name {name!r} has an invalid label {label!r}")
