"""
The ``ipv6-dhcpd`` command: ``ipv6-dhcpd [-v…] [--check-config] CONFIG``.

This module only reads the command line and the configuration; :class:`~dhcpkit.ipv6.server.daemon.Daemon` does
the rest. Configuration errors go to standard error as ``file:line: [section] key: reason``, the form editors and
humans both understand, because logging is not set up before the configuration says where it goes.
"""
import argparse
import sys
import traceback

from dhcpkit.ipv6.config import ConfigError
from dhcpkit.ipv6.server.config_loader import load_config
from dhcpkit.ipv6.server.daemon import EXIT_CONFIG, EXIT_OK, Daemon, check_daemon_config

__all__ = ['run', 'build_parser']


def build_parser() -> argparse.ArgumentParser:
    """:return: the command line parser"""
    parser = argparse.ArgumentParser(
        prog='ipv6-dhcpd',
        description="A DHCPv6 server. Binds UDP port 547 as root, then runs as the configured user.",
        epilog="Signals: SIGHUP reloads the configuration, SIGUSR1 logs statistics, SIGTERM and SIGINT stop.")
    parser.add_argument('config', metavar='CONFIG', help="the configuration file (ipv6-dhcpd.ini)")
    parser.add_argument('-v', '--verbose', action='count', default=0,
                        help="log to the console: -v at INFO, -vv at DEBUG (with packet dumps)")
    parser.add_argument('--check-config', action='store_true',
                        help="only check the configuration file: exit 0 when it is valid, 1 when not")
    return parser


def run(argv: list[str] | None = None) -> int:
    """
    Run the daemon (or only check its configuration).

    :param argv: the arguments without the program name; :data:`sys.argv` by default
    :return: the exit status: 0 stopped cleanly or configuration OK, 1 configuration error, 2 usage error,
             3 runaway protection, 4 could not start or failed
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_request:
        return int(exit_request.code or 0)

    try:
        config = load_config(args.config)
        check_daemon_config(config)
    except ConfigError as error:
        print(error, file=sys.stderr)
        return EXIT_CONFIG
    except Exception:
        # A bug in a plugin's configuration code: still a configuration that cannot be used
        traceback.print_exc()
        print(f"{args.config}: cannot load the configuration (see the error above)", file=sys.stderr)
        return EXIT_CONFIG

    if args.check_config:
        print("configuration OK")
        return EXIT_OK
    return Daemon(config, args.verbose).run()


if __name__ == '__main__':
    sys.exit(run())
