"""``PythonIndicator``: the base for indicators written in Python by algorithms, as in LEAN.

LEAN's pattern::

    class MyIndicator(PythonIndicator):
        def __init__(self, name, period):
            super().__init__()
            self.name = name
            self.value = 0
            self.warm_up_period = period
            self.queue = deque(maxlen=period)

        def update(self, input) -> bool:
            self.queue.appendleft(input.value)
            self.value = sum(self.queue) / len(self.queue)
            return len(self.queue) == self.queue.maxlen

The user's ``update`` (or ``Update``) receives the bar (or an ``IndicatorDataPoint`` when a selector or
``update(time, value)`` is used). Around it the base counts samples, sets ``current`` from ``self.value``,
fills the window and fires ``updated``; ``is_ready`` is what ``update`` returned (or ``self.is_ready`` when
it returned ``None``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lean_runner.engine.indicators.base import IndicatorBase, IndicatorDataPoint
from lean_runner.engine.naming import lean_names, to_snake

_BASE_FIELDS = "updated"


def _as_input(time_or_data: Any, value: Any) -> Any:
    return IndicatorDataPoint(time_or_data, value) if value is not None else time_or_data


@lean_names
class PythonIndicator(IndicatorBase):
    """Subclass it and implement ``update(self, input) -> bool`` and set ``self.value``."""

    takes_bars = True

    def __init__(self, *args: Any) -> None:
        state = self.__dict__
        name = state.get("name") or (args[0] if args and isinstance(args[0], str) else type(self).__name__)
        value = state.get("value", 0.0)
        warm_up = state.get("_warm_up_period", 0)
        is_ready = state.get("_is_ready", False)
        IndicatorBase.__init__(self, str(name))
        self.value = value
        self._warm_up_period = warm_up
        self._is_ready = is_ready

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        user_update = cls.__dict__.get("update") or cls.__dict__.get("Update")
        if cls.__dict__.get("_builtin_update"):
            return
        if user_update is not None and not getattr(user_update, "_wraps_user_update", False):
            wrapped = _wrap_update(user_update)
            cls.update = wrapped  # type: ignore[method-assign]
            cls.Update = wrapped  # type: ignore[attr-defined]

    def __setattr__(self, name: str, value: Any) -> None:
        # self.Value = ..., self.WarmUpPeriod = ... land on the snake_case members
        if name[:1].isupper():
            name = to_snake(name)
        object.__setattr__(self, name, value)

    def __getattr__(self, name: str) -> Any:
        # subclasses that skip super().__init__() still get the base state on first use
        if not name.startswith("__") and _BASE_FIELDS not in self.__dict__:
            PythonIndicator.__init__(self)
            return getattr(self, name)
        return super().__getattr__(name)

    @property
    def is_ready(self) -> bool:
        return bool(self._is_ready)

    @is_ready.setter
    def is_ready(self, value: bool) -> None:
        self._is_ready = bool(value)

    @property
    def warm_up_period(self) -> int:
        return int(self._warm_up_period)

    @warm_up_period.setter
    def warm_up_period(self, value: int) -> None:
        self._warm_up_period = int(value)

    def _record(self, end_time: Any, returned: Any) -> None:
        """Book one update of the user's code: readiness, ``current``, window and event."""
        if returned is not None:
            self._is_ready = bool(returned)
        self._set_current(end_time, float(self.value))

    def reset(self) -> None:
        super().reset()
        self._is_ready = False


def _end_time(data: Any) -> Any:
    return getattr(data, "end_time", None) or getattr(data, "time", None)


def _wrap_update(user_update: Callable[..., Any]) -> Callable[..., Any]:
    def update(self: PythonIndicator, time_or_data: Any, value: Any = None) -> Any:
        data = _as_input(time_or_data, value)
        if self.__dict__.get("_in_update"):  # a subclass's update calling super().update(...)
            return user_update(self, data)
        end_time = _end_time(data)
        if not self._accepts(data, end_time):
            return self.is_ready
        self._previous_input = (data, end_time)
        self.samples += 1
        self._in_update = True
        try:
            returned = user_update(self, data)
        finally:
            self._in_update = False
        self._record(end_time, returned)
        return self.is_ready

    update._wraps_user_update = True  # type: ignore[attr-defined]
    update.__doc__ = user_update.__doc__
    return update


@lean_names
class PythonIndicatorAdapter(PythonIndicator):
    """Wraps a duck-typed Python indicator (``update``/``Update``, ``value``/``Value``, ``is_ready``/``IsReady``)
    that does not derive from ``PythonIndicator``, so the engine can register and update it."""

    _builtin_update = True

    def __init__(self, indicator: Any) -> None:
        self.wrapped = indicator
        name = getattr(indicator, "name", None) or getattr(indicator, "Name", None) or type(indicator).__name__
        super().__init__(str(name))
        self.warm_up_period = int(getattr(indicator, "warm_up_period", getattr(indicator, "WarmUpPeriod", 0)) or 0)

    def update(self, time_or_data: Any, value: Any = None) -> bool:
        data = _as_input(time_or_data, value)
        end_time = _end_time(data)
        if not self._accepts(data, end_time):
            return self.is_ready
        self._previous_input = (data, end_time)
        target = self.wrapped
        method = getattr(target, "update", None) or target.Update
        self.samples += 1
        returned = method(data)
        if returned is None:
            returned = getattr(target, "is_ready", getattr(target, "IsReady", False))
        self.value = float(getattr(target, "value", getattr(target, "Value", 0.0)))
        self._record(end_time, returned)
        return self.is_ready
