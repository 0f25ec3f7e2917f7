"""
Static assignments: one fixed address and/or one fixed prefix per client, found by keys computed from the request.

A client is identified by several keys, computed by :func:`client_keys` in this order; the first key that has an
entry in the source wins:

1. ``duid:<hex>`` -- the client's DUID (the whole DUID, type code included)
2. ``interface-id:<hex>``, ``interface-id-str:<text>`` -- the Interface-Id option (RFC 8415 section 21.18)
3. ``remote-id:<enterprise>:<hex>``, ``remote-id-str:<enterprise>:<text>`` -- the Remote-Id option (RFC 4649)
4. ``subscriber-id:<hex>``, ``subscriber-id-str:<text>`` -- the Subscriber-Id option (RFC 4580)
5. ``linklayer-id:<type>:<hex>``, ``linklayer-id-str:<type>:<aa:bb:cc:...>`` -- the client's link-layer address:
   from the Client Link-Layer Address option (RFC 6939) when a relay added one, else from the client's DUID when it is
   a DUID-LL or DUID-LLT

The relay options are taken from the relay closest to the client that carries the option. The server's own
Relay-forward (whose Interface-Id is the name of the receiving interface) only counts when no relay agent is on the
way, so ``interface-id-str:eth0`` matches clients directly on ``eth0``.

Hex is lowercase. A ``-str`` key exists only when the bytes are printable UTF-8 text without surrounding white space;
for link-layer addresses it is the usual colon notation. Enterprise numbers and hardware types are decimal.
"""
import re
from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass
from ipaddress import IPv6Address, IPv6Network

from dhcpkit.ipv6.duids import LinkLayerDUID, LinkLayerTimeDUID
from dhcpkit.ipv6.extensions.linklayer_id import ClientLinkLayerAddressOption
from dhcpkit.ipv6.extensions.remote_id import RemoteIdOption
from dhcpkit.ipv6.extensions.subscriber_id import SubscriberIdOption
from dhcpkit.ipv6.messages import RelayForwardMessage
from dhcpkit.ipv6.option_base import Option
from dhcpkit.ipv6.options import ClientIdOption, InterfaceIdOption
from dhcpkit.ipv6.transaction_bundle import TransactionBundle

__all__ = ['Assignment', 'AssignmentSource', 'AssignmentSourceError', 'client_keys', 'normalize_key',
           'parse_assignment', 'KEY_KINDS']

#: Every key kind, in lookup order
KEY_KINDS = ('duid', 'interface-id', 'interface-id-str', 'remote-id', 'remote-id-str', 'subscriber-id',
             'subscriber-id-str', 'linklayer-id', 'linklayer-id-str')

_HEX = re.compile(r'^(?:[0-9a-f]{2})+$', re.IGNORECASE)
_LINK_LAYER_TEXT = re.compile(r'^[0-9a-f]{2}(?:[:-][0-9a-f]{2})*$', re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Assignment:
    """
    What one client gets, whatever key found it.

    :ivar address: the address for the client's first IA_NA, or None
    :ivar prefix: the prefix for the client's first IA_PD, or None
    """
    address: IPv6Address | None
    prefix: IPv6Network | None


class AssignmentSourceError(Exception):
    """
    A source cannot answer right now (its database failed). The handler does not reply to the request, so that the
    client asks again instead of getting a dynamic address where it has a static one.
    """


class AssignmentSource(ABC):
    """
    Where static assignments come from. Sources are shared by all worker threads, so :meth:`get` must be thread-safe.
    """

    @abstractmethod
    def get(self, key: str) -> Assignment | None:
        """
        :param key: a normalized key such as ``duid:000300010011223344ff``
        :return: the entry of that key, or None
        :raises AssignmentSourceError: when the source cannot be read
        """

    def find_entry(self, keys: Iterable[str]) -> tuple[str, Assignment] | None:
        """
        :param keys: keys in order of preference, from :func:`client_keys`
        :return: the first key that has an entry, and the entry; None when no key has one
        """
        for key in keys:
            assignment = self.get(key)
            if assignment is not None:
                return key, assignment
        return None

    def find(self, keys: Iterable[str]) -> Assignment | None:
        """
        :param keys: keys in order of preference, from :func:`client_keys`
        :return: the entry of the first key that has one, or None
        """
        entry = self.find_entry(keys)
        return entry[1] if entry else None

    def close(self) -> None:
        """Release open files or connections."""


# Computing the keys of a request

def _text(value: bytes) -> str | None:
    """The bytes as text when they are printable UTF-8 without white space around them, else None."""
    try:
        text = value.decode('utf-8')
    except UnicodeDecodeError:
        return None
    if not text or not text.isprintable() or text != text.strip():
        return None
    return text


def _keys_for(kind: str, qualifier: str, value: bytes) -> list[str]:
    """The hex key and (when the value is text) the text key of one value; nothing for an empty value."""
    if not value:
        return []
    keys = [f'{kind}:{qualifier}{value.hex()}']
    text = _text(value)
    if text is not None:
        keys.append(f'{kind}-str:{qualifier}{text}')
    return keys


def _relay_option(relays: list[RelayForwardMessage], option_class: type[Option]) -> Option | None:
    """The option of a class from the first relay (closest to the client) that has one."""
    for relay in relays:
        option = relay.get_option_of_type(option_class)
        if option is not None:
            return option
    return None


def _link_layer_keys(hardware_type: int, address: bytes) -> list[str]:
    if not address:
        return []
    return [f'linklayer-id:{hardware_type}:{address.hex()}',
            f'linklayer-id-str:{hardware_type}:{":".join(f"{byte:02x}" for byte in address)}']


def client_keys(bundle: TransactionBundle) -> list[str]:
    """
    The keys that identify the client of a transaction, in lookup order (see the module documentation).

    :param bundle: the transaction
    :return: the keys
    """
    keys: list[str] = []
    client_id = bundle.request.get_option_of_type(ClientIdOption)
    duid = client_id.duid if client_id is not None else None
    if duid is not None:
        keys.append(f'duid:{duid.save().hex()}')

    # The last Relay-forward is the server's own; it only stands for a relay when the client talks to us directly
    relays = bundle.incoming_relay_messages[:-1] or bundle.incoming_relay_messages[-1:]

    interface_id = _relay_option(relays, InterfaceIdOption)
    if isinstance(interface_id, InterfaceIdOption):
        keys += _keys_for('interface-id', '', interface_id.interface_id)
    remote_id = _relay_option(relays, RemoteIdOption)
    if isinstance(remote_id, RemoteIdOption):
        keys += _keys_for('remote-id', f'{remote_id.enterprise_number}:', remote_id.remote_id)
    subscriber_id = _relay_option(relays, SubscriberIdOption)
    if isinstance(subscriber_id, SubscriberIdOption):
        keys += _keys_for('subscriber-id', '', subscriber_id.subscriber_id)

    link_layer = _relay_option(relays, ClientLinkLayerAddressOption)
    if isinstance(link_layer, ClientLinkLayerAddressOption):
        keys += _link_layer_keys(link_layer.link_layer_type, link_layer.link_layer_address)
    elif isinstance(duid, (LinkLayerDUID, LinkLayerTimeDUID)):
        keys += _link_layer_keys(duid.hardware_type, duid.link_layer_address)
    return keys


# Checking and normalizing what operators write

def _hex(value: str, what: str) -> str:
    if not _HEX.match(value):
        raise ValueError(f"{what} must be an even number of hex digits, not {value!r}")
    return value.lower()


def _text_value(value: str, what: str) -> str:
    if not value or not value.isprintable() or value != value.strip():
        raise ValueError(f"{what} must be printable text without white space around it, not {value!r}")
    return value


def _number(value: str, what: str, bits: int) -> str:
    if not value.isdigit() or int(value) >= 1 << bits:
        raise ValueError(f"{what} must be a decimal number below {1 << bits}, not {value!r}")
    return str(int(value))


def _qualified(rest: str, kind: str, qualifier: str, bits: int) -> tuple[str, str]:
    number, separator, value = rest.partition(':')
    if not separator:
        raise ValueError(f"{kind} needs the {qualifier} first, as in {kind}:9:...")
    return _number(number, f"the {qualifier} of {kind}", bits), value


def normalize_key(text: str) -> str:
    """
    Check a key written by an operator and bring it into the form :func:`client_keys` produces (lowercase hex,
    decimal numbers without leading zeros, link-layer addresses with colons).

    :param text: a key such as ``duid:000300010011223344FF`` or ``remote-id-str:40208:SIII-Tester``
    :return: the normalized key
    :raises ValueError: when the key is not one of the known kinds or its value is wrong for the kind
    """
    kind, separator, rest = text.strip().partition(':')
    kind = kind.lower()
    if not separator or kind not in KEY_KINDS:
        raise ValueError(f"{text!r} is not a key: expected one of {', '.join(k + ':...' for k in KEY_KINDS)}")
    if kind in ('duid', 'interface-id', 'subscriber-id'):
        return f'{kind}:{_hex(rest, kind)}'
    if kind in ('interface-id-str', 'subscriber-id-str'):
        return f'{kind}:{_text_value(rest, kind)}'
    if kind in ('remote-id', 'remote-id-str'):
        number, value = _qualified(rest, kind, 'enterprise number', 32)
        value = _hex(value, kind) if kind == 'remote-id' else _text_value(value, kind)
        return f'{kind}:{number}:{value}'
    number, value = _qualified(rest, kind, 'hardware type', 16)
    if kind == 'linklayer-id':
        return f'{kind}:{number}:{_hex(value, kind)}'
    if not _LINK_LAYER_TEXT.match(value):
        raise ValueError(f"{kind} needs a link-layer address such as 00:11:22:33:44:55, not {value!r}")
    return f'{kind}:{number}:{value.lower().replace("-", ":")}'


def parse_assignment(address_text: str | None, prefix_text: str | None) -> Assignment:
    """
    Check the address and prefix of an entry.

    :param address_text: a unicast address, or empty/None for none
    :param prefix_text: a prefix (no bits set past its length), or empty/None for none
    :return: the assignment
    :raises ValueError: when a value is wrong or the entry assigns nothing
    """
    address = prefix = None
    if address_text and address_text.strip():
        try:
            address = IPv6Address(address_text.strip())
        except ValueError:
            raise ValueError(f"expected an IPv6 address, not {address_text.strip()!r}") from None
        if (address.is_multicast or address.is_unspecified or address.is_loopback or address.is_link_local
                or address.scope_id):
            raise ValueError(f"{address} is not a global unicast address")
    if prefix_text and prefix_text.strip():
        try:
            if '/' not in prefix_text:
                raise ValueError("the prefix length is missing")
            prefix = IPv6Network(prefix_text.strip())
        except ValueError as error:
            raise ValueError(f"expected an IPv6 prefix such as 2001:db8:100::/56, not {prefix_text.strip()!r} "
                             f"({error})") from None
        if prefix.prefixlen == 0 or prefix.is_multicast or prefix.is_link_local or prefix.is_loopback:
            raise ValueError(f"{prefix} cannot be delegated")
    if address is None and prefix is None:
        raise ValueError("the entry has neither an address nor a prefix")
    return Assignment(address, prefix)
