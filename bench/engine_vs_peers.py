"""Benchmark the embedded LEAN engine against backtrader and backtesting.py on the same minute bars.

``python bench/engine_vs_peers.py [--bars N] [--skip-peers] [--json out.json]`` (``make bench``):

1. generates (or reuses, under ``bench/.work/``) synthetic SPY minute data with at least N regular-hours bars;
2. runs buy-and-hold and an EMA(50)/EMA(200) crossover on our engine (``python -m lean_runner.engine``), once
   with an empty parsed-data cache (cold) and then ``--repeat`` times warm, keeping the fastest warm run;
3. runs the same crossover in backtrader and backtesting.py on the same bars, each run in its own process,
   also ``--repeat`` times, keeping the fastest;
4. prints a table, the speed ratios on trade bars per second and PASS/FAIL against the targets.

Every run is a subprocess started by ``bench/measure_process.py``, so its wall time and peak RSS are its own.
See docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
import json
import math
import os
import platform
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from lean_runner.engine.data.market_hours import ExchangeHours, MarketHoursDatabase
from lean_runner.engine.data.reader import LeanDataReader
from lean_runner.engine.data.synthetic import MARKER_FILE, generate_synthetic_data
from lean_runner.progress_lines import parse_completion, parse_statistic

REPO = Path(__file__).resolve().parents[1]
BENCH = REPO / "bench"
WORK = BENCH / ".work"
ALGORITHMS = BENCH / "algorithms"
PEER_SCRIPT = BENCH / "peer_run.py"
MEASURE_SCRIPT = BENCH / "measure_process.py"
TEMPLATE_DATA = REPO.parent / "shared" / "lean-data"  # the template the brief names: ../shared/lean-data
ENGINE_CACHE = WORK / "engine-cache"
READER_CACHE = WORK / "reader-cache"

SYMBOL = "SPY"
SEED = 20240101
START = date(2010, 1, 4)
DEFAULT_BARS = 1_000_000
FAST, SLOW = 50, 200
# module -> display name. backtesting.py runs first, right after the engine's crossover: its ratio is the tight
# one, and this machine's speed drifts over minutes (backtrader's runs take several).
PEERS = {"backtesting": "backtesting.py", "backtrader": "backtrader"}
RESULT_PREFIX = "BENCH-RESULT:: "  # bench/peer_run.py's result line
PROCESS_PREFIX = "BENCH-PROCESS:: "  # bench/measure_process.py's report line

TARGET_BUY_AND_HOLD_POINTS_PER_SECOND = 300_000
TARGET_VS_BACKTRADER = 10.0
TARGET_VS_BACKTESTING = 1.5
TARGET_PEAK_RSS_MB = 1024.0


class BenchError(RuntimeError):
    """A run failed or printed nothing we can measure; the message carries the tail of its output."""


@dataclass(frozen=True)
class DataSet:
    """A synthetic LEAN data folder and the range of trading days it covers."""

    folder: Path
    start: date
    end: date
    bars: int = 0


@dataclass(frozen=True)
class ProcessRun:
    """What a finished subprocess printed, how it ended, how long it took and its peak RSS."""

    lines: list[str]
    exit_code: int
    wall_seconds: float
    peak_rss_mb: float


@dataclass(frozen=True)
class Measurement:
    """One benchmark run. ``run_seconds`` is the engine's own completion time or the peer's timed run."""

    run: str
    bars: int
    wall_seconds: float
    run_seconds: float
    peak_rss_mb: float
    entries: int
    final_equity: float
    data_points: int | None = None

    @property
    def trade_bars_per_second(self) -> float:
        return self.bars / self.run_seconds if self.run_seconds > 0 else math.inf

    @property
    def data_points_per_second(self) -> float | None:
        if self.data_points is None:
            return None
        return self.data_points / self.run_seconds if self.run_seconds > 0 else math.inf

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "trade_bars_per_second": self.trade_bars_per_second,
                "data_points_per_second": self.data_points_per_second}


@dataclass(frozen=True)
class Check:
    """A target: passed is None when it could not be evaluated (e.g. peers skipped)."""

    name: str
    value: str
    target: str
    passed: bool | None

    @property
    def verdict(self) -> str:
        return "SKIP" if self.passed is None else "PASS" if self.passed else "FAIL"


# ---------------------------------------------------------------------------------------------------- data
def exchange_hours() -> ExchangeHours:
    """US equity hours from the template's market-hours database (as the generator uses), else built-in rules."""
    try:
        return MarketHoursDatabase.load(TEMPLATE_DATA).exchange_hours("Equity", "usa")
    except FileNotFoundError:
        return ExchangeHours.us_equity_default()


def regular_minutes(hours: ExchangeHours, day: date) -> int:
    """Minute bars in ``day``'s regular session (390, or fewer on an early close)."""
    return sum(int((close - open_).total_seconds()) // 60 for open_, close in hours.open_windows(day))


def plan_end(hours: ExchangeHours, start: date, bars: int) -> date:
    """The first trading day from ``start`` by which at least ``bars`` regular-hours minute bars exist."""
    day = start if hours.is_trading_day(start) else hours.next_trading_day(start)
    total = regular_minutes(hours, day)
    while total < bars:
        day = hours.next_trading_day(day)
        total += regular_minutes(hours, day)
    return day


def marker_matches(folder: Path, start: date, end: date) -> bool:
    """True if ``folder`` holds a finished generation of exactly this symbol, range, seed and resolution."""
    try:
        marker = json.loads((folder / MARKER_FILE).read_text())
    except (OSError, ValueError):
        return False
    return (marker.get("seed") == SEED and marker.get("symbols") == [SYMBOL] and marker.get("resolution") == "minute"
            and marker.get("start") == start.isoformat() and marker.get("end") == end.isoformat())


def ensure_data(bars: int) -> DataSet:
    """Reuse the cached folder for ``bars`` if it matches, else generate it (atomically, via a temporary folder)."""
    end = plan_end(exchange_hours(), START, bars)
    folder = WORK / f"data-{SYMBOL.lower()}-minute-{bars}-seed{SEED}"
    if marker_matches(folder, START, end):
        print(f"Reusing synthetic data in {folder.relative_to(REPO)}")
        return DataSet(folder, START, end)
    print(f"Generating synthetic {SYMBOL} minute data {START} .. {end} into {folder.relative_to(REPO)} ...")
    started = time.perf_counter()
    partial = folder.with_name(folder.name + f".partial-{os.getpid()}")
    shutil.rmtree(partial, ignore_errors=True)
    template = TEMPLATE_DATA if TEMPLATE_DATA.is_dir() else None
    generate_synthetic_data(partial, [SYMBOL], START, end, "minute", SEED, template_data_folder=template)
    shutil.rmtree(folder, ignore_errors=True)
    partial.rename(folder)
    print(f"  generated in {time.perf_counter() - started:.1f} s")
    return DataSet(folder, START, end)


def count_trade_bars(data: DataSet) -> int:
    """Trade bars the project's reader finds (with its own cache, so the engine's cold run stays cold)."""
    return len(LeanDataReader(data.folder, READER_CACHE).trade_bars(SYMBOL, "minute", data.start, data.end))


# ---------------------------------------------------------------------------------------------------- processes
def run_process(command: Sequence[str]) -> ProcessRun:
    """Run ``command`` from the repo root under ``measure_process.py``: its output, wall time and own peak RSS."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    completed = subprocess.run([sys.executable, str(MEASURE_SCRIPT), *command], cwd=REPO, env=env, check=False,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines = completed.stdout.splitlines()
    reports = [line for line in lines if line.startswith(PROCESS_PREFIX)]
    if completed.returncode != 0 or not reports:
        raise BenchError(f"could not measure {' '.join(command)}: {completed.stdout[-2000:]}")
    report = json.loads(reports[-1][len(PROCESS_PREFIX):])
    return ProcessRun([line for line in lines if not line.startswith(PROCESS_PREFIX)], int(report["exit_code"]),
                      float(report["wall_seconds"]), float(report["peak_rss_mb"]))


def failure(what: str, run: ProcessRun) -> BenchError:
    tail = "\n".join(f"    {line}" for line in run.lines[-25:] if "PROGRESS::" not in line)
    return BenchError(f"{what} failed (exit code {run.exit_code}); last output:\n{tail}")


# ---------------------------------------------------------------------------------------------------- our engine
def write_engine_config(algorithm: str, run_id: str, data: DataSet) -> Path:
    """A LEAN launcher config for ``bench/algorithms/<algorithm>.py`` in a fresh ``bench/.work/runs/<run_id>``."""
    folder = WORK / "runs" / run_id
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    config = {
        "algorithm-language": "Python",
        "algorithm-location": str(ALGORITHMS / f"{algorithm}.py"),
        "algorithm-id": run_id,
        "data-folder": str(data.folder),
        "results-destination-folder": str(folder / "results"),
        "workbench-cache-folder": str(ENGINE_CACHE),
        "parameters": {"start-date": data.start.isoformat(), "end-date": data.end.isoformat(),
                       "ema-fast": str(FAST), "ema-slow": str(SLOW)},
        "close-automatically": True,
    }
    path = folder / "config.json"
    path.write_text(json.dumps(config, indent=2) + "\n")
    return path


def engine_measurement(label: str, data: DataSet, run: ProcessRun) -> Measurement:
    """Seconds and data points from the engine's completion line; orders and equity from its statistics."""
    completion = next((parsed for line in run.lines if (parsed := parse_completion(line))), None)
    if run.exit_code != 0 or completion is None:
        raise failure(f"engine run {label!r}", run)
    statistics = dict(statistic for line in run.lines if (statistic := parse_statistic(line)))
    orders = int(statistics.get("Total Orders", "0") or 0)
    equity = float(statistics.get("End Equity", "nan").replace(",", "") or "nan")
    return Measurement(label, data.bars, run.wall_seconds, completion["seconds"], run.peak_rss_mb,
                       entries=(orders + 1) // 2, final_equity=equity, data_points=int(completion["data_points"]))


def run_engine(algorithm: str, label: str, run_id: str, data: DataSet) -> Measurement:
    config = write_engine_config(algorithm, run_id, data)
    run = run_process([sys.executable, "-m", "lean_runner.engine", "--config", str(config)])
    measurement = engine_measurement(label, data, run)
    print(f"  {label}: {measurement.run_seconds:.2f} s engine, {measurement.wall_seconds:.2f} s wall, "
          f"{measurement.data_points:,} data points, {measurement.entries} entries")
    return measurement


def best_of(measurements: Sequence[Measurement], label: str) -> Measurement:
    """The fastest run (by its own seconds), with the largest peak RSS of all of them."""
    fastest = min(measurements, key=lambda m: m.run_seconds)
    return replace(fastest, run=label, peak_rss_mb=max(m.peak_rss_mb for m in measurements))


def run_engine_suite(data: DataSet, repeat: int) -> list[Measurement]:
    """Buy-and-hold cold (empty parsed-data cache), then buy-and-hold and EMA crossover warm, best of ``repeat``."""
    print("Our engine (python -m lean_runner.engine):")
    shutil.rmtree(ENGINE_CACHE, ignore_errors=True)
    cold = run_engine("buy_and_hold", "engine buy-and-hold (cold cache)", "bench-buy-and-hold-cold", data)
    suites = [("buy_and_hold", "buy-and-hold"), ("ema_crossover", f"EMA({FAST}/{SLOW})")]
    results = [cold]
    for algorithm, name in suites:
        runs = [run_engine(algorithm, f"engine {name} (warm {i}/{repeat})", f"bench-{algorithm}-warm-{i}", data)
                for i in range(1, repeat + 1)]
        results.append(best_of(runs, f"engine {name} (warm, best of {repeat})"))
    return results


# ---------------------------------------------------------------------------------------------------- peers
def peer_measurement(label: str, run: ProcessRun) -> Measurement:
    line = next((line for line in run.lines if line.startswith(RESULT_PREFIX)), None)
    if run.exit_code != 0 or line is None:
        raise failure(label, run)
    result = json.loads(line[len(RESULT_PREFIX):])
    return Measurement(label, int(result["bars"]), run.wall_seconds, float(result["seconds"]), run.peak_rss_mb,
                       entries=int(result["entries"]), final_equity=float(result["final_equity"]))


def run_peer_once(module: str, label: str, data: DataSet) -> Measurement:
    command = [sys.executable, str(PEER_SCRIPT), module, "--data-folder", str(data.folder),
               "--cache-folder", str(READER_CACHE), "--start", data.start.isoformat(), "--end", data.end.isoformat(),
               "--fast", str(FAST), "--slow", str(SLOW)]
    measurement = peer_measurement(label, run_process(command))
    if measurement.bars != data.bars:
        raise BenchError(f"{label} ran on {measurement.bars:,} bars, expected {data.bars:,}")
    if measurement.entries == 0:
        raise BenchError(f"{label} never traded: the comparison would not be honest")
    print(f"  {label}: {measurement.run_seconds:.2f} s run, {measurement.wall_seconds:.2f} s wall, "
          f"{measurement.entries} entries")
    return measurement


def run_peers(data: DataSet, repeat: int) -> dict[str, Measurement]:
    """Each installed peer's crossover, best of ``repeat`` as for our engine; a missing library is skipped."""
    print("Peers (same bars, EMA crossover, each run in its own process):")
    results: dict[str, Measurement] = {}
    for module, name in PEERS.items():
        if importlib.util.find_spec(module) is None:
            print(f"  {name} is not installed (pip install -e '.[bench]'); skipped")
            continue
        label = f"{name} EMA({FAST}/{SLOW})"
        runs = [run_peer_once(module, f"{label} ({i}/{repeat})", data) for i in range(1, repeat + 1)]
        results[module] = best_of(runs, f"{label} (best of {repeat})")
    return results


# ---------------------------------------------------------------------------------------------------- report
def ratio(ours: Measurement, peer: Measurement | None) -> float | None:
    return None if peer is None else ours.trade_bars_per_second / peer.trade_bars_per_second


def evaluate(engine: list[Measurement], peers: dict[str, Measurement]) -> tuple[dict[str, float | None], list[Check]]:
    """Speed ratios on trade bars per second, and the targets."""
    _, buy_and_hold, ema = engine
    ratios = {"ema_vs_backtrader": ratio(ema, peers.get("backtrader")),
              "ema_vs_backtesting": ratio(ema, peers.get("backtesting"))}
    points_per_second = buy_and_hold.data_points_per_second or 0.0
    points_target = TARGET_BUY_AND_HOLD_POINTS_PER_SECOND
    peak = max(m.peak_rss_mb for m in engine)
    checks = [
        Check("buy-and-hold data points/s (warm)", f"{points_per_second:,.0f}", f">= {points_target:,}",
              points_per_second >= points_target),
        ratio_check("EMA trade bars/s vs backtrader", ratios["ema_vs_backtrader"], TARGET_VS_BACKTRADER),
        ratio_check("EMA trade bars/s vs backtesting.py", ratios["ema_vs_backtesting"], TARGET_VS_BACKTESTING),
        Check("engine peak RSS", f"{peak:,.0f} MB", f"< {TARGET_PEAK_RSS_MB:,.0f} MB", peak < TARGET_PEAK_RSS_MB),
    ]
    return ratios, checks


def ratio_check(name: str, value: float | None, target: float) -> Check:
    if value is None:
        return Check(name, "n/a", f">= {target}x", None)
    return Check(name, f"{value:.2f}x", f">= {target}x", value >= target)


def format_table(rows: Sequence[Sequence[str]], right_aligned_from: int = 1) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for n, row in enumerate(rows):
        cells = [cell.ljust(w) if i < right_aligned_from else cell.rjust(w)
                 for i, (cell, w) in enumerate(zip(row, widths, strict=True))]
        lines.append(" | ".join(cells).rstrip())
        if n == 0:
            lines.append("-+-".join("-" * w for w in widths))
    return "\n".join(lines)


def measurement_row(m: Measurement) -> list[str]:
    points = "" if m.data_points is None else f"{m.data_points:,}"
    points_rate = "" if m.data_points_per_second is None else f"{m.data_points_per_second:,.0f}"
    return [m.run, f"{m.bars:,}", f"{m.wall_seconds:.2f}", f"{m.run_seconds:.2f}", f"{m.trade_bars_per_second:,.0f}",
            points, points_rate, f"{m.peak_rss_mb:,.0f}", str(m.entries), f"{m.final_equity:,.2f}"]


def print_report(measurements: Sequence[Measurement], ratios: dict[str, float | None], checks: Sequence[Check]) -> None:
    header = ["run", "bars", "wall s", "run s", "trade bars/s", "data points", "data points/s", "peak RSS MB",
              "entries", "final equity"]
    print()
    print(format_table([header, *(measurement_row(m) for m in measurements)]))
    print("\nwall s: the whole subprocess (interpreter start, imports, loading, run, results). run s: the engine's own")
    print("completion-line seconds, or the peer library's timed run (data loading excluded). Data points (ours) also")
    print("count quote bars and the hourly benchmark feed; ratios use trade bars/s on the same bars.\n")
    for name, value in ratios.items():
        print(f"{name}: {'n/a' if value is None else f'{value:.2f}x'}")
    print()
    print(format_table([["target", "value", "goal", "result"],
                        *([c.name, c.value, c.target, c.verdict] for c in checks)], right_aligned_from=1))


def environment(load: float) -> dict[str, Any]:
    versions: dict[str, str | None] = {}
    for name in ("backtrader", "backtesting", "numpy", "pandas"):
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = None
    return {"python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count(),
            "load_average_at_start": load, "versions": versions}


def warn_if_busy(load: float) -> None:
    """Other processes on the machine skew every timing: say so up front."""
    if load > 0.5:
        print(f"Note: load average {load:.2f} on {os.cpu_count()} CPUs before starting; timings may be noisy.")


def write_json(path: Path, data: DataSet, measurements: Sequence[Measurement], ratios: dict[str, float | None],
               checks: Sequence[Check], load: float) -> None:
    report = {
        "environment": environment(load),
        "data": {"folder": str(data.folder), "start": data.start.isoformat(), "end": data.end.isoformat(),
                 "trade_bars": data.bars, "seed": SEED, "symbol": SYMBOL},
        "runs": [m.to_json() for m in measurements],
        "ratios": ratios,
        "checks": [{**asdict(c), "verdict": c.verdict} for c in checks],
    }
    path.write_text(json.dumps(report, indent=2) + "\n")
    print(f"\nWrote {path}")


# ---------------------------------------------------------------------------------------------------- main
def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Our engine vs backtrader and backtesting.py on the same bars.")
    parser.add_argument("--bars", type=int, default=DEFAULT_BARS,
                        help=f"minimum minute bars to generate (default {DEFAULT_BARS:,}; e.g. 100000 for a quick run)")
    parser.add_argument("--skip-peers", action="store_true", help="run only our engine")
    parser.add_argument("--json", type=Path, metavar="OUT", help="also write the results to this JSON file")
    parser.add_argument("--repeat", type=int, default=2,
                        help="runs per engine algorithm (warm) and per peer; the fastest is kept (default 2)")
    parser.add_argument("--strict", action="store_true", help="exit with status 1 if a target fails")
    args = parser.parse_args(argv)
    if args.bars < 1000 or args.repeat < 1:
        parser.error("--bars must be >= 1000 and --repeat >= 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    load = os.getloadavg()[0]
    warn_if_busy(load)
    WORK.mkdir(parents=True, exist_ok=True)
    data = ensure_data(args.bars)
    data = replace(data, bars=count_trade_bars(data))
    print(f"{data.bars:,} regular-hours minute trade bars of {SYMBOL} ({data.start} .. {data.end})")
    try:
        engine = run_engine_suite(data, args.repeat)
        peers = {} if args.skip_peers else run_peers(data, args.repeat)
    except BenchError as error:
        print(f"\nERROR: {error}", file=sys.stderr)
        return 2
    measurements = [*engine, *peers.values()]
    ratios, checks = evaluate(engine, peers)
    print_report(measurements, ratios, checks)
    if args.json:
        write_json(args.json, data, measurements, ratios, checks, load)
    failed = any(check.passed is False for check in checks)
    return 1 if failed and args.strict else 0


if __name__ == "__main__":
    sys.exit(main())
