"""What an optimization maximizes or minimizes, and the constraints a child must meet to count.

Statistics are LEAN's: a target or constraint names one as LEAN's statistics table does
(``"Sharpe Ratio"``, ``"Drawdown"``) or as lean-cli's optimizer config does
(``"TotalPerformance.PortfolioStatistics.SharpeRatio"``). Percentages compare as fractions, as
LEAN's optimizer compares them: ``"Drawdown < 0.25"`` means a drawdown under 25%.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from lean_runner.optimization.errors import OptimizationSpecError

DIRECTIONS = ("max", "min")

# LEAN's comparison operator names (optimizer-config.json) and the symbols a CLI user writes.
_OPERATORS: dict[str, tuple[str, Callable[[float, float], bool]]] = {
    "<": ("less", operator.lt), "<=": ("lessOrEqual", operator.le), ">": ("greater", operator.gt),
    ">=": ("greaterOrEqual", operator.ge), "==": ("equals", operator.eq), "=": ("equals", operator.eq),
    "!=": ("notEqual", operator.ne),
}
_LEAN_OPERATORS = {lean: symbol for symbol, (lean, _) in _OPERATORS.items() if symbol != "="}
_CONSTRAINT = re.compile(r"^\s*(?P<statistic>.+?)\s*(?P<operator><=|>=|==|!=|<|>|=)\s*(?P<value>\S+)\s*$")
_NUMBER = re.compile(r"^[-+]?(\d[\d,]*\.?\d*|\.\d+)(e[-+]?\d+)?$", re.IGNORECASE)


def statistic_value(text: str | None) -> float | None:
    """A LEAN statistic's number: ``"12.5%"`` → 0.125, ``"$1,234.50"`` → 1234.5, ``"0.716"`` → 0.716.

    None for text that holds no number (``""``, ``"-"``).
    """
    if text is None:
        return None
    cleaned = text.strip().replace("$", "").replace("¥", "").replace("€", "").replace("£", "")
    percent = cleaned.endswith("%")
    cleaned = cleaned.rstrip("%").strip()
    if not _NUMBER.match(cleaned):
        return None
    value = float(cleaned.replace(",", ""))
    return value / 100 if percent else value


def statistic_name(name: str, known: Mapping[str, str] | None = None) -> str:
    """The statistics-table name for ``name``: a display name as given, or the last part of a lean-cli path.

    ``"TotalPerformance.PortfolioStatistics.SharpeRatio"`` → ``"Sharpe Ratio"`` when ``known`` has it
    (matching without spaces and case), else the name with spaces put before capitals.
    """
    plain = name.strip()
    last = plain if " " in plain else plain.rsplit(".", 1)[-1]
    if known:
        squashed = {key.replace(" ", "").lower(): key for key in known}
        found = squashed.get(last.replace(" ", "").lower())
        if found:
            return found
    return last if " " in last else re.sub(r"(?<=[a-z])(?=[A-Z])", " ", last)


@dataclass(frozen=True)
class Target:
    """The statistic to optimize and whether larger (``max``) or smaller (``min``) is better."""

    statistic: str
    direction: str = "max"

    def __post_init__(self) -> None:
        if self.direction not in DIRECTIONS:
            raise OptimizationSpecError(f"target direction {self.direction!r}: use max or min",
                                        details=[{"path": "target_direction", "message": "use max or min"}])
        if not self.statistic.strip():
            raise OptimizationSpecError("name the target statistic, e.g. 'Sharpe Ratio'",
                                        details=[{"path": "target", "message": "required"}])

    def value(self, statistics: Mapping[str, str]) -> float | None:
        return statistic_value(statistics.get(statistic_name(self.statistic, statistics)))

    def better(self, candidate: float, incumbent: float) -> bool:
        return candidate > incumbent if self.direction == "max" else candidate < incumbent

    def sort_key(self, value: float) -> float:
        """Smaller is better for every direction (for sorting children best first)."""
        return -value if self.direction == "max" else value

    def to_dict(self) -> dict[str, Any]:
        """lean-cli's ``optimization-criterion``."""
        return {"target": self.statistic, "extremum": self.direction}


@dataclass(frozen=True)
class Constraint:
    """``statistic operator value``, e.g. ``Constraint.parse("Drawdown < 0.25")``."""

    statistic: str
    operator: str
    value: float

    @classmethod
    def parse(cls, text: str) -> Constraint:
        match = _CONSTRAINT.match(text)
        if match is None:
            raise OptimizationSpecError(
                f"constraint {text!r} is not 'statistic operator value'; write e.g. 'Drawdown < 0.25' or "
                f"'Sharpe Ratio >= 0.5' (operators < <= > >= == !=)",
                details=[{"path": "constraints", "message": f"cannot parse {text!r}"}])
        number = statistic_value(match["value"])
        if number is None:
            raise OptimizationSpecError(f"constraint {text!r}: {match['value']!r} is not a number",
                                        details=[{"path": "constraints", "message": "the value must be a number"}])
        symbol = "==" if match["operator"] == "=" else match["operator"]
        return cls(match["statistic"], symbol, number)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Constraint:
        """An entry of lean-cli's ``constraints``: ``{"target", "operator": "less", "target-value"}``."""
        symbol = _LEAN_OPERATORS.get(str(data.get("operator")), str(data.get("operator")))
        if symbol not in _OPERATORS:
            raise OptimizationSpecError(f"constraint operator {data.get('operator')!r} is not one of "
                                        f"{', '.join(_LEAN_OPERATORS)}")
        return cls(str(data.get("target", "")), symbol, float(data.get("target-value", 0)))

    def holds(self, statistics: Mapping[str, str]) -> bool:
        """Whether the child's statistics meet it (a missing statistic does not)."""
        value = statistic_value(statistics.get(statistic_name(self.statistic, statistics)))
        return value is not None and _OPERATORS[self.operator][1](value, self.value)

    def text(self) -> str:
        return f"{self.statistic} {self.operator} {self.value:g}"

    def to_dict(self) -> dict[str, Any]:
        return {"target": self.statistic, "operator": _OPERATORS[self.operator][0], "target-value": self.value}
