"""Write a backtest's result folder exactly in LEAN's layout.

The engine fills a :class:`BacktestResult` and calls
:func:`write_backtest_results`, which writes (each file atomically):

* ``<id>.json``: the full result, indented, camelCase property names, with
  dictionary keys (chart, statistic and order ids) kept verbatim and ``null``
  top-level entries left out;
* ``<id>-summary.json``: statistics, the portfolio and trade statistics,
  runtime statistics, state, server statistics, the algorithm configuration and
  a down-sampled ``Strategy Equity``/``Equity`` chart;
* ``<id>-order-events.json``: the order events as one compact JSON array (only
  when there are events);
* ``<id>-log.txt``: one line per algorithm message.

``log.txt`` is separate: the engine appends to it live through
:class:`~lean_runner.engine.results.logs.EngineLogFile`.

Example::

    result = BacktestResult(charts=default_charts(), statistics={"Total Orders": "1"})
    write_backtest_results(Path("backtests/2024-05-01_12-00-00"), "1234567890", result)
"""

from __future__ import annotations

import socket
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import ROUND_HALF_UP, Decimal
from enum import IntEnum, StrEnum
from pathlib import Path
from typing import Any

from lean_runner.engine.dotnet_format import to_decimal
from lean_runner.engine.results.atomic import write_json_atomic, write_text_atomic
from lean_runner.engine.results.charts import (
    EQUITY,
    STRATEGY_EQUITY,
    CandlestickSeries,
    Chart,
    resample_candles,
    summary_candle_days,
)
from lean_runner.engine.results.layout import ResultFiles
from lean_runner.engine.results.logs import EngineLogFile, format_console_line
from lean_runner.engine.results.reader import LeanResultFolder, ResultFolderError, read_result_folder

__all__ = [
    "BROKERAGE_DEFAULT",
    "AccountType",
    "AlgorithmStatus",
    "BacktestResult",
    "EngineLogFile",
    "LeanResultFolder",
    "ResultFiles",
    "ResultFolderError",
    "build_algorithm_configuration",
    "build_result_json",
    "build_state",
    "build_summary_json",
    "format_console_line",
    "format_lean_utc",
    "format_n2",
    "format_percent",
    "format_runtime_statistics",
    "read_result_folder",
    "write_backtest_results",
    "write_result_json",
]

# LEAN's BrokerageName.Default (also "QuantConnectBrokerage").
BROKERAGE_DEFAULT = 0


class AccountType(IntEnum):
    """LEAN's ``AccountType``; the default brokerage model uses a margin account."""

    MARGIN = 0
    CASH = 1


class AlgorithmStatus(StrEnum):
    """LEAN's ``AlgorithmStatus`` names, as written to ``state.Status``."""

    DEPLOY_ERROR = "DeployError"
    IN_QUEUE = "InQueue"
    RUNNING = "Running"
    STOPPED = "Stopped"
    LIQUIDATED = "Liquidated"
    DELETED = "Deleted"
    COMPLETED = "Completed"
    RUNTIME_ERROR = "RuntimeError"
    INVALID = "Invalid"
    LOGGING_IN = "LoggingIn"
    INITIALIZING = "Initializing"
    HISTORY = "History"


@dataclass
class BacktestResult:
    """Everything the engine hands over for the result files; all fields already LEAN-shaped.

    ``orders`` maps the order id (as text) to the serialised order;
    ``order_events`` are serialised order events; ``profit_loss`` maps ISO UTC
    times to realised P&L; ``total_performance`` is
    ``{"tradeStatistics", "portfolioStatistics", "closedTrades"}`` or ``None``;
    ``logs`` are the algorithm messages, one per line of ``<id>-log.txt``
    (see :func:`~lean_runner.engine.results.logs.format_algorithm_log_line`);
    ``analysis`` is LEAN's optional analysis list.
    """

    charts: dict[str, Chart] = field(default_factory=dict)
    orders: dict[str, dict[str, Any]] = field(default_factory=dict)
    order_events: list[dict[str, Any]] = field(default_factory=list)
    profit_loss: dict[str, float] = field(default_factory=dict)
    statistics: dict[str, str] = field(default_factory=dict)
    runtime_statistics: dict[str, str] = field(default_factory=dict)
    total_performance: dict[str, Any] | None = None
    state: dict[str, str] = field(default_factory=dict)
    algorithm_configuration: dict[str, Any] = field(default_factory=dict)
    server_statistics: dict[str, str] = field(default_factory=dict)
    rolling_window: dict[str, Any] = field(default_factory=dict)
    logs: list[str] = field(default_factory=list)
    analysis: list[Any] | None = None


def _without_nulls(pairs: Iterable[tuple[str, Any]]) -> dict[str, Any]:
    return {key: value for key, value in pairs if value is not None}


def _charts_json(charts: Mapping[str, Chart]) -> dict[str, Any]:
    return {name: chart.to_json() for name, chart in charts.items()}


def build_result_json(result: BacktestResult, *, max_orders: int | None = None) -> dict[str, Any]:
    """The ``<id>.json`` object. ``max_orders`` keeps only the last N orders (LEAN's snapshots keep 100)."""
    orders = result.orders
    if max_orders is not None and len(orders) > max_orders:
        orders = dict(list(orders.items())[len(orders) - max_orders :])
    return _without_nulls(
        [
            ("rollingWindow", result.rolling_window),
            ("totalPerformance", result.total_performance),
            ("charts", _charts_json(result.charts)),
            ("orders", orders),
            ("profitLoss", result.profit_loss),
            ("statistics", result.statistics),
            ("runtimeStatistics", result.runtime_statistics),
            ("state", result.state),
            ("serverStatistics", result.server_statistics),
            ("algorithmConfiguration", result.algorithm_configuration),
            ("analysis", result.analysis),
        ]
    )


def _summary_charts(charts: Mapping[str, Chart]) -> dict[str, Any]:
    """Only ``Strategy Equity``/``Equity``, in candles of ``min(7, n/100)`` days when that exceeds 1."""
    chart = charts.get(STRATEGY_EQUITY)
    equity = chart.series.get(EQUITY) if chart is not None else None
    if chart is None or equity is None:
        return {}
    if isinstance(equity, CandlestickSeries):
        days = summary_candle_days(len(equity))
        if days is not None:
            equity = resample_candles(equity, days)
    summary_chart = Chart(chart.name, symbol=chart.symbol, legend_disabled=chart.legend_disabled)
    summary_chart.series[EQUITY] = equity
    return {chart.name: summary_chart.to_json()}


def build_summary_json(result: BacktestResult) -> dict[str, Any]:
    """The ``<id>-summary.json`` object."""
    performance = None
    if result.total_performance is not None:
        performance = {
            key: result.total_performance[key]
            for key in ("tradeStatistics", "portfolioStatistics")
            if key in result.total_performance
        }
    return _without_nulls(
        [
            ("totalPerformance", performance),
            ("charts", _summary_charts(result.charts)),
            ("statistics", result.statistics),
            ("runtimeStatistics", result.runtime_statistics),
            ("state", result.state),
            ("serverStatistics", result.server_statistics),
            ("algorithmConfiguration", result.algorithm_configuration),
        ]
    )


def write_result_json(
    folder: Path, algorithm_id: str, result: BacktestResult, *, max_orders: int | None = None
) -> Path:
    """Write (or rewrite) only ``<id>.json``, e.g. for LEAN's periodic snapshots during a run."""
    files = ResultFiles(Path(folder), algorithm_id)
    files.folder.mkdir(parents=True, exist_ok=True)
    write_json_atomic(files.result, build_result_json(result, max_orders=max_orders), indent=2)
    return files.result


def write_backtest_results(folder: Path, algorithm_id: str, result: BacktestResult) -> list[Path]:
    """Write a finished backtest's files into ``folder`` (created if missing); return their paths.

    Writes ``<id>-log.txt``, ``<id>-order-events.json`` (only when there are
    events), ``<id>.json`` and, last, ``<id>-summary.json``, each atomically.
    ``log.txt`` is not touched.
    """
    files = ResultFiles(Path(folder), algorithm_id)
    files.folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []

    # File.WriteAllLines: every line ends with a newline, an empty log is an empty file.
    write_text_atomic(files.algorithm_log, "".join(f"{line}\n" for line in result.logs))
    written.append(files.algorithm_log)

    if result.order_events:
        write_json_atomic(files.order_events, result.order_events, indent=None)
        written.append(files.order_events)

    write_json_atomic(files.result, build_result_json(result), indent=2)
    written.append(files.result)

    write_json_atomic(files.summary, build_summary_json(result), indent=2)
    written.append(files.summary)
    return written


# ---------------------------------------------------------------------------------------------
# state and algorithmConfiguration


def format_lean_utc(moment: datetime | date) -> str:
    """``yyyy-MM-ddTHH:mm:ssZ``, the format of LEAN's state times and configuration dates.

    The wall-clock digits are printed as given (LEAN prints its start and end
    dates in algorithm time with a literal ``Z``); aware datetimes are converted
    to UTC first. A plain ``date`` means midnight.
    """
    if not isinstance(moment, datetime):
        moment = datetime.combine(moment, time())
    elif moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return f"{moment:%Y-%m-%dT%H:%M:%S}Z"


def _status_text(status: AlgorithmStatus | str) -> str:
    text = str(status)
    known = {member.value for member in AlgorithmStatus}
    if text not in known:
        raise ValueError(f"unknown algorithm status {text!r}; use one of {', '.join(sorted(known))}")
    return text


def build_state(
    status: AlgorithmStatus | str,
    *,
    start_time: datetime,
    end_time: datetime | None = None,
    runtime_error: str = "",
    stack_trace: str = "",
    log_count: int = 0,
    order_count: int = 0,
    insight_count: int = 0,
    name: str = "",
    hostname: str | None = None,
) -> dict[str, str]:
    """LEAN's ``state`` dictionary (all values are strings).

    ``start_time``/``end_time`` are the wall-clock UTC times the run started and
    ended (``end_time=None`` while running gives ``""``); ``hostname`` defaults
    to this machine's name.

    Example::

        >>> from datetime import datetime
        >>> build_state("Completed", start_time=datetime(2024, 5, 1, 12), hostname="h")["StartTime"]
        '2024-05-01T12:00:00Z'
    """
    return {
        "StartTime": format_lean_utc(start_time),
        "EndTime": format_lean_utc(end_time) if end_time is not None else "",
        "RuntimeError": runtime_error,
        "StackTrace": stack_trace,
        "LogCount": str(int(log_count)),
        "OrderCount": str(int(order_count)),
        "InsightCount": str(int(insight_count)),
        "Status": _status_text(status),
        "Hostname": socket.gethostname() if hostname is None else hostname,
        "Name": name,
    }


def _parameter_text(value: Any) -> str:
    # LEAN holds parameters as Dictionary<string, string>.
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _end_of_day(moment: datetime | date) -> datetime:
    if isinstance(moment, datetime):
        return moment
    return datetime.combine(moment, time(23, 59, 59))


def build_algorithm_configuration(
    name: str,
    parameters: Mapping[str, Any],
    start_date: datetime | date,
    end_date: datetime | date,
    *,
    account_currency: str = "USD",
    brokerage: int = BROKERAGE_DEFAULT,
    account_type: int = AccountType.MARGIN,
    trading_days_per_year: int = 252,
    tags: Iterable[str] = (),
    out_of_sample_max_end_date: datetime | date | None = None,
    out_of_sample_days: int = 0,
) -> dict[str, Any]:
    """LEAN's ``algorithmConfiguration`` object, keys in LEAN's order.

    ``brokerage`` is a LEAN ``BrokerageName`` int (0 = Default) and
    ``account_type`` an :class:`AccountType` int (0 = Margin, LEAN's default).
    Parameter values become strings. A plain ``date`` as ``end_date`` means the
    end of that day (``23:59:59``), as LEAN's ``SetEndDate`` does.

    Example::

        >>> from datetime import date
        >>> cfg = build_algorithm_configuration("BuyAndHold", {"ema-fast": 10},
        ...                                     date(2013, 10, 7), date(2013, 10, 11))
        >>> cfg["parameters"], cfg["startDate"], cfg["endDate"]
        ({'ema-fast': '10'}, '2013-10-07T00:00:00Z', '2013-10-11T23:59:59Z')
    """
    return {
        "name": name,
        "tags": list(tags),
        "accountCurrency": account_currency,
        "brokerage": int(brokerage),
        "accountType": int(account_type),
        "parameters": {str(key): _parameter_text(value) for key, value in parameters.items()},
        "outOfSampleMaxEndDate": (
            format_lean_utc(out_of_sample_max_end_date) if out_of_sample_max_end_date is not None else None
        ),
        "outOfSampleDays": int(out_of_sample_days),
        "startDate": format_lean_utc(start_date),
        "endDate": format_lean_utc(_end_of_day(end_date)),
        "tradingDaysPerYear": int(trading_days_per_year),
    }


# ---------------------------------------------------------------------------------------------
# runtime statistics


def _decimal(value: float | int | Decimal) -> Decimal:
    return to_decimal(value)


def format_n2(value: float | int | Decimal) -> str:
    """.NET ``ToString("N2")`` of a decimal: thousands separators, 2 decimals, halves away from zero.

    Example::

        >>> format_n2(1234.565), format_n2(-3.444), format_n2(-0.001)
        ('1,234.57', '-3.44', '0.00')
    """
    rounded = _decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if rounded == 0:
        return "0.00"
    return f"{rounded:,.2f}"


def format_percent(fraction: float | int | Decimal) -> str:
    """.NET ``ToString("P")`` of a decimal: the fraction times 100, N2 digits, then ``" %"``.

    Example::

        >>> format_percent(0.016912), format_percent(-0.5), format_percent(12.3456)
        ('1.69 %', '-50.00 %', '1,234.56 %')
    """
    return f"{format_n2(_decimal(fraction) * 100)} %"


def _runtime_sort_key(key: str) -> tuple[str, str]:
    # LEAN keeps runtime statistics in a SortedDictionary (culture-aware, case-insensitive first).
    return key.casefold(), key


def format_runtime_statistics(
    *,
    equity: float | Decimal,
    fees: float | Decimal,
    holdings: float | Decimal,
    net_profit: float | Decimal,
    psr: str | None,
    return_fraction: float | Decimal,
    unrealized: float | Decimal,
    volume: float | Decimal,
    currency_symbol: str = "$",
    extra: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """LEAN's ``runtimeStatistics`` strings, sorted by name like LEAN's SortedDictionary.

    Amounts are ``symbol + N2`` (``$1,234.56``; a negative amount prints as
    ``$-3.44``, exactly as LEAN's ``"$" + x.ToString("N2")`` does). ``fees`` is
    the positive total fee amount and prints as ``-$3.44``. ``psr`` is the
    summary's ``Probabilistic Sharpe Ratio`` text (``None`` gives ``0%``).
    ``return_fraction`` (0.0169 for +1.69%) prints as ``1.69 %``. ``extra``
    holds user ``set_runtime_statistic`` values, which the built-in names
    override.
    """
    stats: dict[str, str] = dict(extra or {})
    stats.update(
        {
            "Probabilistic Sharpe Ratio": psr if psr is not None else "0%",
            "Unrealized": f"{currency_symbol}{format_n2(unrealized)}",
            "Fees": f"-{currency_symbol}{format_n2(fees)}",
            "Net Profit": f"{currency_symbol}{format_n2(net_profit)}",
            "Return": format_percent(return_fraction),
            "Equity": f"{currency_symbol}{format_n2(equity)}",
            "Holdings": f"{currency_symbol}{format_n2(holdings)}",
            "Volume": f"{currency_symbol}{format_n2(volume)}",
        }
    )
    return {key: stats[key] for key in sorted(stats, key=_runtime_sort_key)}
