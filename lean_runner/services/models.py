"""The request and response bodies of both documented APIs, as pydantic models.

The same models validate what arrives, shape what leaves and generate the OpenAPI document,
so the three cannot drift apart. Field names follow the two API documents exactly; fields the
documents do not show are marked "(not in the document)" in their descriptions.

- ``backtesting-api-v2.md``: the ``V2`` models (project ``.py`` strategies, timestamped results).
- ``strategy-and-backtest-api.md`` sections 1–2: strategies, versions and DSL backtests.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Resolution = Literal["Tick", "Second", "Minute", "Hour", "Daily"]
EngineName = Literal["auto", "local", "docker"]
Origin = Literal["user", "agent", "mixed"]
BacktestStatusName = Literal["queued", "running", "completed", "failed", "cancelled"]


class _Request(BaseModel):
    """Requests reject unknown fields, so a misspelt field is an error, not silently ignored."""

    model_config = ConfigDict(extra="forbid")


class _Response(BaseModel):
    model_config = ConfigDict(extra="forbid")


# -- errors ----------------------------------------------------------------------------------------------------
class ErrorDetail(_Response):
    path: str = Field(description="Where the problem is, e.g. `entry.conditions[1].params.window` or `page_size`.")
    message: str


class ErrorInfo(_Response):
    code: str = Field(description="A short machine-readable name: validation_error, not_found, conflict, ...")
    message: str
    details: list[ErrorDetail] = Field(default_factory=list)


class ErrorBody(_Response):
    """The one error shape of every endpoint."""

    error: ErrorInfo


# -- backtesting API v2 ----------------------------------------------------------------------------------------
class StrategyV2(_Response):
    name: str = Field(description="The file's stem: `main` for `main.py`.")
    file_path: str
    description: str
    last_modified: str = Field(description="The file's modification time, ISO-8601 UTC.")


class StrategyParameterV2(_Response):
    type: Literal["string", "integer", "number", "boolean"]
    required: bool
    default: str | None = Field(default=None, description="The default the algorithm or config.json gives "
                                                          "(not in the document).")


class StrategyDetailV2(StrategyV2):
    parameters: dict[str, StrategyParameterV2]


class RunRequestV2(_Request):
    strategy_name: str = Field(min_length=1, max_length=200, description="A project strategy's name (file stem).")
    start_date: date | None = Field(default=None, description="First day; replaces the algorithm's own start.")
    end_date: date | None = Field(default=None, description="Last day; replaces the algorithm's own end.")
    initial_cash: float | None = Field(default=None, gt=0, description="Starting cash; replaces set_cash.")
    symbols: list[str] | None = Field(default=None, max_length=500,
                                      description="Tickers, passed to the algorithm as the `symbols` parameter.")
    resolution: Resolution | None = Field(default=None, description="Passed as the `resolution` parameter.")
    parameters: dict[str, str | int | float | bool] = Field(default_factory=dict)
    engine: EngineName | None = Field(default=None, description="Override the server's engine setting "
                                                                "(not in the document).")


class BacktestStatusV2(_Response):
    backtest_id: str
    status: BacktestStatusName
    request: dict[str, Any] = Field(description="The run request as it was received.")
    created_at: str
    started_at: str | None
    container_id: str | None = Field(description="The docker container's id; null on the embedded engine.")
    completed_at: str | None = Field(default=None, description="(not in the document)")
    error: str | None = Field(default=None, description="Why it failed (not in the document).")


class ProgressV2(_Response):
    backtest_id: str
    status: BacktestStatusName
    progress_percentage: float
    current_date: str | None
    log_entries: list[str]
    statistics: dict[str, float | int | str | None]


class MessageV2(_Response):
    message: str


class ResultStatisticsV2(_Response):
    total_return: float | None = Field(description="Percent: (End Equity / Start Equity - 1) * 100.")
    sharpe_ratio: float | None
    max_drawdown: float | None = Field(description="Percent, negative: -(LEAN's Drawdown).")
    win_rate: float | None = Field(description="Percent of closed trades that won (LEAN's trade statistics).")
    total_trades: int | None = Field(description="Closed trades (LEAN's trade statistics).")
    average_win: float | None = Field(description="Dollars: the mean profit of winning trades.")
    average_loss: float | None = Field(description="Dollars, negative: the mean loss of losing trades.")
    profit_factor: float | None
    net_profit: float | None = Field(description="Dollars: End Equity - Start Equity.")


class ResultSummaryV2(_Response):
    backtest_id: str
    strategy_name: str
    start_date: str | None
    end_date: str | None
    initial_cash: float | None
    final_value: float | None
    statistics: ResultStatisticsV2
    created_at: str
    result_path: str
    timestamp: str = Field(description="The result folder's name, for /results/{timestamp} (not in the document).")
    status: BacktestStatusName = Field(description="(not in the document)")
    synthetic_data: bool = Field(default=False, description="True when it ran on generated sample data "
                                                            "(not in the document).")


class ResultListV2(_Response):
    results: list[ResultSummaryV2]
    total_count: int
    page: int
    page_size: int


class EquityPointV2(_Response):
    time: str = Field(description="ISO-8601 UTC.")
    value: float


class ResultDetailV2(ResultSummaryV2):
    lean_statistics: dict[str, str] = Field(description="LEAN's statistics, exactly as LEAN prints them.")
    runtime_statistics: dict[str, str]
    equity_curve: list[EquityPointV2]
    benchmark_curve: list[EquityPointV2]
    trades: list[dict[str, Any]] = Field(description="LEAN's closed trades (totalPerformance.closedTrades).")
    orders: list[dict[str, Any]] = Field(description="LEAN's orders, in order of their ids.")
    logs: list[str] = Field(description="The algorithm's log lines.")


# -- strategy service ------------------------------------------------------------------------------------------
class Strategy(_Response):
    id: str
    user_id: str
    name: str
    description: str | None
    current_version_id: str | None
    created_at: str
    updated_at: str


class StrategyListItem(Strategy):
    origin_latest: Origin | None


class StrategyList(_Response):
    items: list[StrategyListItem]


class StrategyVersion(_Response):
    id: str
    strategy_id: str
    json_spec: dict[str, Any] = Field(description="A strategy DSL spec (the StrategySpec schema).")
    nl_summary: str | None
    origin: Origin
    created_by: str
    created_at: str


class VersionListItem(_Response):
    id: str
    origin: Origin
    created_at: str


class VersionList(_Response):
    items: list[VersionListItem]


class CreateStrategyRequest(_Request):
    user_id: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=5000)
    json_spec: dict[str, Any] = Field(description="A strategy DSL spec (the StrategySpec schema).")
    nl_summary: str | None = Field(default=None, max_length=5000)
    origin: Origin = "user"


class StrategyCreated(_Response):
    strategy: Strategy
    version: StrategyVersion


class StrategyWithVersion(_Response):
    strategy: Strategy
    current_version: StrategyVersion | None


class CreateVersionRequest(_Request):
    json_spec: dict[str, Any] = Field(description="A strategy DSL spec (the StrategySpec schema).")
    nl_summary: str | None = Field(default=None, max_length=5000)
    origin: Origin = "user"
    created_by: str | None = Field(default=None, max_length=64,
                                   description="A user id or `agent_system`; the strategy's owner when left out.")


class StrategyMoved(_Response):
    id: str
    current_version_id: str
    updated_at: str


class VersionCreated(_Response):
    version: StrategyVersion
    strategy: StrategyMoved


class ValidateRequest(_Request):
    json_spec: Any = Field(description="A strategy DSL spec (any JSON: what is wrong with it is reported).")
    config: Any = Field(default=None, description="A backtest config to check with it (not in the document).")


class ValidateResponse(_Response):
    valid: bool
    errors: list[ErrorDetail]
    warnings: list[ErrorDetail] = Field(default_factory=list, description="(not in the document)")


class MetricsSummary(_Response):
    total_return: float | None = Field(description="Fraction: 1.2 is +120%.")
    cagr: float | None
    max_drawdown: float | None = Field(description="Fraction, positive: 0.25 is a 25% fall.")
    sharpe: float | None


class CreateBacktestRequest(_Request):
    user_id: str = Field(min_length=1, max_length=64)
    strategy_version_id: str = Field(min_length=1, max_length=64)
    config: dict[str, Any] = Field(default_factory=dict,
                                   description="A backtest config (the BacktestConfig schema).")
    tags: list[str] = Field(default_factory=list, max_length=50)
    engine: EngineName | None = Field(default=None, description="(not in the document)")


class Backtest(_Response):
    id: str
    user_id: str | None
    strategy_version_id: str | None
    status: BacktestStatusName
    config: dict[str, Any]
    metrics_summary: MetricsSummary | None = None
    tags: list[str] = Field(default_factory=list)
    created_at: str
    started_at: str | None = None
    completed_at: str | None = None
    error: str | None = Field(default=None, description="Why it failed (not in the document).")


class BacktestEnvelope(_Response):
    backtest: Backtest


class BacktestListItem(_Response):
    id: str
    user_id: str | None
    strategy_version_id: str | None
    status: BacktestStatusName
    created_at: str
    completed_at: str | None
    metrics_summary: MetricsSummary | None


class BacktestList(_Response):
    items: list[BacktestListItem]


class DatedEquity(_Response):
    date: str
    equity: float


class Drawdown(_Response):
    start: str | None
    end: str | None
    depth: float


class Trade(_Response):
    symbol: str
    side: Literal["buy", "sell"]
    entry_date: str
    exit_date: str
    entry_price: float
    exit_price: float
    quantity: float
    pnl: float
    return_pct: float


class PeriodMetric(_Response):
    period: str
    # ``return`` is a Python keyword; the JSON field is still "return".
    period_return: float = Field(alias="return", serialization_alias="return")

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class BacktestResults(_Response):
    id: str
    equity_curve: list[DatedEquity]
    drawdowns: list[Drawdown]
    trades: list[Trade]
    per_period_metrics: list[PeriodMetric]


# -- WebSocket frames ------------------------------------------------------------------------------------------
class MonitorProgress(_Response):
    progress_percentage: float
    current_date: str | None
    statistics: dict[str, float | int | str | None]
    equity: EquityPointV2 | None = Field(default=None, description="The newest equity point (not in the document).")


class SampleDataReport(_Response):
    """What the synthetic sample holds (the dashboard's 'generate sample data' button)."""

    folder: str
    symbols: list[str]
    start_date: str
    end_date: str
    resolution: str
    files: int
    synthetic: bool


# -- agent tools (strategy-and-backtest-api.md section 3) --------------------------------------------------------
FocusTopic = Literal["drawdowns", "returns", "trades", "exposure", "regimes", "costs"]


class AgentFromTextRequest(_Request):
    user_id: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=5000)
    natural_language_prompt: str = Field(min_length=1, max_length=20000,
                                         description="The strategy in plain English.")


class AgentRefineRequest(_Request):
    user_id: str = Field(min_length=1, max_length=64)
    instruction: str = Field(min_length=1, max_length=20000,
                             description="What to change, in plain English (a suggested change works as is).")


class AgentRefined(_Response):
    old_version_id: str
    new_version: StrategyVersion


class AgentBacktestRequest(_Request):
    user_id: str = Field(min_length=1, max_length=64)
    strategy_version_id: str = Field(min_length=1, max_length=64)
    config: dict[str, Any] = Field(default_factory=dict,
                                   description="A backtest config (the BacktestConfig schema).")
    conversation_id: str | None = Field(default=None, min_length=1, max_length=200,
                                        description="Kept on the backtest; GET /backtests?conversation_id= "
                                                    "filters by it.")
    tags: list[str] = Field(default_factory=list, max_length=50, description="(not in the document)")
    engine: EngineName | None = Field(default=None, description="(not in the document)")


class AgentExplainRequest(_Request):
    user_id: str = Field(min_length=1, max_length=64)
    detail_level: Literal["summary", "detailed"] = "summary"
    focus: list[FocusTopic] = Field(default_factory=list, max_length=6,
                                    description="Topics to put first (optional hints).")


class AgentExplanation(_Response):
    explanation: str
    suggested_changes: list[str] = Field(description="Each one an instruction POST /agent/strategies/{version_id}"
                                                     "/refine accepts as is.")


class SpecChangeItem(_Response):
    path: str
    old: Any = None
    new: Any = None


class AgentPreview(_Response):
    """A spec the agent would write, not saved (the dashboard shows it before saving)."""

    json_spec: dict[str, Any]
    nl_summary: str
    valid: bool
    errors: list[ErrorDetail]
    warnings: list[ErrorDetail] = Field(default_factory=list)
    not_understood: list[str] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    edits: list[str] = Field(default_factory=list, description="What a refinement changed, in words.")
    diff: list[SpecChangeItem] = Field(default_factory=list, description="What a refinement changed, by path.")
    backtest_config: dict[str, Any] = Field(default_factory=dict,
                                            description="Dates, capital and costs the description named.")
# -- optimizations (not in the documents) ----------------------------------------------------------------------
OptimizationStatusName = Literal["running", "completed", "failed", "cancelled"]


class ParameterRangeModel(_Request):
    name: str = Field(description="A parameter the strategy declares (config.json, or the DSL spec's parameters).")
    min: float
    max: float
    step: float = Field(gt=0)


class WalkForwardRequest(_Request):
    start_date: date
    end_date: date
    folds: int = Field(default=3, ge=1, le=50, description="Out-of-sample windows.")
    in_sample_segments: int = Field(default=2, ge=1, le=50,
                                    description="In-sample length, in out-of-sample window lengths.")


class CreateOptimizationRequest(_Request):
    """lean-cli's `optimize` options as a body."""

    algorithm: str = Field(description="The project's strategy: a `.py` file or a DSL spec `.json`, e.g. "
                                       "`ema_crossover.py`.")
    strategy: Literal["Grid Search", "Euler Search"] = "Grid Search"
    target: str = Field(default="Sharpe Ratio",
                        description="A LEAN statistic: `Sharpe Ratio`, `Drawdown`, or lean-cli's "
                                    "`TotalPerformance.PortfolioStatistics.SharpeRatio`.")
    target_direction: Literal["max", "min"] = "max"
    parameters: list[ParameterRangeModel] = Field(min_length=1)
    constraints: list[str] = Field(default_factory=list, description="`statistic operator value`, e.g. "
                                                                     "`Drawdown < 0.25`.")
    fixed_parameters: dict[str, str] = Field(default_factory=dict, description="Passed to every backtest as given.")
    start_date: date | None = None
    end_date: date | None = None
    cash: float | None = Field(default=None, gt=0)
    max_concurrent: int = Field(default=0, ge=0, le=1024, description="Backtests at once; 0 = the CPU count.")
    child_timeout: float | None = Field(default=None, gt=0, description="Seconds before a backtest is stopped.")
    walk_forward: WalkForwardRequest | None = None


class OptimizationChild(_Response):
    backtest_id: str
    parameters: dict[str, str]
    status: str
    statistics: dict[str, str]
    target_value: float | None
    meets_constraints: bool
    error: str | None
    best: bool


class OptimizationSummary(_Response):
    name: str = Field(description="The folder under `<project>/optimizations/` (`YYYY-MM-DD_HH-MM-SS`).")
    status: OptimizationStatusName
    algorithm: str
    strategy: str
    target: str
    target_direction: str
    kind: Literal["optimization", "walk-forward"]
    done: int
    failed: int
    best: OptimizationChild | None
    warnings: list[str]
    started_at: str | None
    finished_at: str | None
    error: str | None


class OptimizationList(_Response):
    optimizations: list[OptimizationSummary]


class OptimizationDetail(OptimizationSummary):
    children: list[OptimizationChild]
    stability: dict[str, Any] | None
    walk_forward: dict[str, Any] | None = Field(default=None, description="Folds, in- and out-of-sample "
                                                                          "statistics and the stitched equity.")
