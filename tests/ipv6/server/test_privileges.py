"""Tests for dhcpkit.ipv6.server.privileges: user lookup, state directory, pid file, preloading, the drop."""
import os
import pwd
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from dhcpkit.ipv6.server.privileges import (Credentials, PrivilegeError, preload, prepare_state_directory,
                                            remove_pid_file, resolve_credentials, write_pid_file)
from tests.netns import wait_until

needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="needs root")
NOBODY = pwd.getpwnam('nobody')


def test_resolve_credentials() -> None:
    nobody = resolve_credentials('nobody', None)
    assert (nobody.uid, nobody.gid) == (NOBODY.pw_uid, NOBODY.pw_gid)
    assert resolve_credentials('0', '0') == Credentials('root', 0, 'root', 0)
    with pytest.raises(PrivilegeError, match="user 'no-such-user-here'"):
        resolve_credentials('no-such-user-here', None)
    with pytest.raises(PrivilegeError, match="group 'no-such-group-here'"):
        resolve_credentials('nobody', 'no-such-group-here')


def test_state_directory_is_created_private(tmp_path: Path) -> None:
    state = tmp_path / 'var' / 'state'
    prepare_state_directory(str(state), None)
    assert stat.S_IMODE(state.stat().st_mode) == 0o700
    state.chmod(0o755)
    prepare_state_directory(str(state), None)
    assert stat.S_IMODE(state.stat().st_mode) == 0o700


@needs_root
def test_state_directory_belongs_to_the_daemon_user(tmp_path: Path) -> None:
    state = tmp_path / 'state'
    prepare_state_directory(str(state), resolve_credentials('nobody', None))
    info = state.stat()
    assert (info.st_uid, info.st_gid) == (NOBODY.pw_uid, NOBODY.pw_gid)


def test_state_directory_must_be_a_directory(tmp_path: Path) -> None:
    (tmp_path / 'file').write_text('')
    with pytest.raises(PrivilegeError, match='file: File exists'):
        prepare_state_directory(str(tmp_path / 'file'), None)
    (tmp_path / 'link').symlink_to(tmp_path)
    with pytest.raises(PrivilegeError, match='not a directory'):
        prepare_state_directory(str(tmp_path / 'link'), None)


def test_pid_file_written_and_removed(tmp_path: Path) -> None:
    pid_file = tmp_path / 'ipv6-dhcpd.pid'
    write_pid_file(str(pid_file))
    assert pid_file.read_text() == f'{os.getpid()}\n'
    assert stat.S_IMODE(pid_file.stat().st_mode) == 0o644
    assert sorted(path.name for path in tmp_path.iterdir()) == ['ipv6-dhcpd.pid']
    remove_pid_file(str(pid_file))
    assert not pid_file.exists()
    remove_pid_file(str(pid_file))  # already gone: fine


def test_pid_file_of_someone_else_is_left_alone(tmp_path: Path) -> None:
    pid_file = tmp_path / 'ipv6-dhcpd.pid'
    pid_file.write_text('1\n')
    remove_pid_file(str(pid_file))
    assert pid_file.exists()


def test_stale_pid_file_is_replaced(tmp_path: Path) -> None:
    pid_file = tmp_path / 'ipv6-dhcpd.pid'
    pid_file.write_text('999999999\n')  # beyond pid_max: no such process
    write_pid_file(str(pid_file))
    assert pid_file.read_text() == f'{os.getpid()}\n'


def test_running_daemon_in_pid_file_refuses_start(tmp_path: Path) -> None:
    pid_file = tmp_path / 'ipv6-dhcpd.pid'
    sleep = shutil.which('sleep')
    assert sleep is not None
    with subprocess.Popen(['ipv6-dhcpd', '30'], executable=sleep) as other:
        try:
            cmdline = Path(f'/proc/{other.pid}/cmdline')
            wait_until(lambda: b'ipv6-dhcpd' in cmdline.read_bytes(), 10, "the process to start")
            pid_file.write_text(f'{other.pid}\n')
            with pytest.raises(PrivilegeError, match=f'another ipv6-dhcpd is running with pid {other.pid}'):
                write_pid_file(str(pid_file))
        finally:
            other.kill()


def test_pid_file_never_writes_through_a_link(tmp_path: Path) -> None:
    target = tmp_path / 'precious'
    target.write_text('keep me')
    pid_file = tmp_path / 'ipv6-dhcpd.pid'
    pid_file.symlink_to(target)
    write_pid_file(str(pid_file))
    assert target.read_text() == 'keep me'
    assert not pid_file.is_symlink()
    assert pid_file.read_text() == f'{os.getpid()}\n'


def test_preload_imports_the_daemon() -> None:
    failures = preload()
    assert not [failure for failure in failures if failure.startswith('dhcpkit.ipv6.server')]
    from dhcpkit.ipv6.option_handlers import option_handler_registry
    assert option_handler_registry.loaded
    for name in ('dhcpkit.ipv6.server.worker', 'logging.handlers', 'concurrent.futures.thread'):
        assert name in sys.modules


@needs_root
def test_drop_privileges_for_real() -> None:
    """In a child process: no supplementary groups, nobody's ids, umask 077, and no way back."""
    code = ("import os\n"
            "from dhcpkit.ipv6.server.privileges import drop_privileges, resolve_credentials\n"
            "os.setgroups([0, 1, 2])\n"
            "drop_privileges(resolve_credentials('nobody', None))\n"
            "print(os.getuid(), os.geteuid(), os.getgid(), os.getegid(), os.getgroups(), oct(os.umask(0)))\n")
    result = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, timeout=30, check=True)
    uid, gid = NOBODY.pw_uid, NOBODY.pw_gid
    assert result.stdout.split(' ', 4)[:4] == [str(uid), str(uid), str(gid), str(gid)]
    assert result.stdout.strip().endswith('[] 0o77')
