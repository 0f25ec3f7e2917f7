"""
Shared pieces for the option handler tests: configuration sections, requests, bundles and a run of the whole standard
message handler.
"""
from collections.abc import Iterable, Sequence
from ipaddress import IPv6Address
from typing import Any

import pytest

from dhcpkit.ipv6.config import ConfigError, ConfigSection
from dhcpkit.ipv6.duids import EnterpriseDUID, LinkLayerDUID
from dhcpkit.ipv6.message_handlers.standard import StandardMessageHandler
from dhcpkit.ipv6.messages import (ClientServerMessage, InformationRequestMessage, Message, RelayForwardMessage,
                                   RelayReplyMessage, SolicitMessage)
from dhcpkit.ipv6.option_base import Option
from dhcpkit.ipv6.option_handlers import OptionHandler
from dhcpkit.ipv6.options import (ClientIdOption, ElapsedTimeOption, InterfaceIdOption, OptionRequestOption,
                                  RelayMessageOption, ServerIdOption)
from dhcpkit.ipv6.transaction_bundle import TransactionBundle

FILENAME = 'test.ini'
SECTION_LINE = 11

LINK_ADDRESS = IPv6Address('2001:db8:1::1')
CLIENT_ADDRESS = IPv6Address('fe80::1')
RELAY_ADDRESS = IPv6Address('2001:db8:ffff::1')

TRANSACTION_ID = b'\x01\x02\x03'
CLIENT_DUID = LinkLayerDUID(1, bytes.fromhex('020000000001'))
SERVER_DUID = EnterpriseDUID(40208, b'dhcpkit-test')
OTHER_SERVER_DUID = EnterpriseDUID(40208, b'another-server')


def make_section(name: str, values: dict[str, str], line: int = SECTION_LINE) -> ConfigSection:
    """
    A section as the loader would build it: keys on the lines after the header, in order.

    :param name: the section name, such as ``option RecursiveNameServers``
    :param values: the keys and values
    :param line: the line of the section header
    :return: the section
    """
    return ConfigSection(name, {key: (value, line + 1 + index) for index, (key, value) in enumerate(values.items())},
                         FILENAME, line)


def config_error(excinfo: pytest.ExceptionInfo[ConfigError], key: str | None, line: int) -> str:
    """
    Check that a configuration error says where the problem is, and return its text for further checks.

    :param excinfo: the caught error
    :param key: the key it must name, or None for the whole section
    :param line: the line it must name
    :return: the message
    """
    error = excinfo.value
    message = str(error)
    assert error.filename == FILENAME
    assert error.line == line
    assert message.startswith(f'{FILENAME}:{line}: [')
    assert error.key == key
    if key is not None:
        assert f'] {key}: ' in message
    return message


def client_options(requested: Iterable[int] = ()) -> list[Option]:
    """
    :param requested: option codes for the Option Request option (none when empty)
    :return: the options every test client sends
    """
    options: list[Option] = [ClientIdOption(CLIENT_DUID), ElapsedTimeOption(0)]
    requested = list(requested)
    if requested:
        options.append(OptionRequestOption(requested))
    return options


def solicit(requested: Iterable[int] = (), extra: Sequence[Option] = ()) -> SolicitMessage:
    """:return: a Solicit with a Client Identifier, the given ORO and extra options"""
    return SolicitMessage(TRANSACTION_ID, client_options(requested) + list(extra))


def information_request(requested: Iterable[int] = (), extra: Sequence[Option] = ()) -> InformationRequestMessage:
    """:return: an Information-request with a Client Identifier, the given ORO and extra options"""
    return InformationRequestMessage(TRANSACTION_ID, client_options(requested) + list(extra))


def wrap(request: Message, relayed: bool = False, interface_id: bytes = b'eth0',
         relay_options: Sequence[Option] = ()) -> RelayForwardMessage:
    """
    Wrap a request the way the listener does; when `relayed`, first wrap it in a relay agent's Relay-forward.

    :param request: the client's message
    :param relayed: whether a relay agent forwarded it
    :param interface_id: the interface id the server puts in its own wrapping
    :param relay_options: extra options of the relay agent's Relay-forward
    :return: the server's own Relay-forward
    """
    if relayed:
        request = RelayForwardMessage(0, LINK_ADDRESS, CLIENT_ADDRESS,
                                      [InterfaceIdOption(b'relay-port-1'), *relay_options,
                                       RelayMessageOption(request)])
        return RelayForwardMessage(1, IPv6Address(0), RELAY_ADDRESS,
                                   [InterfaceIdOption(interface_id), RelayMessageOption(request)])
    return RelayForwardMessage(0, LINK_ADDRESS, CLIENT_ADDRESS,
                               [InterfaceIdOption(interface_id), RelayMessageOption(request)])


def make_bundle(request: Message, received_over_multicast: bool = True, relayed: bool = False,
                relay_options: Sequence[Option] = ()) -> TransactionBundle:
    """:return: a bundle for the request, wrapped as the listener would"""
    return TransactionBundle(wrap(request, relayed, relay_options=relay_options), received_over_multicast)


def run_handler(handler: OptionHandler, bundle: TransactionBundle,
                response: ClientServerMessage) -> ClientServerMessage:
    """
    Run one handler the way the message handler does: pre() before the response exists, then handle() and post().

    :param handler: the handler
    :param bundle: the transaction
    :param response: the empty response to fill
    :return: the response
    """
    handler.pre(bundle)
    bundle.response = response
    handler.handle(bundle)
    handler.post(bundle)
    return response


def standard_config(handlers: Sequence[tuple[type[OptionHandler], ConfigSection]],
                    allow_rapid_commit: bool = False) -> dict[str, Any]:
    """:return: a configuration dict for the standard message handler with the given configured handlers"""
    return {
        'server': {'duid': SERVER_DUID, 'allow-rapid-commit': allow_rapid_commit},
        'option-handlers': [(handler_class, section, None) for handler_class, section in handlers],
    }


def standard_response(handlers: Sequence[tuple[type[OptionHandler], ConfigSection]], request: Message,
                      received_over_multicast: bool = True, relayed: bool = False) -> ClientServerMessage | None:
    """
    Run the whole standard message handler with some configured handlers, check that what it sends is valid, and
    return the message for the client.

    :param handlers: (handler class, section) pairs, in file order
    :param request: the client's message
    :param received_over_multicast: whether it came over multicast
    :param relayed: whether a relay agent forwarded it
    :return: the response to the client, or None when there is none
    """
    message_handler = StandardMessageHandler(standard_config(handlers))
    outgoing = message_handler.handle(wrap(request, relayed), received_over_multicast)
    if outgoing is None:
        return None
    assert isinstance(outgoing, RelayReplyMessage)
    outgoing.validate()
    response = outgoing.inner_message
    assert isinstance(response, ClientServerMessage)
    assert response.transaction_id == TRANSACTION_ID
    assert response.get_option_of_type(ServerIdOption) == ServerIdOption(SERVER_DUID)
    return response
