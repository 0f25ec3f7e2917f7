"""
Process tests: the real ``ipv6-dhcpd`` in a network namespace, talking to a client in another one.

These need root (network namespaces and port 547); without it they are skipped, except with ``CI=true`` where they
fail. The daemon drops to ``nobody``, so every file it reads lives in directories that ``nobody`` may read. It is
the ``ipv6-dhcpd`` of the virtualenv that runs the tests; when that virtualenv's Python lives where ``nobody`` cannot
read (a pyenv under /root), these tests also show that nothing is imported after the drop: reloads, statistics,
tracebacks and shutdown all happen as ``nobody``.
"""
import os
import re
import shutil
import signal
import subprocess
import sys
from ipaddress import IPv6Address
from pathlib import Path
from typing import Iterator

import pytest

from dhcpkit.ipv6.duids import LinkLayerDUID
from dhcpkit.ipv6.extensions.dns import DomainSearchListOption, RecursiveNameServersOption
from dhcpkit.ipv6.messages import (AdvertiseMessage, InformationRequestMessage, Message, RelayForwardMessage,
                                   RelayReplyMessage, ReplyMessage, RequestMessage, SolicitMessage)
from dhcpkit.ipv6.options import (ClientIdOption, ElapsedTimeOption, IANAOption, InterfaceIdOption,
                                  OptionRequestOption, RelayMessageOption, ServerIdOption)
from tests.netns import BackgroundProcess, TestNetwork, require_namespaces

REPOSITORY = Path(__file__).resolve().parents[3]
DAEMON = str(Path(sys.executable).parent / 'ipv6-dhcpd')
CLIENT = str(Path(__file__).resolve().parent / 'udp_client.py')
SERVER_ADDRESS = '2001:db8:1::1'
CLIENT_ADDRESS = '2001:db8:1::2'
MULTICAST = 'ff02::1:2%cli0'
RELAY_LINK = IPv6Address('2001:db8:2::1')
RELAYED_CLIENT = IPv6Address('fe80::c1')
NOBODY_ID = 65534

CONFIG = """\
[server]
user = nobody
duid = 0003000102000000aaaa
state-directory = ./state
pid-file = ./state/ipv6-dhcpd.pid
{server_extra}

[logging]
syslog = no

[interface srv0]
multicast = yes
global-unicast-addresses = all

[option RecursiveNameServers]
server-address-1 = {dns}
"""

#: The line of the DNS server address in CONFIG, which errors about it name
DNS_LINE = CONFIG.splitlines().index('server-address-1 = {dns}') + 1

REQUEST = InformationRequestMessage(b'\x01\x02\x03', [
    ClientIdOption(LinkLayerDUID(1, bytes.fromhex('020000000001'))),
    OptionRequestOption([RecursiveNameServersOption.option_type, DomainSearchListOption.option_type]),
    ElapsedTimeOption(0),
])


@pytest.fixture
def net() -> Iterator[TestNetwork]:
    """A server and a client namespace joined by srv0/cli0, with 2001:db8:1::1 and ::2."""
    require_namespaces()
    with TestNetwork() as network:
        network.add_namespace('server')
        network.add_namespace('client')
        network.add_veth('server', 'srv0', 'client', 'cli0')
        network.add_address('server', 'srv0', f'{SERVER_ADDRESS}/64')
        network.add_address('client', 'cli0', f'{CLIENT_ADDRESS}/64')
        network.wait_link_local('server', 'srv0')
        network.wait_link_local('client', 'cli0')
        network.workdir.chmod(0o755)  # the daemon reads its configuration as nobody
        yield network


def write_config(directory: Path, dns: str = '2001:db8::53', server_extra: str = '', text: str | None = None) -> Path:
    """Write the configuration where nobody can read it (a reload happens after the privilege drop)."""
    directory.mkdir(mode=0o755, exist_ok=True)
    directory.chmod(0o755)
    config_file = directory / 'ipv6-dhcpd.ini'
    config_file.write_text(text if text is not None else CONFIG.format(dns=dns, server_extra=server_extra))
    config_file.chmod(0o644)
    return config_file


def start_daemon(net: TestNetwork, config_file: Path, env: dict[str, str] | None = None) -> BackgroundProcess:
    daemon = net.popen('server', [DAEMON, '-vv', str(config_file)], env=env)
    daemon.wait_for_output(r'Ready: serving', timeout=30)
    return daemon


def exchange(net: TestNetwork, *payloads: bytes, to: str = SERVER_ADDRESS, expect: int = 1, namespace: str = 'client',
             source_port: int = 546, bind: str = '::', timeout: float = 5.0) -> list[tuple[IPv6Address, int, Message]]:
    """Send datagrams from the client namespace and parse the replies."""
    result = net.run(namespace, [sys.executable, CLIENT, '--to', to, '--expect', str(expect), '--timeout',
                                 str(timeout), '--source-port', str(source_port), '--bind', bind,
                                 *[payload.hex() for payload in payloads]], timeout=timeout + 10, check=False)
    replies = []
    for line in result.stdout.splitlines():
        _word, source, port, data = line.split()
        _length, message = Message.parse(bytes.fromhex(data))
        replies.append((IPv6Address(source.split('%')[0]), int(port), message))
    assert len(replies) == expect, f"expected {expect} replies, got {replies}; stderr: {result.stderr}"
    return replies


def dns_servers(message: Message) -> list[IPv6Address]:
    assert isinstance(message, ReplyMessage), message
    assert message.transaction_id == REQUEST.transaction_id
    option = message.get_option_of_type(RecursiveNameServersOption)
    assert option is not None, message
    return list(option.dns_servers)


def ask_dns(net: TestNetwork) -> list[IPv6Address]:
    """Ask as a client does: an Information-request to All_DHCP_Relay_Agents_and_Servers."""
    [(source, port, reply)] = exchange(net, REQUEST.save(), to=MULTICAST)
    assert (source, port) == (IPv6Address(net.link_local('server', 'srv0')), 547)
    return dns_servers(reply)


def relayed(message: Message, interface_id: bytes = b'port7') -> RelayForwardMessage:
    """The message as a relay agent forwards it."""
    return RelayForwardMessage(0, RELAY_LINK, RELAYED_CLIENT, [InterfaceIdOption(interface_id),
                                                               RelayMessageOption(message)])


def wait_exit(daemon: BackgroundProcess, timeout: float = 30) -> int:
    code = daemon.wait(timeout)
    daemon.stop()  # reap and close the log
    return code


def test_check_config_exit_codes(tmp_path: Path) -> None:
    good = write_config(tmp_path / 'good')
    result = subprocess.run([DAEMON, '--check-config', str(good)], capture_output=True, text=True, timeout=60)
    assert (result.returncode, result.stdout) == (0, 'configuration OK\n'), result.stderr

    broken = write_config(tmp_path / 'broken', dns='2001:db8::zz')
    result = subprocess.run([DAEMON, '--check-config', str(broken)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert result.stdout == ''
    assert (f"{broken}:{DNS_LINE}: [option RecursiveNameServers] server-address-1: expected an IPv6 address, not "
            f"'2001:db8::zz'") in result.stderr


def test_reload_and_clean_stop(net: TestNetwork) -> None:
    config_file = write_config(net.workdir / 'etc')
    daemon = start_daemon(net, config_file)
    assert ask_dns(net) == [IPv6Address('2001:db8::53')]

    write_config(net.workdir / 'etc', dns='2001:db8::54')
    daemon.send_signal(signal.SIGHUP)
    daemon.wait_for_output(r'Configuration reloaded', timeout=20)
    assert ask_dns(net) == [IPv6Address('2001:db8::54')]

    write_config(net.workdir / 'etc', dns='this is not an address')
    daemon.send_signal(signal.SIGHUP)
    daemon.wait_for_output(r'ERROR .*Configuration not reloaded, the previous one stays in service: .*'
                           rf'ipv6-dhcpd.ini:{DNS_LINE}: \[option RecursiveNameServers\] server-address-1', timeout=20)
    assert ask_dns(net) == [IPv6Address('2001:db8::54')]

    pid_file = net.workdir / 'etc' / 'state' / 'ipv6-dhcpd.pid'
    assert pid_file.read_text() == f'{daemon.pid}\n'
    daemon.send_signal(signal.SIGTERM)
    assert wait_exit(daemon) == 0
    output = daemon.output()
    assert 'SIGTERM: stopping' in output
    assert re.search(r'statistics: received=3 malformed=0 invalid=0 dropped-queue-full=0 dropped-filtered=0 '
                     r'handled=3 replied=3 no-reply=0 exceptions=0', output), output
    assert not pid_file.exists()
    assert 'Traceback' not in output


def test_reload_applies_interface_changes(net: TestNetwork) -> None:
    """Switching multicast off by SIGHUP leaves the groups: multicast requests no longer arrive, relayed ones do."""
    config_file = write_config(net.workdir / 'etc')
    daemon = start_daemon(net, config_file)
    assert ask_dns(net) == [IPv6Address('2001:db8::53')]

    write_config(net.workdir / 'etc', text=config_file.read_text().replace('multicast = yes', 'multicast = no'))
    daemon.send_signal(signal.SIGHUP)
    daemon.wait_for_output(r'Configuration reloaded', timeout=20)
    assert 'Listening on srv0 (index' in daemon.output().split('SIGHUP')[1]
    exchange(net, REQUEST.save(), to=MULTICAST, expect=0, timeout=1)
    [(_source, port, relay_reply)] = exchange(net, relayed(REQUEST).save(), source_port=547)
    assert port == 547 and isinstance(relay_reply, RelayReplyMessage)

    # The group was left, so the kernel did not even deliver the multicast request
    daemon.send_signal(signal.SIGUSR1)
    line = daemon.wait_for_output(r'statistics: .*', timeout=20).group(0)
    assert 'received=2 ' in line and 'dropped-filtered=0 handled=2 replied=2' in line


def test_second_instance_refuses_to_start(net: TestNetwork) -> None:
    config_file = write_config(net.workdir / 'etc')
    first = start_daemon(net, config_file)
    second = net.popen('server', [DAEMON, str(config_file)])
    assert wait_exit(second) == 4
    assert f'Cannot start: another ipv6-dhcpd is running with pid {first.pid}' in second.output()
    assert first.running()
    assert (net.workdir / 'etc' / 'state' / 'ipv6-dhcpd.pid').read_text() == f'{first.pid}\n'


def test_privileges_are_dropped(net: TestNetwork) -> None:
    text = CONFIG.format(dns='2001:db8::53', server_extra='').replace('[logging]\n', '[logging]\nfile = server.log\n')
    config_file = write_config(net.workdir / 'etc', text=text)
    daemon = start_daemon(net, config_file)
    status = Path(f'/proc/{daemon.pid}/status').read_text()
    ids = {line.split(':')[0]: line.split(':', 1)[1].split() for line in status.splitlines()
           if line.startswith(('Uid:', 'Gid:', 'Groups:'))}
    assert ids == {'Uid': [str(NOBODY_ID)] * 4, 'Gid': [str(NOBODY_ID)] * 4, 'Groups': []}
    umask = re.search(r'^Umask:\s*(\d+)', status, re.MULTILINE)
    assert umask is not None and umask.group(1) == '0077'

    state = (net.workdir / 'etc' / 'state').stat()
    assert (state.st_uid, state.st_gid, state.st_mode & 0o777) == (NOBODY_ID, NOBODY_ID, 0o700)

    # A reload reads the file as nobody: a file only root may read is an error, and the old configuration stays
    config_file.chmod(0o600)
    daemon.send_signal(signal.SIGHUP)
    daemon.wait_for_output(r'Configuration not reloaded.*cannot read the configuration.*Permission denied',
                           timeout=20)
    assert ask_dns(net) == [IPv6Address('2001:db8::53')]

    daemon.send_signal(signal.SIGTERM)
    assert wait_exit(daemon) == 0
    # The log file was opened before the drop and written after it
    log = (net.workdir / 'etc' / 'server.log').read_text()
    assert 'Running as user nobody' in log and 'Configuration not reloaded' in log and 'statistics: ' in log


def test_malformed_packets_are_dropped_and_counted(net: TestNetwork) -> None:
    daemon = start_daemon(net, write_config(net.workdir / 'etc'))
    truncated = REQUEST.save()[:-3]
    [(_source, _port, reply)] = exchange(net, b'', truncated, b'\x0c\x00\x01', REQUEST.save(), to=MULTICAST)
    assert dns_servers(reply) == [IPv6Address('2001:db8::53')]

    daemon.send_signal(signal.SIGUSR1)
    line = daemon.wait_for_output(r'statistics: .*', timeout=20).group(0)
    assert 'received=4 malformed=3 invalid=0' in line
    assert 'handled=1 replied=1' in line
    assert daemon.running()


def test_multicast_unicast_and_relayed_requests(net: TestNetwork) -> None:
    daemon = start_daemon(net, write_config(net.workdir / 'etc'))
    server_link_local = IPv6Address(net.link_local('server', 'srv0'))

    # To All_DHCP_Relay_Agents_and_Servers: answered from the link-local address, to port 546
    [(source, port, reply)] = exchange(net, REQUEST.save(), to=MULTICAST)
    assert (source, port) == (server_link_local, 547)
    assert dns_servers(reply) == [IPv6Address('2001:db8::53')]

    # Straight to the unicast address: the handler sees that it was not multicast and, as RFC 8415 section 16
    # says, does not answer an Information-request sent that way
    exchange(net, REQUEST.save(), expect=0, timeout=1)

    # From a relay agent (port 547 to port 547): the answer is a Relay-reply for the relay, from the address the
    # relay sent to
    [(source, port, relay_reply)] = exchange(net, relayed(REQUEST).save(), source_port=547)
    assert (source, port) == (IPv6Address(SERVER_ADDRESS), 547)
    assert isinstance(relay_reply, RelayReplyMessage)
    assert (relay_reply.hop_count, relay_reply.link_address, relay_reply.peer_address) == (
        0, RELAY_LINK, RELAYED_CLIENT)
    assert relay_reply.get_option_of_type(InterfaceIdOption) == InterfaceIdOption(b'port7')
    assert relay_reply.relayed_message is not None
    assert dns_servers(relay_reply.relayed_message) == [IPv6Address('2001:db8::53')]

    daemon.send_signal(signal.SIGUSR1)
    line = daemon.wait_for_output(r'statistics: .*', timeout=20).group(0)
    assert 'received=3 malformed=0 invalid=0 dropped-queue-full=0 dropped-filtered=0 handled=3 replied=2 no-reply=1' \
        in line

    daemon.send_signal(signal.SIGINT)
    assert wait_exit(daemon) == 0
    assert 'SIGINT: stopping' in daemon.output()


def test_leases_are_written_by_the_unprivileged_user(net: TestNetwork) -> None:
    """The lease database is opened after the privilege drop, so nobody owns it and can write it."""
    text = CONFIG.format(dns='2001:db8::53', server_extra='') + (
        '\n[option AddressPool 2001:db8:1::/64]\nrange = 2001:db8:1::1000-2001:db8:1::1fff\n')
    config_file = write_config(net.workdir / 'etc', text=text)
    daemon = start_daemon(net, config_file)
    client_id = REQUEST.get_option_of_type(ClientIdOption)
    assert client_id is not None
    solicit = SolicitMessage(b'\x00\x00\x01', [client_id, ElapsedTimeOption(0), IANAOption(b'\x00\x00\x00\x01')])
    [(_source, _port, advertise)] = exchange(net, solicit.save(), to=MULTICAST)
    assert isinstance(advertise, AdvertiseMessage)
    server_id = advertise.get_option_of_type(ServerIdOption)
    offered = advertise.get_option_of_type(IANAOption)
    assert server_id is not None and offered is not None and offered.get_addresses()

    request = RequestMessage(b'\x00\x00\x02', [client_id, server_id, ElapsedTimeOption(0),
                                                 IANAOption(b'\x00\x00\x00\x01', options=list(offered.options))])
    [(_source, _port, reply)] = exchange(net, request.save(), to=MULTICAST)
    assert isinstance(reply, ReplyMessage)
    assigned = reply.get_option_of_type(IANAOption)
    assert assigned is not None and assigned.get_addresses() == offered.get_addresses()

    database = net.workdir / 'etc' / 'state' / 'leases.sqlite'
    info = database.stat()
    assert (info.st_uid, info.st_gid, info.st_mode & 0o777) == (NOBODY_ID, NOBODY_ID, 0o600)
    daemon.send_signal(signal.SIGTERM)
    assert wait_exit(daemon) == 0
    assert 'Traceback' not in daemon.output()


def test_runaway_protection_exits_3(net: TestNetwork) -> None:
    text = CONFIG.format(dns='2001:db8::53', server_extra=(
        'message-handler = tests.ipv6.server.failing_handler:FailingHandler\n'
        'max-exceptions = 2\n'
        'exception-window = 60\n'))
    # Also: a syslog socket that does not exist is a warning, not a reason to stop
    text = text.replace('syslog = no', 'syslog = yes\nsyslog-socket = /nonexistent/log')
    config_file = write_config(net.workdir / 'etc', text=text)
    daemon = start_daemon(net, config_file, env={'PYTHONPATH': str(REPOSITORY)})
    assert re.search(r'WARNING .*Cannot log to syslog: /nonexistent/log: No such file or directory; continuing without '
                     r'it', daemon.output())
    exchange(net, *[REQUEST.save()] * 3, to=MULTICAST, expect=0, timeout=1)
    assert wait_exit(daemon) == 3
    output = daemon.output()
    assert re.search(r'CRITICAL .*More than 2 unexpected exceptions within 60 seconds', output), output
    assert 'RuntimeError: this handler always fails' in output
    assert 'exceptions=3' in output


def test_example_configuration(net: TestNetwork) -> None:
    """examples/ipv6-dhcpd.ini serves ::1 on loopback, as scripts/run-example runs it: a relay on the same host
    can use it (a client cannot: it would multicast, and loopback does no multicast)."""
    directory = net.workdir / 'example'
    directory.mkdir(mode=0o755)
    config_file = directory / 'ipv6-dhcpd.ini'
    shutil.copy(REPOSITORY / 'examples' / 'ipv6-dhcpd.ini', config_file)
    os.chmod(config_file, 0o644)
    # The relay agent has its own address, so that its port 547 is not the server's
    net.add_address('server', 'lo', '2001:db8:ff::1/128')
    daemon = start_daemon(net, config_file)
    [(source, port, reply)] = exchange(net, relayed(REQUEST).save(), to='::1', namespace='server', source_port=547,
                                       bind='2001:db8:ff::1')
    assert (source, port) == (IPv6Address('::1'), 547)
    assert isinstance(reply, RelayReplyMessage) and reply.relayed_message is not None
    response = reply.relayed_message
    assert dns_servers(response) == [IPv6Address('2001:db8::53'), IPv6Address('2001:db8:1::53')]
    assert isinstance(response, ReplyMessage)
    search = response.get_option_of_type(DomainSearchListOption)
    assert search is not None and list(search.search_list) == ['example.com', 'example.net']
    daemon.send_signal(signal.SIGTERM)
    assert wait_exit(daemon) == 0
    assert not (directory / 'state' / 'ipv6-dhcpd.pid').exists()
