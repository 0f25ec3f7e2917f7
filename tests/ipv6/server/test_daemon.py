"""Tests for dhcpkit.ipv6.server.daemon: configuration reload, restart-only settings, signal dispatch."""
import logging
import os
import signal
from ipaddress import IPv6Address
from pathlib import Path
from typing import Any

import pytest

from dhcpkit.ipv6.config import ConfigError
from dhcpkit.ipv6.duids import LinkLayerDUID
from dhcpkit.ipv6.extensions.dns import RecursiveNameServersOption
from dhcpkit.ipv6.message_handlers import MessageHandler
from dhcpkit.ipv6.messages import InformationRequestMessage, RelayForwardMessage, RelayReplyMessage, ReplyMessage
from dhcpkit.ipv6.options import ClientIdOption, InterfaceIdOption, OptionRequestOption, RelayMessageOption
from dhcpkit.ipv6.server.config_loader import load_config
from dhcpkit.ipv6.server.daemon import EXIT_OK, Daemon, check_daemon_config, restart_needed_for
from dhcpkit.ipv6.server.runaway import RunawayProtection
from dhcpkit.ipv6.server.signals import SignalWatcher

CONFIG = """
[server]
duid = 0003000102000000aaaa
threads = {threads}
queue-size = {queue_size}
max-exceptions = 7

[logging]
syslog = no

[interface eth0]
multicast = yes

[option RecursiveNameServers]
server-address-1 = {dns}
"""


def write_config(path: Path, dns: str = '2001:db8::53', threads: int = 4, queue_size: int = 100) -> None:
    path.write_text(CONFIG.format(dns=dns, threads=threads, queue_size=queue_size))


class FakeListener:
    def __init__(self) -> None:
        self.updates: list[Any] = []

    def update(self, interfaces_config: Any) -> None:
        self.updates.append(interfaces_config)


class FakeWorker:
    queue_size = 0


def make_daemon(config_file: Path) -> Daemon:
    config = load_config(str(config_file))
    daemon = Daemon(config)
    daemon.handler = config['server']['message-handler'](config)
    daemon.listener = FakeListener()  # type: ignore[assignment]
    daemon.worker = FakeWorker()  # type: ignore[assignment]
    return daemon


def dns_servers(handler: MessageHandler) -> list[IPv6Address]:
    """Ask the handler for DNS servers as a client would."""
    request = InformationRequestMessage(b'abc', [ClientIdOption(LinkLayerDUID(1, b'\x02\x00\x00\x00\xbb\xbb')),
                                                 OptionRequestOption([RecursiveNameServersOption.option_type])])
    wrapped = RelayForwardMessage(0, IPv6Address(0), IPv6Address('fe80::c1'),
                                  [InterfaceIdOption(b'eth0'), RelayMessageOption(request)])
    reply = handler.handle(wrapped, True)
    assert isinstance(reply, RelayReplyMessage)
    response = reply.relayed_message
    assert isinstance(response, ReplyMessage)
    option = response.get_option_of_type(RecursiveNameServersOption)
    assert option is not None
    return list(option.dns_servers)


def test_reload_swaps_in_a_valid_configuration(tmp_path: Path) -> None:
    config_file = tmp_path / 'ipv6-dhcpd.ini'
    write_config(config_file)
    daemon = make_daemon(config_file)
    assert daemon.handler is not None
    assert dns_servers(daemon.handler) == [IPv6Address('2001:db8::53')]

    write_config(config_file, dns='2001:db8::54', queue_size=5)
    daemon.reload()
    assert dns_servers(daemon.handler) == [IPv6Address('2001:db8::54')]
    assert daemon.config['server']['queue-size'] == 5
    assert daemon.worker is not None and daemon.worker.queue_size == 5
    assert daemon.listener.updates == [daemon.config['interfaces']]  # type: ignore[union-attr]


def test_invalid_configuration_keeps_the_old_one(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    config_file = tmp_path / 'ipv6-dhcpd.ini'
    write_config(config_file)
    daemon = make_daemon(config_file)
    old_config = daemon.config

    write_config(config_file, dns='not-an-address')
    with caplog.at_level(logging.ERROR):
        daemon.reload()
    assert daemon.config is old_config
    assert daemon.handler is not None and dns_servers(daemon.handler) == [IPv6Address('2001:db8::53')]
    assert 'Configuration not reloaded' in caplog.text
    assert f'{config_file}:15: [option RecursiveNameServers] server-address-1' in caplog.text


def test_unreadable_configuration_keeps_the_old_one(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    config_file = tmp_path / 'ipv6-dhcpd.ini'
    write_config(config_file)
    daemon = make_daemon(config_file)
    old_config = daemon.config
    os.unlink(config_file)
    with caplog.at_level(logging.ERROR):
        daemon.reload()
    assert daemon.config is old_config
    assert 'cannot read the configuration' in caplog.text


def test_restart_only_settings_are_logged(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    config_file = tmp_path / 'ipv6-dhcpd.ini'
    write_config(config_file)
    daemon = make_daemon(config_file)
    write_config(config_file, threads=20)
    with caplog.at_level(logging.WARNING):
        daemon.reload()
    assert daemon.config['server']['threads'] == 20
    assert '[server] threads only changes at a restart' in caplog.text


def test_handler_that_cannot_reload_goes_back(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    config_file = tmp_path / 'ipv6-dhcpd.ini'
    write_config(config_file)
    daemon = make_daemon(config_file)
    old_config = daemon.config
    assert daemon.handler is not None
    handler = daemon.handler
    calls: list[Any] = []
    original_reload = handler.reload

    def reload(new_config: dict[str, Any]) -> None:
        calls.append(new_config)
        if len(calls) == 1:
            raise OSError("cannot open the lease database")
        original_reload(new_config)
    handler.reload = reload  # type: ignore[method-assign]
    write_config(config_file, dns='2001:db8::54')
    daemon.reload()
    assert calls[1] is old_config
    assert daemon.config is old_config
    assert 'cannot use the new configuration' in caplog.text


def test_restart_needed_for() -> None:
    server: dict[str, Any] = {'threads': 1, 'user': 'nobody', 'group': None, 'pid-file': None,
                              'state-directory': '/x', 'message-handler': MessageHandler, 'queue-size': 3}
    old = {'server': server, 'logging': {'level': 20}}
    new = {'server': {**server, 'threads': 2, 'queue-size': 4}, 'logging': {'level': 10}}
    assert restart_needed_for(old, new) == ['[server] threads', '[logging]']
    assert restart_needed_for(old, old) == []


def test_check_daemon_config_needs_an_interface() -> None:
    with pytest.raises(ConfigError, match='no \\[interface NAME\\] section'):
        check_daemon_config({'filename': 'x.ini', 'interfaces': {}})
    check_daemon_config({'filename': 'x.ini', 'interfaces': {'eth0': {}}})


def test_signals_dispatch(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    config_file = tmp_path / 'ipv6-dhcpd.ini'
    write_config(config_file)
    daemon = make_daemon(config_file)
    daemon.runaway = RunawayProtection(1, 1)
    with SignalWatcher() as daemon.signals, caplog.at_level(logging.INFO):
        os.kill(os.getpid(), signal.SIGUSR1)
        assert daemon.handle_signals() is None
        assert 'statistics: received=0' in caplog.text
        os.kill(os.getpid(), signal.SIGHUP)
        os.kill(os.getpid(), signal.SIGTERM)
        assert daemon.handle_signals() == EXIT_OK
        assert 'Configuration reloaded' in caplog.text
