"""LEAN's equity fill rules: when an order fills and at what price.

Each rule returns ``(price, quantity)`` or ``None`` when the order cannot fill on
the data the security has now. Market orders fill on the best-effort quote (ask
to buy, bid to sell) when it is fresh, else on the last trade; other order types
only fill on data that arrived after the order was placed.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from lean_runner.engine.enums import OrderDirection, OrderStatus, OrderType, Resolution
from lean_runner.engine.naming import lean_names
from lean_runner.engine.orders import Order

if TYPE_CHECKING:
    from lean_runner.engine.securities import Security

STALE_PRICE_TIME_SPAN = timedelta(hours=1)
# Bars longer than this count as open for fills all their day (FillModel.IsExchangeOpen).
LONG_BAR = timedelta(hours=1)
Deal = tuple[float, float]  # (fill price, fill quantity)


@lean_names
class NullSlippageModel:
    def get_slippage_approximation(self, asset: Security, order: Order) -> float:
        return 0.0


@lean_names
class ConstantSlippageModel:
    """Slippage as a fixed fraction of the price, against the trader."""

    def __init__(self, slippage_percent: float) -> None:
        self._percent = float(slippage_percent)

    def get_slippage_approximation(self, asset: Security, order: Order) -> float:
        return asset.price * self._percent


def slippage_of(model: Any, security: Security, order: Order) -> float:
    if model is None:
        return 0.0
    method = getattr(model, "get_slippage_approximation", None) or model.GetSlippageApproximation
    return float(method(security, order))


def _against_trader(price: float, slippage: float, order: Order) -> float:
    return price + slippage if order.direction == OrderDirection.BUY else price - slippage


def _is_fresh(end_time: datetime, now: datetime) -> bool:
    return now - end_time <= STALE_PRICE_TIME_SPAN


def best_effort_price(security: Security, direction: int, now: datetime) -> float:
    """Ask (buy) or bid (sell) from a fresh quote bar, else the last trade close."""
    if security.last_trade_ticks or security.last_quote_ticks:
        return _best_effort_tick_price(security, direction, now)
    quote = security.last_quote_bar
    if quote is not None and _is_fresh(quote.end_time, now):
        side = quote.ask if direction == OrderDirection.BUY else quote.bid
        if side is not None and side.close != 0:
            return float(side.close)
    trade = security.last_trade_bar
    if trade is not None and _is_fresh(trade.end_time, now):
        return float(trade.close)
    if quote is not None:
        side = quote.ask if direction == OrderDirection.BUY else quote.bid
        if side is not None and side.close != 0 and (trade is None or quote.end_time >= trade.end_time):
            return float(side.close)
    return float(security.price)


def _best_effort_tick_price(security: Security, direction: int, now: datetime) -> float:
    """LEAN's order for tick data: the last quote tick of the latest quote instant with the wanted side, if
    fresh; else the last trade tick of the latest trade instant, if fresh; else the newer of the two."""
    buying = direction == OrderDirection.BUY
    quote = next((tick for tick in reversed(security.last_quote_ticks)
                  if (tick.ask_price if buying else tick.bid_price) > 0), None)
    if quote is not None and _is_fresh(quote.time, now):
        return float(quote.ask_price if buying else quote.bid_price)
    trades = security.last_trade_ticks
    trade = trades[-1] if trades else None
    if trade is not None and (quote is None or trade.time > quote.time):
        return float(trade.value)
    if quote is not None:
        return float(quote.ask_price if buying else quote.bid_price)
    return float(security.price)


def _exchange_open_for_fill(security: Security) -> bool:
    """LEAN's FillModel.IsExchangeOpen: open at the security's local time now; else the latest bar must be the
    current one (the same date for bars longer than an hour, not yet ended for others) and overlap market hours.
    So a market order placed at 10:00 on the 09:00-10:00 hour bar fills on that bar, as the exchange is open."""
    hours = security.exchange.hours
    extended = security.extended_market_hours
    local = security.exchange.local_time
    if hours.is_open(local, extended):
        return True
    bar = security.last_trade_bar or security.last_quote_bar
    if bar is None:
        return False
    if bar.end_time - bar.time > LONG_BAR:
        on_current_bar = local.date() == bar.end_time.date()
    else:
        on_current_bar = local <= bar.end_time
    return on_current_bar and security.exchange.is_open_during_bar(bar.time, bar.end_time, extended)


@lean_names
class FillModelParameters:
    """What ``FillModel.fill(parameters)`` gets: ``security``, ``order`` and LEAN's other fields."""

    def __init__(self, security: Security, order: Order, config_provider: Any = None,
                 stale_price_time_span: timedelta = STALE_PRICE_TIME_SPAN, securities_for_orders: Any = None,
                 on_order_updated: Any = None) -> None:
        self.security = security
        self.order = order
        self.config_provider = config_provider
        self.stale_price_time_span = stale_price_time_span
        self.securities_for_orders = securities_for_orders if securities_for_orders is not None else {}
        self.on_order_updated = on_order_updated


@lean_names
class Fill(list[Any]):
    """The order events a fill model returns (LEAN's ``Fill``); empty when the order does not fill now."""

    def __init__(self, events: Any = None) -> None:
        if events is None:
            events = []
        elif not isinstance(events, list | tuple):
            events = [events]
        super().__init__(events)


@lean_names
class FillModel:
    """LEAN's fill model API: ``fill(parameters)`` dispatches to ``market_fill(asset, order)`` and the other
    order types; each returns an ``OrderEvent`` (status FILLED with the price and quantity, or left as it
    was). Subclass it, or ``EquityFillModel``, and override either level."""

    def fill(self, parameters: FillModelParameters) -> Fill:
        security, order = parameters.security, parameters.order
        method = getattr(self, _METHOD_NAMES.get(order.type, ""), None)
        if method is None:
            raise NotImplementedError(f"{type(self).__name__}: order type {OrderType(order.type).name} is not "
                                      f"supported for equities.")
        return Fill(method(security, order))

    def _event(self, asset: Security, order: Order) -> Any:
        from lean_runner.engine.orders import OrderEvent

        result = equity_fill(asset, order, _submitted_local(asset, order), asset.exchange.local_time)
        event = OrderEvent(order, asset.exchange.clock.utc_time)
        if result is not None:
            event.status = OrderStatus.FILLED
            event.fill_price, event.fill_quantity = result
        return event

    def market_fill(self, asset: Security, order: Order) -> Any:
        return self._event(asset, order)

    def limit_fill(self, asset: Security, order: Order) -> Any:
        return self._event(asset, order)

    def stop_market_fill(self, asset: Security, order: Order) -> Any:
        return self._event(asset, order)

    def stop_limit_fill(self, asset: Security, order: Order) -> Any:
        return self._event(asset, order)

    def market_on_open_fill(self, asset: Security, order: Order) -> Any:
        return self._event(asset, order)

    def market_on_close_fill(self, asset: Security, order: Order) -> Any:
        return self._event(asset, order)

    def limit_if_touched_fill(self, asset: Security, order: Order) -> Any:
        return self._event(asset, order)

    def trailing_stop_fill(self, asset: Security, order: Order) -> Any:
        return self._event(asset, order)


def _submitted_local(asset: Security, order: Order) -> datetime:
    """When the order was placed, in the exchange's time (orders keep UTC times, as LEAN's)."""
    return order.time.replace(tzinfo=UTC).astimezone(asset.exchange.time_zone).replace(tzinfo=None)


@lean_names
class EquityFillModel(FillModel):
    """Fill rules for US equities (market, market-on-open/close, limit, stop, stop-limit, LIT, trailing)."""

    def engine_fill(self, security: Security, order: Order, submitted_local: datetime, now: datetime) -> Deal | None:
        """The engine's own path: (price, quantity) or None, without order event objects."""
        return equity_fill(security, order, submitted_local, now)


def equity_fill(security: Security, order: Order, submitted_local: datetime, now: datetime) -> Deal | None:
    """LEAN's equity fill rule for the order's type: (price, quantity), or None when it cannot fill now."""
    handler = _HANDLERS.get(order.type)
    if security.resolution == Resolution.TICK and order.type != OrderType.MARKET:
        raise NotImplementedError(f"{OrderType(order.type).name} orders on tick data: the embedded engine fills "
                                  f"only market orders on ticks (docs/tick-data.md); subscribe SECOND or coarser "
                                  f"bars, or run the LEAN image.")
    if handler is None:
        raise NotImplementedError(f"Order type {OrderType(order.type).name} is not supported for equities.")
    return handler(security, order, submitted_local, now)


def market_fill(security: Security, order: Order, submitted_local: datetime, now: datetime) -> Deal | None:
    if not _exchange_open_for_fill(security):
        return None
    price = best_effort_price(security, order.direction, now)
    if price == 0:
        return None
    return _against_trader(price, slippage_of(security.slippage_model, security, order), order), order.quantity


def market_on_open_fill(security: Security, order: Order, submitted_local: datetime, now: datetime) -> Deal | None:
    bar = security.last_trade_bar
    if bar is None or bar.time < submitted_local or bar.is_fill_forward:
        return None
    if not security.exchange.hours.is_open(bar.time, False) and security.resolution != Resolution.DAILY:
        return None
    return _against_trader(bar.open, slippage_of(security.slippage_model, security, order), order), order.quantity


def market_on_close_fill(security: Security, order: Order, submitted_local: datetime, now: datetime) -> Deal | None:
    hours = security.exchange.hours
    day = submitted_local.date()
    close = hours.market_close(day)
    if close is None or submitted_local >= close:
        close = hours.market_close(hours.next_trading_day(day))
    bar = security.last_trade_bar
    if close is None or now < close or bar is None or bar.end_time < close - _bar_period(security):
        return None
    return _against_trader(bar.close, slippage_of(security.slippage_model, security, order), order), order.quantity


def _bar_period(security: Security) -> timedelta:
    return {Resolution.SECOND: timedelta(seconds=1), Resolution.MINUTE: timedelta(minutes=1),
            Resolution.HOUR: timedelta(hours=1)}.get(security.resolution, timedelta(days=1))


def _new_trade_bar(security: Security, submitted_local: datetime) -> Any:
    bar = security.last_trade_bar
    if bar is None or bar.end_time <= submitted_local or not _exchange_open_for_fill(security):
        return None
    return bar


def limit_fill(security: Security, order: Order, submitted_local: datetime, now: datetime) -> Deal | None:
    bar = _new_trade_bar(security, submitted_local)
    limit = order.limit_price
    if bar is None or limit is None:
        return None
    if order.direction == OrderDirection.BUY and bar.low < limit:
        return min(bar.open, limit), order.quantity
    if order.direction == OrderDirection.SELL and bar.high > limit:
        return max(bar.open, limit), order.quantity
    return None


def stop_market_fill(security: Security, order: Order, submitted_local: datetime, now: datetime) -> Deal | None:
    bar = _new_trade_bar(security, submitted_local)
    stop = order.stop_price
    if bar is None or stop is None:
        return None
    slip = slippage_of(security.slippage_model, security, order)
    if order.direction == OrderDirection.SELL and bar.low <= stop:
        return min(stop, bar.open) - slip, order.quantity
    if order.direction == OrderDirection.BUY and bar.high >= stop:
        return max(stop, bar.open) + slip, order.quantity
    return None


def stop_limit_fill(security: Security, order: Order, submitted_local: datetime, now: datetime) -> Deal | None:
    bar = _new_trade_bar(security, submitted_local)
    stop, limit = order.stop_price, order.limit_price
    if bar is None or stop is None or limit is None:
        return None
    if order.direction == OrderDirection.BUY:
        if not order.stop_triggered and bar.high > stop:
            order.stop_triggered = True
        if order.stop_triggered and bar.close < limit:
            return min(bar.high, limit), order.quantity
    else:
        if not order.stop_triggered and bar.low < stop:
            order.stop_triggered = True
        if order.stop_triggered and bar.close > limit:
            return max(bar.low, limit), order.quantity
    return None


def limit_if_touched_fill(security: Security, order: Order, submitted_local: datetime, now: datetime) -> Deal | None:
    bar = _new_trade_bar(security, submitted_local)
    trigger, limit = order.trigger_price, order.limit_price
    if bar is None or trigger is None or limit is None:
        return None
    if not order.trigger_touched:
        touched = bar.low <= trigger if order.direction == OrderDirection.BUY else bar.high >= trigger
        if not touched:
            return None
        order.trigger_touched = True
    price = best_effort_price(security, order.direction, now)
    if order.direction == OrderDirection.BUY and price <= limit:
        return min(price, limit), order.quantity
    if order.direction == OrderDirection.SELL and price >= limit:
        return max(price, limit), order.quantity
    return None


def _trailing_prices(security: Security, direction: int) -> tuple[datetime, float, float, float] | None:
    """(end time, current, high, low) of the bar a trailing stop watches: the bid bar for a sell and the ask
    bar for a buy where the security has quotes, else the trade bar (LEAN's FillModel.GetPrices)."""
    quote = security.last_quote_bar if security.subscribes_quotes else None
    if quote is not None:
        side = quote.bid if direction == OrderDirection.SELL else quote.ask
        if side is not None:
            return quote.end_time, side.close, side.high, side.low
    trade = security.last_trade_bar
    if trade is not None:
        return trade.end_time, trade.close, trade.high, trade.low
    return None


def trailing_stop_fill(security: Security, order: Order, submitted_local: datetime, now: datetime) -> Deal | None:
    """Fill when the watched side crosses the stop (at the worse of stop and current price); otherwise trail the
    stop behind the side's high (sell) or low (buy) when it moved more than the trailing amount away."""
    if not _exchange_open_for_fill(security) or order.stop_price is None or order.trailing_amount is None:
        return None
    prices = _trailing_prices(security, order.direction)
    if prices is None:
        return None
    end_time, current, high, low = prices
    if end_time <= submitted_local:
        return None  # no data since the order was placed
    stop, amount = order.stop_price, order.trailing_amount
    slip = slippage_of(security.slippage_model, security, order)
    if order.direction == OrderDirection.SELL and low <= stop:
        order.stop_triggered = True
        return min(stop, current - slip), order.quantity
    if order.direction == OrderDirection.BUY and high >= stop:
        order.stop_triggered = True
        return max(stop, current + slip), order.quantity
    market = high if order.direction == OrderDirection.SELL else low
    distance = market - stop if order.direction == OrderDirection.SELL else stop - market
    if distance > (market * amount if order.trailing_as_percentage else amount):
        if order.trailing_as_percentage:
            factor = 1 - amount if order.direction == OrderDirection.SELL else 1 + amount
            order.stop_price = market * factor
        else:
            order.stop_price = market - amount if order.direction == OrderDirection.SELL else market + amount
    return None


_METHOD_NAMES = {
    OrderType.MARKET: "market_fill", OrderType.MARKET_ON_OPEN: "market_on_open_fill",
    OrderType.MARKET_ON_CLOSE: "market_on_close_fill", OrderType.LIMIT: "limit_fill",
    OrderType.STOP_MARKET: "stop_market_fill", OrderType.STOP_LIMIT: "stop_limit_fill",
    OrderType.LIMIT_IF_TOUCHED: "limit_if_touched_fill", OrderType.TRAILING_STOP: "trailing_stop_fill",
}

_HANDLERS = {
    OrderType.MARKET: market_fill,
    OrderType.MARKET_ON_OPEN: market_on_open_fill,
    OrderType.MARKET_ON_CLOSE: market_on_close_fill,
    OrderType.LIMIT: limit_fill,
    OrderType.STOP_MARKET: stop_market_fill,
    OrderType.STOP_LIMIT: stop_limit_fill,
    OrderType.LIMIT_IF_TOUCHED: limit_if_touched_fill,
    OrderType.TRAILING_STOP: trailing_stop_fill,
}
