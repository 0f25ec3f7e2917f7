"""
Giving up root: the state directory and pid file first, then preloading everything, then the switch of user.

The daemon needs root only to bind port 547. After that it runs as ``[server] user`` and ``group`` with no
supplementary groups and umask 077. Python imports modules lazily, and the unprivileged user may not be allowed to
read the directory where Python and its standard library live (a pyenv under /root, for instance), so every module
the daemon can need later is imported while it is still root, and every registry is filled from its entry points.

What happens after the drop, as the unprivileged user: reloading the configuration on SIGHUP (so the file, and
anything it names, must be readable by that user), and writing in the state directory (which is created owned by
that user, mode 0700).
"""
import codecs
import errno
import grp
import importlib
import logging
import os
import pkgutil
import pwd
import stat
from dataclasses import dataclass

import dhcpkit

__all__ = ['Credentials', 'PrivilegeError', 'resolve_credentials', 'prepare_state_directory', 'write_pid_file',
           'remove_pid_file', 'preload', 'drop_privileges', 'running_as_root']

logger = logging.getLogger(__name__)

#: Standard library modules the daemon (or logging, or tracebacks) may import lazily after the drop
LATE_IMPORTS = (
    'concurrent.futures.thread', 'logging.handlers', 'traceback', 'linecache', 'tokenize', 'selectors', 'signal',
    'ipaddress', 'uuid', 'sqlite3', 'csv', 'json', 'email.utils', '_strptime', 'netifaces',
)

#: Codecs looked up by name at run time; a codec lookup imports its module on first use
LATE_CODECS = ('ascii', 'utf-8', 'latin-1', 'idna', 'utf-16-be')


class PrivilegeError(Exception):
    """Something about the user, group, state directory or pid file that keeps the daemon from starting."""


@dataclass(frozen=True)
class Credentials:
    """
    Who the daemon runs as after the drop.

    :ivar user: the user name
    :ivar uid: the user id
    :ivar group: the group name
    :ivar gid: the group id
    """

    user: str
    uid: int
    group: str
    gid: int


def running_as_root() -> bool:
    """:return: whether the process can (and so must) drop privileges"""
    return os.geteuid() == 0


def resolve_credentials(user: str, group: str | None) -> Credentials:
    """
    Look up the user and group, by name or number.

    :param user: the user
    :param group: the group, or None for the user's primary group
    :return: the ids
    :raises PrivilegeError: when the user or group does not exist
    """
    try:
        account = pwd.getpwuid(int(user)) if user.isdigit() else pwd.getpwnam(user)
    except KeyError:
        raise PrivilegeError(f"user {user!r} does not exist ([server] user)") from None
    if group is None:
        gid = account.pw_gid
    else:
        try:
            gid = (grp.getgrgid(int(group)) if group.isdigit() else grp.getgrnam(group)).gr_gid
        except KeyError:
            raise PrivilegeError(f"group {group!r} does not exist ([server] group)") from None
    try:
        group_name = grp.getgrgid(gid).gr_name
    except KeyError:
        group_name = str(gid)
    return Credentials(account.pw_name, account.pw_uid, group_name, gid)


def prepare_state_directory(path: str, owner: Credentials | None) -> None:
    """
    Create the state directory (and its parents) if needed, and make it private to the daemon's user: mode 0700,
    owned by `owner`. A symbolic link is refused, so that the chown cannot be pointed elsewhere.

    :param path: the state directory
    :param owner: who will own it, or None to leave the owner alone (not running as root)
    :raises PrivilegeError: when it cannot be created or is not a directory
    """
    try:
        os.makedirs(path, mode=0o700, exist_ok=True)
        info = os.lstat(path)
        if not stat.S_ISDIR(info.st_mode):
            raise PrivilegeError(f"state directory {path} is not a directory")
        if owner is not None and (info.st_uid, info.st_gid) != (owner.uid, owner.gid):
            os.chown(path, owner.uid, owner.gid, follow_symlinks=False)
        if stat.S_IMODE(info.st_mode) != 0o700:
            os.chmod(path, 0o700)
    except OSError as error:
        raise PrivilegeError(f"cannot prepare state directory {path}: {error.strerror or error}") from None


def _pid_of_running_daemon(path: str) -> int | None:
    try:
        with open(path, encoding='ascii') as pid_file:
            pid = int(pid_file.read(32).strip())
    except (OSError, ValueError):
        return None
    if pid == os.getpid():
        return None
    try:
        with open(f'/proc/{pid}/cmdline', 'rb') as cmdline:
            return pid if b'ipv6-dhcpd' in cmdline.read() else None
    except OSError:
        return None


def write_pid_file(path: str) -> None:
    """
    Write our process id, refusing to start when the file names another running ipv6-dhcpd. The file is written
    under a new name and renamed into place, never opened through a link: the directory may belong to the
    unprivileged user, who must not be able to make root overwrite another file.

    :param path: the pid file
    :raises PrivilegeError: when another daemon runs or the file cannot be written
    """
    other = _pid_of_running_daemon(path)
    if other is not None:
        raise PrivilegeError(f"another ipv6-dhcpd is running with pid {other} (pid file {path})")
    temporary = f'{path}.{os.getpid()}.tmp'
    try:
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
        try:
            os.fchmod(descriptor, 0o644)
            os.write(descriptor, f'{os.getpid()}\n'.encode('ascii'))
        finally:
            os.close(descriptor)
        os.replace(temporary, path)
    except OSError as error:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise PrivilegeError(f"cannot write pid file {path}: {error.strerror or error}") from None


def remove_pid_file(path: str) -> None:
    """
    Remove the pid file if it still holds our process id. After the drop that works when the file is in a directory
    the daemon's user may write (such as the state directory); otherwise it is left behind, which is harmless: the
    next start sees that the process is gone.

    :param path: the pid file
    """
    try:
        with open(path, encoding='ascii') as pid_file:
            if pid_file.read(32).strip() != str(os.getpid()):
                return
        os.unlink(path)
    except OSError as error:
        if error.errno != errno.ENOENT:
            logger.info("Leaving pid file %s: %s", path, error.strerror or error)


def preload() -> list[str]:
    """
    Import now what the daemon would otherwise import later, when it may no longer be able to read its own Python
    installation: every registry's entry points, every module of dhcpkit, the standard library modules in
    :data:`LATE_IMPORTS` and the codecs in :data:`LATE_CODECS`.

    :return: the modules that failed to import, with why (also logged as warnings)
    """
    from dhcpkit.ipv6.duids import duid_registry
    from dhcpkit.ipv6.messages import message_registry
    from dhcpkit.ipv6.option_base import option_registry
    from dhcpkit.ipv6.option_handlers import option_handler_registry
    for registry in (message_registry, option_registry, duid_registry, option_handler_registry):
        registry.load()

    failures = []
    modules = [info.name for info in pkgutil.walk_packages(dhcpkit.__path__, 'dhcpkit.')]
    for name in modules + list(LATE_IMPORTS):
        try:
            importlib.import_module(name)
        except Exception as error:
            failures.append(f"{name}: {error}")
            logger.warning("Cannot preload module %s: %s", name, error)
    for codec in LATE_CODECS:
        codecs.lookup(codec)
    return failures


def drop_privileges(credentials: Credentials) -> None:
    """
    Become `credentials` for good: no supplementary groups, the group, then the user (in that order: after setuid
    the process may no longer change its groups), then umask 077 so that whatever the daemon creates is its own.

    :param credentials: who to become
    :raises PrivilegeError: when the switch fails or could be undone
    """
    try:
        os.setgroups([])
        os.setgid(credentials.gid)
        os.setuid(credentials.uid)
    except OSError as error:
        raise PrivilegeError(f"cannot switch to user {credentials.user} and group {credentials.group}: "
                             f"{error.strerror or error}") from None
    os.umask(0o077)
    if credentials.uid != 0:
        try:
            os.setuid(0)
        except OSError:
            pass
        else:
            raise PrivilegeError("still able to become root after dropping privileges")
