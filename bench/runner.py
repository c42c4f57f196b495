"""Runner benchmark: 20 short backtests queued at once with 2 slots, local processes vs containers.

    .venv/bin/python bench/runner.py [--runs 20] [--slots 2] [--engines local,docker]

Prints, per engine: total wall time, the per-run overhead from the run's start to its first
progress line (median and max), and peak memory (the machine's used memory above the idle
baseline, sampled every 50 ms, which includes the Docker daemon and containers; and the
largest engine process for local runs). Not a timed test: figures depend on the machine.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from lean_runner.orchestration import (  # noqa: E402
    CompletedEvent,
    FailedEvent,
    ProgressEvent,
    RunnerSettings,
    StartedEvent,
    build_orchestrator,
)
from lean_runner.runners.request import BacktestRequest  # noqa: E402
from lean_runner.settings import Settings  # noqa: E402


def used_memory_mb() -> float:
    fields = {}
    for line in Path("/proc/meminfo").read_text().splitlines():
        name, value = line.split(":", 1)
        fields[name] = int(value.split()[0])
    return (fields["MemTotal"] - fields["MemAvailable"]) / 1024


class MemorySampler:
    def __init__(self) -> None:
        self.baseline = used_memory_mb()
        self.peak = self.baseline
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self) -> None:
        while not self._stop.wait(0.05):
            self.peak = max(self.peak, used_memory_mb())

    def __enter__(self) -> MemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def bench(engine: str, runs: int, slots: int, settings: Settings, image: str) -> dict[str, float]:
    work = REPO / "bench" / ".work" / f"runner-{engine}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    shutil.copy(REPO / "test-project" / "main.py", work / "main.py")
    orchestrator = build_orchestrator(RunnerSettings(
        project=work, data_folder=settings.data_folder, cache_folder=settings.cache_folder, max_concurrent=slots,
        docker_image=image, docker=engine == "docker"))
    orchestrator.start()
    started: dict[str, float] = {}
    first_progress: dict[str, float] = {}
    with orchestrator.events.subscribe() as events, MemorySampler() as memory:
        begin = time.perf_counter()
        ids = [orchestrator.submit(BacktestRequest(algorithm="main.py", engine=engine)).id for _ in range(runs)]
        finished = 0
        while finished < runs:
            event = events.get(timeout=300)
            if event is None:
                raise SystemExit("no event for 300 s")
            now = event.at.timestamp()
            if isinstance(event, StartedEvent):
                started[event.backtest_id] = now
            elif isinstance(event, ProgressEvent):
                first_progress.setdefault(event.backtest_id, now)
            elif isinstance(event, CompletedEvent | FailedEvent):
                finished += 1
        wall = time.perf_counter() - begin
    records = [orchestrator.get(backtest_id) for backtest_id in ids]
    orchestrator.close()
    orchestrator.store.close()
    failed = [r for r in records if r.status != "completed"]
    if failed:
        raise SystemExit(f"{len(failed)} runs failed, e.g. {failed[0].error}")
    overheads = [first_progress[i] - started[i] for i in ids]
    return {"wall": wall, "overhead_median": statistics.median(overheads), "overhead_max": max(overheads),
            "memory_peak": memory.peak - memory.baseline}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--slots", type=int, default=2)
    parser.add_argument("--engines", default="local,docker")
    parser.add_argument("--image", default="lean-workbench/engine:latest")
    args = parser.parse_args()
    settings = Settings.from_env()
    print(f"{args.runs} backtests of test-project/main.py (minute SPY, one week) queued at once, "
          f"{args.slots} at a time")
    print(f"{'engine':8} {'total wall':>11} {'per run':>8} {'start→first progress (median / max)':>37} "
          f"{'peak memory':>12}")
    notes = []
    for engine in args.engines.split(","):
        if engine == "docker":
            from lean_runner.runners.docker_runner import connect_docker
            from lean_runner.runners.image_build import ensure_engine_image

            built = ensure_engine_image(connect_docker(), tag=args.image,
                                        wheel_cache=Path.home() / ".cache" / "lean-workbench" / "wheels")
            notes.append(f"engine image {built.tag} ready in {built.seconds:.1f} s (from {built.base}), "
                         f"before the docker runs")
        result = bench(engine, args.runs, args.slots, settings, args.image)
        print(f"{engine:8} {result['wall']:10.1f}s {result['wall'] / args.runs:7.2f}s "
              f"{result['overhead_median']:26.2f}s / {result['overhead_max']:.2f}s "
              f"{result['memory_peak']:10.0f} MB", flush=True)
        if engine == "local":  # measured before any pip subprocess of the image build
            children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
            notes.append(f"largest local engine process: {children:.0f} MB")
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    notes.append(f"this orchestrator process: {own:.0f} MB")
    print("\n".join(notes))


if __name__ == "__main__":
    main()
