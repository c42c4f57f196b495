"""A project holding many results for the benchmarks: one real backtest through the API, its folder copied.

Used by bench/api.py and bench/dashboard.py.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from api_server import make_project, start_server, wait_for_status

USER = "u_bench"
RUN_REQUEST = {"strategy_name": "main", "start_date": "2013-10-07", "end_date": "2013-10-08", "initial_cash": 100000,
               "symbols": ["SPY"], "resolution": "Minute"}


def fill_project(work: Path, data: Path, count: int) -> Path:
    project = make_project(work / "project")
    server = start_server(project, data, work / "cache", log_name="fill.log")
    try:
        with server.client() as client:
            run = client.post("/api/v2/backtest/run", json=RUN_REQUEST)
            run.raise_for_status()
            status = wait_for_status(client, run.json()["backtest_id"], {"completed", "failed"}, timeout=300)
            if status["status"] != "completed":
                raise SystemExit(f"the seed backtest did not complete: {status}")
    finally:
        server.stop()
    results = project / "backtests"
    [seed] = [folder for folder in results.iterdir() if folder.is_dir()]
    seed_metadata = json.loads((seed / "workbench.json").read_text())
    seed_metadata.setdefault("extra", {})["user_id"] = USER  # the strategy API lists one user's backtests
    (seed / "workbench.json").write_text(json.dumps(seed_metadata))
    for index in range(1, count):
        copy = results / f"2001-01-01_00-00-00_{index:05d}"  # names sort before the seed's
        shutil.copytree(seed, copy)
        metadata_file = copy / "workbench.json"
        metadata = json.loads(metadata_file.read_text())
        metadata["backtestId"] = f"bt_bench{index:08d}"
        metadata_file.write_text(json.dumps(metadata))
    for database in results.glob("workbench.db*"):
        database.unlink()  # the next start rebuilds the store from the folders
    return project
