"""``workbench``: the command line of the backtest workbench.

    workbench serve [--host H] [--port P] [--project DIR] [--data-folder DIR] [--database-url URL]
        [--engine auto|local|docker] [--image IMAGE] [--max-concurrent N]
    workbench backtest ALGORITHM.py [--data-folder DIR] [--output DIR] [--parameter NAME VALUE]...
        [--engine local|docker] [--image IMAGE]
    workbench optimize PROJECT_OR_FILE --parameter NAME MIN MAX STEP... [--strategy "Grid Search"|"Euler Search"]
        [--target STATISTIC] [--target-direction max|min] [--constraint "Drawdown < 0.25"]...
        [--max-concurrent-backtests N] [--output DIR] [--optimizer-config FILE] [--start-date D] [--end-date D]
    workbench image build [--base IMAGE] [--tag TAG]
    workbench data generate --symbols SPY,AAPL --start 2020-01-01 --end 2020-12-31 --resolution minute \
        --seed 7 --out DIR
    workbench data import-news HEADLINES.csv [--data-folder DIR]
    workbench dsl validate SPEC.json [--config CONFIG.json] [--data-folder DIR]
    workbench dsl compile SPEC.json [--config CONFIG.json] [--output main.py]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TextIO

from lean_runner.progress_bar import BacktestProgressBar
from lean_runner.progress_lines import parse_completion, parse_log_line, parse_progress_line, parse_statistic
from lean_runner.results_index.names import new_result_folder
from lean_runner.settings import Settings


def new_algorithm_id() -> str:
    """A 10-digit id starting with 1, like lean-cli's backtest ids."""
    return "1" + "".join(random.choice("0123456789") for _ in range(9))


def run_backtest_command(algorithm: Path, *, settings: Settings, output: Path | None,
                         parameters: dict[str, str], out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    """Run one backtest on the embedded engine in a subprocess, showing progress and the statistics."""
    algorithm = algorithm.expanduser().resolve()
    if not algorithm.is_file():
        err.write(f"error: algorithm file not found: {algorithm}\n")
        return 2
    folder = output.expanduser().resolve() if output else new_result_folder(algorithm.parent / "backtests")
    folder.mkdir(parents=True, exist_ok=True)
    algorithm_id = new_algorithm_id()
    config = {
        "environment": "backtesting", "algorithm-language": "Python", "algorithm-location": str(algorithm),
        "algorithm-type-name": algorithm.stem, "algorithm-id": algorithm_id,
        "data-folder": str(settings.data_folder.resolve()), "results-destination-folder": str(folder),
        "parameters": parameters, "close-automatically": True,
        "workbench-cache-folder": str(settings.cache_folder),
    }
    (folder / "config").write_text(json.dumps({"id": int(algorithm_id)}, indent=4))
    statistics: list[tuple[str, str]] = []
    errors: list[str] = []
    completion = None
    with tempfile.TemporaryDirectory(prefix="workbench-") as tmp, BacktestProgressBar(err) as bar:
        config_path = Path(tmp) / "config.json"
        config_path.write_text(json.dumps(config, indent=4))
        process = subprocess.Popen([sys.executable, "-m", "lean_runner.engine", "--config", str(config_path)],
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1,
                                   env={**os.environ, "PYTHONUNBUFFERED": "1"})
        assert process.stdout is not None
        try:
            for line in process.stdout:
                progress = parse_progress_line(line)
                if progress is not None:
                    bar.show(progress.progress, progress.time, progress.equity)
                    continue
                statistic = parse_statistic(line)
                if statistic is not None:
                    statistics.append(statistic)
                    continue
                completion = completion or parse_completion(line)
                parsed = parse_log_line(line)
                if parsed and parsed[0] == "ERROR":
                    errors.append(parsed[1])
                if parsed and (parsed[1].startswith(("Debug:", "Log:", "Error:")) or parsed[0] == "ERROR"):
                    bar.message(parsed[1])
            code = process.wait()
        except KeyboardInterrupt:
            process.terminate()
            code = process.wait()
    if statistics:
        width = max(len(name) for name, _ in statistics)
        out.write("\nSTATISTICS\n")
        for name, value in statistics:
            out.write(f"  {name.ljust(width)}  {value}\n")
    if completion:
        out.write(f"\n{int(completion['data_points']):,} data points in {completion['seconds']:.2f} s "
                  f"({completion['kdps']:.0f}k data points per second)\n")
    out.write(f"\nResults: {folder}\n")
    if code != 0:
        err.write(f"Backtest failed (exit code {code}). See {folder / 'log.txt'}\n")
    return code


def run_generate_command(args: argparse.Namespace, settings: Settings, out: TextIO = sys.stdout) -> int:
    from lean_runner.engine.data.synthetic import generate_synthetic_data

    symbols = [s.strip().upper() for s in args.symbols.split(",") if s.strip()]
    template = settings.data_folder if (settings.data_folder / "market-hours").is_dir() else None
    written = generate_synthetic_data(Path(args.out), symbols, date.fromisoformat(args.start),
                                      date.fromisoformat(args.end), args.resolution, args.seed,
                                      template_data_folder=template)
    out.write(f"Wrote {len(written)} files of synthetic {args.resolution} data for {', '.join(symbols)} "
              f"to {Path(args.out).resolve()}\n")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="workbench", description="Backtest workbench for QuantConnect LEAN.")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="Serve the REST API, the WebSocket and the docs on one server.")
    serve.add_argument("--host", help="address to listen on (default: WORKBENCH_HOST, 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port (default: WORKBENCH_PORT, 8000; 0 = any free port)")
    serve.add_argument("--project", type=Path, help="LEAN project folder (default: WORKBENCH_PROJECT)")
    serve.add_argument("--data-folder", type=Path, help="LEAN data folder (default: WORKBENCH_DATA_FOLDER)")
    serve.add_argument("--database-url", help="database URL (default: WORKBENCH_DATABASE_URL, SQLite in the project)")
    serve.add_argument("--engine", choices=["auto", "local", "docker"],
                       help="engine of runs that name none (default: WORKBENCH_ENGINE, auto)")
    serve.add_argument("--image", help="docker image (default: WORKBENCH_DOCKER_IMAGE)")
    serve.add_argument("--max-concurrent", type=int, help="backtests at once (default: WORKBENCH_MAX_CONCURRENT)")

    backtest = commands.add_parser("backtest", help="Run a LEAN Python algorithm on the embedded engine.")
    backtest.add_argument("algorithm", type=Path, help="the algorithm's .py file")
    backtest.add_argument("--data-folder", type=Path, help="LEAN data folder (default: WORKBENCH_DATA_FOLDER)")
    backtest.add_argument("--output", type=Path, help="result folder (default: <project>/backtests/<timestamp>)")
    backtest.add_argument("--parameter", nargs=2, action="append", metavar=("NAME", "VALUE"), default=[],
                          help="algorithm parameter, read with get_parameter (repeatable)")
    backtest.add_argument("--engine", choices=["local", "docker"], default="local",
                          help="local: the embedded engine in a subprocess; docker: a LEAN-contract container")
    backtest.add_argument("--image", help="image for --engine docker (default: WORKBENCH_DOCKER_IMAGE)")

    from lean_runner.optimization.command import add_optimize_arguments

    add_optimize_arguments(commands.add_parser(
        "optimize", help="Optimize a strategy's parameters (grid or Euler search) on warm engine workers."))

    image = commands.add_parser("image", help="The engine's container image.")
    image_commands = image.add_subparsers(dest="image_command", required=True)
    build = image_commands.add_parser("build", help="Build a LEAN-contract image of the embedded engine.")
    build.add_argument("--base", help="base image (default: WORKBENCH_IMAGE_BASE, else python:3.11-slim when "
                                      "present, else the local mmdebstrap base)")
    build.add_argument("--tag", help="image tag (default: WORKBENCH_DOCKER_IMAGE)")
    build.add_argument("--verbose", action="store_true", help="show the docker build output")

    data = commands.add_parser("data", help="Market data tools.")
    data_commands = data.add_subparsers(dest="data_command", required=True)
    generate = data_commands.add_parser("generate", help="Write deterministic synthetic LEAN-format data.")
    generate.add_argument("--symbols", required=True, help="comma-separated tickers, e.g. SPY,AAPL")
    generate.add_argument("--start", required=True, help="first date, YYYY-MM-DD")
    generate.add_argument("--end", required=True, help="last date, YYYY-MM-DD")
    generate.add_argument("--resolution", default="minute", choices=["daily", "hour", "minute", "second"])
    generate.add_argument("--seed", type=int, default=0, help="random seed (same seed, same bytes)")
    generate.add_argument("--out", required=True, help="output data folder")
    news = data_commands.add_parser("import-news", help="Score headlines with VADER into daily sentiment files.")
    news.add_argument("headlines", type=Path, help="CSV with timestamp,symbol,headline")
    news.add_argument("--data-folder", type=Path, help="LEAN data folder to write alternative/news-sentiment/ into")

    dsl = commands.add_parser("dsl", help="The strategy DSL: validate and compile JSON strategies.")
    dsl_commands = dsl.add_subparsers(dest="dsl_command", required=True)
    validate = dsl_commands.add_parser("validate", help="Validate a spec; prints {valid, errors, warnings}.")
    validate.add_argument("spec", type=Path)
    validate.add_argument("--config", type=Path, help="backtest config: also check symbols and dates against data")
    validate.add_argument("--data-folder", type=Path, help="LEAN data folder for the data checks")
    compile_ = dsl_commands.add_parser("compile", help="Compile a spec (and config) into a LEAN Python algorithm.")
    compile_.add_argument("spec", type=Path)
    compile_.add_argument("--config", type=Path, help="backtest config (dates, cash, costs, universe override)")
    compile_.add_argument("--output", type=Path, help="write the algorithm here instead of printing it")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "serve":
        from api.server import serve

        return serve(Settings.from_env(host=args.host, port=args.port, project=args.project,
                                       data_folder=args.data_folder, database_url=args.database_url,
                                       engine=args.engine, docker_image=args.image,
                                       max_concurrent=args.max_concurrent))
    settings = Settings.from_env(data_folder=getattr(args, "data_folder", None))
    if args.command == "backtest" and args.engine == "docker":
        from lean_runner.runners.cli_commands import run_docker_backtest
        from lean_runner.runners.container_spec import ContainerLimits

        limits = ContainerLimits(cpus=settings.docker_cpus or None, memory=settings.docker_memory or None)
        return run_docker_backtest(args.algorithm, data_folder=settings.data_folder, image=args.image,
                                   default_image=settings.docker_image, output=args.output,
                                   parameters=dict(args.parameter), cache_folder=settings.cache_folder,
                                   limits=limits, stop_timeout=settings.stop_timeout)
    if args.command == "backtest":
        return run_backtest_command(args.algorithm, settings=settings, output=args.output,
                                    parameters={name: value for name, value in args.parameter})
    if args.command == "optimize":
        from lean_runner.optimization.command import optimize_command

        return optimize_command(args, settings)
    if args.command == "image":
        from lean_runner.runners.cli_commands import build_image_command

        return build_image_command(tag=args.tag or settings.docker_image, base=args.base or settings.image_base or None,
                                   wheel_cache=settings.wheel_cache, verbose=args.verbose)
    if args.command == "data" and args.data_command == "generate":
        return run_generate_command(args, settings)
    if args.command == "data" and args.data_command == "import-news":
        from lean_runner.engine.data.news_sentiment import import_news_command

        return import_news_command(args.headlines, settings.data_folder)
    if args.command == "dsl":
        from lean_runner.dsl.cli import compile_command, validate_command

        universes = settings.project / "universes"
        if args.dsl_command == "validate":
            return validate_command(args.spec, args.config, settings.data_folder, universes_folder=universes)
        return compile_command(args.spec, args.config, output=args.output, universes_folder=universes)
    return 2


if __name__ == "__main__":
    sys.exit(main())
