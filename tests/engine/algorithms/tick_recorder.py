import json

from AlgorithmImports import *


class TickRecorderAlgorithm(QCAlgorithm):
    """Subscribes one equity at tick resolution and records what the engine delivered: ticks per day,
    suspicious ticks seen in slices, one-minute bars consolidated from the trade ticks, and the fill of
    one market order placed in on_data. Parameters: ticker, start, end (yyyymmdd), extended, order_at
    (HH:MM: the first tick at or after it places a 10-share buy), raw (true: RAW prices), output (a JSON file)."""

    def initialize(self):
        start, end = self.get_parameter("start"), self.get_parameter("end")
        self.set_start_date(int(start[:4]), int(start[4:6]), int(start[6:]))
        self.set_end_date(int(end[:4]), int(end[4:6]), int(end[6:]))
        self.set_cash(1000000)
        extended = self.get_parameter("extended", "false") == "true"
        mode = DataNormalizationMode.RAW if self.get_parameter("raw", "false") == "true" else None
        self.symbol = self.add_equity(self.get_parameter("ticker"), Resolution.TICK, extended_market_hours=extended,
                                      data_normalization_mode=mode).symbol
        self.counts = {}
        self.suspicious = 0
        self.bars = []
        self.consolidate(self.symbol, timedelta(minutes=1), self.on_minute)
        hour, minute = (int(part) for part in self.get_parameter("order_at", "10:00").split(":"))
        self.order_at = (hour, minute)
        self.order = None

    def on_minute(self, bar):
        self.bars.append([bar.time.strftime("%Y%m%d %H:%M"), bar.open, bar.high, bar.low, bar.close, bar.volume])

    def on_data(self, data):
        if not data.ticks.contains_key(self.symbol):
            return
        ticks = data.ticks[self.symbol]
        day = self.time.strftime("%Y%m%d")
        trades, quotes = self.counts.setdefault(day, [0, 0])
        for tick in ticks:
            if tick.tick_type == TickType.TRADE:
                trades += 1
            else:
                quotes += 1
            if tick.suspicious:
                self.suspicious += 1
        self.counts[day] = [trades, quotes]
        if self.order is None and (self.time.hour, self.time.minute) >= self.order_at:
            last_trade = next((t for t in reversed(ticks) if t.tick_type == TickType.TRADE), None)
            last_ask = next((t for t in reversed(ticks) if t.tick_type == TickType.QUOTE and t.ask_price > 0), None)
            ticket = self.market_order(self.symbol, 10)
            self.order = {"time": str(self.time), "fill": ticket.average_fill_price,
                          "status": str(ticket.status), "price": self.securities[self.symbol].price,
                          "last_trade": last_trade.price if last_trade else None,
                          "last_ask": last_ask.ask_price if last_ask else None}

    def on_end_of_algorithm(self):
        with open(self.get_parameter("output"), "w") as output:
            json.dump({"counts": self.counts, "suspicious": self.suspicious, "bars": self.bars,
                       "order": self.order}, output)
