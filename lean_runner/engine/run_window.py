"""The backtest window a launcher config can fix: ``"workbench-run-window": {"start-date", "end-date", "cash"}``.

The workbench's API lets a researcher run any algorithm over a requested window. LEAN itself has
no such key (the API passes the same values as parameters too, for the real LEAN image); the
embedded engine applies the window before ``initialize`` and ignores the algorithm's own
``set_start_date`` / ``set_end_date`` / ``set_cash`` for the parts it fixes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

CONFIG_KEY = "workbench-run-window"


class RunWindowError(ValueError):
    """The run window in the config is malformed; the message names the key."""


@dataclass(frozen=True)
class RunWindow:
    start: date | None = None
    end: date | None = None
    cash: float | None = None

    @classmethod
    def from_config(cls, value: Any) -> RunWindow | None:
        """The window of a config's ``workbench-run-window`` object (None when absent or empty)."""
        if value in (None, {}):
            return None
        if not isinstance(value, Mapping):
            raise RunWindowError(f"'{CONFIG_KEY}' must be an object with start-date, end-date and cash.")
        unknown = sorted(set(value) - {"start-date", "end-date", "cash"})
        if unknown:
            raise RunWindowError(f"'{CONFIG_KEY}' has unknown keys: {', '.join(unknown)}.")
        try:
            start = date.fromisoformat(str(value["start-date"])) if value.get("start-date") else None
            end = date.fromisoformat(str(value["end-date"])) if value.get("end-date") else None
            cash = float(value["cash"]) if value.get("cash") is not None else None
        except (TypeError, ValueError) as error:
            raise RunWindowError(f"'{CONFIG_KEY}' is malformed: {error}.") from error
        if cash is not None and cash <= 0:
            raise RunWindowError(f"'{CONFIG_KEY}.cash' must be more than 0.")
        return cls(start, end, cash)

    def to_config(self) -> dict[str, Any]:
        values: dict[str, Any] = {"start-date": self.start.isoformat() if self.start else None,
                                  "end-date": self.end.isoformat() if self.end else None, "cash": self.cash}
        return {key: value for key, value in values.items() if value is not None}
