"""An orchestrator in its own process, for restart tests: it queues one backtest, prints its id once the run
is running, then waits to be killed.

    python orchestrator_process.py PROJECT DATA_FOLDER CACHE ENGINE IMAGE ALGORITHM [SLEEP_MS]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from lean_runner.orchestration import RunnerSettings, build_orchestrator
from lean_runner.runners.request import BacktestRequest


def main(project: str, data: str, cache: str, engine: str, image: str, algorithm: str, sleep_ms: str = "10") -> None:
    settings = RunnerSettings(project=Path(project), data_folder=Path(data), cache_folder=Path(cache),
                              max_concurrent=1, docker_image=image, docker=engine == "docker")
    orchestrator = build_orchestrator(settings)
    orchestrator.start()
    record = orchestrator.submit(BacktestRequest(algorithm=algorithm, engine=engine,
                                                 parameters={"sleep-ms": sleep_ms}))
    while not orchestrator.get(record.id).engine_ref:
        time.sleep(0.05)
    print(record.id, flush=True)
    time.sleep(3600)


if __name__ == "__main__":
    main(*sys.argv[1:])
