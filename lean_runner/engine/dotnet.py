"""The .NET names LEAN Python algorithms import: ``from System import *``,
``from System.Collections.Generic import List, Dictionary``, ``from clr import AddReference``.

Under LEAN these come from pythonnet; here they are plain Python stand-ins with the .NET members
algorithms use (``List[Symbol]()``, ``.Add``, ``.Count``, ``Dictionary[str, int]()``, ``.ContainsKey``),
iterating like LEAN's (a ``Dictionary`` yields ``KeyValuePair`` objects).
"""

from __future__ import annotations

import math
import types
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

from lean_runner.engine.market_data import KeyValuePair


class _Generic:
    """``List[Symbol]`` is the class itself: .NET generics are checked by type there, not here."""

    @classmethod
    def __class_getitem__(cls, item: Any) -> Any:
        return cls


class List(_Generic, list[Any]):
    """.NET ``List<T>``."""

    def Add(self, item: Any) -> None:  # .NET names, as pythonnet exposes them
        self.append(item)

    def AddRange(self, items: Any) -> None:
        self.extend(items)

    def Contains(self, item: Any) -> bool:
        return item in self

    def Remove(self, item: Any) -> bool:
        if item in self:
            self.remove(item)
            return True
        return False

    def Clear(self) -> None:
        self.clear()

    def ToArray(self) -> list[Any]:
        return list(self)

    @property
    def Count(self) -> int:
        return len(self)


class HashSet(_Generic, set[Any]):
    """.NET ``HashSet<T>``."""

    def Add(self, item: Any) -> bool:
        present = item in self
        self.add(item)
        return not present

    def Contains(self, item: Any) -> bool:
        return item in self

    def Remove(self, item: Any) -> bool:
        present = item in self
        self.discard(item)
        return present

    @property
    def Count(self) -> int:
        return len(self)


class Dictionary(_Generic, dict[Any, Any]):
    """.NET ``Dictionary<K, V>``: iterating yields ``KeyValuePair`` (``kvp.Key``, ``kvp.Value``)."""

    def __iter__(self) -> Iterator[Any]:
        return (KeyValuePair(key, value) for key, value in dict.items(self))

    def Add(self, key: Any, value: Any) -> None:
        if key in self:
            raise ValueError(f"An item with the same key has already been added. Key: {key}")
        self[key] = value

    def ContainsKey(self, key: Any) -> bool:
        return key in self

    def TryGetValue(self, key: Any) -> tuple[bool, Any]:
        return (key in self), self.get(key)

    def Remove(self, key: Any) -> bool:
        return self.pop(key, _MISSING) is not _MISSING

    @property
    def Count(self) -> int:
        return len(self)

    @property
    def Keys(self) -> list[Any]:
        return list(self.keys())

    @property
    def Values(self) -> list[Any]:
        return list(self.values())


_MISSING = object()


def _delegate(name: str) -> Any:
    """``Func[...]``/``Action[...]``: in Python any callable does; the type only wraps it."""

    class Delegate(_Generic):
        def __new__(cls, function: Callable[..., Any]) -> Any:
            return function

    Delegate.__name__ = Delegate.__qualname__ = name
    return Delegate


Func = _delegate("Func")
Action = _delegate("Action")


class Math:
    """The ``System.Math`` members algorithms use."""

    Abs = staticmethod(abs)
    Max = staticmethod(max)
    Min = staticmethod(min)
    Sqrt = staticmethod(math.sqrt)
    Log = staticmethod(math.log)
    Exp = staticmethod(math.exp)
    Pow = staticmethod(math.pow)
    Floor = staticmethod(math.floor)
    Ceiling = staticmethod(math.ceil)
    Round = staticmethod(round)
    Sign = staticmethod(lambda x: (x > 0) - (x < 0))
    PI = math.pi
    E = math.e


def add_reference(name: str) -> None:
    """``clr.AddReference("System.Collections")``: the engine needs no assemblies."""


def get_clr_type(value: Any) -> type:
    return value if isinstance(value, type) else type(value)


SYSTEM_NAMES: dict[str, Any] = {
    "DateTime": datetime, "TimeSpan": timedelta, "Decimal": float, "Double": float, "Single": float,
    "Int32": int, "Int64": int, "String": str, "Boolean": bool, "Object": object, "Math": Math,
    "Func": Func, "Action": Action, "Exception": Exception, "ArgumentException": ValueError,
}
GENERIC_NAMES: dict[str, Any] = {"List": List, "Dictionary": Dictionary, "HashSet": HashSet}


def system_modules() -> dict[str, types.ModuleType]:
    """The ``System``, ``System.Collections`` and ``System.Collections.Generic`` modules."""
    system = types.ModuleType("System", "LEAN's System namespace (stand-ins)")
    collections = types.ModuleType("System.Collections")
    generic = types.ModuleType("System.Collections.Generic")
    system.__dict__.update(SYSTEM_NAMES)
    system.__all__ = sorted(SYSTEM_NAMES)  # type: ignore[attr-defined]
    generic.__dict__.update(GENERIC_NAMES)
    generic.__all__ = sorted(GENERIC_NAMES)  # type: ignore[attr-defined]
    collections.Generic = generic  # type: ignore[attr-defined]
    collections.__all__ = ["Generic"]  # type: ignore[attr-defined]
    system.Collections = collections  # type: ignore[attr-defined]
    return {"System": system, "System.Collections": collections, "System.Collections.Generic": generic}
