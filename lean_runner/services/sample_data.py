"""A synthetic market-data sample for a fresh machine, covering what the project's strategies read.

A clean clone has no market data. :func:`sample_requirements` reads the project's strategies —
the ``.py`` algorithms (with :mod:`ast`, never run) and the DSL specs in ``strategies/*.json``
with the named universes of ``universes/*.json`` — for the symbols, dates and resolutions they
use. :func:`generate_sample_data` writes synthetic LEAN data covering them with
:func:`~lean_runner.engine.data.synthetic.generate_synthetic_data`, plus the market-hours and
symbol-properties files the engine needs, so the folder alone runs the strategies. It carries
the generator's ``SYNTHETIC.json`` marker (:func:`is_synthetic`): whatever is shown from it
must say the data is not real.

Layout: each symbol has one price path over the dates it is needed, at hour resolution when a
strategy reads it intraday or it is a benchmark (the engine follows the benchmark hourly),
else daily. Minute and second data is written only for the days a strategy reads it: the
window starts at the path's price, its own hour and daily bars replace the path's on those
days (so every resolution tells the same story), and the later bars are rescaled to carry on
from the window's last close.
"""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import tempfile
import zipfile
import zlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from lean_runner.dsl.config import DEFAULT_END, DEFAULT_START
from lean_runner.dsl.universes import UniverseError, UniverseLibrary
from lean_runner.engine.data.interest_rate import INTEREST_RATE_RELATIVE_PATH
from lean_runner.engine.data.lean_writer import write_zip
from lean_runner.engine.data.market_hours import MARKET_HOURS_RELATIVE_PATH
from lean_runner.engine.data.paths import INTRADAY_RESOLUTIONS, RESOLUTIONS, entry_name, relative_zip_path
from lean_runner.engine.data.symbol_properties import SYMBOL_PROPERTIES_RELATIVE_PATH
from lean_runner.engine.data.synthetic import GENERATOR_NAME, MARKER_FILE, generate_synthetic_data
from lean_runner.engine.data.us_calendar import us_equity_early_closes, us_equity_holidays
from lean_runner.runners.errors import BacktestRunError

__all__ = ["DataWindow", "SampleDataError", "SampleDataReport", "SampleRequirements", "generate_sample_data",
           "has_market_data", "is_synthetic", "sample_requirements"]

FINEST_FIRST = ("second", "minute", "hour", "daily")
DEFAULT_BENCHMARK = "SPY"  # LEAN's and the engine's benchmark unless set_benchmark says otherwise
BENCHMARK_RESOLUTION = "hour"  # the engine feeds the benchmark hourly
ADD_EQUITY_DEFAULT_RESOLUTION = "minute"  # LEAN's add_equity without a resolution
_GENERATOR_START_PRICE = 100.0  # generate_synthetic_data's default: a path's first open
_BUILT_IN_CALENDAR_YEARS = (1998, 2050)  # the span of ExchangeHours.us_equity_default
_SCRATCH_PREFIX = ".sample-data-"


class SampleDataError(BacktestRunError):
    """The sample cannot be written: the folder already holds market data, or no strategy names a symbol."""

    code = "conflict"
    http_status = 409


@dataclass(frozen=True)
class DataWindow:
    """``symbols`` at ``resolution`` (``daily``, ``hour``, ``minute`` or ``second``) from ``start`` to ``end``."""

    resolution: str
    symbols: tuple[str, ...]
    start: date
    end: date


@dataclass(frozen=True)
class SampleRequirements:
    """What a project's strategies read, as windows (finest first); ``notes`` says what was skipped or assumed."""

    windows: tuple[DataWindow, ...]
    notes: tuple[str, ...] = ()

    @property
    def symbols(self) -> tuple[str, ...]:
        return tuple(sorted({symbol for window in self.windows for symbol in window.symbols}))

    @property
    def start(self) -> date | None:
        return min((window.start for window in self.windows), default=None)

    @property
    def end(self) -> date | None:
        return max((window.end for window in self.windows), default=None)

    @property
    def finest_resolution(self) -> str | None:
        return next((r for r in FINEST_FIRST if any(w.resolution == r for w in self.windows)), None)


@dataclass(frozen=True)
class SampleDataReport:
    """What :func:`generate_sample_data` wrote: always synthetic data, never market data."""

    folder: Path
    symbols: tuple[str, ...]
    start: date
    end: date
    resolution: str
    """The finest resolution written."""
    windows: tuple[DataWindow, ...]
    files: int
    """How many files were written."""
    seed: int
    notes: tuple[str, ...] = ()
    synthetic: bool = True

    def describe(self) -> str:
        """One line for a log, e.g. ``synthetic sample (not market data): SPY, 2013-10-07 to ...``."""
        return (f"synthetic sample (not market data): {', '.join(self.symbols)}, {self.start} to {self.end}, "
                f"down to {self.resolution} bars, {self.files} files in {self.folder}")


def has_market_data(data_folder: Path) -> bool:
    """Whether ``data_folder`` holds any US equity price file (``equity/usa/<resolution>/...``)."""
    base = Path(data_folder) / "equity" / "usa"
    return any(_holds_a_file(base / resolution) for resolution in (*RESOLUTIONS, "tick"))


def _holds_a_file(folder: Path) -> bool:
    return folder.is_dir() and any(path.is_file() for path in folder.rglob("*"))


def is_synthetic(data_folder: Path) -> bool:
    """Whether ``data_folder`` carries the synthetic generator's ``SYNTHETIC.json`` marker."""
    return (Path(data_folder) / MARKER_FILE).is_file()


# -- requirements ---------------------------------------------------------------------------------------------

def sample_requirements(project: Path) -> SampleRequirements:
    """The symbols, dates and resolutions the project's strategies read.

    ``.py`` files: ``add_equity`` / ``add_security(SecurityType.EQUITY, ...)`` tickers at their
    resolution (LEAN's minute when none is given), over ``set_start_date`` .. ``set_end_date``,
    plus the benchmark (SPY unless ``set_benchmark`` names another) at hour resolution — as far
    as the source tells before running: literals, ``get_parameter`` defaults and the usual ways
    of reading them (see :class:`_StaticValues`). DSL specs: the
    universe's symbols (a named one from ``universes/<name>.json``) at the spec's resolution
    over the DSL's default backtest dates, with SPY as the benchmark. A file that cannot be read
    is skipped with a note; so is tick data, which the engine does not read.

        sample_requirements(Path("test-project")).symbols   # ('AAPL', ..., 'SPY', ...)
    """
    project = Path(project)
    notes: list[str] = []
    needs: list[DataWindow] = []
    for path in sorted(project.glob("*.py")):
        try:
            needs += _algorithm_needs(path, notes)
        except (OSError, UnicodeDecodeError, SyntaxError, ValueError) as error:
            notes.append(f"{path.name}: not read ({type(error).__name__}: {error})")
    universes = UniverseLibrary(project / "universes")
    for path in sorted((project / "strategies").glob("*.json")):
        try:
            needs += _spec_needs(path, universes)
        except (OSError, UnicodeDecodeError, ValueError, UniverseError) as error:
            notes.append(f"strategies/{path.name}: not read ({error})")
    return SampleRequirements(_merged(needs), tuple(notes))


def _algorithm_needs(path: Path, notes: list[str]) -> list[DataWindow]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    values = _StaticValues(tree)
    calls = sorted((node for node in ast.walk(tree) if isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)), key=lambda node: (node.lineno, node.col_offset))
    start: date | None = None
    end: date | None = None
    benchmark = DEFAULT_BENCHMARK
    subscriptions: list[tuple[str, str]] = []
    for call in calls:
        assert isinstance(call.func, ast.Attribute)
        method = _snake_case(call.func.attr)
        if method in ("set_start_date", "set_end_date"):
            day = values.date_of(call)
            if day is None:
                notes.append(f"{path.name}: the date of {method} at line {call.lineno} is not known before running")
            elif method == "set_start_date":
                start = day
            else:
                end = day
        elif method == "add_equity":
            subscriptions += _subscriptions(path, call, 0, 1, values, notes)
        elif method == "add_security" and call.args and _is_equity_type(call.args[0]):
            subscriptions += _subscriptions(path, call, 1, 2, values, notes)
        elif method == "set_benchmark":
            benchmark = next(iter(values.tickers(_argument(call, 0, "benchmark"))), benchmark)
    if not subscriptions:
        return []
    if start is None or end is None:
        notes.append(f"{path.name}: no known start or end date; assumed the DSL's {DEFAULT_START} to {DEFAULT_END}")
    start = start or date.fromisoformat(DEFAULT_START)
    end = end or date.fromisoformat(DEFAULT_END)
    if end < start:
        notes.append(f"{path.name}: ends ({end}) before it starts ({start}); skipped")
        return []
    windows = [DataWindow(resolution, (ticker,), start, end) for ticker, resolution in subscriptions]
    return [*windows, DataWindow(BENCHMARK_RESOLUTION, (benchmark,), start, end)]


def _subscriptions(path: Path, call: ast.Call, ticker_at: int, resolution_at: int, values: _StaticValues,
                   notes: list[str]) -> list[tuple[str, str]]:
    tickers = values.tickers(_argument(call, ticker_at, "ticker") or _argument(call, ticker_at, "symbol"))
    if not tickers:
        notes.append(f"{path.name}: the ticker at line {call.lineno} is not known before running; not covered")
        return []
    resolution_node = _argument(call, resolution_at, "resolution")
    resolution = ADD_EQUITY_DEFAULT_RESOLUTION if resolution_node is None else values.resolution(resolution_node)
    if resolution == "tick":
        notes.append(f"{path.name}: tick data at line {call.lineno} is not generated (the engine reads bars)")
        return []
    if resolution is None:
        notes.append(f"{path.name}: the resolution at line {call.lineno} is not known before running; "
                     f"assumed minute")
        resolution = "minute"
    return [(ticker, resolution) for ticker in tickers]


def _snake_case(name: str) -> str:
    """``AddEquity`` → ``add_equity``: LEAN's Python API has both spellings."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


def _argument(call: ast.Call, position: int, keyword: str) -> ast.expr | None:
    if len(call.args) > position:
        return call.args[position]
    return next((k.value for k in call.keywords if k.arg == keyword), None)


def _is_equity_type(node: ast.expr) -> bool:
    return isinstance(node, ast.Attribute) and node.attr.lower() == "equity"


class _StaticValues:
    """What an algorithm's expressions are before it runs, as far as the source alone says.

    Enough for the way strategies read their window: constants, ``get_parameter(name,
    default)`` (its default), ``date(2013, 10, 7)``, ``date.fromisoformat(...)``, ``str``
    methods such as ``.split(",")`` and ``.upper()``, ``[0]``, ``getattr(Resolution, ...)``,
    ``Resolution.MINUTE``, names assigned once, and loop or comprehension variables over a
    known list. Anything else is None (unknown). Scopes are not told apart: a name takes the
    value of its last assignment in the file.
    """

    _MAX_DEPTH = 20  # names that refer to each other end here

    def __init__(self, tree: ast.AST) -> None:
        self._assigned: dict[str, ast.expr] = {}
        self._iterated: dict[str, ast.expr] = {}
        nodes = sorted((n for n in ast.walk(tree) if isinstance(n, ast.Assign | ast.For | ast.comprehension)),
                       key=lambda n: n.target.lineno if isinstance(n, ast.comprehension) else n.lineno)
        for node in nodes:
            if isinstance(node, ast.Assign):
                if len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                    self._assigned[node.targets[0].id] = node.value
            elif isinstance(node.target, ast.Name):
                self._iterated[node.target.id] = node.iter

    def tickers(self, node: ast.expr | None) -> list[str]:
        """Upper-case tickers of an ``add_equity`` argument: one, or each of a loop's."""
        if isinstance(node, ast.Name) and node.id in self._iterated:
            found = self.value(self._iterated[node.id])
        else:
            found = self.value(node)
        items = found if isinstance(found, list) else [found]
        return [item.strip().upper() for item in items if isinstance(item, str) and item.strip()]

    def resolution(self, node: ast.expr) -> str | None:
        found = self.value(node)
        if isinstance(found, str) and found.lower() in (*RESOLUTIONS, "tick"):
            return found.lower()
        return None

    def date_of(self, call: ast.Call) -> date | None:
        """The date of ``set_start_date(2013, 10, 7)`` or ``set_start_date(<an expression giving a date>)``."""
        if len(call.args) == 3:
            return _date_from([self.value(argument) for argument in call.args])
        found = self.value(call.args[0]) if len(call.args) == 1 else None
        if isinstance(found, datetime):
            return found.date()
        return found if isinstance(found, date) else None

    def value(self, node: ast.expr | None, depth: int = 0) -> object:
        if node is None or depth > self._MAX_DEPTH:
            return None
        deeper = depth + 1
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.Name):
            bound = self._assigned.get(node.id)
            return None if bound is None or node.id in self._iterated else self.value(bound, deeper)
        if isinstance(node, ast.List | ast.Tuple):
            items = [self.value(item, deeper) for item in node.elts]
            return None if any(item is None for item in items) else items
        if isinstance(node, ast.Subscript):
            container, index = self.value(node.value, deeper), self.value(node.slice, deeper)
            if isinstance(container, list) and isinstance(index, int) and -len(container) <= index < len(container):
                return container[index]
            return None
        if isinstance(node, ast.Attribute):
            # Resolution.MINUTE: the member's name is its value here.
            owner = node.value
            return node.attr if isinstance(owner, ast.Name) and owner.id == "Resolution" else None
        if isinstance(node, ast.Call):
            return self._call_value(node, deeper)
        return None

    def _call_value(self, call: ast.Call, depth: int) -> object:
        function = call.func
        arguments = [self.value(argument, depth) for argument in call.args]
        if isinstance(function, ast.Name):
            if function.id == "getattr" and len(call.args) == 2:
                return self.value(call.args[1], depth)  # getattr(Resolution, "MINUTE")
            if function.id in ("date", "datetime"):
                return _date_from(arguments)
            return None
        if not isinstance(function, ast.Attribute):
            return None
        method = _snake_case(function.attr)
        if method == "get_parameter":
            default = call.args[1] if len(call.args) > 1 else _argument(call, 99, "default_value")
            return self.value(default, depth)
        if method in ("date", "datetime") and isinstance(function.value, ast.Name):
            return _date_from(arguments)  # datetime.date(...), datetime.datetime(...)
        if method == "fromisoformat" and arguments and isinstance(arguments[0], str):
            try:
                return date.fromisoformat(arguments[0][:10])
            except ValueError:
                return None
        receiver = self.value(function.value, depth)
        if isinstance(receiver, str) and method in ("upper", "lower", "strip") and not arguments:
            return str(getattr(receiver, method)())
        if isinstance(receiver, str) and method == "split" and len(arguments) <= 1:
            separator = arguments[0] if arguments else None
            return receiver.split(separator) if separator is None or isinstance(separator, str) else None
        return None


def _date_from(parts: object) -> date | None:
    """``date(year, month, day)`` of three known integers; None otherwise."""
    if not isinstance(parts, list) or len(parts) < 3:
        return None
    numbers = [part for part in parts[:3] if isinstance(part, int) and not isinstance(part, bool)]
    if len(numbers) != 3:
        return None
    try:
        return date(numbers[0], numbers[1], numbers[2])
    except ValueError:
        return None


def _spec_needs(path: Path, universes: UniverseLibrary) -> list[DataWindow]:
    spec = json.loads(path.read_text(encoding="utf-8"))
    universe = spec.get("universe") if isinstance(spec, dict) else None
    if not isinstance(universe, dict):
        raise ValueError("no 'universe' object")
    if isinstance(universe.get("symbols"), list):
        symbols = tuple(s.upper() for s in universe["symbols"] if isinstance(s, str) and s.strip())
    elif isinstance(universe.get("name"), str):
        symbols = universes.load(universe["name"]).symbols
    else:
        raise ValueError("the universe has neither 'symbols' nor 'name'")
    resolution = str(spec.get("resolution", "daily")).lower()
    if resolution not in RESOLUTIONS:
        raise ValueError(f"unknown resolution {resolution!r}")
    start, end = date.fromisoformat(DEFAULT_START), date.fromisoformat(DEFAULT_END)
    return [DataWindow(resolution, symbols, start, end),
            DataWindow(BENCHMARK_RESOLUTION, (DEFAULT_BENCHMARK,), start, end)]


def _merged(needs: Iterable[DataWindow]) -> tuple[DataWindow, ...]:
    """Per resolution and symbol, overlapping or touching date ranges joined; symbols sharing a range grouped."""
    ranges: dict[tuple[str, str], list[tuple[date, date]]] = defaultdict(list)
    for need in needs:
        for symbol in need.symbols:
            ranges[(need.resolution, symbol)].append((need.start, need.end))
    grouped: dict[tuple[str, date, date], list[str]] = defaultdict(list)
    for (resolution, symbol), spans in ranges.items():
        for start, end in _joined(spans):
            grouped[(resolution, start, end)].append(symbol)
    windows = [DataWindow(resolution, tuple(sorted(symbols)), start, end)
               for (resolution, start, end), symbols in grouped.items()]
    return tuple(sorted(windows, key=lambda w: (FINEST_FIRST.index(w.resolution), w.start, w.end, w.symbols)))


def _joined(spans: list[tuple[date, date]]) -> list[tuple[date, date]]:
    joined: list[tuple[date, date]] = []
    for start, end in sorted(spans):
        if joined and start <= joined[-1][1] + timedelta(days=1):
            joined[-1] = (joined[-1][0], max(end, joined[-1][1]))
        else:
            joined.append((start, end))
    return joined


# -- generation -----------------------------------------------------------------------------------------------

def generate_sample_data(project: Path, data_folder: Path, *, seed: int = 7) -> SampleDataReport:
    """Write a synthetic sample covering :func:`sample_requirements` of ``project`` into ``data_folder``.

    Raises SampleDataError when the folder already holds market data (it never mixes synthetic
    bars into real ones) or when no strategy names a symbol. Everything is built in a scratch
    folder inside ``data_folder`` first and moved in at the end, marker first, so an
    interrupted run never leaves unmarked data. The same project and seed give the same bars.

        report = generate_sample_data(Path("test-project"), Path("data"))
        log.warning("generated a %s", report.describe())
    """
    data_folder = Path(data_folder)
    if has_market_data(data_folder):
        raise SampleDataError(f"{data_folder} already holds market data; the sample is only written into a folder "
                              f"without any (choose an empty data folder to generate one)")
    requirements = sample_requirements(project)
    if not requirements.windows:
        raise SampleDataError(f"no strategy in {project} names a US equity to generate data for "
                              f"({'; '.join(requirements.notes) or 'no .py algorithm or strategies/*.json spec'})")
    data_folder.mkdir(parents=True, exist_ok=True)
    for leftover in data_folder.glob(f"{_SCRATCH_PREFIX}*"):  # of a generation that was killed
        shutil.rmtree(leftover, ignore_errors=True)
    notes = list(requirements.notes)
    with tempfile.TemporaryDirectory(prefix=_SCRATCH_PREFIX, dir=data_folder) as scratch_name:
        scratch = Path(scratch_name)
        staging, reference = scratch / "data", scratch / "reference"
        _write_reference_files(reference, data_folder)
        for (level, start, end), symbols in _price_paths(requirements).items():
            generate_synthetic_data(staging, symbols, start, end, level, seed, template_data_folder=reference)
        for index, window in enumerate(w for w in requirements.windows if w.resolution in INTRADAY_RESOLUTIONS):
            for symbol in window.symbols:
                try:
                    _add_intraday_window(staging, scratch / f"window-{index}-{symbol}", symbol, window,
                                         _window_seed(seed, window), reference)
                except ValueError as error:  # e.g. a window without a trading day
                    notes.append(f"{window.resolution} {symbol} {window.start} to {window.end}: {error}")
        _write_marker(staging, requirements, seed, Path(project).name)
        files = _move_into(staging, data_folder)
    first_day, last_day, finest = requirements.start, requirements.end, requirements.finest_resolution
    assert first_day is not None and last_day is not None and finest is not None  # there are windows
    return SampleDataReport(folder=data_folder.resolve(), symbols=requirements.symbols, start=first_day, end=last_day,
                            resolution=finest, windows=requirements.windows, files=files, seed=seed,
                            notes=tuple(notes))


def _price_paths(requirements: SampleRequirements) -> dict[tuple[str, date, date], list[str]]:
    """``(hour | daily, start, end) → symbols``: one path per symbol over every date it is needed."""
    spans: dict[str, tuple[date, date]] = {}
    intraday: set[str] = set()
    for window in requirements.windows:
        for symbol in window.symbols:
            start, end = spans.get(symbol, (window.start, window.end))
            spans[symbol] = (min(start, window.start), max(end, window.end))
            if window.resolution != "daily":
                intraday.add(symbol)
    paths: dict[tuple[str, date, date], list[str]] = defaultdict(list)
    for symbol, (start, end) in sorted(spans.items()):
        paths[("hour" if symbol in intraday else "daily", start, end)].append(symbol)
    return dict(paths)


def _window_seed(seed: int, window: DataWindow) -> int:
    """A seed of its own per window, so two windows of one symbol do not repeat the same moves."""
    return zlib.crc32(f"{seed}:{window.resolution}:{window.start}:{window.end}".encode())


def _add_intraday_window(staging: Path, scratch: Path, symbol: str, window: DataWindow, seed: int,
                         reference: Path) -> None:
    """Minute (or second) bars of ``symbol`` for ``window``, joined onto its hour and daily path in ``staging``.

    A minute window overlapping a second window of the same symbol gives the hour and daily
    bars of the shared days to the later one; no project in sight has both.
    """
    daily_zip = staging / relative_zip_path("equity", "usa", "daily", symbol)
    start_price = _close_before(daily_zip, symbol, window.start)
    generate_synthetic_data(scratch, [symbol], window.start, window.end, window.resolution, seed,
                            start_price=start_price, template_data_folder=reference)
    source = scratch / "equity" / "usa" / window.resolution / symbol.lower()
    target = staging / "equity" / "usa" / window.resolution / symbol.lower()
    target.mkdir(parents=True, exist_ok=True)
    for path in source.iterdir():
        os.replace(path, target / path.name)
    for coarser in ("hour", "daily"):
        relative = relative_zip_path("equity", "usa", coarser, symbol)
        _splice(staging / relative, scratch / relative, entry_name(coarser, symbol))


def _rows(zip_path: Path) -> list[str]:
    """The ``yyyyMMdd HH:mm,open,high,low,close,volume`` lines of a daily or hour zip."""
    with zipfile.ZipFile(zip_path) as archive:
        return archive.read(archive.namelist()[0]).decode("ascii").splitlines()


def _close_before(daily_zip: Path, symbol: str, day: date) -> float:
    """The path's last daily close before ``day`` (prices are stored x10000); its first open when none."""
    stamp = f"{day:%Y%m%d}"
    earlier = [row for row in _rows(daily_zip) if row[:8] < stamp]
    return int(earlier[-1].split(",")[4]) / 10_000 if earlier else _GENERATOR_START_PRICE


def _splice(path_zip: Path, window_zip: Path, entry: str) -> None:
    """The window's bars replace the path's on its days; later bars are scaled to continue from its last close."""
    window_rows, path_rows = _rows(window_zip), _rows(path_zip)
    first, last = window_rows[0][:8], window_rows[-1][:8]
    replaced = [row for row in path_rows if first <= row[:8] <= last]
    later = [row for row in path_rows if row[:8] > last]
    if replaced and later:
        ratio = int(window_rows[-1].split(",")[4]) / int(replaced[-1].split(",")[4])
        later = [_scaled(row, ratio) for row in later]
    rows = [row for row in path_rows if row[:8] < first] + window_rows + later
    write_zip(path_zip, entry, "".join(row + "\n" for row in rows).encode("ascii"))


def _scaled(row: str, ratio: float) -> str:
    stamp, *prices, volume = row.split(",")
    return ",".join([stamp, *(str(max(1, round(int(price) * ratio))) for price in prices), volume])


def _write_reference_files(reference: Path, data_folder: Path) -> None:
    """The market hours, symbol properties and interest rate the generator and engine read.

    The data folder's own files when it has them; otherwise a US-equity market-hours database
    from the built-in NYSE rules (the generator's own fallback calendar, so bars and engine
    agree) and the symbol-properties row LEAN uses for every US equity.
    """
    built_in = {MARKET_HOURS_RELATIVE_PATH: _us_equity_market_hours_json(),
                SYMBOL_PROPERTIES_RELATIVE_PATH: _US_EQUITY_SYMBOL_PROPERTIES,
                INTEREST_RATE_RELATIVE_PATH: None}  # the generator writes a flat 1% when there is none
    for relative, text in built_in.items():
        target = reference / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if (data_folder / relative).is_file():
            shutil.copyfile(data_folder / relative, target)
        elif text is not None:
            target.write_text(text, encoding="utf-8", newline="\n")


_US_EQUITY_SYMBOL_PROPERTIES = (
    "market,symbol,type,description,quote_currency,contract_multiplier,minimum_price_variation,lot_size,"
    "market_ticker,minimum_order_size,price_magnifier,strike_multiplier\n"
    "usa,[*],equity,,USD,1,0.01,1\n")


def _us_equity_market_hours_json() -> str:
    """LEAN's ``Equity-usa-[*]`` entry (04:00 / 09:30 / 16:00 / 20:00 New York) with the built-in holidays."""
    sessions = [{"start": "04:00:00", "end": "09:30:00", "state": "premarket"},
                {"start": "09:30:00", "end": "16:00:00", "state": "market"},
                {"start": "16:00:00", "end": "20:00:00", "state": "postmarket"}]
    years = range(_BUILT_IN_CALENDAR_YEARS[0], _BUILT_IN_CALENDAR_YEARS[1] + 1)
    holidays = sorted(day for year in years for day in us_equity_holidays(year))
    early_closes = sorted((day, at) for year in years for day, at in us_equity_early_closes(year).items())
    entry = {
        "dataTimeZone": "America/New_York", "exchangeTimeZone": "America/New_York",
        "sunday": [], **{day: sessions for day in ("monday", "tuesday", "wednesday", "thursday", "friday")},
        "saturday": [],
        "holidays": [f"{day.month}/{day.day}/{day.year}" for day in holidays],
        "earlyCloses": {f"{day.month}/{day.day}/{day.year}": f"{at:%H:%M:%S}" for day, at in early_closes},
        "lateOpens": {},
    }
    return json.dumps({"entries": {"Equity-usa-[*]": entry}}, indent=1) + "\n"


def _write_marker(staging: Path, requirements: SampleRequirements, seed: int, project_name: str) -> None:
    """The generator's marker, widened from its last call to the whole sample."""
    marker_path = staging / MARKER_FILE
    marker = json.loads(marker_path.read_text(encoding="utf-8"))
    marker.pop("trading_days", None)  # of the last call only
    marker.update({
        "generator": GENERATOR_NAME, "seed": seed, "symbols": list(requirements.symbols),
        "start": str(requirements.start), "end": str(requirements.end),
        "resolution": requirements.finest_resolution, "purpose": f"sample for the strategies of {project_name}",
        "windows": [{"resolution": w.resolution, "symbols": list(w.symbols), "start": w.start.isoformat(),
                     "end": w.end.isoformat()} for w in requirements.windows],
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
    })
    marker_path.write_text(json.dumps(marker, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def _move_into(staging: Path, data_folder: Path) -> int:
    """Move every file of ``staging`` into ``data_folder``, the marker first; returns how many."""
    marker = staging / MARKER_FILE
    files = [marker, *sorted(path for path in staging.rglob("*") if path.is_file() and path != marker)]
    for path in files:
        target = data_folder / path.relative_to(staging)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(path, target)
    return len(files)
