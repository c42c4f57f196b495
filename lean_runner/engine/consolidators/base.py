"""The consolidator base class and its ``data_consolidated`` event."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from datetime import datetime
from typing import Any

from lean_runner.engine.indicators.base import RollingWindow
from lean_runner.engine.market_data import Bar, QuoteBar, TradeBar
from lean_runner.engine.naming import PascalCaseAttributes, lean_names

__all__ = ["DataConsolidatedEvent", "DataConsolidator", "clone_bar", "copy_side"]


def _takes_sender(handler: Callable[..., Any]) -> bool:
    """True for ``handler(sender, bar)``; False for a one-argument ``handler(bar)``."""
    try:
        parameters = list(inspect.signature(handler).parameters.values())
    except (TypeError, ValueError):
        return True
    required = [p for p in parameters
                if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) and p.default is p.empty]
    return len(required) != 1 or any(p.kind == p.VAR_POSITIONAL for p in parameters)


class DataConsolidatedEvent:
    """``consolidator.data_consolidated += handler``: handlers get ``(sender, bar)``.

    A handler taking a single positional argument gets just ``(bar)`` (the style of the handlers
    passed to ``self.consolidate``); LEAN would reject it on ``+=``, we accept it.
    """

    def __init__(self) -> None:
        self._handlers: list[tuple[Callable[..., Any], bool]] = []

    def __iadd__(self, handler: Callable[..., Any]) -> DataConsolidatedEvent:
        if not callable(handler):
            raise TypeError(f"data_consolidated handlers must be callable, got {handler!r}")
        self._handlers.append((handler, _takes_sender(handler)))
        return self

    def __isub__(self, handler: Callable[..., Any]) -> DataConsolidatedEvent:
        for index, (known, _) in enumerate(self._handlers):
            if known == handler:
                del self._handlers[index]
                break
        return self

    def fire(self, sender: Any, bar: Any) -> None:
        for handler, with_sender in list(self._handlers):
            if with_sender:
                handler(sender, bar)
            else:
                handler(bar)

    def clear(self) -> None:
        self._handlers.clear()

    def __len__(self) -> int:
        return len(self._handlers)

    def __bool__(self) -> bool:
        return bool(self._handlers)


@lean_names
class DataConsolidator(PascalCaseAttributes):
    """Base of every consolidator: the event, ``consolidated``, a window of recent bars, ``reset``.

    Subclasses implement ``update`` (and ``scan`` when time alone can close a bar) and call
    ``_emit(bar)``: the bar enters ``window``, handlers run, then ``consolidated`` is set (so a
    handler still sees the previous bar there, as in LEAN).
    """

    def __init__(self) -> None:
        self._event = DataConsolidatedEvent()
        self._consolidated: Any = None
        self._window: RollingWindow[Any] = RollingWindow(2)

    @property
    def data_consolidated(self) -> DataConsolidatedEvent:
        return self._event

    @data_consolidated.setter
    def data_consolidated(self, value: DataConsolidatedEvent) -> None:
        if value is not self._event:  # `+=` rebinds the attribute to the same event object
            raise AttributeError("data_consolidated can only be changed with += and -=")

    @property
    def consolidated(self) -> Any:
        """The last emitted bar (None before the first)."""
        return self._consolidated

    @property
    def window(self) -> RollingWindow[Any]:
        """The most recent consolidated bars, newest first (also ``consolidator[0]``)."""
        return self._window

    def __getitem__(self, index: int) -> Any:
        return self._window[index]

    @property
    def current(self) -> Any:
        """The latest consolidated bar (``window[0]``), None before the first."""
        return self._window[0] if self._window.count else None

    @property
    def previous(self) -> Any:
        """The bar before ``current`` (``window[1]``), None until there are two."""
        return self._window[1] if self._window.count > 1 else None

    def reset_window(self) -> None:
        self._window.reset()

    @property
    def input_type(self) -> type:
        return object

    @property
    def output_type(self) -> type:
        return object

    @property
    def working_data(self) -> Any:
        """A copy of the bar being built (None when idle)."""
        return None

    @property
    def next_scan_time(self) -> datetime | None:
        """When ``scan`` can next emit: the working bar's end; None for count-based or idle consolidators."""
        return None

    def update(self, data: Any) -> None:
        raise NotImplementedError(f"{type(self).__name__}.update")

    def scan(self, current_local_time: datetime) -> None:
        """Emit a time-based bar whose end has passed, even without new data (no-op by default)."""

    def reset(self) -> None:
        self._consolidated = None
        self._window.reset()

    def dispose(self) -> None:
        """Drop every handler (LEAN's ``Dispose``, done by ``remove_consolidator``)."""
        self._event.clear()

    def _emit(self, bar: Any) -> None:
        if bar is None:
            return
        self._window.add(bar)
        self._event.fire(self, bar)
        self._consolidated = bar


def copy_side(bar: Bar | None) -> Bar | None:
    """A copy of one quote side (or None)."""
    return None if bar is None else Bar(bar.open, bar.high, bar.low, bar.close)


def clone_bar(bar: Any) -> Any:
    """A copy of a trade/quote bar keeping its ``end_time``; other objects are returned as they are."""
    if isinstance(bar, QuoteBar):
        quote = QuoteBar(bar.time, bar.symbol, copy_side(bar.bid), bar.last_bid_size, copy_side(bar.ask),
                         bar.last_ask_size, bar.period, bar.is_fill_forward)
        quote.end_time = bar.end_time
        return quote
    if isinstance(bar, TradeBar):
        trade = bar.clone()
        trade.end_time = bar.end_time
        return trade
    return bar
