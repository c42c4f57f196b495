"""Charts: LEAN's JSON shape, SmartRounding, the sampling rules and candle resampling."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lean_runner.engine.results.charts import (
    BENCHMARK,
    CAPACITY,
    DRAWDOWN,
    EQUITY,
    EXPOSURE,
    PORTFOLIO_TURNOVER,
    RETURN,
    STRATEGY_EQUITY,
    CandlestickSeries,
    Chart,
    ScatterMarkerSymbol,
    Series,
    SeriesType,
    default_charts,
    resample_candles,
    summary_candle_days,
)

DAY = 86400


def test_series_type_ints_match_lean():
    assert {t.name: int(t) for t in SeriesType} == {
        "LINE": 0,
        "SCATTER": 1,
        "CANDLE": 2,
        "BAR": 3,
        "FLAG": 4,
        "STACKED_AREA": 5,
        "PIE": 6,
        "TREEMAP": 7,
        "HEATMAP": 9,
        "SCATTER_3D": 10,
    }


def test_line_series_json_has_lean_keys_in_order():
    series = Series("Benchmark", SeriesType.LINE, 0, "$", "#FF0000", ScatterMarkerSymbol.CIRCLE)
    series.add_point(1381118400, 144.5)
    data = series.to_json()
    assert list(data) == ["name", "unit", "index", "seriesType", "values", "color", "scatterMarkerSymbol"]
    assert data == {
        "name": "Benchmark",
        "unit": "$",
        "index": 0,
        "seriesType": 0,
        "values": [[1381118400, 144.5]],
        "color": "#FF0000",
        "scatterMarkerSymbol": "circle",
    }


def test_candle_series_json_omits_color_and_marker():
    series = CandlestickSeries("Equity", 0, "$")
    series.add_candle(1381118400, 100000, 100010.5, 99990.25, 100005)
    data = series.to_json()
    assert list(data) == ["name", "unit", "index", "seriesType", "values"]
    assert data["seriesType"] == 2
    assert data["values"] == [[1381118400, 100000, 100010.5, 99990.25, 100005]]


def test_optional_series_keys_only_when_set_and_after_series_type():
    plain = Series("A").to_json()
    assert not {"zIndex", "indexName", "tooltip"} & set(plain)
    styled = Series("A", z_index=2, index_name="Price", tooltip="{x}").to_json()
    assert list(styled)[:7] == ["name", "unit", "index", "seriesType", "zIndex", "indexName", "tooltip"]
    assert (styled["zIndex"], styled["indexName"], styled["tooltip"]) == (2, "Price", "{x}")


def test_times_are_ints_for_whole_seconds_and_values_ints_when_whole():
    series = Series("S")
    series.add_point(1381118400.0, 2.0)
    series.add_point(1381118400.5, 2.5)
    text = json.dumps(series.to_json()["values"])
    assert text == "[[1381118400, 2], [1381118400.5, 2.5]]"
    assert isinstance(series.to_json()["values"][0][0], int)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (1234.567891, 1234.5679),  # above 1000: 4 decimals
        (100000.123456, 100000.1235),
        (0.123456789, 0.1234568),  # otherwise 7 significant digits
        (-0.000123456789, -0.0001234568),
        (12.3456789, 12.34568),
        (0.0, 0.0),
    ],
)
def test_values_are_smart_rounded_when_added(raw, expected):
    series = Series("S")
    series.add_point(0, raw)
    assert series.values == [(0.0, expected)]
    candles = CandlestickSeries("C")
    candles.add_point(0, raw)
    assert candles.candles == [(0.0, expected, expected, expected, expected)]


def test_add_point_keeps_only_later_times():
    series = Series("S")
    assert series.add_point(100, 1.0) is True
    assert series.add_point(100, 2.0) is False  # same time: dropped
    assert series.add_point(50, 3.0) is False  # earlier: dropped
    assert series.add_point(160, 4.0) is True
    assert series.values == [(100.0, 1.0), (160.0, 4.0)]


def test_overwrite_same_time_replaces_last_point_like_portfolio_turnover():
    series = Series(PORTFOLIO_TURNOVER, unit="%")
    series.add_point(100, 1.0, overwrite_same_time=True)
    assert series.add_point(100, 2.0, overwrite_same_time=True) is True
    assert series.add_point(90, 3.0, overwrite_same_time=True) is False
    assert series.values == [(100.0, 2.0)]


def test_candle_series_follows_the_same_rule():
    candles = CandlestickSeries("Equity")
    assert candles.add_point(100, 10.0)
    assert not candles.add_point(100, 11.0)
    assert candles.add_candle(100, 1, 2, 0.5, 1.5, overwrite_same_time=True)
    assert candles.candles == [(100.0, 1.0, 2.0, 0.5, 1.5)]
    assert candles.closes == [1.5]
    assert candles.values == [(100.0, 1.5)]


def test_plot_point_overwrites_same_time_and_appends_otherwise():
    series = Series("User", SeriesType.SCATTER)
    series.plot_point(100, 1.0)
    series.plot_point(100, 2.0)
    series.plot_point(50, 3.0)  # user plots may go back in time, as in LEAN
    assert series.values == [(100.0, 2.0), (50.0, 3.0)]


def test_none_is_a_gap_and_nan_is_rejected():
    series = Series("S")
    series.add_point(1, None)
    assert series.to_json()["values"] == [[1, None]]
    with pytest.raises(ValueError, match="finite"):
        series.add_point(2, math.nan)
    with pytest.raises(ValueError, match="finite"):
        CandlestickSeries("C").add_candle(2, 1, math.inf, 1, 1)
    times, values = series.values_as_arrays()
    assert times.tolist() == [1.0] and np.isnan(values[0])


def test_values_as_arrays_reads_candle_closes():
    candles = CandlestickSeries("Equity")
    for i in range(3):
        candles.add_candle(i * DAY, 1, 3, 0.5, 2 + i)
    times, closes = candles.values_as_arrays()
    assert times.dtype == np.float64 and closes.tolist() == [2.0, 3.0, 4.0]
    assert times.tolist() == [0.0, DAY, 2 * DAY]


def test_series_refuses_candle_type():
    with pytest.raises(ValueError, match="CandlestickSeries"):
        Series("Equity", SeriesType.CANDLE)


def test_chart_json_shape_and_optional_keys():
    chart = Chart("Price")
    chart.add_series(Series("SPY", SeriesType.LINE, 0, "$"))
    assert chart.to_json() == {
        "name": "Price",
        "chartType": 0,
        "series": {"SPY": Series("SPY").to_json()},
    }
    marked = Chart("Price", symbol={"value": "SPY"}, legend_disabled=True).to_json()
    assert marked["symbol"] == {"value": "SPY"} and marked["legendDisabled"] is True


def test_chart_series_names_are_kept_verbatim():
    chart = Chart("My Chart")
    chart.get_or_add_series("Fast EMA (10)")
    assert list(chart.to_json()["series"]) == ["Fast EMA (10)"]


def test_add_series_rejects_duplicates_and_get_or_add_reuses():
    chart = Chart("C")
    first = chart.get_or_add_series("S", SeriesType.BAR, 1, "%")
    assert chart.get_or_add_series("S") is first
    assert isinstance(chart.get_or_add_series("K", SeriesType.CANDLE), CandlestickSeries)
    with pytest.raises(ValueError, match="already has a series"):
        chart.add_series(Series("S"))


def test_default_charts_match_lean_names_types_and_units():
    charts = default_charts()
    assert list(charts) == [STRATEGY_EQUITY, BENCHMARK, DRAWDOWN, PORTFOLIO_TURNOVER, EXPOSURE, CAPACITY]
    layout = {
        (chart.name, s.name): (s.series_type, s.unit, s.index)
        for chart in charts.values()
        for s in chart.series.values()
    }
    assert layout == {
        (STRATEGY_EQUITY, EQUITY): (SeriesType.CANDLE, "$", 0),
        (STRATEGY_EQUITY, RETURN): (SeriesType.BAR, "%", 1),
        (BENCHMARK, BENCHMARK): (SeriesType.LINE, "$", 0),
        (DRAWDOWN, "Equity Drawdown"): (SeriesType.LINE, "%", 0),
        (PORTFOLIO_TURNOVER, PORTFOLIO_TURNOVER): (SeriesType.LINE, "%", 0),
        (EXPOSURE, "Equity - Long Ratio"): (SeriesType.LINE, "", 0),
        (EXPOSURE, "Equity - Short Ratio"): (SeriesType.LINE, "", 0),
        (CAPACITY, "Strategy Capacity"): (SeriesType.LINE, "$", 0),
    }
    assert isinstance(charts[STRATEGY_EQUITY].series[EQUITY], CandlestickSeries)


def test_chart_from_json_round_trips_every_point():
    charts = default_charts()
    equity = charts[STRATEGY_EQUITY].series[EQUITY]
    equity.add_point(0, 100000.0)
    equity.add_point(60, 100012.3456)
    charts[STRATEGY_EQUITY].series[RETURN].add_point(0, None)
    user = Chart("User")
    scatter = Series("Buys", SeriesType.SCATTER, 0, "$", "#00FF00", "triangle")
    scatter.plot_point(10, 1.5)
    scatter.plot_point(5, 1.25)
    user.add_series(scatter)
    for chart in [*charts.values(), user]:
        data = json.loads(json.dumps(chart.to_json()))
        assert Chart.from_json(data).to_json() == data


def test_chart_from_json_reads_older_point_objects():
    data = {"name": "Old", "series": {"S": {"name": "S", "values": [{"x": 5, "y": 1.5}], "seriesType": 0}}}
    assert Chart.from_json(data).series["S"].values == [(5.0, 1.5)]


@pytest.mark.parametrize(("count", "days"), [(0, None), (100, None), (101, 1.01), (150, 1.5), (5000, 7.0)])
def test_summary_candle_days(count, days):
    assert summary_candle_days(count) == days


def test_resample_candles_merges_buckets_and_keeps_the_last_candle():
    series = CandlestickSeries("Equity", 0, "$")
    closes = [100, 101, 99, 102, 103, 98, 104]
    for day, close in enumerate(closes):
        series.add_candle(day * DAY, close - 0.5, close + 1, close - 1, close)
    out = resample_candles(series, 2.5)
    assert out.name == "Equity" and out.unit == "$" and out.series_type is SeriesType.CANDLE
    # first candle kept; (0, 2.5d] -> days 1,2; (2.5d, 5d] -> days 3,4,5; last bucket day 6 at its own time
    assert out.candles == [
        (0.0, 99.5, 101.0, 99.0, 100.0),
        (float(int(2.5 * DAY)), 100.5, 102.0, 98.0, 99.0),
        (5.0 * DAY, 101.5, 104.0, 97.0, 98.0),
        (6.0 * DAY, 103.5, 105.0, 103.0, 104.0),
    ]
    assert resample_candles(CandlestickSeries("E"), 2).candles == []
    with pytest.raises(ValueError, match="positive"):
        resample_candles(series, 0)


@given(
    steps=st.lists(st.integers(min_value=1, max_value=3 * DAY), min_size=1, max_size=200),
    closes=st.lists(st.floats(min_value=1, max_value=1e6), min_size=200, max_size=200),
    days=st.floats(min_value=1.01, max_value=7),
)
def test_resample_candles_preserves_extremes_and_the_final_close(steps, closes, days):
    series = CandlestickSeries("Equity")
    t = 1_000_000.0
    series.add_point(t, closes[0])
    for step, close in zip(steps, closes[1:], strict=False):
        t += step
        series.add_point(t, close)
    out = resample_candles(series, days)
    original = series.candles
    assert out.candles[0] == original[0]
    assert out.candles[-1][0] == original[-1][0] and out.closes[-1] == original[-1][4]
    assert max(c[2] for c in out.candles) == max(c[2] for c in original)
    assert min(c[3] for c in out.candles) == min(c[3] for c in original)
    times = [c[0] for c in out.candles]
    assert times == sorted(set(times))
    assert len(out) <= len(series)


def test_last_value_is_the_latest_kept_point():
    series = Series("Drawdown", SeriesType.LINE)
    assert series.last_value is None
    series.add_point(10.0, -1.5)
    series.add_point(20.0, -2.25)
    series.add_point(5.0, -9.0)  # earlier than the last point: dropped
    assert series.last_value == series.values[-1][1] == -2.25
