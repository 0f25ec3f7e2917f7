"""
Hypothesis strategies that build valid protocol elements, one module per dhcpkit module.

Each module in this package defines ``STRATEGIES: dict[type, SearchStrategy]``, mapping element classes to strategies
whose examples pass ``validate()``. :func:`all_strategies` gathers them for the shared round-trip and fuzz tests.
"""
import importlib
import pkgutil
from typing import Any

from hypothesis.strategies import SearchStrategy

__all__ = ['all_strategies', 'load_strategy_modules']


def load_strategy_modules() -> tuple[dict[type, SearchStrategy[Any]], list[str]]:
    """
    Import every module of this package and merge their ``STRATEGIES``.

    :return: the merged strategies, and a description of every module that could not be used
    """
    strategies: dict[type, SearchStrategy[Any]] = {}
    owners: dict[type, str] = {}
    problems: list[str] = []
    for module_info in sorted(pkgutil.iter_modules(__path__), key=lambda info: info.name):
        name = f'{__name__}.{module_info.name}'
        try:
            module = importlib.import_module(name)
        except Exception as error:  # a broken module must be reported, not hide every other strategy
            problems.append(f"{name}: cannot import: {type(error).__name__}: {error}")
            continue
        module_strategies = getattr(module, 'STRATEGIES', None)
        if not isinstance(module_strategies, dict):
            problems.append(f"{name}: has no STRATEGIES dict")
            continue
        for klass, strategy in module_strategies.items():
            if klass in owners and strategies[klass] is not strategy:
                problems.append(f"{name}: {klass.__name__} already has a strategy in {owners[klass]}")
                continue
            strategies[klass] = strategy
            owners[klass] = name
    return strategies, problems


def all_strategies() -> dict[type, SearchStrategy[Any]]:
    """
    Return the strategies of every module in this package, keyed by element class.

    :return: the merged ``STRATEGIES`` of all modules
    :raises ImportError: when a module cannot be imported or has no ``STRATEGIES``
    """
    strategies, problems = load_strategy_modules()
    if problems:
        raise ImportError("; ".join(problems))
    return strategies
