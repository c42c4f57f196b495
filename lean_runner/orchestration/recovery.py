"""Reconcile on start: nothing stays ``running`` forever and no container is orphaned.

- A backtest recorded as running in a container whose container still exists is re-attached
  (found by its label) and followed to its end, even if it ended while no one watched.
- A backtest recorded as running whose run is gone (a local process, which cannot be
  followed again, or a vanished container) is marked failed as interrupted; if its result
  folder holds a completed result, it is marked completed instead.
- Queued backtests are queued again, oldest first.
- Containers of this project that no running record claims are stopped and removed.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from lean_runner.orchestration.monitor import RunMonitor
from lean_runner.orchestration.status import BacktestStatus
from lean_runner.results_index.index import read_entry
from lean_runner.runners.base import RunRef
from lean_runner.runners.errors import BacktestRunError, ResultNotFoundError

if TYPE_CHECKING:
    from lean_runner.orchestration.orchestrator import BacktestOrchestrator

log = logging.getLogger(__name__)
INTERRUPTED = "interrupted: the run was lost while the workbench was not running"


@dataclass
class RecoveryReport:
    reattached: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    completed: list[str] = field(default_factory=list)
    requeued: list[str] = field(default_factory=list)
    orphans_removed: list[str] = field(default_factory=list)


def recover(orchestrator: BacktestOrchestrator) -> RecoveryReport:
    report = RecoveryReport()
    store, index = orchestrator.store, orchestrator.index
    claimed: set[str] = set()
    for record in store.with_status(BacktestStatus.RUNNING.value):
        folder = None
        if record.result_folder:
            try:
                folder = index.path_of(record.result_folder)
            except (ResultNotFoundError, BacktestRunError):
                folder = None
        runner = orchestrator.runners.get(record.engine)
        monitor = RunMonitor(record.id, orchestrator.events.publish,
                             result_file=folder / f"{record.algorithm_id}.json" if folder else None)
        handle = None
        if runner is not None:
            try:
                handle = runner.reattach(RunRef(record.id, record.engine_ref or "", folder), monitor.feed)
            except BacktestRunError as error:
                log.warning("backtest %s: cannot re-attach: %s", record.id, error.message)
        if handle is not None:
            orchestrator._adopt(record, handle, monitor, folder)
            claimed.add(record.id)
            report.reattached.append(record.id)
            continue
        entry = read_entry(folder) if folder is not None else None
        finished = datetime.now(UTC)
        if entry is not None and entry.status == "Completed":
            store.update(record.id, expect_status="running", status="completed", finished_at=finished,
                         statistics=dict(entry.statistics))
            report.completed.append(record.id)
        else:
            store.update(record.id, expect_status="running", status="failed", finished_at=finished,
                         error=INTERRUPTED, statistics=dict(entry.statistics) if entry else {})
            report.failed.append(record.id)
    for record in store.with_status(BacktestStatus.QUEUED.value):
        orchestrator._adopt(record, None, None, None)
        report.requeued.append(record.id)
    for name, runner in orchestrator.runners.items():
        try:
            report.orphans_removed += runner.sweep_orphans(orchestrator.options.project.resolve(), claimed)
        except BacktestRunError as error:
            log.warning("runner %s: cannot look for orphaned runs: %s", name, error.message)
    return report
