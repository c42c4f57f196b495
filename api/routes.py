"""Every route of the server, in one place, in the order of the two documents."""

from __future__ import annotations

from typing import Any

from api import agent, backtest_v2, backtests, docs, optimizations, strategies
from api.base import NotFoundHandler, ServerContext
from api.monitor import MonitorHandler, MonitorHub

ID = r"([A-Za-z0-9_\-]{1,100})"
NAME = r"([^/]{1,200})"

# (pattern, handler, OpenAPI path): the OpenAPI document is generated from this list.
REST_ROUTES: list[tuple[str, type, str]] = [
    # backtesting-api-v2.md
    (r"/api/v2/backtest/strategies", backtest_v2.StrategiesHandler, "/api/v2/backtest/strategies"),
    (rf"/api/v2/backtest/strategies/{NAME}", backtest_v2.StrategyHandler, "/api/v2/backtest/strategies/{name}"),
    (r"/api/v2/backtest/run", backtest_v2.RunHandler, "/api/v2/backtest/run"),
    (rf"/api/v2/backtest/status/{ID}", backtest_v2.StatusHandler, "/api/v2/backtest/status/{backtest_id}"),
    (rf"/api/v2/backtest/progress/{ID}", backtest_v2.ProgressHandler, "/api/v2/backtest/progress/{backtest_id}"),
    (rf"/api/v2/backtest/cancel/{ID}", backtest_v2.CancelHandler, "/api/v2/backtest/cancel/{backtest_id}"),
    (r"/api/v2/backtest/results", backtest_v2.ResultsHandler, "/api/v2/backtest/results"),
    (rf"/api/v2/backtest/results/{NAME}", backtest_v2.ResultHandler, "/api/v2/backtest/results/{timestamp}"),
    # strategy-and-backtest-api.md, section 1 (validate before {strategy_id}, which would match it)
    (r"/strategies/validate", strategies.ValidateHandler, "/strategies/validate"),
    (r"/strategies", strategies.StrategiesHandler, "/strategies"),
    (rf"/strategies/{ID}", strategies.StrategyHandler, "/strategies/{strategy_id}"),
    (rf"/strategies/{ID}/versions", strategies.VersionsHandler, "/strategies/{strategy_id}/versions"),
    (rf"/strategy-versions/{ID}", strategies.VersionHandler, "/strategy-versions/{version_id}"),
    # section 2
    (r"/backtests", backtests.BacktestsHandler, "/backtests"),
    (rf"/backtests/{ID}", backtests.BacktestHandler, "/backtests/{backtest_id}"),
    (rf"/backtests/{ID}/results", backtests.BacktestResultsHandler, "/backtests/{backtest_id}/results"),
    (rf"/backtests/{ID}/cancel", backtests.BacktestCancelHandler, "/backtests/{backtest_id}/cancel"),
    # section 3: the agent tools
    (r"/agent/strategies/from-text", agent.FromTextHandler, "/agent/strategies/from-text"),
    (rf"/agent/strategies/{ID}/refine", agent.RefineHandler, "/agent/strategies/{version_id}/refine"),
    (r"/agent/backtests", agent.AgentBacktestsHandler, "/agent/backtests"),
    (rf"/agent/backtests/{ID}/explain", agent.ExplainHandler, "/agent/backtests/{backtest_id}/explain"),
    # optimizations (not in the documents; docs/api.md)
    (r"/optimizations", optimizations.OptimizationsHandler, "/optimizations"),
    (rf"/optimizations/{ID}", optimizations.OptimizationHandler, "/optimizations/{optimization_name}"),
    (rf"/optimizations/{ID}/cancel", optimizations.OptimizationCancelHandler,
     "/optimizations/{optimization_name}/cancel"),
]
MONITOR_PATTERN = rf"/api/v2/backtest/monitor/{ID}"
OPTIMIZATION_MONITOR_PATTERN = rf"/optimizations/{ID}/monitor"


def build_routes(context: ServerContext, hub: MonitorHub) -> list[tuple[Any, ...]]:
    """The Tornado routes: the REST API, the WebSocket, /openapi.json and /docs, and JSON 404s under the API."""
    routes: list[tuple[Any, ...]] = [(pattern, handler, {"context": context}) for pattern, handler, _ in REST_ROUTES]
    routes.append((MONITOR_PATTERN, MonitorHandler, {"hub": hub}))
    routes.append((OPTIMIZATION_MONITOR_PATTERN, optimizations.OptimizationMonitorHandler, {"context": context}))
    routes += [(r"/openapi.json", docs.OpenAPIHandler, {"context": context}),
               (r"/docs/?", docs.DocsPageHandler, {"context": context}),
               (r"/(?:api|strategies|strategy-versions|backtests|agent|optimizations)(?:/.*)?", NotFoundHandler,
                {"context": context})]
    return routes
