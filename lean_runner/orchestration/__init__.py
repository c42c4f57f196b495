"""The backtest orchestrator: FIFO queue, concurrency limit, cancel, timeouts, typed events, crash recovery."""

from lean_runner.orchestration.events import (
    BacktestEvent,
    CancelledEvent,
    CompletedEvent,
    EventBus,
    FailedEvent,
    LogEvent,
    ProgressEvent,
    QueuedEvent,
    StartedEvent,
    Subscription,
)
from lean_runner.orchestration.monitor import RunSnapshot
from lean_runner.orchestration.orchestrator import BacktestOrchestrator, OrchestratorOptions
from lean_runner.orchestration.recovery import RecoveryReport
from lean_runner.orchestration.runtime import RunnerSettings, build_orchestrator
from lean_runner.orchestration.status import TRANSITIONS, BacktestStatus, check_transition

__all__ = ["TRANSITIONS", "BacktestEvent", "BacktestOrchestrator", "BacktestStatus", "CancelledEvent",
           "CompletedEvent", "EventBus", "FailedEvent", "LogEvent", "OrchestratorOptions", "ProgressEvent",
           "QueuedEvent", "RecoveryReport", "RunSnapshot", "RunnerSettings", "StartedEvent", "Subscription",
           "build_orchestrator", "check_transition"]
