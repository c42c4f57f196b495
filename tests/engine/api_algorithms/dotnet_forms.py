from AlgorithmImports import *
from clr import AddReference

AddReference("System.Collections")
from System import *  # noqa: E402
from System.Collections.Generic import Dictionary, List  # noqa: E402


class DotnetFormsAlgorithm(QCAlgorithm):
    """The .NET forms LEAN Python algorithms use: System/clr imports, generic collections, order classes."""

    def initialize(self):
        self.set_start_date(2013, 10, 7)
        self.set_end_date(2013, 10, 7)
        self.spy = self.add_equity("SPY", Resolution.MINUTE).symbol
        self.symbols = List[Symbol]()
        self.symbols.Add(self.spy)
        self.fills = Dictionary[Symbol, int]()
        self.checked = False

    def on_data(self, data):
        if self.checked or not data.bars.contains_key(self.spy):
            return
        self.checked = True
        assert self.symbols.Count == 1 and self.symbols.Contains(self.spy)
        limit = self.limit_order(self.spy, 1, round(self.securities[self.spy].price * 0.9, 2))
        market = self.market_order(self.spy, 1)
        assert type(self.transactions.get_order_by_id(limit.order_id)) is LimitOrder
        assert type(self.transactions.get_order_by_id(market.order_id)) is MarketOrder
        assert isinstance(self.transactions.get_order_by_id(market.order_id), Order)

    def on_order_event(self, order_event):
        if order_event.status == OrderStatus.FILLED:
            self.fills[order_event.symbol] = self.fills.get(order_event.symbol, 0) + 1

    def on_end_of_algorithm(self):
        assert self.checked
        pairs = [(kvp.Key, kvp.Value) for kvp in self.fills]
        assert pairs == [(self.spy, 1)], pairs
        assert TimeSpan(minutes=1) == timedelta(minutes=1) and DateTime is datetime
        self.log("dotnet forms checks passed")
