import json

from AlgorithmImports import *


class TradeExcursionsAlgorithm(QCAlgorithm):
    """Round trips on three symbols (one added mid-run, one held overnight, one closed by removal).

    While a position is open the algorithm notes every price it sees; at the end it logs the
    excursions those prices give, for the test to compare with the closed trades' MAE and MFE.
    """

    def initialize(self):
        self.set_start_date(2013, 10, 7)
        self.set_end_date(2013, 10, 9)
        self.set_cash(1000000)
        self.symbols = [self.add_equity("SPY", Resolution.MINUTE).symbol,
                        self.add_equity("IBM", Resolution.MINUTE).symbol]
        self.open = {}  # symbol -> [quantity, entry price, lowest, highest]
        self.expected = []
        self.minutes = 0

    def on_data(self, data):
        for symbol in list(self.open):
            price = self.securities[symbol].price
            entry = self.open[symbol]
            entry[2], entry[3] = min(entry[2], price), max(entry[3], price)
        self.minutes += 1
        if self.time.day == 8 and self.time.hour == 10 and len(self.symbols) == 2:
            self.symbols.append(self.add_equity("AIG", Resolution.MINUTE).symbol)
        for period, symbol in zip((7, 13, 5), self.symbols, strict=False):
            # Orders only while the exchange is open: an order placed at the close becomes market-on-open
            # and fills before on_data, on a bar the trade builder (like LEAN's) never marks the position to.
            if self.minutes % period == 0 and symbol in data.bars and self.time.hour < 16:
                overnight = symbol.value == "IBM" and self.time.day == 7 and self.time.hour >= 15
                if self.portfolio[symbol].invested and not overnight:
                    self.liquidate(symbol)
                elif not self.portfolio[symbol].invested:
                    self.market_order(symbol, 100 if self.minutes % 2 else -100)
        if self.time.day == 9 and self.time.hour == 14 and self.time.minute == 0 and self.portfolio["SPY"].invested:
            self.remove_security("SPY")

    def on_order_event(self, order_event):
        if order_event.status != OrderStatus.FILLED:
            return
        symbol, price, quantity = order_event.symbol, order_event.fill_price, order_event.fill_quantity
        entry = self.open.pop(symbol, None)
        if entry is None:
            self.open[symbol] = [quantity, price, price, price]
            return
        held, entry_price = entry[0], entry[1]
        low, high = min(entry[2], price), max(entry[3], price)
        adverse, favourable = (low, high) if held > 0 else (high, low)
        self.expected.append({"symbol": symbol.value, "exit": str(self.utc_time),
                              "mae": (adverse - entry_price) * held, "mfe": (favourable - entry_price) * held})

    def on_end_of_algorithm(self):
        self.log("expected excursions " + json.dumps(self.expected))
