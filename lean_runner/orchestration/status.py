"""A backtest's lifecycle as an explicit transition table; any other change is a conflict."""

from __future__ import annotations

from enum import StrEnum

from lean_runner.runners.errors import TransitionConflictError


class BacktestStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def is_terminal(self) -> bool:
        return not TRANSITIONS[self]


TRANSITIONS: dict[BacktestStatus, frozenset[BacktestStatus]] = {
    # queued → failed: the run could not be planned (its algorithm file vanished, say).
    BacktestStatus.QUEUED: frozenset({BacktestStatus.RUNNING, BacktestStatus.CANCELLED, BacktestStatus.FAILED}),
    BacktestStatus.RUNNING: frozenset({BacktestStatus.COMPLETED, BacktestStatus.FAILED, BacktestStatus.CANCELLED}),
    BacktestStatus.COMPLETED: frozenset(),
    BacktestStatus.FAILED: frozenset(),
    BacktestStatus.CANCELLED: frozenset(),
}


def check_transition(backtest_id: str, current: BacktestStatus | str, new: BacktestStatus | str) -> BacktestStatus:
    """``new`` as a status if ``current → new`` is allowed; raises TransitionConflictError otherwise."""
    current, new = BacktestStatus(current), BacktestStatus(new)
    if new not in TRANSITIONS[current]:
        allowed = ", ".join(sorted(TRANSITIONS[current])) or "nothing (it has finished)"
        raise TransitionConflictError(f"backtest {backtest_id} is {current}; it cannot become {new} "
                                      f"(a {current} backtest can become: {allowed})")
    return new
