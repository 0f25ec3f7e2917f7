"""Tests for dhcpkit.ipv6.server.main: the command line and --check-config."""
from pathlib import Path

import pytest

from dhcpkit.ipv6.server.main import run

GOOD = """
[server]
duid = 0003000102000000aaaa

[interface eth0]
multicast = yes
"""


def test_check_config_good(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config_file = tmp_path / 'good.ini'
    config_file.write_text(GOOD)
    assert run(['--check-config', str(config_file)]) == 0
    assert capsys.readouterr().out == 'configuration OK\n'


def test_check_config_names_file_line_section_and_key(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config_file = tmp_path / 'broken.ini'
    config_file.write_text(GOOD + 'colour = blue\n')
    assert run(['--check-config', str(config_file)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ''
    assert captured.err == f'{config_file}:7: [interface eth0] colour: unknown key\n'


def test_configuration_error_without_check_config_exits_1(tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    config_file = tmp_path / 'broken.ini'
    config_file.write_text('[server]\nthreads = many\n[interface eth0]\n')
    assert run([str(config_file)]) == 1
    assert 'broken.ini:2: [server] threads: expected an integer' in capsys.readouterr().err


def test_missing_file_and_no_interfaces(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(['--check-config', str(tmp_path / 'missing.ini')]) == 1
    assert 'cannot read the configuration' in capsys.readouterr().err
    config_file = tmp_path / 'no-interfaces.ini'
    config_file.write_text('[server]\nduid = 0003000102000000aaaa\n')
    assert run(['--check-config', str(config_file)]) == 1
    assert 'no [interface NAME] section' in capsys.readouterr().err


@pytest.mark.parametrize('arguments', [[], ['--no-such-option', 'x.ini'], ['a.ini', 'b.ini']])
def test_usage_errors_exit_2(arguments: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert run(arguments) == 2
    assert 'usage: ipv6-dhcpd' in capsys.readouterr().err


def test_help_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(['--help']) == 0
    assert '--check-config' in capsys.readouterr().out
