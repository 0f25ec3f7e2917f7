"""
Packets captured from real clients and servers (``tests/fixtures/captures/*.txt``) parse, save back to the same
bytes, and validate.

File format: ``#`` comment lines, then one packet per line: ``c2s <hex>`` (client or relay to server) or ``s2c <hex>``.
"""
import os
from pathlib import Path
from typing import NamedTuple

import pytest

from dhcpkit.ipv6.messages import (ConfirmMessage, DeclineMessage, Message, RelayServerMessage, ReleaseMessage)
from dhcpkit.ipv6.options import OptionRequestOption
from dhcpkit.protocol_element import MalformedInputError

CAPTURES_DIRECTORY = Path(__file__).resolve().parent.parent / 'fixtures' / 'captures'


class CapturedPacket(NamedTuple):
    """One packet of a capture file."""

    file_name: str
    line_number: int
    direction: str
    data: bytes

    @property
    def test_id(self) -> str:
        return f'{self.file_name}:{self.line_number}:{self.direction}'


def capture_files() -> list[Path]:
    """
    :return: the capture files, sorted by name
    """
    if not CAPTURES_DIRECTORY.is_dir():
        return []
    return sorted(CAPTURES_DIRECTORY.glob('*.txt'))


def load_capture(path: Path) -> list[CapturedPacket]:
    """
    Read the packets of one capture file.

    :param path: the file
    :return: its packets, in order
    :raises ValueError: when a line is neither a comment nor a packet
    """
    packets = []
    for line_number, line in enumerate(path.read_text(encoding='utf-8').splitlines(), 1):
        line = line.strip()
        if not line or line.startswith('#'):
            continue
        direction, _, hex_data = line.partition(' ')
        if direction not in ('c2s', 's2c') or not hex_data.strip():
            raise ValueError(f"{path.name}:{line_number}: expected 'c2s <hex>' or 's2c <hex>'")
        packets.append(CapturedPacket(path.name, line_number, direction, bytes.fromhex(hex_data.strip())))
    return packets


def load_captures() -> list[CapturedPacket]:
    """
    :return: the packets of every capture file
    """
    return [packet for path in capture_files() for packet in load_capture(path)]


def skip_or_fail_without_captures() -> None:
    """Skip when there are no captures, except in CI (``CI=true``), where missing fixtures are a failure."""
    message = f"no capture files in {CAPTURES_DIRECTORY}"
    if os.environ.get('CI') == 'true':
        pytest.fail(message)
    pytest.skip(message)


def _validation_params() -> list[object]:
    params: list[object] = []
    for packet in load_captures():
        params.append(pytest.param(packet, id=packet.test_id))
    return params


def test_capture_files_exist() -> None:
    if not capture_files():
        skip_or_fail_without_captures()


@pytest.mark.parametrize('path', capture_files(), ids=lambda path: path.name)
def test_capture_file_is_well_formed(path: Path) -> None:
    packets = load_capture(path)
    assert packets, f"{path.name} has no packets"
    assert any(line.startswith('#') for line in path.read_text(encoding='utf-8').splitlines()), \
        f"{path.name} has no comment saying where it comes from"


@pytest.mark.parametrize('packet', load_captures(), ids=lambda packet: packet.test_id)
def test_captured_packet_round_trip(packet: CapturedPacket) -> None:
    used, message = Message.parse(packet.data)
    assert used == len(packet.data)
    assert message.save() == packet.data
    if packet.direction == 'c2s':
        assert message.from_client_to_server, f"{type(message).__name__} is not sent to servers"
    else:
        assert message.from_server_to_client, f"{type(message).__name__} is not sent by servers"


@pytest.mark.parametrize('packet', _validation_params())
def test_captured_packet_validates(packet: CapturedPacket) -> None:
    _used, message = Message.parse(packet.data)
    message.validate()
