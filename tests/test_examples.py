"""The shipped example configuration loads, and serves a relayed client from its pools and lease store."""
from ipaddress import IPv6Address, IPv6Network
from pathlib import Path

from dhcpkit.ipv6.duids import LinkLayerDUID
from dhcpkit.ipv6.extensions.dns import RecursiveNameServersOption
from dhcpkit.ipv6.extensions.prefix_delegation import IAPDOption
from dhcpkit.ipv6.messages import (AdvertiseMessage, RelayForwardMessage, RelayReplyMessage, ReplyMessage,
                                   RequestMessage, SolicitMessage)
from dhcpkit.ipv6.option_base import Option
from dhcpkit.ipv6.options import (ClientIdOption, ElapsedTimeOption, IANAOption, InterfaceIdOption,
                                  OptionRequestOption, RelayMessageOption, ServerIdOption)
from dhcpkit.ipv6.server.config_loader import load_config

EXAMPLE = Path(__file__).resolve().parent.parent / 'examples' / 'ipv6-dhcpd.ini'


def relayed(message: SolicitMessage | RequestMessage) -> RelayForwardMessage:
    """The message as a relay on 2001:db8:1::/64 sends it to ::1, wrapped like the listener wraps it."""
    relay = RelayForwardMessage(0, IPv6Address('2001:db8:1::1'), IPv6Address('fe80::1234'),
                                [InterfaceIdOption(b'port1'), RelayMessageOption(message)])
    return RelayForwardMessage(1, IPv6Address(0), IPv6Address('::1'),
                               [InterfaceIdOption(b'lo'), RelayMessageOption(relay)])


def inner(reply: RelayReplyMessage | None) -> object:
    assert reply is not None
    reply.validate()
    relay = reply.relayed_message
    assert isinstance(relay, RelayReplyMessage)
    return relay.relayed_message


def test_example_serves_a_relayed_client_from_its_pools(tmp_path: Path) -> None:
    config = load_config(str(EXAMPLE))
    config['server']['state-directory'] = str(tmp_path / 'state')
    handler = config['server']['message-handler'](config)
    try:
        client_id = ClientIdOption(LinkLayerDUID(1, bytes.fromhex('525400aabbcc')))
        asks: list[Option] = [client_id, ElapsedTimeOption(0), OptionRequestOption([23]), IANAOption(b'\0\0\0\1'),
                              IAPDOption(b'\0\0\0\2')]
        advertise = inner(handler.handle(relayed(SolicitMessage(b'\1\2\3', asks)), False))
        assert isinstance(advertise, AdvertiseMessage)
        server_id = advertise.get_option_of_type(ServerIdOption)
        assert server_id is not None
        ias = [option for option in advertise.options if isinstance(option, (IANAOption, IAPDOption))]
        reply = inner(handler.handle(relayed(RequestMessage(b'\1\2\4', [client_id, server_id, ElapsedTimeOption(0),
                                                                         OptionRequestOption([23]), *ias])), False))
        assert isinstance(reply, ReplyMessage)
        ia_na = reply.get_option_of_type(IANAOption)
        ia_pd = reply.get_option_of_type(IAPDOption)
        assert ia_na is not None and ia_pd is not None
        assert ia_na.get_addresses()[0] in IPv6Network('2001:db8:1::/64')
        assert ia_pd.get_prefixes()[0].prefixlen == 56
        dns = reply.get_option_of_type(RecursiveNameServersOption)
        assert dns is not None and dns.dns_servers[0] == IPv6Address('2001:db8::53')
        assert (tmp_path / 'state' / 'leases.sqlite').exists()
    finally:
        handler.close()
