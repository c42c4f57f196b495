# ruff: noqa: E501  (the cells are notebook code, kept on their own lines as they read in the notebook)
"""Write notebooks/quickstart.ipynb and notebooks/rest-api.ipynb from the cells below (stored without outputs).

``python scripts/make_notebooks.py`` after changing a cell; tests/app/test_notebooks.py executes both.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"

QUICKSTART = [
    new_markdown_cell("# Quickstart: backtests from Python\n\nThe same services and screens as the dashboard, "
                      "in a notebook. Settings come from the environment, as for `workbench serve` "
                      "(`WORKBENCH_PROJECT`, `WORKBENCH_DATA_FOLDER`, ...; see the README)."),
    new_code_cell("import time\n\nfrom app.dashboard import Dashboard, load_extensions\n"
                  "from lean_runner.services import Workbench\nfrom lean_runner.settings import Settings\n\n"
                  "load_extensions()\nworkbench = Workbench.from_settings(Settings.from_env())\nworkbench.start()\n"
                  "dashboard = Dashboard(workbench)\n"
                  "print('project:', workbench.project.project)\n"
                  "print('strategies:', [s.name for s in workbench.project.list()])"),
    new_markdown_cell("## Launch a backtest\nThe launch form's model: a project strategy, its window and cash."),
    new_code_cell("import datetime as dt\n\nlaunch = dashboard.launch\nlaunch.strategy = 'main'\n"
                  "launch.start_date, launch.end_date = dt.date(2013, 10, 7), dt.date(2013, 10, 11)\n"
                  "first = launch.launch()\nprint('launched', first, launch.error)"),
    new_markdown_cell("## Watch it live\nThe live monitor has seen every event since the dashboard was made; in "
                      "a notebook we pump them ourselves (the dashboard does it on each browser session)."),
    new_code_cell("live = dashboard.live\nlive.pump()\nlive.follow(first)\n"
                  "while live.followed is not None and not live.followed.finished:\n"
                  "    live.pump()\n    time.sleep(0.2)\nlive.pump()\n"
                  "print('status:', live.status, 'percent:', live.percent, 'equity points:', len(live.followed.equity))\n"
                  "dashboard.live_view"),
    new_markdown_cell("## The results view"),
    new_code_cell("dashboard.results.refresh()\nprint('results:', dashboard.results.total)\n"
                  "first_result = next(r['timestamp'] for r in dashboard.results.rows if r['backtest_id'] == first)\n"
                  "dashboard.open_result(first_result)\n"
                  "print('final value:', dashboard.detail.summary['final_value'])\n"
                  "dashboard.detail_view"),
    new_markdown_cell("## A second run, and the two compared"),
    new_code_cell("launch.end_date = dt.date(2013, 10, 9)\nsecond = launch.launch()\n"
                  "while workbench.backtests.status_v2(second, dashboard.live.caller).status in ('queued', 'running'):\n"
                  "    time.sleep(0.2)\n"
                  "dashboard.results.refresh()\n"
                  "second_result = next(r['timestamp'] for r in dashboard.results.rows if r['backtest_id'] == second)\n"
                  "dashboard.compare_results([first_result, second_result])\n"
                  "print(dashboard.compare.table.round(3).to_string())\nprint('best:', dashboard.compare.best)\n"
                  "dashboard.compare_view"),
    new_code_cell("dashboard.close()\nworkbench.close()"),
]

REST_API = [
    new_markdown_cell("# The REST API and the WebSocket\n\nAgainst a running `workbench serve` "
                      "(`WORKBENCH_URL`, default http://127.0.0.1:8000; `WORKBENCH_TOKEN` when the server "
                      "needs one). The documents: `docs/api.md` and `/docs` on the server."),
    new_code_cell("import json\nimport os\n\nimport httpx\nimport websockets\n\n"
                  "URL = os.environ.get('WORKBENCH_URL', 'http://127.0.0.1:8000')\n"
                  "TOKEN = os.environ.get('WORKBENCH_TOKEN')\n"
                  "headers = {'Authorization': f'Bearer {TOKEN}'} if TOKEN else {}\n"
                  "client = httpx.Client(base_url=URL, headers=headers, timeout=60)\n"
                  "print([s['name'] for s in client.get('/api/v2/backtest/strategies').json()])"),
    new_markdown_cell("## Run a project strategy and watch it over the WebSocket"),
    new_code_cell("run = client.post('/api/v2/backtest/run', json={'strategy_name': 'main', 'start_date': '2013-10-07',\n"
                  "                                               'end_date': '2013-10-11', 'initial_cash': 100000})\n"
                  "backtest_id = run.json()['backtest_id']\nprint(run.status_code, run.json()['status'])\n\n"
                  "events = []\nws_url = URL.replace('http', 'ws', 1) + f'/api/v2/backtest/monitor/{backtest_id}'\n"
                  "if TOKEN:\n    ws_url += f'?token={TOKEN}'\n"
                  "async with websockets.connect(ws_url) as socket:\n"
                  "    async for message in socket:\n"
                  "        events.append(json.loads(message))\n"
                  "print('events:', sorted({e['event'] for e in events}))\n"
                  "final = events[-1]\nprint('final:', final['event'], final.get('result', {}).get('statistics', {}).get('total_return'))"),
    new_markdown_cell("## Browse results"),
    new_code_cell("page = client.get('/api/v2/backtest/results', params={'page_size': 5}).json()\n"
                  "print('total results:', page['total_count'])\n"
                  "detail = client.get(f\"/api/v2/backtest/results/{page['results'][0]['timestamp']}\").json()\n"
                  "print('equity points:', len(detail['equity_curve']), 'final value:', detail['final_value'])"),
    new_markdown_cell("## A DSL strategy: validate, save, backtest"),
    new_code_cell("spec = {\n  'version': 1, 'name': 'SMA trend', 'universe': {'symbols': ['SPY']}, 'resolution': 'daily',\n"
                  "  'entry': {'conditions': [{'indicator': 'price', 'op': '>', 'value': {'indicator': 'sma', 'params': {'window': 50}}}]},\n"
                  "  'exit': {'conditions': [{'indicator': 'price', 'op': '<', 'value': {'indicator': 'sma', 'params': {'window': 50}}}]},\n"
                  "  'sizing': {'method': 'fixed_fraction', 'fraction': 0.95}\n}\n"
                  "checked = client.post('/strategies/validate', json={'json_spec': spec}).json()\n"
                  "print('valid:', checked['valid'], [e['path'] for e in checked.get('errors', [])])"),
    new_code_cell("created = client.post('/strategies', json={'user_id': 'u_notebook', 'name': 'SMA trend', 'json_spec': spec})\n"
                  "version_id = created.json()['version']['id']\n"
                  "backtest = client.post('/backtests', json={'user_id': 'u_notebook', 'strategy_version_id': version_id,\n"
                  "                                         'config': {'start_date': '2012-01-01', 'end_date': '2013-12-31',\n"
                  "                                                    'initial_capital': 100000}}).json()\n"
                  "import time\nwhile (state := client.get(f\"/backtests/{backtest['backtest']['id']}\").json())['status'] in ('queued', 'running'):\n"
                  "    time.sleep(0.5)\n"
                  "print('status:', state['status'], 'metrics:', state['metrics_summary'])\n"
                  "results = client.get(f\"/backtests/{backtest['backtest']['id']}/results\").json()\n"
                  "print('trades:', len(results['trades']), 'years:', [p['period'] for p in results['per_period_metrics']])"),
]


def write(name: str, cells: list) -> Path:
    notebook = new_notebook(cells=cells, metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                                  "language": "python"}})
    path = NOTEBOOKS / name
    nbformat.write(notebook, path)
    return path


if __name__ == "__main__":
    for name, cells in (("quickstart.ipynb", QUICKSTART), ("rest-api.ipynb", REST_API)):
        print("wrote", write(name, cells))
