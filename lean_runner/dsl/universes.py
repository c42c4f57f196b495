"""Named universes: JSON files in a project's ``universes/`` folder.

A file ``<project>/universes/SP500.json`` holds::

    {"name": "SP500", "description": "...", "as_of": "2021-08", "symbols": ["A", "AAL", ...]}

A spec names it with ``"universe": {"name": "SP500"}``; a backtest config with
``"universe_override": "SP500"``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from lean_runner.dsl.language import SYMBOL_PATTERN

__all__ = ["NamedUniverse", "UniverseError", "UniverseLibrary"]


class UniverseError(LookupError):
    """A named universe is missing or its file is malformed; the message says which file and why."""


@dataclass(frozen=True)
class NamedUniverse:
    name: str
    symbols: tuple[str, ...]
    description: str = ""
    as_of: str | None = None


class UniverseLibrary:
    """The named universes of one folder (``<project>/universes``), read on demand."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    def names(self) -> list[str]:
        if not self.folder.is_dir():
            return []
        return sorted(path.stem for path in self.folder.glob("*.json"))

    def load(self, name: str) -> NamedUniverse:
        """The universe ``name``; raises :class:`UniverseError` naming the file and the problem."""
        path = self.folder / f"{name}.json"
        if not re.fullmatch(r"[A-Za-z0-9_\-]+", name) or not path.is_file():
            raise UniverseError(f"no universe '{name}' in {self.folder} (known: {', '.join(self.names()) or 'none'})")
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as error:
            raise UniverseError(f"{path} is not readable JSON: {error}") from error
        symbols = data.get("symbols") if isinstance(data, dict) else None
        if not isinstance(symbols, list) or not symbols or not all(
                isinstance(s, str) and re.fullmatch(SYMBOL_PATTERN, s) for s in symbols):
            raise UniverseError(f"{path} must hold an object with 'symbols': a non-empty list of upper-case tickers")
        return NamedUniverse(name=name, symbols=tuple(dict.fromkeys(symbols)),
                             description=str(data.get("description", "")), as_of=data.get("as_of"))
