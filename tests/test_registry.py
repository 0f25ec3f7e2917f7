"""Tests for dhcpkit.registry: loading from entry points, explicit registration, broken plugins."""
import logging
from importlib.metadata import EntryPoint
from typing import Any

import pytest

from dhcpkit import registry as registry_module
from dhcpkit.ipv6.duids import (EnterpriseDUID, LinkLayerDUID, LinkLayerTimeDUID, UUIDDUID, duid_registry)
from dhcpkit.ipv6.extensions.prefix_delegation import IAPDOption, IAPrefixOption
from dhcpkit.ipv6.messages import (AdvertiseMessage, ConfirmMessage, DeclineMessage, InformationRequestMessage,
                                   RebindMessage, ReconfigureMessage, RelayForwardMessage, RelayReplyMessage,
                                   ReleaseMessage, RenewMessage, ReplyMessage, RequestMessage, SolicitMessage,
                                   message_registry)
from dhcpkit.ipv6.option_base import option_registry
from dhcpkit.ipv6.options import (AuthenticationOption, ClientIdOption, ElapsedTimeOption, IAAddressOption,
                                  IANAOption, IATAOption, InformationRefreshTimeOption, InterfaceIdOption,
                                  OptionRequestOption, PreferenceOption, RapidCommitOption, ReconfigureAcceptOption,
                                  ReconfigureMessageOption, RelayMessageOption, ServerIdOption, ServerUnicastOption,
                                  StatusCodeOption, UserClassOption, VendorClassOption,
                                  VendorSpecificInformationOption)
from dhcpkit.registry import Registry

GROUP = 'dhcpkit.tests.registry'


class Thing:
    code = 1


class OtherThing:
    code = 1


class ThirdThing:
    code = 3


def _entry_point(name: str, value: str) -> EntryPoint:
    return EntryPoint(name=name, value=value, group=GROUP)


@pytest.fixture
def fake_entry_points(monkeypatch: pytest.MonkeyPatch) -> list[EntryPoint]:
    """Replace the entry points of GROUP with a list that the test fills."""
    entries: list[EntryPoint] = []

    def entry_points(*, group: str) -> list[EntryPoint]:
        return list(entries) if group == GROUP else []

    monkeypatch.setattr(registry_module, 'entry_points', entry_points)
    return entries


# The real registries


def test_messages_are_registered() -> None:
    classes: list[Any] = [SolicitMessage, AdvertiseMessage, RequestMessage, ConfirmMessage, RenewMessage, RebindMessage,
               ReplyMessage, ReleaseMessage, DeclineMessage, ReconfigureMessage, InformationRequestMessage,
               RelayForwardMessage, RelayReplyMessage]
    registered = message_registry.all()
    for klass in classes:
        assert registered[klass.message_type] is klass
    assert [klass.message_type for klass in classes] == list(range(1, 14))


def test_options_are_registered() -> None:
    classes: list[Any] = [ClientIdOption, ServerIdOption, IANAOption, IATAOption, IAAddressOption, OptionRequestOption,
               PreferenceOption, ElapsedTimeOption, RelayMessageOption, AuthenticationOption, ServerUnicastOption,
               StatusCodeOption, RapidCommitOption, UserClassOption, VendorClassOption,
               VendorSpecificInformationOption, InterfaceIdOption, ReconfigureMessageOption, ReconfigureAcceptOption,
               InformationRefreshTimeOption, IAPDOption, IAPrefixOption]
    registered = option_registry.all()
    for klass in classes:
        assert registered[klass.option_type] is klass


def test_duids_are_registered() -> None:
    registered = duid_registry.all()
    assert registered == {**registered, 1: LinkLayerTimeDUID, 2: EnterpriseDUID, 3: LinkLayerDUID, 4: UUIDDUID}


def test_registries_load_on_first_miss() -> None:
    registry: Registry[int, Any] = Registry('dhcpkit.ipv6.duids', 'duid_type')
    assert not registry.loaded
    assert registry[3] is LinkLayerDUID
    assert registry.loaded
    with pytest.raises(KeyError):
        registry[99]


# Loading from fake entry points


def test_entry_points_are_keyed_by_attribute(fake_entry_points: list[EntryPoint]) -> None:
    fake_entry_points.append(_entry_point('Thing', 'tests.test_registry:Thing'))
    fake_entry_points.append(_entry_point('ThirdThing', 'tests.test_registry:ThirdThing'))
    registry: Registry[int, type] = Registry(GROUP, 'code')
    assert registry.all() == {1: Thing, 3: ThirdThing}


def test_entry_points_are_keyed_by_name(fake_entry_points: list[EntryPoint]) -> None:
    fake_entry_points.append(_entry_point('thing', 'tests.test_registry:Thing'))
    registry: Registry[str, type] = Registry(GROUP, None)
    assert registry['thing'] is Thing


def test_load_happens_once(fake_entry_points: list[EntryPoint]) -> None:
    fake_entry_points.append(_entry_point('Thing', 'tests.test_registry:Thing'))
    registry: Registry[int, type] = Registry(GROUP, 'code')
    registry.load()
    fake_entry_points.append(_entry_point('ThirdThing', 'tests.test_registry:ThirdThing'))
    assert registry.all() == {1: Thing}


def test_get_loaded_loads_on_the_first_miss_only(fake_entry_points: list[EntryPoint]) -> None:
    fake_entry_points.append(_entry_point('Thing', 'tests.test_registry:Thing'))
    registry: Registry[int, type] = Registry(GROUP, 'code')
    assert registry.get(1) is None and not registry.loaded
    assert registry.get_loaded(1) is Thing and registry.loaded
    fake_entry_points.append(_entry_point('ThirdThing', 'tests.test_registry:ThirdThing'))
    assert registry.get_loaded(3) is None  # loaded once: a later miss stays a miss


def test_registered_class_wins_over_entry_point(fake_entry_points: list[EntryPoint],
                                                caplog: pytest.LogCaptureFixture) -> None:
    fake_entry_points.append(_entry_point('Thing', 'tests.test_registry:Thing'))
    registry: Registry[int, type] = Registry(GROUP, 'code')
    registry.register(OtherThing)
    with caplog.at_level(logging.WARNING, logger='dhcpkit.registry'):
        assert registry[1] is OtherThing
        assert registry.all() == {1: OtherThing}
    assert "keeping the first" in caplog.text


def test_register_after_load_replaces(fake_entry_points: list[EntryPoint]) -> None:
    fake_entry_points.append(_entry_point('Thing', 'tests.test_registry:Thing'))
    registry: Registry[int, type] = Registry(GROUP, 'code')
    before = registry[1]
    registry.register(OtherThing)
    after = registry[1]
    assert (before, after) == (Thing, OtherThing)


def test_register_with_explicit_key() -> None:
    registry: Registry[str, type] = Registry(GROUP, None)
    registry.register(Thing, 'thing')
    assert registry['thing'] is Thing
    with pytest.raises(ValueError):
        registry.register(OtherThing)


def test_conflicting_entry_points_keep_the_first(fake_entry_points: list[EntryPoint],
                                                 caplog: pytest.LogCaptureFixture) -> None:
    fake_entry_points.append(_entry_point('Thing', 'tests.test_registry:Thing'))
    fake_entry_points.append(_entry_point('OtherThing', 'tests.test_registry:OtherThing'))
    registry: Registry[int, type] = Registry(GROUP, 'code')
    with caplog.at_level(logging.WARNING, logger='dhcpkit.registry'):
        assert registry.all() == {1: Thing}
    assert "keeping the first" in caplog.text


@pytest.mark.parametrize('value', [
    'tests.no_such_module:Thing',
    'tests.test_registry:NoSuchClass',
    'tests.test_registry.submodule:Thing',
])
def test_broken_entry_point_is_logged_and_skipped(fake_entry_points: list[EntryPoint],
                                                  caplog: pytest.LogCaptureFixture, value: str) -> None:
    fake_entry_points.append(_entry_point('Broken', value))
    fake_entry_points.append(_entry_point('ThirdThing', 'tests.test_registry:ThirdThing'))
    registry: Registry[int, type] = Registry(GROUP, 'code')
    with caplog.at_level(logging.ERROR, logger='dhcpkit.registry'):
        assert registry[3] is ThirdThing
    assert registry.all() == {3: ThirdThing}
    errors = [record for record in caplog.records if record.levelno == logging.ERROR]
    assert len(errors) == 1
    assert value in errors[0].getMessage()
    assert GROUP in errors[0].getMessage()


def test_entry_point_that_raises_on_import(fake_entry_points: list[EntryPoint],
                                           caplog: pytest.LogCaptureFixture) -> None:
    class ExplodingEntryPoint:
        name = 'Exploding'
        value = 'plugin.module:Exploding'

        def load(self) -> type:
            raise RuntimeError("plugin is broken")

    fake_entry_points.append(ExplodingEntryPoint())  # type: ignore[arg-type]
    fake_entry_points.append(_entry_point('Thing', 'tests.test_registry:Thing'))
    registry: Registry[int, type] = Registry(GROUP, 'code')
    with caplog.at_level(logging.ERROR, logger='dhcpkit.registry'):
        assert registry.all() == {1: Thing}
    assert "plugin is broken" in caplog.text
