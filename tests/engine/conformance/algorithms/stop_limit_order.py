# Our implementation of LEAN's StopLimitOrderRegressionAlgorithm, from the conformance description.
from AlgorithmImports import *


class StopLimitOrderRegressionAlgorithm(QCAlgorithm):
    TOLERANCE = 0.001

    def initialize(self):
        self.set_start_date(2013, 1, 1)
        self.set_end_date(2017, 1, 1)
        self.set_cash(100000)
        self._symbol = self.add_equity("SPY", Resolution.DAILY).symbol
        self._fast = self.ema(self._symbol, 30, Resolution.DAILY)
        self._slow = self.ema(self._symbol, 60, Resolution.DAILY)
        self._buy_ticket = None
        self._sell_ticket = None

    def on_data(self, data):
        if not self._slow.is_ready:
            return
        security = self.securities[self._symbol]
        if self._buy_ticket is None and self.trend_is_up():
            self._buy_ticket = self.stop_limit_order(self._symbol, 100, stop_price=security.high * 1.10,
                                                     limit_price=security.high * 1.11)
        elif self._buy_ticket is not None and self._buy_ticket.status == OrderStatus.FILLED:
            if self._sell_ticket is None and self.trend_is_down():
                self._sell_ticket = self.stop_limit_order(self._symbol, -100, stop_price=security.low * 0.99,
                                                          limit_price=security.low * 0.98)

    def on_order_event(self, order_event):
        if order_event.status == OrderStatus.FILLED:
            order = self.transactions.get_order_by_id(order_event.order_id)
            if not order.stop_triggered:
                raise AssertionError("StopLimitOrder StopTriggered should have been set if the order filled.")
            if order_event.fill_quantity > 0 and order.limit_price < order_event.fill_price:
                raise AssertionError("Buy stop limit order should have filled at or below the limit price.")
            if order_event.fill_quantity < 0 and order.limit_price > order_event.fill_price:
                raise AssertionError("Sell stop limit order should have filled at or above the limit price.")

    def trend_is_up(self):
        return self.is_ready() and self._fast.current.value > self._slow.current.value * (1 + self.TOLERANCE)

    def trend_is_down(self):
        return self.is_ready() and self._fast.current.value < self._slow.current.value * (1 + self.TOLERANCE)

    def is_ready(self):
        return self._fast.is_ready and self._slow.is_ready
