"""LEAN's ``Field`` selectors (``Field.CLOSE``, ``Field.TYPICAL``...) and ``IndicatorResult``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lean_runner.engine.enums import IndicatorStatus
from lean_runner.engine.naming import PascalCaseAttributes, lean_names

Selector = Callable[[Any], float]


def _part(data: Any, name: str) -> float:
    """A bar's open/high/low/close, or a plain data point's value for each of them (as LEAN's IBaseData)."""
    value = getattr(data, name, None)
    if value is None:
        value = getattr(data, "value", data)
    return float(value)


def _side(data: Any, side: str, name: str) -> float:
    bar = getattr(data, side, None)
    return float(getattr(bar, name)) if bar is not None else 0.0


class Field:
    """Selectors that turn a bar into the number an indicator reads: ``self.sma("SPY", 10, selector=Field.HIGH)``.

    Averages follow LEAN's definitions: AVERAGE (O+H+L+C)/4, MEDIAN (H+L)/2, TYPICAL (H+L+C)/3, WEIGHTED
    (H+L+2C)/4, SEVEN_BAR (2O+H+L+3C)/7.
    """

    OPEN = staticmethod(lambda data: _part(data, "open"))
    HIGH = staticmethod(lambda data: _part(data, "high"))
    LOW = staticmethod(lambda data: _part(data, "low"))
    CLOSE = staticmethod(lambda data: _part(data, "close"))
    VOLUME = staticmethod(lambda data: float(getattr(data, "volume", 0.0)))
    AVERAGE = staticmethod(
        lambda d: (_part(d, "open") + _part(d, "high") + _part(d, "low") + _part(d, "close")) / 4)
    MEDIAN = staticmethod(
        lambda d: (_part(d, "high") + _part(d, "low")) / 2)
    TYPICAL = staticmethod(
        lambda d: (_part(d, "high") + _part(d, "low") + _part(d, "close")) / 3)
    WEIGHTED = staticmethod(
        lambda d: (_part(d, "high") + _part(d, "low") + 2 * _part(d, "close")) / 4)
    SEVEN_BAR = staticmethod(
        lambda d: (2 * _part(d, "open") + _part(d, "high") + _part(d, "low") + 3 * _part(d, "close")) / 7)
    BID_CLOSE = staticmethod(lambda d: _side(d, "bid", "close"))
    BID_OPEN = staticmethod(lambda d: _side(d, "bid", "open"))
    BID_HIGH = staticmethod(lambda d: _side(d, "bid", "high"))
    BID_LOW = staticmethod(lambda d: _side(d, "bid", "low"))
    ASK_CLOSE = staticmethod(lambda d: _side(d, "ask", "close"))
    ASK_OPEN = staticmethod(lambda d: _side(d, "ask", "open"))
    ASK_HIGH = staticmethod(lambda d: _side(d, "ask", "high"))
    ASK_LOW = staticmethod(lambda d: _side(d, "ask", "low"))


for _name in [n for n in vars(Field) if n.isupper()]:
    setattr(Field, "".join(part.title() for part in _name.split("_")), vars(Field)[_name])


@lean_names
class IndicatorResult(PascalCaseAttributes):
    """What an indicator's computation returns in LEAN: a value and a status (only SUCCESS updates it)."""

    __slots__ = ("status", "value")

    def __init__(self, value: float, status: int = IndicatorStatus.SUCCESS) -> None:
        self.value = float(value)
        self.status = int(status)

    def __repr__(self) -> str:
        return f"IndicatorResult({self.value}, {IndicatorStatus(self.status).name})"


def result_value(result: Any) -> float | None:
    """A computation's number: a float as is, an ``IndicatorResult`` only when its status is SUCCESS."""
    if isinstance(result, IndicatorResult):
        return result.value if result.status == IndicatorStatus.SUCCESS else None
    return None if result is None else float(result)
