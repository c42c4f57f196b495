"""``SecurityChanges``: what ``on_securities_changed`` receives."""

from __future__ import annotations

from typing import Any

from lean_runner.engine.naming import PascalCaseAttributes, lean_names


@lean_names
class SecurityChanges(PascalCaseAttributes):
    """Securities added to and removed from the algorithm in one step."""

    def __init__(self, added: list[Any], removed: list[Any]) -> None:
        self.added_securities = list(added)
        self.removed_securities = list(removed)

    def __repr__(self) -> str:
        added = ", ".join(str(s.symbol) for s in self.added_securities)
        removed = ", ".join(str(s.symbol) for s in self.removed_securities)
        return f"SecurityChanges: Added: {added or 'None'} Removed: {removed or 'None'}"
