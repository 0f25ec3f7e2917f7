"""
The shared round-trip property: every registered element class has a strategy in ``tests/strategies``, and every
valid element saves to bytes that parse back to an equal element using every byte, and save again to the same bytes.
"""
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dhcpkit.ipv6.duids import DUID, UnknownDUID, duid_registry
from dhcpkit.ipv6.messages import Message, UnknownMessage, message_registry
from dhcpkit.ipv6.option_base import Option, UnknownOption, option_registry
from dhcpkit.protocol_element import ProtocolElement
from tests.strategies import load_strategy_modules

STRATEGIES, PROBLEMS = load_strategy_modules()


def _name(klass: Any) -> str:
    return f'{klass.__module__}.{klass.__qualname__}'


def _registered_classes() -> list[type]:
    classes = [*message_registry.all().values(), *option_registry.all().values(), *duid_registry.all().values()]
    return sorted(set(classes), key=_name)


def test_strategy_modules_load() -> None:
    assert not PROBLEMS, "\n".join(PROBLEMS)


def test_every_registered_class_has_a_strategy() -> None:
    missing = [_name(klass) for klass in _registered_classes() if klass not in STRATEGIES]
    assert not missing, f"{len(missing)} registered classes have no strategy in tests/strategies: {', '.join(missing)}"


def _family_base(element: ProtocolElement) -> type[ProtocolElement] | None:
    """The base class whose registry should pick this element's class when parsing, if it is a top-level element."""
    klass = type(element)
    families = ((Message, UnknownMessage, message_registry), (Option, UnknownOption, option_registry),
                (DUID, UnknownDUID, duid_registry))
    for base, unknown, registry in families:
        if klass is unknown or klass in registry.all().values():
            return base
    return None


def check_round_trip(element: Any) -> None:
    """
    Check that a valid element saves and parses back to itself.

    :param element: the element
    """
    element.validate()
    data = element.save()
    parsers = [type(element)]
    base = _family_base(element)
    if base is not None:
        parsers.append(base)
    for parser in parsers:
        used, parsed = parser.parse(data)
        assert used == len(data), f"{parser.__name__}.parse used {used} of {len(data)} bytes"
        assert type(parsed) is type(element)
        assert parsed == element
        assert parsed.save() == data
        parsed.validate()
        # Parsing in the middle of a larger buffer, with an explicit length, gives the same element
        used, parsed = parser.parse(b'\xff\xfe' + data + b'\xfd', 2, len(data))
        assert used == len(data)
        assert parsed == element


@pytest.mark.parametrize('klass', sorted(STRATEGIES, key=_name), ids=lambda klass: klass.__name__)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_round_trip(klass: type, data: st.DataObject) -> None:
    element = data.draw(STRATEGIES[klass], label=klass.__name__)
    assert type(element) is klass, f"the strategy for {klass.__name__} built a {type(element).__name__}"
    check_round_trip(element)
