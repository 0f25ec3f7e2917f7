"""
A plugin package registers an option through an entry point and dhcpkit finds it, without dhcpkit being changed.

The plugin is installed the light way: a module and a ``.dist-info`` directory with ``entry_points.txt`` on
``sys.path``, which is what ``importlib.metadata`` reads for any installed distribution.
"""
import sys
import textwrap
from ipaddress import IPv6Address
from pathlib import Path
from typing import Iterator

import pytest

from dhcpkit.ipv6.messages import Message, ReplyMessage
from dhcpkit.ipv6.option_base import Option, UnknownOption, option_registry
from dhcpkit.registry import Registry

# Load the real registry now, before any test puts the plugin on the path, so that it stays plugin-free
option_registry.load()

PLUGIN_MODULE = textwrap.dedent('''
    from ipaddress import IPv6Address

    from dhcpkit.ipv6.messages import AdvertiseMessage, ReplyMessage, allow_in_messages
    from dhcpkit.ipv6.option_base import AddressListOption


    class ExampleServersOption(AddressListOption):
        __slots__ = ('example_servers',)
        option_type = 65001
        value_name = 'example_servers'

        def __init__(self, example_servers=None):
            self.example_servers = [] if example_servers is None else example_servers


    allow_in_messages(ExampleServersOption, [AdvertiseMessage, ReplyMessage])
''')

ENTRY_POINTS = textwrap.dedent('''
    [dhcpkit.ipv6.options]
    ExampleServersOption = example_plugin_options:ExampleServersOption
''')


@pytest.fixture
def plugin_on_path(tmp_path: Path) -> Iterator[Path]:
    (tmp_path / 'example_plugin_options.py').write_text(PLUGIN_MODULE)
    dist_info = tmp_path / 'example_plugin-0.1.dist-info'
    dist_info.mkdir()
    (dist_info / 'METADATA').write_text('Metadata-Version: 2.1\nName: example-plugin\nVersion: 0.1\n')
    (dist_info / 'entry_points.txt').write_text(ENTRY_POINTS)
    sys.path.insert(0, str(tmp_path))
    try:
        yield tmp_path
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop('example_plugin_options', None)


def test_plugin_option_is_found_through_its_entry_point(plugin_on_path: Path) -> None:
    registry: Registry[int, type[Option]] = Registry('dhcpkit.ipv6.options', 'option_type')
    registry.load()
    assert registry[65001].__name__ == 'ExampleServersOption'
    # the built-in options are still there next to it
    assert registry[23].__name__ == 'RecursiveNameServersOption'


def test_plugin_option_is_parsed_in_a_message(plugin_on_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = bytes.fromhex('07123456' 'fde9' '0010' '20010db8000000000000000000000053')
    _used, before = Message.parse(data)
    assert isinstance(before, ReplyMessage)
    assert isinstance(before.options[0], UnknownOption)

    # a fresh registry, as in a new process with the plugin installed
    fresh: Registry[int, type[Option]] = Registry('dhcpkit.ipv6.options', 'option_type')
    monkeypatch.setattr(Option, 'registry', fresh)
    _used, after = Message.parse(data)
    assert isinstance(after, ReplyMessage)
    option = after.options[0]
    assert type(option).__name__ == 'ExampleServersOption'
    assert option.example_servers == [IPv6Address('2001:db8::53')]  # type: ignore[attr-defined]
    assert after.save() == data
    option.validate()
    assert ReplyMessage.may_contain(option)
    assert option_registry is not fresh
