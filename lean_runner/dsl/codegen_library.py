'''The Python the generated algorithm carries with it: indicator classes fed bar by bar, and helpers.

They are computed in the algorithm itself (from plain deques) with LEAN's definitions, so the
generated ``main.py`` needs nothing beyond LEAN's public API and runs unchanged on the real LEAN
image and on the embedded engine. Only the classes a spec uses are emitted.
'''

from __future__ import annotations

__all__ = ["FEATURE_BASE", "FEATURE_CLASSES", "FEATURE_DEPENDENCIES", "FEE_MODEL", "NEWS_SENTIMENT", "SYMBOL_STATE"]

FEATURE_BASE = '''
class Feature:
    """One indicator of one symbol, updated with each bar; ``value`` is None until it is ready."""

    def __init__(self, lag: int = 0) -> None:
        self.lag = lag
        self.values: deque[Optional[float]] = deque(maxlen=lag + 2)

    def update(self, bar: TradeBar) -> None:
        self.values.append(self.compute(bar))

    def compute(self, bar: TradeBar) -> Optional[float]:
        raise NotImplementedError

    @property
    def value(self) -> Optional[float]:
        """The value ``lag`` bars ago."""
        return self.values[-1 - self.lag] if len(self.values) > self.lag else None

    @property
    def previous(self) -> Optional[float]:
        """The value the bar before ``value``'s."""
        return self.values[-2 - self.lag] if len(self.values) > self.lag + 1 else None


def compare(left: Feature, op: str, right: Union[Feature, float]) -> bool:
    """``left op right``; crossings compare this bar with the previous one. False while a side is not ready."""
    now, before = left.value, left.previous
    if isinstance(right, Feature):
        other, other_before = right.value, right.previous
    else:
        other = other_before = float(right)
    if now is None or other is None:
        return False
    if op == ">":
        return now > other
    if op == "<":
        return now < other
    if op == ">=":
        return now >= other
    if op == "<=":
        return now <= other
    if before is None or other_before is None:
        return False
    if op == "crosses_above":
        return before <= other_before and now > other
    return before >= other_before and now < other
'''

_PRICE = '''
class Price(Feature):
    """A price field of the bar: close, open, high or low."""

    def __init__(self, field: str = "close", lag: int = 0) -> None:
        super().__init__(lag)
        self.field = field

    def compute(self, bar: TradeBar) -> Optional[float]:
        return float(getattr(bar, self.field))
'''

_VOLUME = '''
class Volume(Feature):
    """The bar's volume."""

    def compute(self, bar: TradeBar) -> Optional[float]:
        return float(bar.volume)
'''

_RETURNS = '''
class Returns(Feature):
    """close / close ``window`` bars ago - 1 (also LEAN's ROC)."""

    def __init__(self, window: int = 1, lag: int = 0) -> None:
        super().__init__(lag)
        self.closes: deque[float] = deque(maxlen=window + 1)

    def compute(self, bar: TradeBar) -> Optional[float]:
        self.closes.append(float(bar.close))
        if len(self.closes) < (self.closes.maxlen or 0) or self.closes[0] == 0:
            return None
        return self.closes[-1] / self.closes[0] - 1.0
'''

_SMA = '''
class Sma(Feature):
    """Simple moving average of the close, kept as a running sum as LEAN's SMA does."""

    def __init__(self, window: int, lag: int = 0) -> None:
        super().__init__(lag)
        self.window = window
        self.closes: deque[float] = deque(maxlen=window)
        self.total = 0.0

    def compute(self, bar: TradeBar) -> Optional[float]:
        if len(self.closes) == self.window:
            self.total -= self.closes[0]
        self.closes.append(float(bar.close))
        self.total += float(bar.close)
        return self.total / self.window if len(self.closes) == self.window else None
'''

_EMA = '''
class Ema(Feature):
    """LEAN's EMA: starts at the first close, then close·k + previous·(1 - k), k = 2 / (window + 1)."""

    def __init__(self, window: int, lag: int = 0) -> None:
        super().__init__(lag)
        self.window = window
        self.k = 2.0 / (window + 1)
        self.current = 0.0
        self.samples = 0

    def add(self, value: float) -> Optional[float]:
        self.samples += 1
        self.current = value if self.samples == 1 else value * self.k + self.current * (1 - self.k)
        return self.current if self.samples >= self.window else None

    def compute(self, bar: TradeBar) -> Optional[float]:
        return self.add(float(bar.close))
'''

_WILDER = '''
class Wilder:
    """Wilder's average: the simple mean of the first ``window`` values, then value/n + previous·(1 - 1/n)."""

    def __init__(self, window: int) -> None:
        self.window = window
        self.current = 0.0
        self.samples = 0

    def add(self, value: float) -> Optional[float]:
        self.samples += 1
        if self.samples <= self.window:
            self.current += (value - self.current) / self.samples
        else:
            self.current = value / self.window + self.current * (1 - 1.0 / self.window)
        return self.current if self.samples >= self.window else None
'''

_RSI = '''
class Rsi(Feature):
    """Wilder's RSI of the close (LEAN's RSI with MovingAverageType.WILDERS), 0..100."""

    def __init__(self, window: int = 14, lag: int = 0) -> None:
        super().__init__(lag)
        self.gains = Wilder(window)
        self.losses = Wilder(window)
        self.last: Optional[float] = None

    def compute(self, bar: TradeBar) -> Optional[float]:
        close = float(bar.close)
        last, self.last = self.last, close
        if last is None:
            return None
        gain = self.gains.add(max(close - last, 0.0))
        loss = self.losses.add(max(last - close, 0.0))
        if gain is None or loss is None:
            return None
        if loss == 0:
            return 100.0
        return 100.0 - 100.0 / (1.0 + gain / loss)
'''

_MACD = '''
class Macd(Feature):
    """LEAN's MACD: line = EMA(fast) - EMA(slow), signal = EMA(signal) of the line, histogram = line - signal."""

    def __init__(self, fast: int = 12, slow: int = 26, signal: int = 9, output: str = "line", lag: int = 0) -> None:
        super().__init__(lag)
        self.fast, self.slow, self.signal = Ema(fast), Ema(slow), Ema(signal)
        self.output = output

    def compute(self, bar: TradeBar) -> Optional[float]:
        fast, slow = self.fast.add(float(bar.close)), self.slow.add(float(bar.close))
        if fast is None or slow is None:
            return None
        line = fast - slow
        signal = self.signal.add(line)
        if signal is None:
            return None
        return {"line": line, "signal": signal, "histogram": line - signal}[self.output]
'''

_BOLLINGER = '''
class Bollinger(Feature):
    """Bollinger bands: SMA(window) ± k population standard deviations of the close (LEAN's BB)."""

    def __init__(self, window: int = 20, k: float = 2.0, output: str = "middle", lag: int = 0) -> None:
        super().__init__(lag)
        self.closes: deque[float] = deque(maxlen=window)
        self.k = k
        self.output = output

    def compute(self, bar: TradeBar) -> Optional[float]:
        self.closes.append(float(bar.close))
        if len(self.closes) < (self.closes.maxlen or 0):
            return None
        mean = sum(self.closes) / len(self.closes)
        deviation = math.sqrt(sum((c - mean) ** 2 for c in self.closes) / len(self.closes))
        return {"upper": mean + self.k * deviation, "middle": mean, "lower": mean - self.k * deviation}[self.output]
'''

_ATR = '''
class Atr(Feature):
    """Average true range with Wilder's smoothing (LEAN's ATR)."""

    def __init__(self, window: int = 14, lag: int = 0) -> None:
        super().__init__(lag)
        self.average = Wilder(window)
        self.last_close: Optional[float] = None

    def compute(self, bar: TradeBar) -> Optional[float]:
        high, low = float(bar.high), float(bar.low)
        true_range = high - low
        if self.last_close is not None:
            true_range = max(true_range, abs(high - self.last_close), abs(low - self.last_close))
        self.last_close = float(bar.close)
        return self.average.add(true_range)
'''

_VOLATILITY = '''
class Volatility(Feature):
    """Sample standard deviation of 1-bar returns over ``window`` bars, annualized with sqrt(bars per year)."""

    def __init__(self, window: int = 20, annualized: bool = True, lag: int = 0) -> None:
        super().__init__(lag)
        self.returns: deque[float] = deque(maxlen=window)
        self.scale = math.sqrt(BARS_PER_YEAR) if annualized else 1.0
        self.last: Optional[float] = None

    def compute(self, bar: TradeBar) -> Optional[float]:
        close = float(bar.close)
        last, self.last = self.last, close
        if last:
            self.returns.append(close / last - 1.0)
        if len(self.returns) < (self.returns.maxlen or 0):
            return None
        mean = sum(self.returns) / len(self.returns)
        variance = sum((r - mean) ** 2 for r in self.returns) / (len(self.returns) - 1)
        return math.sqrt(variance) * self.scale
'''

_ROLLING = '''
class RollingExtreme(Feature):
    """Highest (or lowest) value of a price field over the last ``window`` bars, this bar included."""

    def __init__(self, window: int, field: str = "close", highest: bool = True, lag: int = 0) -> None:
        super().__init__(lag)
        self.prices: deque[float] = deque(maxlen=window)
        self.field = field
        self.highest = highest

    def compute(self, bar: TradeBar) -> Optional[float]:
        self.prices.append(float(getattr(bar, self.field)))
        if len(self.prices) < (self.prices.maxlen or 0):
            return None
        return max(self.prices) if self.highest else min(self.prices)
'''

_SENTIMENT = '''
class Sentiment(Feature):
    """Mean daily news sentiment over the last ``window`` days (0 without news), fed by NewsSentiment data."""

    def __init__(self, window: int = 7, lag: int = 0) -> None:
        super().__init__(lag)
        self.window = timedelta(days=window)
        self.days: deque[tuple[datetime, float]] = deque()

    def add(self, end_time: datetime, score: float) -> None:
        self.days.append((end_time, score))

    def compute(self, bar: TradeBar) -> Optional[float]:
        while self.days and self.days[0][0] <= bar.end_time - self.window:
            self.days.popleft()
        scores = [score for end_time, score in self.days if end_time <= bar.end_time]
        return sum(scores) / len(scores) if scores else 0.0
'''

# Indicator name → (class name, source). ``roc`` is ``Returns``; max/min share one class.
FEATURE_CLASSES: dict[str, tuple[str, str]] = {
    "price": ("Price", _PRICE), "volume": ("Volume", _VOLUME), "returns": ("Returns", _RETURNS),
    "roc": ("Returns", _RETURNS), "sma": ("Sma", _SMA), "ema": ("Ema", _EMA), "rsi": ("Rsi", _RSI),
    "macd": ("Macd", _MACD), "bollinger": ("Bollinger", _BOLLINGER), "atr": ("Atr", _ATR),
    "volatility": ("Volatility", _VOLATILITY), "rolling_max": ("RollingExtreme", _ROLLING),
    "rolling_min": ("RollingExtreme", _ROLLING), "news_sentiment": ("Sentiment", _SENTIMENT),
}
# Classes that others are built from, emitted before them.
FEATURE_DEPENDENCIES: dict[str, tuple[str, ...]] = {"Macd": ("Ema",), "Rsi": ("Wilder",), "Atr": ("Wilder",)}
HELPER_CLASSES: dict[str, str] = {"Ema": _EMA, "Wilder": _WILDER}

SYMBOL_STATE = '''
class SymbolState:
    """What the algorithm tracks for one traded symbol."""

    def __init__(self, symbol: Symbol, features: dict[str, Feature]) -> None:
        self.symbol = symbol
        self.f = features
        self.close = 0.0
        self.day: Optional[date] = None
        self.entry_time: Optional[datetime] = None
        self.highest_close = 0.0
        self.exiting = False
        self.news: Optional[Symbol] = None

    def update(self, bar: TradeBar, invested: bool) -> None:
        """Feed the bar to every indicator and follow the open position (its entry time and highest close)."""
        for feature in self.f.values():
            feature.update(bar)
        self.close = float(bar.close)
        self.day = bar.time.date()
        self.exiting = False
        if not invested:
            self.entry_time = None
        elif self.entry_time is None:
            self.entry_time, self.highest_close = bar.end_time, self.close
        else:
            self.highest_close = max(self.highest_close, self.close)
'''

FEE_MODEL = '''
class BasisPointsFeeModel(FeeModel):
    """transaction_cost_bps: each fill pays this many basis points of its traded value."""

    def __init__(self, basis_points: float) -> None:
        super().__init__()
        self.rate = basis_points / 10000.0

    def get_order_fee(self, parameters: OrderFeeParameters) -> OrderFee:
        value = parameters.order.absolute_quantity * parameters.security.price
        return OrderFee(CashAmount(self.rate * value, "USD"))
'''

NEWS_SENTIMENT = '''
class NewsSentiment(PythonData):
    """Daily news sentiment (LEAN custom data): <data folder>/alternative/news-sentiment/<symbol>.csv,
    one line a day, ``YYYYMMDD,mean VADER compound score,headline count``; a day's point ends at midnight."""

    def get_source(self, config: SubscriptionDataConfig, date: datetime, is_live: bool) -> SubscriptionDataSource:
        path = Globals.get_data_folder_path(f"alternative/news-sentiment/{config.symbol.value.lower()}.csv")
        return SubscriptionDataSource(path, SubscriptionTransportMedium.LOCAL_FILE)

    def reader(self, config: SubscriptionDataConfig, line: str, date: datetime, is_live: bool) -> BaseData:
        cells = line.split(",")
        point = NewsSentiment()
        point.symbol = config.symbol
        point.time = datetime.strptime(cells[0], "%Y%m%d")
        point.end_time = point.time + timedelta(days=1)
        point.value = float(cells[1])
        return point
'''
