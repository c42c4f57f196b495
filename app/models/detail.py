"""One result in full: LEAN's statistics, equity against the benchmark, drawdown, monthly and yearly
returns, trades, orders, logs and downloads, as pandas frames the views plot (no Panel here).

Example::

    detail = ResultDetailModel(workbench=workbench)
    detail.timestamp = "2026-12-02_07-59-17"
    detail.equity.iloc[-1], detail.monthly_returns.loc[2013]
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pandas as pd
import param

from app.models.messages import message_of
from lean_runner.engine.results.reader import ResultFolderError, collector_paused, read_result_folder
from lean_runner.runners.errors import BacktestRunError
from lean_runner.services.access import ANYONE, Caller

MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
MAX_PRICE_SYMBOLS = 5
ORDER_STATUS = {0: "New", 1: "Submitted", 2: "PartiallyFilled", 3: "Filled", 5: "Canceled", 6: "None",
                7: "Invalid", 8: "CancelPending", 9: "UpdateSubmitted"}
ORDER_TYPE = {0: "Market", 1: "Limit", 2: "StopMarket", 3: "StopLimit", 4: "MarketOnOpen", 5: "MarketOnClose",
              6: "OptionExercise", 7: "LimitIfTouched", 8: "ComboMarket", 9: "ComboLimit", 10: "ComboLegLimit",
              11: "TrailingStop"}


def series_of(points: list[tuple[float, float]]) -> pd.Series:
    """``[(unix seconds, value), ...]`` → a float series on a UTC-naive time index."""
    if not points:
        return pd.Series(dtype=float, index=pd.DatetimeIndex([], name="time"), name="value")
    times = [t for t, _ in points]
    values = [v for _, v in points]
    index = pd.DatetimeIndex(pd.to_datetime(times, unit="s"))
    series = pd.Series(values, index=index, dtype=float, name="value")
    series.index.name = "time"
    return series[~series.index.duplicated(keep="last")].sort_index()


def underwater(equity: pd.Series) -> pd.Series:
    """Drawdown from the running peak, in percent (0 at a new high, negative below it)."""
    if equity.empty:
        return equity.rename("drawdown")
    return ((equity / equity.cummax() - 1.0) * 100.0).rename("drawdown")


def monthly_returns(equity: pd.Series, initial: float | None = None) -> pd.DataFrame:
    """Percent return of each calendar month: rows are years, columns ``Jan``..``Dec`` (NaN where no data)."""
    if equity.empty:
        return pd.DataFrame(columns=MONTHS, dtype=float)
    month_end = equity.resample("ME").last().dropna()
    start = initial if initial else float(equity.iloc[0])
    previous = month_end.shift(1)
    previous.iloc[0] = start
    returns = (month_end / previous - 1.0) * 100.0
    index = pd.DatetimeIndex(returns.index)
    table = pd.DataFrame({"year": index.year, "month": index.month, "value": returns.to_numpy()})
    pivot = table.pivot(index="year", columns="month", values="value").reindex(columns=range(1, 13))
    pivot.columns = MONTHS
    return pivot


def yearly_returns(equity: pd.Series, initial: float | None = None) -> pd.Series:
    """Percent return of each calendar year (the first from the initial cash)."""
    if equity.empty:
        return pd.Series(dtype=float, name="return")
    year_end = equity.resample("YE").last().dropna()
    previous = year_end.shift(1)
    previous.iloc[0] = initial if initial else float(equity.iloc[0])
    returns = (year_end / previous - 1.0) * 100.0
    returns.index = pd.DatetimeIndex(returns.index).year
    return returns.rename("return")


def trades_frame(trades: list[dict[str, Any]]) -> pd.DataFrame:
    """LEAN's closed trades as a flat table: symbol, entry/exit time and price, quantity, P&L, fees, duration."""
    rows = []
    for trade in trades:
        symbol = trade.get("symbol")
        rows.append({"symbol": symbol.get("value") if isinstance(symbol, dict) else symbol,
                     "entry_time": trade.get("entryTime"), "entry_price": trade.get("entryPrice"),
                     "exit_time": trade.get("exitTime"), "exit_price": trade.get("exitPrice"),
                     "quantity": trade.get("quantity"),
                     "direction": {0: "Long", 1: "Short"}.get(trade.get("direction", -1), trade.get("direction")),
                     "profit_loss": trade.get("profitLoss"), "fees": trade.get("totalFees"),
                     "mae": trade.get("mae"), "mfe": trade.get("mfe"), "duration": trade.get("duration")})
    return pd.DataFrame(rows, columns=["symbol", "entry_time", "entry_price", "exit_time", "exit_price", "quantity",
                                       "direction", "profit_loss", "fees", "mae", "mfe", "duration"])


def orders_frame(orders: list[dict[str, Any]]) -> pd.DataFrame:
    """LEAN's orders as a flat table: id, time, symbol, type, quantity, fill price, status, value, tag."""
    rows = []
    for order in orders:
        symbol = order.get("symbol")
        rows.append({"id": order.get("id"), "time": order.get("time"),
                     "symbol": symbol.get("value") if isinstance(symbol, dict) else symbol,
                     "type": ORDER_TYPE.get(order.get("type"), order.get("type")),  # type: ignore[arg-type]
                     "quantity": order.get("quantity"), "price": order.get("price"),
                     "status": ORDER_STATUS.get(order.get("status"), order.get("status")),  # type: ignore[arg-type]
                     "value": order.get("value"), "tag": order.get("tag", "")})
    return pd.DataFrame(rows, columns=["id", "time", "symbol", "type", "quantity", "price", "status", "value", "tag"])


class ResultDetailModel(param.Parameterized):
    """The result shown on the detail page, read through the result service."""

    timestamp = param.String(default=None, allow_None=True, doc="The result folder's name (its timestamp).")
    summary = param.Dict(default={}, doc="Strategy, dates, cash, final value and the v2 statistics.")
    lean_statistics = param.Dict(default={}, doc="LEAN's statistics, exactly as LEAN prints them.")
    equity = param.Series(default=pd.Series(dtype=float), doc="Portfolio value over time (every point).")
    benchmark = param.Series(default=pd.Series(dtype=float),
                             doc="The benchmark scaled to the same starting value as the equity.")
    drawdown = param.Series(default=pd.Series(dtype=float), doc="Underwater curve in percent.")
    monthly = param.DataFrame(default=pd.DataFrame(), doc="Monthly returns in percent (years × months).")
    yearly = param.Series(default=pd.Series(dtype=float), doc="Yearly returns in percent.")
    trades = param.DataFrame(default=pd.DataFrame(), doc="Closed trades.")
    orders = param.DataFrame(default=pd.DataFrame(), doc="Orders.")
    logs = param.List(default=[], doc="The algorithm's log lines.")
    prices = param.Dict(default={}, doc="Traded symbol → its adjusted daily closes over the run (at most "
                                        "MAX_PRICE_SYMBOLS symbols, the most traded first); see load_prices.")
    synthetic = param.Boolean(default=False, doc="True when the result ran on the generated sample data.")
    error = param.String(default="", doc="Why the result cannot be shown.")
    revision = param.Integer(default=0, doc="Counts the reads (or failed reads): views redraw once per read, not "
                                            "once per changed field.")

    def __init__(self, *, workbench: Any, caller: Caller = ANYONE, **params: Any) -> None:
        super().__init__(**params)
        self.workbench = workbench
        self.caller = caller
        self._folder: Path | None = None
        self._prices_read = False
        if self.timestamp:
            self._load()

    @param.depends("timestamp", watch=True)
    def _load(self) -> None:
        if not self.timestamp:
            self.param.update(error="", revision=self.revision + 1)
            return
        try:
            read = self.workbench.results.detail(self.timestamp, self.caller)
        except BacktestRunError as error:
            self.param.update(error=message_of(error), revision=self.revision + 1)
            return
        detail = read.summary
        with collector_paused():  # a long curve's frames are many objects, none in a cycle
            equity = series_of(read.equity)
            benchmark = series_of(read.benchmark)
            if not benchmark.empty and not equity.empty and benchmark.iloc[0]:
                benchmark = benchmark / benchmark.iloc[0] * float(equity.iloc[0])
            frames = {"drawdown": underwater(equity), "monthly": monthly_returns(equity, detail.initial_cash),
                      "yearly": yearly_returns(equity, detail.initial_cash), "trades": trades_frame(read.trades),
                      "orders": orders_frame(read.orders)}
        self._folder = Path(detail.result_path)
        self._prices_read = False  # before the update: views redraw during it
        self.param.update(
            summary={"strategy_name": detail.strategy_name, "start_date": detail.start_date,
                     "end_date": detail.end_date, "initial_cash": detail.initial_cash,
                     "final_value": detail.final_value, "backtest_id": detail.backtest_id,
                     **detail.statistics.model_dump()},
            lean_statistics=dict(read.lean_statistics), equity=equity, benchmark=benchmark, **frames,
            logs=list(read.logs), synthetic=detail.synthetic_data, prices={}, error="", revision=self.revision + 1)

    def load_prices(self) -> dict[str, pd.Series]:
        """The traded symbols' prices, read from the data folder once, when first asked for (its tab opens)."""
        if not self._prices_read:
            self.prices, self._prices_read = self._read_prices(), True
        return self.prices

    def _read_prices(self) -> dict[str, pd.Series]:
        if self.trades.empty or self.equity.empty:
            return {}
        start, end = self.equity.index[0].date(), self.equity.index[-1].date()
        traded = self.trades["symbol"].value_counts().index[:MAX_PRICE_SYMBOLS]
        prices = {}
        for symbol in traded:
            closes = self.workbench.prices(str(symbol), start, end)
            if closes:
                prices[str(symbol)] = pd.Series([c for _, c in closes], index=pd.to_datetime([d for d, _ in closes]),
                                                name=str(symbol), dtype=float)
        return prices

    # -- downloads -------------------------------------------------------------------------------------------
    def result_json(self) -> io.BytesIO:
        """LEAN's result file (``<algorithm-id>.json``) as it is on disk."""
        if self._folder is None:
            raise ValueError("no result loaded")
        try:
            algorithm_id = read_result_folder(self._folder).algorithm_id
        except ResultFolderError as error:
            raise ValueError(str(error)) from error
        return io.BytesIO((self._folder / f"{algorithm_id}.json").read_bytes())

    def trades_csv(self) -> io.StringIO:
        """The closed trades as CSV."""
        buffer = io.StringIO()
        self.trades.to_csv(buffer, index=False)
        buffer.seek(0)
        return buffer
