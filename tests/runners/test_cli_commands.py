"""``workbench backtest --engine docker`` and ``workbench image build`` as command bodies."""

from __future__ import annotations

import io
from pathlib import Path

from lean_runner.runners.cli_commands import build_image_command, run_docker_backtest


def test_docker_backtest_prints_statistics_and_the_result_folder(project: Path, lean_data: Path, parse_cache: Path,
                                                                  engine_image: str) -> None:
    out, err = io.StringIO(), io.StringIO()
    code = run_docker_backtest(project / "buy_and_hold.py", data_folder=lean_data, image=engine_image,
                               cache_folder=parse_cache, parameters={"unused": "1"}, out=out, err=err)
    assert code == 0, err.getvalue()
    assert "End Equity                   101691.92" in out.getvalue()
    folder = Path(out.getvalue().split("Results: ")[1].strip())
    assert folder.parent == project / "backtests"
    assert {"workbench.json", "config", "code", "lean-config.json", "log.txt"} <= {p.name for p in folder.iterdir()}
    assert "Debug: 2013-10-07 09:31:00 Purchased Stock" in err.getvalue()


def test_docker_backtest_of_a_missing_image_explains_how_to_build_it(project: Path, lean_data: Path,
                                                                      engine_image: str) -> None:
    err = io.StringIO()
    code = run_docker_backtest(project / "buy_and_hold.py", data_folder=lean_data, image="no/such:image",
                               out=io.StringIO(), err=err)
    assert code == 2 and "workbench image build" in err.getvalue()


def test_image_build_with_an_absent_base_names_the_local_base_script(engine_image: str, tmp_path: Path) -> None:
    err = io.StringIO()
    code = build_image_command(tag="lean-workbench/engine:never", base="no/such-base:1",
                               wheel_cache=Path.home() / ".cache" / "lean-workbench" / "wheels", err=err)
    assert code == 2 and "scripts/build-base-image.sh" in err.getvalue()


def test_image_build_reports_the_image(engine_image: str) -> None:
    out = io.StringIO()
    code = build_image_command(tag=engine_image, wheel_cache=Path.home() / ".cache" / "lean-workbench" / "wheels",
                               out=out)
    assert code == 0 and out.getvalue().startswith(f"Built {engine_image} (sha256:")


def test_workbench_backtest_with_the_docker_engine_from_the_command_line(project: Path, lean_data: Path,
                                                                        parse_cache: Path, engine_image: str) -> None:
    import os
    import subprocess
    import sys

    completed = subprocess.run(
        [sys.executable, "-m", "lean_runner.cli", "backtest", str(project / "buy_and_hold.py"), "--engine", "docker",
         "--image", engine_image, "--data-folder", str(lean_data)],
        capture_output=True, text=True, timeout=600,
        env={**os.environ, "WORKBENCH_CACHE_FOLDER": str(parse_cache)})
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert "End Equity                   101691.92" in completed.stdout
