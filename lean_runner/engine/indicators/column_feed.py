"""Column-fed indicators: the engine computes an indicator over a whole price column at once.

An SMA or EMA registered on a symbol's own data only ever sees that subscription's
closes, in order. Instead of one ``update`` per bar (a data point, a window shift and
an event each), the engine hands such an indicator the column: its outputs are
computed in one tight loop, and the indicator's ``current``, ``previous``,
``samples`` and ``is_ready`` are read from the outputs at the subscription's cursor.

While column-fed, the indicator's class is a subclass of its own (same name) whose
properties read the column. Anything else that touches its state -- ``update``,
``reset``, ``window``, a handler added to ``updated`` -- first *settles* it: the
state at the cursor is rebuilt exactly (the same arithmetic in the same order), the
plain class comes back, and from then on the engine updates it bar by bar.

An indicator class takes part by implementing three methods:
``_column_state()`` (its internal state as a value), ``_restore_column_state(state)``
and ``_advance_column(inputs, samples, last) -> outputs`` (its update arithmetic over
a list of inputs, leaving the internal state after the last one).
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterator
from datetime import datetime
from sys import getrefcount
from typing import Any

import numpy as np

from lean_runner.engine.clock import ns_to_naive
from lean_runner.engine.indicators.base import IndicatorBase, IndicatorDataPoint, RollingWindow
from lean_runner.engine.naming import lean_names


def supports_column_feed(indicator: Any) -> bool:
    """True for an indicator that can be column-fed now: a participating class, nobody listening to it."""
    if not isinstance(indicator, IndicatorBase) or "_column_feed" in indicator.__dict__ or indicator.updated:
        return False
    # A subclass that changes the arithmetic or readiness must not inherit the column.
    owners = {_defining_class(type(indicator), name) for name in ("_advance_column", "_column_ready_samples",
                                                                   "compute_next_value", "engine_update", "is_ready")}
    return len(owners) == 1 and None not in owners


def _defining_class(cls: type, name: str) -> type | None:
    return next((klass for klass in cls.__mro__ if name in vars(klass)), None)


class LocalEndTimes:
    """A subscription's bar end times in exchange-local nanoseconds, converted once and shared."""

    def __init__(self, convert: Callable[[np.ndarray], np.ndarray]) -> None:
        self._convert = convert
        self._by_subscription: dict[int, tuple[Any, array]] = {}

    def of(self, subscription: Any) -> array:
        cached = self._by_subscription.get(id(subscription))
        if cached is None or cached[0] is not subscription:
            local = array("q")
            local.frombytes(np.ascontiguousarray(self._convert(subscription.end_utc), dtype=np.int64).tobytes())
            cached = (subscription, local)
            self._by_subscription[id(subscription)] = cached
        return cached[1]


class ColumnFeed:
    """One indicator's outputs over a subscription's closes from ``base`` on, and its state before them."""

    __slots__ = ("base", "current0", "inputs_end", "local_ns", "on_settle", "outputs", "plain_class", "point",
                 "point_n", "point_refillable", "previous0", "ready_cursor", "samples0", "state0", "subscription",
                 "window0")

    def __init__(self, indicator: Any, subscription: Any, local_ns: array, end_index: int,
                 on_settle: Callable[[Any], None]) -> None:
        self.subscription = subscription
        self.base = subscription.cursor
        self.inputs_end = max(end_index, self.base)
        self.local_ns = local_ns
        self.on_settle = on_settle
        self.plain_class = type(indicator)
        state = indicator.__dict__
        self.samples0: int = state["samples"]
        self.current0: IndicatorDataPoint = state["current"]
        self.previous0: IndicatorDataPoint = state["previous"]
        self.window0 = list(indicator.window._items)
        self.state0 = indicator._column_state()
        inputs = subscription.price_list[self.base:self.inputs_end]
        outputs = indicator._advance_column(inputs, self.samples0, self.current0.value)
        self.outputs = outputs if isinstance(outputs, array) else array("d", outputs)
        indicator._restore_column_state(self.state0)
        self.point_n = 0
        self.point = self.current0
        self.point_refillable = False  # True while ``point`` is a _ColumnPoint of this feed, not pinned
        # Participating classes are ready once they have seen _column_ready_samples() inputs.
        self.ready_cursor = self.base + max(0, indicator._column_ready_samples() - self.samples0)

    def consumed(self) -> int:
        return self.subscription.cursor - self.base

    def point_at(self, n: int) -> IndicatorDataPoint:
        """The output after the ``n``-th input since ``base`` (1-based), as the data point the update made."""
        point = _new_point(_ColumnPoint)
        point._feed = None
        _TIME_SLOT.__set__(point, ns_to_naive(self.local_ns[self.base + n - 1]))
        _SYMBOL_SLOT.__set__(point, None)
        point.value = self.outputs[n - 1]
        return point


_new_point = object.__new__
# The base class's slot descriptors, under _ColumnPoint's properties.
_TIME_SLOT: Any = vars(IndicatorDataPoint)["time"]
_SYMBOL_SLOT: Any = vars(IndicatorDataPoint)["symbol"]


@lean_names
class _ColumnPoint(IndicatorDataPoint):
    """A data point of a column-fed indicator: its time is looked up in the feed when read.

    While ``_feed`` is set the point is the feed's ``n``-th output; setting its time or symbol
    *pins* it (the time is stored, the feed let go) and it is an ordinary data point from then on.
    """

    __slots__ = ("_feed", "_n")
    _feed: ColumnFeed | None
    _n: int

    @property
    def time(self) -> datetime:
        feed = self._feed
        if feed is None:
            return _TIME_SLOT.__get__(self)
        return ns_to_naive(feed.local_ns[feed.base + self._n - 1])

    @time.setter
    def time(self, value: datetime) -> None:
        self._pin()
        _TIME_SLOT.__set__(self, value)

    @property
    def symbol(self) -> Any:
        return _SYMBOL_SLOT.__get__(self)

    @symbol.setter
    def symbol(self, value: Any) -> None:
        self._pin()
        _SYMBOL_SLOT.__set__(self, value)

    def _pin(self) -> None:
        feed = self._feed
        if feed is not None:
            _TIME_SLOT.__set__(self, self.time)
            self._feed = None
            if feed.point is self:
                feed.point_refillable = False


def _refcount_when_unshared() -> int:
    """What ``sys.getrefcount`` says in ``_current`` of a point only the feed holds.

    Measured with the same shape of code (a slot, a local, the call's argument), so it holds
    whatever the interpreter counts.
    """
    feed = _new_point(ColumnFeed)
    feed.point = _new_point(_ColumnPoint)
    point = feed.point
    return getrefcount(point)


_UNSHARED = _refcount_when_unshared()


def feed_column(indicator: Any, subscription: Any, local_ns: array, end_index: int,
                on_settle: Callable[[Any], None]) -> None:
    """Column-feed ``indicator`` from ``subscription``'s next bar up to (excluding) ``end_index``."""
    feed = ColumnFeed(indicator, subscription, local_ns, end_index, on_settle)
    indicator.__dict__["_column_feed"] = feed
    indicator.__class__ = _column_fed_class(feed.plain_class)
    window = indicator.window
    window.__dict__["_column_owner"] = indicator
    window.__class__ = _ColumnFedWindow
    indicator.updated._on_subscribe = lambda: settle(indicator)


def settle(indicator: Any) -> None:
    """Rebuild the plain indicator at the subscription's cursor; the engine updates it bar by bar afterwards."""
    feed: ColumnFeed | None = indicator.__dict__.pop("_column_feed", None)
    if feed is None:
        return
    indicator.__class__ = feed.plain_class
    window = indicator.window
    window.__class__ = RollingWindow
    del window.__dict__["_column_owner"]
    indicator.updated._on_subscribe = None
    n = min(feed.consumed(), len(feed.outputs))
    if n > 0:
        indicator._restore_column_state(feed.state0)
        inputs = feed.subscription.price_list[feed.base:feed.base + n]
        indicator._advance_column(inputs, feed.samples0, feed.current0.value)
        newest = [feed.point_at(i) for i in range(n, max(n - window.size - 1, 0), -1)]
        indicator.samples = feed.samples0 + n
        indicator.current = newest[0]
        indicator.previous = newest[1] if n >= 2 else feed.current0
        indicator._previous_input = None
        _rebuild_window(window, newest, feed.window0, n)
    feed.on_settle(indicator)


def _rebuild_window(window: RollingWindow[Any], newest: list[Any], before: list[Any], added: int) -> None:
    """The window as ``added`` adds would have left it: the newest points, then what it held before."""
    size = window.size
    sequence = newest + before  # newest first
    items = window._items
    items.clear()
    items.extend(sequence[:size])
    window._samples += added
    if len(before) + added > size:
        window._most_recently_removed = sequence[size]


def _current(self: Any) -> IndicatorDataPoint:
    # Read on every bar by most algorithms. LEAN hands out a new data point per update; a point
    # nobody else holds (only the feed: _UNSHARED references) cannot be told apart from a new one,
    # so it is refilled instead of allocating another.
    feed: ColumnFeed = self._column_feed
    n = feed.subscription.cursor - feed.base
    point: Any = feed.point
    if n == feed.point_n:
        return point
    if n > 0:
        if not feed.point_refillable or getrefcount(point) > _UNSHARED:
            point = feed.point = _new_point(_ColumnPoint)
            point._feed = feed
            _SYMBOL_SLOT.__set__(point, None)
            feed.point_refillable = True
        point._n = n
        point.value = feed.outputs[n - 1]
    else:
        point = feed.point = feed.current0
        feed.point_refillable = False
    feed.point_n = n
    return point


def _previous(self: Any) -> IndicatorDataPoint:
    feed: ColumnFeed = self._column_feed
    n = feed.subscription.cursor - feed.base
    if n >= 2:
        return feed.point_at(n - 1)
    return feed.current0 if n == 1 else feed.previous0


def _samples(self: Any) -> int:
    feed: ColumnFeed = self._column_feed
    return feed.samples0 + feed.subscription.cursor - feed.base


def _is_ready(self: Any) -> bool:
    feed: ColumnFeed = self._column_feed
    if feed.subscription.cursor >= feed.ready_cursor:
        # The cursor only moves on while column-fed, so ready stays ready: a plain True from now on.
        self.__class__ = _column_fed_class(feed.plain_class, ready=True)
        return True
    return False


def _settles_then_sets(name: str) -> Callable[[Any, Any], None]:
    """Writing the state settles the indicator, then writes its plain attribute."""
    def setter(self: Any, value: Any) -> None:
        settle(self)
        setattr(self, name, value)
    return setter


def _settles_then_calls(name: str) -> Callable[..., Any]:
    """Changing the state settles the indicator, then runs its plain method."""
    def method(self: Any, *args: Any, **kwargs: Any) -> Any:
        settle(self)
        return getattr(self, name)(*args, **kwargs)
    return method


class _ColumnFedIndicator:
    """The members an indicator's class gets while it is column-fed (see ``_column_fed_class``)."""

    __slots__ = ()

    current = property(_current, _settles_then_sets("current"))
    previous = property(_previous, _settles_then_sets("previous"))
    samples = property(_samples, _settles_then_sets("samples"))
    is_ready = property(_is_ready)
    update = _settles_then_calls("update")
    engine_update = _settles_then_calls("engine_update")
    reset = _settles_then_calls("reset")


_COLUMN_FED_CLASSES: dict[tuple[type, bool], type] = {}


def _column_fed_class(plain: type, ready: bool = False) -> type:
    """``plain`` with the column-fed members; the ``ready`` variant answers ``is_ready`` with a constant."""
    cls = _COLUMN_FED_CLASSES.get((plain, ready))
    if cls is None:
        # A single-base subclass (the members copied in, not mixed in) keeps the layout __class__ assignment needs.
        members = {name: member for name, member in vars(_ColumnFedIndicator).items()
                   if name not in ("__dict__", "__weakref__", "__doc__")}
        members.update(__qualname__=plain.__qualname__, __module__=plain.__module__, __doc__=plain.__doc__)
        if ready:
            members["is_ready"] = True
        cls = lean_names(type(plain.__name__, (plain,), members))
        _COLUMN_FED_CLASSES[(plain, ready)] = cls
    return cls


def _window_settles_then_gets(name: str) -> property:
    """A window property that settles the owning indicator first, then reads the real window's property."""
    def getter(self: Any) -> Any:
        settle(self.__dict__["_column_owner"])
        return getattr(self, name)
    return property(getter)


@lean_names
class _ColumnFedWindow(RollingWindow[Any]):
    """A column-fed indicator's window: any use settles the indicator first, then acts on the real window.

    (Settling gives the window its plain class back, so the calls after ``_settled()`` are RollingWindow's.)
    """

    def _settled(self) -> RollingWindow[Any]:
        settle(self.__dict__["_column_owner"])
        return self

    def add(self, item: Any) -> None:
        self._settled().add(item)

    def __getitem__(self, index: int) -> Any:
        return self._settled()[index]

    def __iter__(self) -> Iterator[Any]:
        return iter(self._settled())

    def __len__(self) -> int:
        return len(self._settled())

    def reset(self) -> None:
        self._settled().reset()

    @property
    def size(self) -> int:
        return self._settled().size

    @size.setter
    def size(self, value: int) -> None:
        self._settled().size = value

    count = _window_settles_then_gets("count")
    samples = _window_settles_then_gets("samples")
    is_ready = _window_settles_then_gets("is_ready")
    most_recently_removed = _window_settles_then_gets("most_recently_removed")
