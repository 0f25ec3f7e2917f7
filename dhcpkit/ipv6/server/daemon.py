"""
The daemon's life: start up in the right order, run the main loop, reload on SIGHUP, stop cleanly.

Start-up order matters because of the privilege drop: logging and the socket are opened, the state directory and
pid file created and every module imported while the process is still root; then it becomes the configured user and
only then builds the message handler, so that the files its option handlers open (lease databases in the state
directory) belong to the user that writes them, and start-up and reload run the same code as the same user.

The main thread then does nothing but wait for signals and act on them, and look at the interfaces now and then: the
worker threads read the socket themselves (see :mod:`~dhcpkit.ipv6.server.worker`).
"""
import logging
import os
import selectors
import signal
import sys
import time
from typing import Any

from dhcpkit.ipv6.config import ConfigError
from dhcpkit.ipv6.message_handlers import MessageHandler
from dhcpkit.ipv6.server.config_loader import load_config
from dhcpkit.ipv6.server.listener import Listener, open_server_socket
from dhcpkit.ipv6.server.logging_setup import setup_logging
from dhcpkit.ipv6.server.privileges import (Credentials, PrivilegeError, drop_privileges, preload,
                                            prepare_state_directory, remove_pid_file, resolve_credentials,
                                            running_as_root, write_pid_file)
from dhcpkit.ipv6.server.runaway import RunawayProtection
from dhcpkit.ipv6.server.signals import SignalWatcher
from dhcpkit.ipv6.server.statistics import Statistics
from dhcpkit.ipv6.server.worker import Worker

__all__ = ['Daemon', 'check_daemon_config', 'restart_needed_for', 'EXIT_OK', 'EXIT_CONFIG', 'EXIT_USAGE',
           'EXIT_RUNAWAY', 'EXIT_FAILURE']

logger = logging.getLogger(__name__)

#: Stopped on SIGTERM or SIGINT
EXIT_OK = 0
#: The configuration file is wrong or unreadable
EXIT_CONFIG = 1
#: The command line is wrong (the exit status argparse uses)
EXIT_USAGE = 2
#: Handling raised unexpected exceptions faster than ``[server] max-exceptions`` per ``exception-window``
EXIT_RUNAWAY = 3
#: The daemon could not start (socket, pid file, user, state directory) or failed unexpectedly
EXIT_FAILURE = 4

#: Seconds between looks at the system's interfaces, to notice addresses and interfaces that come and go
REFRESH_INTERVAL = 60.0

#: Seconds to wait for packets in flight when stopping
SHUTDOWN_TIMEOUT = 30.0

#: Settings that are only read at start-up: (section, key)
_START_UP_ONLY = (('server', 'threads'), ('server', 'user'), ('server', 'group'), ('server', 'pid-file'),
                  ('server', 'state-directory'), ('server', 'message-handler'), ('logging', None))


def check_daemon_config(config: dict[str, Any]) -> None:
    """
    The checks that only matter to the daemon (a library user of the configuration may not need interfaces).

    :param config: the loaded configuration
    :raises ConfigError: when the daemon could not serve anything with it
    """
    if not config['interfaces']:
        raise ConfigError("no [interface NAME] section: the server would listen nowhere", config.get('filename'))


def restart_needed_for(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """
    :param old: the running configuration
    :param new: the configuration being loaded
    :return: the changed settings that only a restart applies, as ``[section] key``
    """
    changed = []
    for section, key in _START_UP_ONLY:
        if key is None:
            if old[section] != new[section]:
                changed.append(f'[{section}]')
        elif old[section][key] != new[section][key]:
            changed.append(f'[{section}] {key}')
    return changed


class Daemon:
    """
    One run of the server.

    :ivar config: the configuration in service
    :ivar statistics: the packet counters
    """

    def __init__(self, config: dict[str, Any], verbosity: int = 0):
        """
        :param config: the loaded and checked configuration
        :param verbosity: the number of ``-v`` options
        """
        self.config = config
        self.verbosity = verbosity
        self.statistics = Statistics()
        server = config['server']
        self.runaway = RunawayProtection(server['max-exceptions'], server['exception-window'])
        self.listener: Listener | None = None
        self.handler: MessageHandler | None = None
        self.worker: Worker | None = None
        self.signals: SignalWatcher | None = None
        self._pid_file_written = False

    # Start-up

    def run(self) -> int:
        """
        Start, serve until told to stop, stop.

        :return: the exit status (see the ``EXIT_*`` constants)
        """
        try:
            setup_logging(self.config['logging'], self.verbosity)
        except OSError as error:
            # Logging is not there yet, so this goes to standard error
            print(f"ipv6-dhcpd: cannot open the log: {error}", file=sys.stderr)
            return EXIT_FAILURE
        logger.info("Starting ipv6-dhcpd with %s", self.config['filename'])
        with SignalWatcher() as self.signals:
            exit_code = EXIT_FAILURE
            try:
                self.start()
                exit_code = self.loop()
            except (PrivilegeError, OSError) as error:
                logger.error("Cannot start: %s", error)
            except Exception:
                logger.critical("Stopping after an unexpected error", exc_info=True)
            finally:
                self.stop(drain=exit_code == EXIT_OK)
        return exit_code

    def start(self) -> None:
        """
        Everything up to serving, in the order that the privilege drop needs: as root what needs root or may be
        unreadable later, then the drop, then the message handler.

        :raises PrivilegeError: when the user, state directory or pid file is wrong
        :raises OSError: when the socket cannot be opened
        """
        server = self.config['server']
        preload()
        credentials: Credentials | None = None
        if running_as_root():
            credentials = resolve_credentials(server['user'], server['group'])

        sock = open_server_socket()
        self.listener = Listener(sock, self.statistics, report_exception=self._report_exception)
        self.listener.update(self.config['interfaces'])

        prepare_state_directory(server['state-directory'], credentials)
        if server['pid-file']:
            write_pid_file(server['pid-file'])
            self._pid_file_written = True

        if credentials is not None:
            drop_privileges(credentials)
            logger.info("Running as user %s (uid %d), group %s (gid %d), no supplementary groups",
                        credentials.user, credentials.uid, credentials.group, credentials.gid)
        else:
            logger.warning("Not running as root: staying uid %d, not switching to user %s", os.getuid(),
                           server['user'])

        # The handler opens its files (lease databases in the state directory) as the user that will write them,
        # exactly as it does again at every reload
        handler_class: type[MessageHandler] = server['message-handler']
        self.handler = handler_class(self.config)

        self.worker = Worker(self.handler, self.statistics, self.listener.send, server['threads'],
                             server['queue-size'], self.runaway, on_runaway=self._wake, source=self.listener)
        logger.info("Ready: serving %d interface(s) with %d thread(s)", len(self.listener.interfaces),
                    server['threads'])

    def _wake(self) -> None:
        if self.signals is not None:
            self.signals.wake()

    def _report_exception(self, context: str) -> None:
        # The listener only receives in the main loop, when the worker exists
        assert self.worker is not None
        self.worker.report_exception(context)

    # Serving

    def loop(self) -> int:
        """
        Wait for signals until a stop signal or the runaway protection ends it; the worker threads serve meanwhile.

        :return: the exit status
        """
        assert self.listener is not None and self.worker is not None and self.signals is not None
        with selectors.DefaultSelector() as selector:
            selector.register(self.signals.fileno(), selectors.EVENT_READ, 'signals')
            next_refresh = time.monotonic() + REFRESH_INTERVAL
            while True:
                if selector.select(max(0.0, next_refresh - time.monotonic())):
                    exit_code = self.handle_signals()
                    if exit_code is not None:
                        return exit_code
                if self.runaway.tripped:
                    logger.critical("More than %d unexpected exceptions within %g seconds: exiting so that a "
                                    "supervisor can restart the server", self.runaway.max_exceptions,
                                    self.runaway.window)
                    return EXIT_RUNAWAY
                if time.monotonic() >= next_refresh:
                    self.listener.update(self.config['interfaces'])
                    next_refresh = time.monotonic() + REFRESH_INTERVAL

    def handle_signals(self) -> int | None:
        """
        Act on the signals that arrived.

        :return: the exit status when a signal asks to stop, else None
        """
        assert self.signals is not None
        for signal_number in self.signals.pending():
            if signal_number in (signal.SIGTERM, signal.SIGINT):
                logger.info("%s: stopping", signal_number.name)
                return EXIT_OK
            if signal_number == signal.SIGHUP:
                self.reload()
            elif signal_number == signal.SIGUSR1:
                logger.info(self.statistics.log_line())
        return None

    def reload(self) -> None:
        """
        Read the configuration file again (as the unprivileged user) and swap it in if it is valid; otherwise log
        why and keep serving the configuration in service.
        """
        filename = self.config['filename']
        logger.info("SIGHUP: reloading %s", filename)
        try:
            new_config = load_config(filename)
            check_daemon_config(new_config)
        except ConfigError as error:
            logger.error("Configuration not reloaded, the previous one stays in service: %s", error)
            return
        except Exception:
            logger.exception("Configuration not reloaded, the previous one stays in service")
            return

        assert self.handler is not None and self.listener is not None and self.worker is not None
        old_config = self.config
        try:
            self.handler.reload(new_config)
        except Exception:
            logger.exception("The message handler cannot use the new configuration; the previous one stays in "
                             "service")
            try:
                self.handler.reload(old_config)
            except Exception:
                logger.critical("The message handler cannot go back to the previous configuration either",
                                exc_info=True)
                raise
            return

        for setting in restart_needed_for(old_config, new_config):
            logger.warning("Configuration reloaded, but %s only changes at a restart", setting)
        self.config = new_config
        self.listener.update(new_config['interfaces'])
        server = new_config['server']
        self.worker.queue_size = server['queue-size']
        self.runaway.configure(server['max-exceptions'], server['exception-window'])
        logger.info("Configuration reloaded")

    # Stopping

    def stop(self, drain: bool) -> None:
        """
        Stop intake, let packets in flight finish (when `drain`), close the handler and the socket, remove the pid
        file, and log the statistics.

        :param drain: wait for packets in flight; False when stopping because things are going wrong
        """
        if self.worker is not None:
            self.worker.stop_reading()
            finished = drain and self.worker.drain(SHUTDOWN_TIMEOUT)
            if drain and not finished:
                logger.warning("%d packet(s) still in flight after %g seconds; stopping anyway",
                               self.worker.in_flight, SHUTDOWN_TIMEOUT)
            self.worker.shutdown(wait=finished)
        if self.handler is not None:
            try:
                self.handler.close()
            except Exception:
                logger.exception("Error while closing the message handler")
        if self.listener is not None:
            self.listener.close()
        if self._pid_file_written and self.config['server']['pid-file']:
            remove_pid_file(self.config['server']['pid-file'])
        logger.info(self.statistics.log_line())
