"""Indicator plumbing: data points, rolling windows, the indicator base class and its events."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any, Generic, TypeVar

from lean_runner.engine.naming import PascalCaseAttributes, lean_names

T = TypeVar("T")


@lean_names
class IndicatorDataPoint(PascalCaseAttributes):
    """A time-stamped value; ``end_time`` equals ``time`` as in LEAN."""

    __slots__ = ("symbol", "time", "value")

    def __init__(self, time: datetime | Any = None, value: float = 0.0, symbol: Any = None) -> None:
        # LEAN's overloads: (time, value) and (symbol, time, value).
        if symbol is not None or (time is not None and not isinstance(time, datetime) and isinstance(value, datetime)):
            time, value, symbol = value, symbol if symbol is not None else 0.0, time
        self.time = time if time is not None else datetime(1, 1, 1)
        self.value = float(value)
        self.symbol = symbol

    @property
    def end_time(self) -> datetime:
        return self.time

    @property
    def price(self) -> float:
        return self.value

    def __float__(self) -> float:
        return self.value

    def __repr__(self) -> str:
        return f"{self.time:%Y-%m-%d %H:%M:%S} - {self.value}"


def _new_point(time: datetime, value: float) -> IndicatorDataPoint:
    """An IndicatorDataPoint without the overload handling of its constructor (hot path)."""
    point = IndicatorDataPoint.__new__(IndicatorDataPoint)
    point.time = time
    point.value = value
    point.symbol = None
    return point


@lean_names
class RollingWindow(Generic[T]):
    """A fixed-size window, newest first: ``window[0]`` is the latest item."""

    def __init__(self, size: int) -> None:
        if int(size) < 1:
            raise ValueError("RollingWindow must have a size of at least 1.")
        self._items: deque[T] = deque(maxlen=int(size))
        self._samples = 0
        self._most_recently_removed: T | None = None

    def add(self, item: T) -> None:
        if len(self._items) == self._items.maxlen:
            self._most_recently_removed = self._items[-1]
        self._items.appendleft(item)
        self._samples += 1

    def __getitem__(self, index: int) -> T:
        if index < 0:
            index += len(self._items)
        if not 0 <= index < len(self._items):
            raise IndexError(f"Index {index} is out of range for a window holding {len(self._items)} items "
                             f"(size {self._items.maxlen}).")
        return self._items[index]

    def __iter__(self) -> Iterator[T]:
        return iter(list(self._items))

    def __len__(self) -> int:
        return len(self._items)

    @property
    def count(self) -> int:
        return len(self._items)

    @property
    def size(self) -> int:
        return self._items.maxlen or 0

    @size.setter
    def size(self, value: int) -> None:
        if int(value) < 1:
            raise ValueError("RollingWindow must have a size of at least 1.")
        self._items = deque(list(self._items)[: int(value)], maxlen=int(value))

    @property
    def samples(self) -> int:
        return self._samples

    @property
    def is_ready(self) -> bool:
        return len(self._items) == self._items.maxlen

    @property
    def most_recently_removed(self) -> T | None:
        return self._most_recently_removed

    def reset(self) -> None:
        self._items.clear()
        self._samples = 0
        self._most_recently_removed = None


class IndicatorEvent:
    """``indicator.updated += handler``: handlers receive ``(sender, updated_point)``."""

    __slots__ = ("_handlers", "_on_subscribe")

    def __init__(self) -> None:
        self._handlers: list[Callable[[Any, IndicatorDataPoint], None]] = []
        # Set while the engine column-feeds the indicator: a listener needs it updated bar by bar.
        self._on_subscribe: Callable[[], None] | None = None

    def __iadd__(self, handler: Callable[[Any, IndicatorDataPoint], None]) -> IndicatorEvent:
        if self._on_subscribe is not None:
            self._on_subscribe()
        self._handlers.append(handler)
        return self

    def __isub__(self, handler: Callable[[Any, IndicatorDataPoint], None]) -> IndicatorEvent:
        if handler in self._handlers:
            self._handlers.remove(handler)
        return self

    def fire(self, sender: Any, point: IndicatorDataPoint) -> None:
        for handler in self._handlers:
            handler(sender, point)

    def __bool__(self) -> bool:
        return bool(self._handlers)


def _input_value(data: Any) -> tuple[datetime, float]:
    """(end time, value) of a bar, a data point or a number-like input."""
    if isinstance(data, IndicatorDataPoint):
        return data.time, data.value
    end_time = getattr(data, "end_time", None) or getattr(data, "time", None) or datetime(1, 1, 1)
    value = getattr(data, "close", None)
    if value is None:
        value = getattr(data, "value", data)
    return end_time, float(value)


@lean_names
class IndicatorBase(PascalCaseAttributes):
    """Base of every indicator: ``update``, ``current``, ``is_ready``, ``samples``, a window and events.

    Subclasses implement ``compute_next_value(input)`` returning a float; ``input`` is an
    ``IndicatorDataPoint`` for value indicators or the bar itself for bar indicators. Overriding
    ``_validate_and_compute`` and returning ``None`` skips the update of ``current`` (LEAN's
    non-success ``IndicatorStatus``): samples still count, no event fires.
    """

    DEFAULT_WINDOW_SIZE = 2
    takes_bars = False
    # True when compute_next_value reads only input.value/input.time and keeps no reference to the input:
    # the engine may then feed it through ``engine_update`` with a reused input object.
    engine_fast_path = False

    def __init__(self, name: str) -> None:
        self.name = name
        self.samples = 0
        self.current = IndicatorDataPoint(datetime(1, 1, 1), 0.0)
        self.previous = IndicatorDataPoint(datetime(1, 1, 1), 0.0)
        self.window: RollingWindow[IndicatorDataPoint] = RollingWindow(self.DEFAULT_WINDOW_SIZE)
        self.updated = IndicatorEvent()
        self.consolidators: list[Any] = []
        self._previous_input: Any = None
        self._scratch = IndicatorDataPoint(datetime(1, 1, 1), 0.0)

    @property
    def is_ready(self) -> bool:
        return self.samples > 0

    @property
    def warm_up_period(self) -> int:
        return 1

    def update(self, time_or_data: Any, value: float | None = None) -> bool:
        """Feed one input: ``update(bar)``, ``update(point)`` or ``update(time, value)``; returns is_ready."""
        if value is not None:
            point: Any = IndicatorDataPoint(time_or_data, value)
            end_time = time_or_data
        elif self.takes_bars or isinstance(time_or_data, IndicatorDataPoint):
            point = time_or_data
            end_time = _input_value(time_or_data)[0]
        else:
            end_time, number = _input_value(time_or_data)
            point = IndicatorDataPoint(end_time, number)
        if not self._accepts(time_or_data, end_time):
            return self.is_ready
        self._previous_input = (time_or_data if value is None else point, end_time)
        self.samples += 1
        result = self._validate_and_compute(point)
        if result is not None:
            self._set_current(end_time, result)
        return self.is_ready

    def engine_update(self, end_time: datetime, value: float) -> None:
        """The engine's update for a value from its own data feed: times only increase, no overloads to parse."""
        if not self.engine_fast_path:
            self.update(end_time, value)
            return
        scratch = self._scratch
        scratch.time = end_time
        scratch.value = value
        self._previous_input = None  # the engine's feed only moves forward; nothing to de-duplicate
        self.samples += 1
        result = self.compute_next_value(scratch)
        if result is not None:
            self._publish(end_time, float(result))

    def _publish(self, end_time: datetime, result: float) -> None:
        """Make ``result`` the current value: previous, window and the ``updated`` event, as ``update`` does."""
        point = IndicatorDataPoint.__new__(IndicatorDataPoint)
        point.time = end_time
        point.value = result
        point.symbol = None
        self.previous = self.current
        self.current = point
        window = self.window
        items = window._items
        if len(items) == items.maxlen:
            window._most_recently_removed = items[-1]
        items.appendleft(point)
        window._samples += 1
        if self.updated._handlers:
            self.updated.fire(self, point)

    def _accepts(self, data: Any, end_time: Any) -> bool:
        """LEAN ignores the very same input twice and inputs older than the previous one."""
        if self._previous_input is None:
            return True
        previous, previous_time = self._previous_input
        if data is previous:
            return False
        try:
            return not end_time < previous_time
        except TypeError:
            return True

    def _set_current(self, end_time: Any, result: float) -> None:
        self.previous = self.current
        self.current = IndicatorDataPoint(end_time, float(result))
        self.window.add(self.current)
        if self.updated:
            self.updated.fire(self, self.current)

    def _validate_and_compute(self, input: Any) -> float | None:
        return self.compute_next_value(input)

    def compute_next_value(self, input: Any) -> float:
        raise NotImplementedError(f"{type(self).__name__}.compute_next_value")

    def reset(self) -> None:
        self.samples = 0
        self.current = IndicatorDataPoint(datetime(1, 1, 1), 0.0)
        self.previous = IndicatorDataPoint(datetime(1, 1, 1), 0.0)
        self.window.reset()
        self._previous_input = None

    # LEAN's IndicatorExtensions as methods: ``sma.of(rsi)``, ``fast.minus(slow)``...
    def of(self, first: Any, wait_for_first_to_ready: bool = True) -> Any:
        """Feed this indicator with ``first``'s output (``IndicatorExtensions.of(self, first)``)."""
        from lean_runner.engine.indicators.composite import IndicatorExtensions

        return IndicatorExtensions.of(self, first, wait_for_first_to_ready)

    def plus(self, other: Any, name: str = "") -> Any:
        from lean_runner.engine.indicators.composite import IndicatorExtensions

        return IndicatorExtensions.plus(self, other, name)

    def minus(self, other: Any, name: str = "") -> Any:
        from lean_runner.engine.indicators.composite import IndicatorExtensions

        return IndicatorExtensions.minus(self, other, name)

    def times(self, other: Any, name: str = "") -> Any:
        from lean_runner.engine.indicators.composite import IndicatorExtensions

        return IndicatorExtensions.times(self, other, name)

    def over(self, other: Any, name: str = "") -> Any:
        from lean_runner.engine.indicators.composite import IndicatorExtensions

        return IndicatorExtensions.over(self, other, name)

    def __getitem__(self, index: int) -> IndicatorDataPoint:
        return self.window[index]

    def __float__(self) -> float:
        return self.current.value

    # Indicators compare and combine like their current value (LEAN's implicit decimal conversion).
    def _v(self, other: Any) -> float:
        return float(other.current.value) if isinstance(other, IndicatorBase) else float(other)

    def __add__(self, other: Any) -> float:
        return self.current.value + self._v(other)

    def __radd__(self, other: Any) -> float:
        return self._v(other) + self.current.value

    def __sub__(self, other: Any) -> float:
        return self.current.value - self._v(other)

    def __rsub__(self, other: Any) -> float:
        return self._v(other) - self.current.value

    def __mul__(self, other: Any) -> float:
        return self.current.value * self._v(other)

    def __rmul__(self, other: Any) -> float:
        return self._v(other) * self.current.value

    def __truediv__(self, other: Any) -> float:
        return self.current.value / self._v(other)

    def __rtruediv__(self, other: Any) -> float:
        return self._v(other) / self.current.value

    def __neg__(self) -> float:
        return -self.current.value

    def __lt__(self, other: Any) -> bool:
        return self.current.value < self._v(other)

    def compare_to(self, other: Any) -> int:
        """-1, 0 or 1 as this indicator's value is below, at or above ``other`` (a value or an indicator)."""
        mine, theirs = self.current.value, self._v(other)
        return (mine > theirs) - (mine < theirs)

    def to_detailed_string(self) -> str:
        return f"{self.name} - {self}"

    def __le__(self, other: Any) -> bool:
        return self.current.value <= self._v(other)

    def __gt__(self, other: Any) -> bool:
        return self.current.value > self._v(other)

    def __ge__(self, other: Any) -> bool:
        return self.current.value >= self._v(other)

    def __repr__(self) -> str:
        return f"{self.name}: {self.current.value}"


Indicator = IndicatorBase
