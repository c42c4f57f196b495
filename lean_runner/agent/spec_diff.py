"""What changed between two specs, key by key, with the DSL's paths (the refine preview shows it).

Example::

    spec_diff({"risk": {"stop_loss": 0.1}}, {"risk": {"stop_loss": 0.07}})
    # [SpecChange(path="risk.stop_loss", old=0.1, new=0.07)]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["SpecChange", "spec_diff"]

_MISSING = object()


@dataclass(frozen=True)
class SpecChange:
    """One changed value: ``old`` None when it was added, ``new`` None when it was removed."""

    path: str
    old: Any
    new: Any

    def as_json(self) -> dict[str, Any]:
        return {"path": self.path, "old": self.old, "new": self.new}


def _join(path: str, key: str | int) -> str:
    return f"{path}[{key}]" if isinstance(key, int) else (f"{path}.{key}" if path else key)


def spec_diff(old: Any, new: Any, path: str = "") -> list[SpecChange]:
    """Every leaf (or whole list of different length) that differs, in the order of the keys."""
    if isinstance(old, dict) and isinstance(new, dict):
        changes: list[SpecChange] = []
        for key in [*old, *(k for k in new if k not in old)]:
            before, after = old.get(key, _MISSING), new.get(key, _MISSING)
            if before is _MISSING:
                changes.append(SpecChange(_join(path, key), None, after))
            elif after is _MISSING:
                changes.append(SpecChange(_join(path, key), before, None))
            else:
                changes += spec_diff(before, after, _join(path, key))
        return changes
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        return [change for index, (a, b) in enumerate(zip(old, new, strict=True))
                for change in spec_diff(a, b, _join(path, index))]
    return [] if old == new else [SpecChange(path or "(spec)", old, new)]
