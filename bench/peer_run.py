"""One peer backtest in its own process, for ``bench/engine_vs_peers.py``.

``python bench/peer_run.py {backtrader,backtesting} --data-folder DIR --cache-folder DIR --start yyyy-mm-dd
--end yyyy-mm-dd [--fast 50] [--slow 200]`` loads the SPY minute trade bars of a LEAN data folder with the
project's reader (not timed), runs an EMA(fast)/EMA(slow) crossover (long while fast > slow, flat otherwise,
all-in, no commission, market orders filled at the signal bar's close) and prints one line
``BENCH-RESULT:: {json}`` with the bars, the timed run's seconds, the number of entries and the final equity.
Only the library's run is timed; the parent measures the process's wall time and peak memory.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from lean_runner.engine.data.reader import LeanDataReader

RESULT_PREFIX = "BENCH-RESULT:: "
CASH = 100_000.0


def load_frame(data_folder: Path, cache_folder: Path, start: date, end: date) -> pd.DataFrame:
    """SPY minute trade bars as an OHLCV frame indexed by bar start (exchange time, naive)."""
    bars = LeanDataReader(data_folder, cache_folder).trade_bars("SPY", "minute", start, end)
    index = pd.DatetimeIndex(pd.to_datetime(bars.time, unit="ns"), name="Date")
    return pd.DataFrame({"Open": bars.open, "High": bars.high, "Low": bars.low, "Close": bars.close,
                         "Volume": bars.volume}, index=index)


def run_backtrader(frame: pd.DataFrame, fast: int, slow: int) -> dict[str, Any]:
    """backtrader: Cerebro without observers, a preloaded PandasData feed, bt.ind.EMA, cheat-on-close fills."""
    import backtrader as bt

    class EmaCross(bt.Strategy):
        params = (("fast", 50), ("slow", 200))

        def __init__(self) -> None:
            self.fast_ema = bt.ind.EMA(self.data.close, period=self.p.fast)
            self.slow_ema = bt.ind.EMA(self.data.close, period=self.p.slow)
            self.entries = 0

        def next(self) -> None:
            if self.fast_ema[0] > self.slow_ema[0]:
                if not self.position:
                    self.order_target_percent(target=1.0)
                    self.entries += 1
            elif self.position:
                self.close()

    cerebro = bt.Cerebro(stdstats=False)
    cerebro.adddata(bt.feeds.PandasData(dataname=frame))
    cerebro.addstrategy(EmaCross, fast=fast, slow=slow)
    cerebro.broker.setcash(CASH)
    cerebro.broker.setcommission(commission=0.0)
    cerebro.broker.set_coc(True)
    started = time.perf_counter()
    strategy = cerebro.run()[0]
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "entries": int(strategy.entries), "final_equity": float(cerebro.broker.getvalue()),
            "library_version": bt.__version__}


def _ema(values: npt.NDArray[np.float64], span: int) -> npt.NDArray[np.float64]:
    """EMA with smoothing 2/(span+1), NaN until ``span`` values are in (backtesting.py then skips those bars)."""
    return pd.Series(values).ewm(span=span, adjust=False, min_periods=span).mean().to_numpy()


def run_backtesting(frame: pd.DataFrame, fast: int, slow: int) -> dict[str, Any]:
    """backtesting.py: a Strategy with self.I on pandas-ewm EMAs, trade_on_close fills, no commission."""
    import backtesting
    from backtesting import Backtest, Strategy

    class EmaCross(Strategy):
        fast = 50
        slow = 200

        def init(self) -> None:
            self.fast_ema = self.I(_ema, self.data.Close, self.fast)
            self.slow_ema = self.I(_ema, self.data.Close, self.slow)

        def next(self) -> None:
            if self.fast_ema[-1] > self.slow_ema[-1]:
                if not self.position:
                    self.buy()
            elif self.position:
                self.position.close()

    backtest = Backtest(frame, EmaCross, cash=CASH, commission=0, trade_on_close=True, finalize_trades=True)
    started = time.perf_counter()
    stats = backtest.run(fast=fast, slow=slow)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "entries": int(stats["# Trades"]), "final_equity": float(stats["Equity Final [$]"]),
            "library_version": backtesting.__version__}


PEERS: dict[str, Callable[[pd.DataFrame, int, int], dict[str, Any]]] = {
    "backtrader": run_backtrader,
    "backtesting": run_backtesting,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("peer", choices=sorted(PEERS))
    parser.add_argument("--data-folder", type=Path, required=True)
    parser.add_argument("--cache-folder", type=Path, required=True)
    parser.add_argument("--start", type=date.fromisoformat, required=True)
    parser.add_argument("--end", type=date.fromisoformat, required=True)
    parser.add_argument("--fast", type=int, default=50)
    parser.add_argument("--slow", type=int, default=200)
    args = parser.parse_args(argv)
    frame = load_frame(args.data_folder, args.cache_folder, args.start, args.end)
    result = PEERS[args.peer](frame, args.fast, args.slow)
    result["bars"] = len(frame)
    print(RESULT_PREFIX + json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
