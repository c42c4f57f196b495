"""``Workbench``: the composition root. Builds the store, orchestrator, result index, DSL and services once.

The API, the dashboard and notebooks all take the one built :class:`Workbench`; nothing here
knows about HTTP.

Example::

    workbench = Workbench.from_settings(Settings.from_env())
    workbench.start()                                  # migrations, recovery, workers
    status = workbench.backtests.run_v2(RunRequestV2(strategy_name="main"), ANYONE)
    workbench.orchestrator.wait(status.backtest_id)
    workbench.close()
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from lean_runner.dsl import UniverseLibrary
from lean_runner.orchestration import BacktestOrchestrator, RunnerSettings, build_orchestrator
from lean_runner.orchestration.events import TERMINAL_EVENTS, CompletedEvent, EventBus
from lean_runner.runners.engine_choice import docker_status
from lean_runner.runners.local import LocalRunner
from lean_runner.runners.warm_pool import WarmEnginePool
from lean_runner.services import sample_data
from lean_runner.services.agents import AgentService, build_agent
from lean_runner.services.backtests import BacktestService, EngineSelection
from lean_runner.services.models import SampleDataReport
from lean_runner.services.optimizations import OptimizationService
from lean_runner.services.prices import daily_prices
from lean_runner.services.project import ProjectStrategies
from lean_runner.services.results import ResultService
from lean_runner.services.strategies import StrategyService
from lean_runner.settings import Settings
from lean_runner.store.strategies import StrategyStore

log = logging.getLogger(__name__)
_DOCKER_STATUS_TTL = 10.0


class _CachedDockerStatus:
    """Whether Docker can run a backtest now, asked at most every few seconds (a ping is not free)."""

    def __init__(self, image: str) -> None:
        self._image = image
        self._lock = threading.Lock()
        self._checked_at = float("-inf")
        self._reason: str | None = "not checked yet"

    def __call__(self) -> str | None:
        with self._lock:
            if time.monotonic() - self._checked_at > _DOCKER_STATUS_TTL:
                from lean_runner.runners.docker_runner import connect_docker

                self._reason = docker_status(lambda: connect_docker(timeout=2), self._image)
                self._checked_at = time.monotonic()
            return self._reason


@dataclass
class Workbench:
    """Everything the API, the dashboard and notebooks use, built once from :class:`Settings`."""

    settings: Settings
    orchestrator: BacktestOrchestrator
    project: ProjectStrategies
    strategies: StrategyService
    backtests: BacktestService
    results: ResultService
    docker_status: _CachedDockerStatus
    agent: AgentService
    optimizations: OptimizationService
    warm_pool: WarmEnginePool

    @classmethod
    def from_settings(cls, settings: Settings, *, events: EventBus | None = None,
                      runners: dict | None = None) -> Workbench:
        """Open the database (applying migrations) and assemble the services; :meth:`start` runs them."""
        project_folder = settings.project.resolve()
        runner_settings = RunnerSettings(
            project=project_folder, data_folder=settings.data_folder, cache_folder=settings.cache_folder,
            database_url=settings.database_url or None, max_concurrent=settings.max_concurrent,
            run_timeout=settings.run_timeout or None, stop_timeout=settings.stop_timeout,
            docker_image=settings.docker_image, docker_cpus=settings.docker_cpus,
            docker_memory=settings.docker_memory or None,
            lean_config_file=Path(settings.lean_config) if settings.lean_config else None)
        # One warm engine server (started on first use) serves the optimizations' children, and single
        # local backtests too when WORKBENCH_WARM_WORKERS is on.
        warm_pool = WarmEnginePool(data_folder=settings.data_folder)
        warm_runner = LocalRunner(memory_limit=settings.docker_memory or None, warm_pool=warm_pool)
        if runners is None:
            from lean_runner.orchestration.runtime import build_runners

            runners = build_runners(runner_settings)
            runners["local"] = warm_runner if settings.warm_workers else \
                LocalRunner(memory_limit=settings.docker_memory or None)
            if settings.dask_scheduler and settings.dask_backtests:
                from lean_runner.optimization.dask_cluster import DaskChildExecutor, DaskRunner

                runners["local"] = DaskRunner(DaskChildExecutor(settings.dask_scheduler,
                                                                data_folder=settings.dask_data_folder or None),
                                              timeout=settings.run_timeout or None)
        orchestrator = build_orchestrator(runner_settings, events=events, runners=runners)
        universes = UniverseLibrary(project_folder / "universes")
        project = ProjectStrategies(project_folder)
        strategy_store = StrategyStore(orchestrator.store.engine, write_lock=orchestrator.store.write_lock)
        status = _CachedDockerStatus(settings.docker_image)
        several_users = len({user for user, _ in settings.tokens}) > 1
        engines = EngineSelection(default=settings.engine, docker_status=status,
                                  containers_only=several_users and not settings.allow_local_engine)
        backtests = BacktestService(orchestrator=orchestrator, project=project, strategies=strategy_store,
                                    universes=universes, engines=engines, data_folder=settings.data_folder)
        strategies = StrategyService(strategy_store, universes=universes, data_folder=settings.data_folder)
        return cls(settings=settings, orchestrator=orchestrator, project=project, strategies=strategies,
                   backtests=backtests,
                   results=ResultService(orchestrator, backtests,
                                         synthetic_data=sample_data.is_synthetic(settings.data_folder)),
                   docker_status=status,
                   agent=AgentService(build_agent(settings, strategies), strategies=strategies, backtests=backtests),
                   warm_pool=warm_pool,
                   optimizations=OptimizationService(
                       project=project_folder, data_folder=settings.data_folder, cache_folder=settings.cache_folder,
                       runner=warm_runner, max_concurrent=settings.max_concurrent,
                       dask_scheduler=settings.dask_scheduler, dask_data_folder=settings.dask_data_folder,
                       child_timeout=settings.run_timeout or None, stop_timeout=settings.stop_timeout))

    # -- lifecycle ---------------------------------------------------------------------------------------------
    def start(self) -> None:
        """Index result folders the store does not know, re-attach or fail what an earlier process left running,
        then start the workers and the summarizer."""
        report = self.orchestrator.store.rebuild_from_folders(self.orchestrator.index)
        if report.added or report.removed:
            log.info("result index rebuilt from the folders: %d added, %d removed", report.added, report.removed)
        recovery = self.orchestrator.start()
        log.info("recovery: %s", recovery)
        self._summaries = self.orchestrator.events.subscribe(None)
        self._summarizer = threading.Thread(target=self._summarize_finished, name="result-summaries", daemon=True)
        self._summarizer.start()

    def close(self) -> None:
        """Stop running backtests (marked cancelled: the workbench shut down) and optimizations, end the warm
        engine server and close the database."""
        self.optimizations.close()
        self.orchestrator.close(stop_running=True, timeout=self.settings.stop_timeout + 5)
        self.warm_pool.close()
        close_local = getattr(self.orchestrator.runners.get("local"), "close", None)
        if close_local is not None:
            close_local()  # the Dask runner's client (WORKBENCH_DASK_BACKTESTS)
        subscription = getattr(self, "_summaries", None)
        if subscription is not None:
            subscription.close()
            self._summarizer.join(5)
        self.orchestrator.store.close()

    def _summarize_finished(self) -> None:
        for event in self._summaries:
            if isinstance(event, TERMINAL_EVENTS) and isinstance(event, CompletedEvent):
                try:
                    self.backtests.ensure_summary(self.orchestrator.store.get(event.backtest_id))
                except Exception:  # the lists compute it later; never let this thread die
                    log.exception("backtest %s: cannot store its summary", event.backtest_id)

    def prices(self, ticker: str, start: date, end: date) -> list[tuple[date, float]]:
        """Adjusted daily closes of ``ticker`` from the data folder (for price charts; empty without daily data)."""
        return daily_prices(self.settings.data_folder, ticker, start, end, self.settings.cache_folder)

    # -- sample data -------------------------------------------------------------------------------------------
    def data_status(self) -> dict[str, object]:
        """What the data folder holds: market data at all, and whether it is the generated sample."""
        folder = self.settings.data_folder
        return {"data_folder": str(folder), "has_market_data": sample_data.has_market_data(folder),
                "synthetic": sample_data.is_synthetic(folder)}

    def ensure_sample_data(self) -> SampleDataReport | None:
        """Generate the synthetic sample when the data folder holds no market data; None when it has some."""
        if sample_data.has_market_data(self.settings.data_folder):
            return None
        return self.generate_sample_data()

    def generate_sample_data(self) -> SampleDataReport:
        """Write the synthetic sample covering the project's strategies (the dashboard's button, too)."""
        report = sample_data.generate_sample_data(self.project.project, self.settings.data_folder)
        self.results.synthetic_data = True
        return SampleDataReport(folder=str(report.folder), symbols=list(report.symbols),
                                start_date=report.start.isoformat(), end_date=report.end.isoformat(),
                                resolution=str(report.resolution), files=int(report.files), synthetic=True)
