"""
Registries that map type codes (or names) to the classes that implement them.

They are filled from package entry points, so that a plugin package can add a message type, option, DUID type or
option handler by declaring an entry point in its own ``setup.py``, without touching dhcpkit. Loading happens on the
first lookup that misses, so importing a module never imports every plugin.
"""
import logging
import threading
from importlib.metadata import entry_points
from typing import Any, Generic, TypeVar

__all__ = ['Registry']

logger = logging.getLogger(__name__)

Key = TypeVar('Key')
Value = TypeVar('Value')


class Registry(dict[Key, Value], Generic[Key, Value]):
    """
    A dictionary of implementations that fills itself from an entry point group on first use.

    Entry points are loaded as classes; the key of each is the value of the class attribute named `key_attribute`
    (for example ``option_type``), or the entry point's name when `key_attribute` is None.
    """

    def __init__(self, entry_point_group: str, key_attribute: str | None):
        super().__init__()
        self.entry_point_group = entry_point_group
        self.key_attribute = key_attribute
        self.loaded = False
        self._loading = threading.RLock()

    def __missing__(self, key: Key) -> Value:
        if not self.loaded:
            self.load()
            if key in self:
                return self[key]
        raise KeyError(key)

    def get_loaded(self, key: Key) -> Value | None:
        """
        Look up a key that :meth:`get` did not find, loading the entry points first if that has not been done yet.
        Parsers call :meth:`get` first and this only on a miss, so that a hit costs one dictionary lookup; entry
        points never replace a registered implementation, so a hit before loading is the same as after it.

        :param key: the key
        :return: the implementation, or None when there is none
        """
        if not self.loaded:
            self.load()
            return self.get(key)
        return None

    def load(self) -> None:
        """
        Load every entry point of the group, once. Entries already registered by :meth:`register` take precedence,
        so a test or an embedding program can override an implementation.
        """
        if self.loaded:
            return
        with self._loading:
            if not self.loaded:
                self._load_entry_points()
                # Set only when everything is in, so that other threads never see a half-filled registry
                self.loaded = True

    def _load_entry_points(self) -> None:
        for entry_point in entry_points(group=self.entry_point_group):
            try:
                implementation = entry_point.load()
            except Exception as error:
                # One broken plugin must not take every other element type down with it
                logger.error("%s: cannot load entry point %r: %s", self.entry_point_group, entry_point.value, error)
                continue
            key: Any = entry_point.name if self.key_attribute is None else getattr(implementation, self.key_attribute)
            if key in self and self[key] is not implementation:
                logger.warning("%s: %r is registered as %r and %r; keeping the first", self.entry_point_group,
                               key, self[key], implementation)
                continue
            dict.__setitem__(self, key, implementation)

    def register(self, implementation: Any, key: Key | None = None) -> None:
        """
        Register an implementation directly, for programs and tests that do not use entry points.

        :param implementation: the class to register
        :param key: the key; by default the class attribute named by `key_attribute`
        """
        if key is None:
            if self.key_attribute is None:
                raise ValueError("This registry needs an explicit key")
            key = getattr(implementation, self.key_attribute)
        dict.__setitem__(self, key, implementation)

    def all(self) -> dict[Key, Value]:
        """
        Return every registered implementation, loading the entry points first.

        :return: a copy of the registry's contents
        """
        self.load()
        return dict(self)
