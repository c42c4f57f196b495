from AlgorithmImports import *


class LeanFormsAlgorithm(QCAlgorithm):
    """LEAN's own calling forms: key/value pairs, Securities where Symbols go, custom security properties,
    buy/sell, asynchronous orders, invalid tickets and tag updates on closed orders."""

    def initialize(self):
        self.set_start_date(2013, 10, 7)
        self.set_end_date(2013, 10, 7)
        self.spy = self.add_equity("SPY", Resolution.MINUTE)
        self.spy.slow = self.ema(self.spy.symbol, 30)
        self.spy.add("fast", self.ema(self.spy.symbol, 10))
        self.spy["label"] = "spy"
        self.warmup_finished_calls = 0
        self.done = False

    def on_warmup_finished(self):
        self.warmup_finished_calls += 1

    def on_data(self, data):
        if self.done or not data.bars.contains_key("SPY"):
            return
        self.done = True
        pairs = list(data.bars)
        assert len(pairs) == 1 and pairs[0].key == self.spy.symbol and pairs[0].Value.close > 0, pairs
        symbol, bar = pairs[0]  # a pair unpacks too
        assert symbol == self.spy.symbol
        assert isinstance(bar, TradeBar) and data[self.spy] is bar
        assert [kvp.key for kvp in self.securities] == [self.spy.symbol]
        assert [kvp.value for kvp in self.portfolio] == [self.portfolio[self.spy]]
        assert self.securities[self.spy] is self.spy
        assert self.spy.get[ExponentialMovingAverage]("slow") is self.spy.slow
        assert self.spy["fast"] is self.spy.fast and self.spy.get("label") == "spy"

        unknown = self.market_order("XYZ", 10)
        assert unknown.status == OrderStatus.INVALID and unknown.order_id == -10, unknown
        assert self.transactions.orders_count == 0

        bought = self.buy(self.spy, 3)
        assert bought.status == OrderStatus.FILLED and bought.quantity == 3
        sold = self.sell(self.spy.symbol, 1)
        assert sold.quantity == -1
        limit = self.limit_order(self.spy, 1, round(self.spy.price * 0.5, 2), asynchronous=True, tag="low")
        assert limit.status == OrderStatus.SUBMITTED and limit.tag == "low"
        assert self.transactions.orders_count == 3

        # A closed order takes a new tag (and nothing else), as LEAN's transaction handler allows.
        response = bought.update_tag("re-tagged")
        assert response.is_success and self.transactions.get_order_by_id(bought.order_id).tag == "re-tagged"
        refused = bought.update_quantity(5)
        assert refused.is_error and bought.quantity == 3

    def on_end_of_algorithm(self):
        assert self.done
        assert self.warmup_finished_calls == 1, self.warmup_finished_calls
        self.log("lean forms checks passed")
