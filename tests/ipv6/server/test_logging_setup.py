"""Tests for dhcpkit.ipv6.server.logging_setup."""
import io
import logging
import socket
from pathlib import Path
from typing import Any, Iterator

import pytest

from dhcpkit.ipv6.server import logging_setup
from dhcpkit.ipv6.server.logging_setup import remove_handlers, setup_logging, verbosity_level


def settings(**values: Any) -> dict[str, Any]:
    base: dict[str, Any] = {'level': logging.INFO, 'console': False, 'syslog': False, 'syslog-socket': '/dev/log',
                            'facility': 'daemon', 'file': None}
    base.update({key.replace('_', '-'): value for key, value in values.items()})
    return base


@pytest.fixture(autouse=True)
def _clean_up() -> Iterator[None]:
    level = logging.getLogger().level
    yield
    remove_handlers()
    logging.getLogger().setLevel(level)


def installed() -> list[logging.Handler]:
    return list(logging_setup._installed)


def test_verbosity_levels() -> None:
    assert verbosity_level(0) is None
    assert verbosity_level(1) == logging.INFO
    assert verbosity_level(2) == logging.DEBUG
    assert verbosity_level(5) == logging.DEBUG


def test_console_from_configuration() -> None:
    stream = io.StringIO()
    setup_logging(settings(console=True, level=logging.WARNING), console_stream=stream)
    logging.getLogger('dhcpkit.test').info("hidden")
    logging.getLogger('dhcpkit.test').warning("shown")
    assert 'hidden' not in stream.getvalue()
    assert 'WARNING dhcpkit.test: shown' in stream.getvalue()


@pytest.mark.parametrize('verbosity, level', [(1, logging.INFO), (2, logging.DEBUG)])
def test_verbose_forces_console_on(verbosity: int, level: int) -> None:
    stream = io.StringIO()
    setup_logging(settings(console=False, level=logging.ERROR), verbosity, console_stream=stream)
    assert [handler.level for handler in installed()] == [level]
    assert logging.getLogger().level == level
    logging.getLogger('dhcpkit.test').debug("packet dump")
    assert ('packet dump' in stream.getvalue()) == (level == logging.DEBUG)


def test_log_file(tmp_path: Path) -> None:
    log_file = tmp_path / 'server.log'
    setup_logging(settings(file=str(log_file)))
    logging.getLogger('dhcpkit.test').info("to the file")
    for handler in installed():
        handler.flush()
    assert 'INFO dhcpkit.test: to the file' in log_file.read_text()


def test_missing_syslog_socket_is_a_warning(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    stream = io.StringIO()
    with caplog.at_level(logging.WARNING):
        setup_logging(settings(syslog=True, syslog_socket=str(tmp_path / 'no-such-socket'), console=True),
                      console_stream=stream)
    assert 'Cannot log to syslog' in caplog.text
    assert 'no-such-socket' in stream.getvalue()
    assert all(not isinstance(handler, logging.handlers.SysLogHandler) for handler in installed())


def test_syslog_socket(tmp_path: Path) -> None:
    path = str(tmp_path / 'log')
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as syslog_daemon:
        syslog_daemon.bind(path)
        syslog_daemon.settimeout(5)
        setup_logging(settings(syslog=True, syslog_socket=path, facility='local3'))
        logging.getLogger('dhcpkit.test').warning("to syslog")
        data = syslog_daemon.recv(1000).decode()
    # <priority>: local3 (19) * 8 + warning (4)
    assert data.startswith('<156>ipv6-dhcpd[')
    assert 'WARNING dhcpkit.test: to syslog' in data


def test_nowhere_to_log_still_shows_errors() -> None:
    stream = io.StringIO()
    setup_logging(settings(), console_stream=stream)
    logging.getLogger('dhcpkit.test').error("not lost")
    assert 'not lost' in stream.getvalue()


def test_setting_up_again_replaces_only_our_handlers() -> None:
    other = logging.NullHandler()
    logging.getLogger().addHandler(other)
    try:
        setup_logging(settings(console=True), console_stream=io.StringIO())
        setup_logging(settings(console=True), console_stream=io.StringIO())
        assert len(installed()) == 1
        assert other in logging.getLogger().handlers
    finally:
        logging.getLogger().removeHandler(other)
