"""
Logging as ``[logging]`` and the ``-v`` options ask: to the console, to syslog and/or to a file.

Everything is opened here, before privileges are dropped: the syslog socket is connected and the log file is open,
so both keep working for the unprivileged daemon. A syslog socket that is not there (a container without a syslog
daemon) is a warning, not a reason to refuse to start.
"""
import logging
import logging.handlers
import socket
import sys
from typing import Any, Mapping, TextIO

__all__ = ['setup_logging', 'remove_handlers', 'verbosity_level']

logger = logging.getLogger(__name__)

#: The name syslog shows for the daemon
SYSLOG_IDENT = 'ipv6-dhcpd'

_CONSOLE_FORMAT = '%(asctime)s %(levelname)s %(name)s: %(message)s'
_FILE_FORMAT = '%(asctime)s [%(process)d] %(levelname)s %(name)s: %(message)s'
_SYSLOG_FORMAT = SYSLOG_IDENT + '[%(process)d]: %(levelname)s %(name)s: %(message)s'

#: The handlers this module installed, so that setting up again replaces them and leaves others alone
_installed: list[logging.Handler] = []


def skip_unused_record_fields() -> None:
    """
    Stop the logging module from working out what no format here shows: the caller's file and line (a walk up the
    stack for every record), the thread and the multiprocessing process name. The server logs a line for every
    transaction, and this is most of what one costs.
    """
    logging._srcfile = None  # documented in the logging module: "avoid calling sys._getframe()"
    logging.logThreads = False
    logging.logMultiprocessing = False


def verbosity_level(verbosity: int) -> int | None:
    """
    :param verbosity: the number of ``-v`` options
    :return: the console level they ask for: None for none, INFO for one, DEBUG for two or more
    """
    if verbosity <= 0:
        return None
    return logging.INFO if verbosity == 1 else logging.DEBUG


def _add(handler: logging.Handler, level: int, log_format: str) -> None:
    handler.setLevel(level)
    handler.setFormatter(logging.Formatter(log_format))
    logging.getLogger().addHandler(handler)
    _installed.append(handler)


def _probe_syslog(path: str) -> str | None:
    """
    Check that the syslog socket accepts connections. :class:`logging.handlers.SysLogHandler` does not say when it
    cannot connect; it then prints an error for every record instead, which is worse than not logging to syslog.

    :param path: the syslog socket
    :return: why it cannot be used, or None when it can
    """
    problem = None
    for kind in (socket.SOCK_DGRAM, socket.SOCK_STREAM):  # the two kinds SysLogHandler tries
        with socket.socket(socket.AF_UNIX, kind) as probe:
            try:
                probe.connect(path)
            except OSError as error:
                problem = problem or error.strerror or str(error)
                continue
        return None
    return problem


def remove_handlers() -> None:
    """Remove and close the handlers that :func:`setup_logging` installed."""
    root = logging.getLogger()
    while _installed:
        handler = _installed.pop()
        root.removeHandler(handler)
        handler.close()


def setup_logging(settings: Mapping[str, Any], verbosity: int = 0, console_stream: TextIO | None = None) -> None:
    """
    Install the log handlers.

    ``level`` applies to every destination; ``-v`` makes the console show INFO and ``-vv`` DEBUG (turning the
    console on when the configuration has it off).

    :param settings: ``config['logging']``: level, console, syslog, syslog-socket, facility, file
    :param verbosity: the number of ``-v`` options
    :param console_stream: where console logging goes (standard error by default)
    :raises OSError: when the log file cannot be opened
    """
    remove_handlers()
    skip_unused_record_fields()
    level: int = settings.get('level', logging.INFO)
    console_level = verbosity_level(verbosity)
    warnings: list[str] = []

    if settings.get('console', False) or console_level is not None:
        console_handler = logging.StreamHandler(console_stream or sys.stderr)
        _add(console_handler, min(level, console_level) if console_level is not None else level, _CONSOLE_FORMAT)

    filename = settings.get('file')
    if filename:
        _add(logging.FileHandler(filename, encoding='utf-8'), level, _FILE_FORMAT)

    if settings.get('syslog', False):
        socket_path = settings.get('syslog-socket') or '/dev/log'
        problem = _probe_syslog(socket_path)
        if problem:
            warnings.append(f"Cannot log to syslog: {socket_path}: {problem}; continuing without it")
        else:
            facility = logging.handlers.SysLogHandler.facility_names[settings.get('facility', 'daemon')]
            _add(logging.handlers.SysLogHandler(address=socket_path, facility=facility), level, _SYSLOG_FORMAT)

    handler_levels = [handler.level for handler in _installed]
    logging.getLogger().setLevel(min(handler_levels) if handler_levels else level)
    if not _installed:
        # Nowhere to log: at least let errors reach the terminal rather than vanish
        _add(logging.StreamHandler(console_stream or sys.stderr), logging.WARNING, _CONSOLE_FORMAT)
    for warning in warnings:
        logger.warning(warning)
