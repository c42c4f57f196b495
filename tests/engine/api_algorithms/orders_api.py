from AlgorithmImports import *


class HalfDollarFee(FeeModel):
    def get_order_fee(self, parameters):
        return OrderFee(CashAmount(0.5, "USD"))


class OneCentSlippage:
    def get_slippage_approximation(self, asset, order):
        return 0.01


class OrdersApiAlgorithm(QCAlgorithm):
    """Order tickets, updates, cancels, time in force, MOC buffer, add_order and PortfolioTarget lists."""

    def initialize(self):
        self.set_start_date(2013, 10, 7)
        self.set_end_date(2013, 10, 8)
        self.set_cash(100000)
        self.spy = self.add_equity("SPY", Resolution.MINUTE).symbol
        self.ibm = self.add_equity("IBM", Resolution.MINUTE).symbol
        self.securities[self.ibm].set_fee_model(HalfDollarFee())
        self.securities[self.ibm].set_slippage_model(OneCentSlippage())
        self.events = []
        self.step = 0
        self.checks = []

    def on_order_event(self, order_event):
        self.events.append((order_event.order_id, order_event.status))

    def on_data(self, data):
        if not data.contains_key("SPY") or not data.contains_key("IBM"):
            return
        price = self.securities["SPY"].price
        t = self.time
        if self.step == 0 and t.hour == 10 and t.minute == 0:
            self.step = 1
            self.far_limit = self.limit_order("SPY", 10, price * 0.5, tag="far")
            assert self.far_limit.status == OrderStatus.SUBMITTED
            assert self.far_limit.get(OrderField.LIMIT_PRICE) == price * 0.5
            response = self.far_limit.update_limit_price(price * 0.6)
            assert response.is_success
            assert abs(self.far_limit.get(OrderField.LIMIT_PRICE) - price * 0.6) < 1e-9
            self.far_limit.update_tag("moved")
            assert len(self.transactions.get_open_orders()) == 1
            self.stop = self.stop_market_order("SPY", -5, price * 0.5)
            self.day_limit = self.limit_order("SPY", 1, price * 0.5,
                                              order_properties=OrderProperties(TimeInForce.DAY))
            self.marketable = self.limit_order("SPY", 3, price * 1.01)
            ibm = self.market_order("IBM", 10)
            assert ibm.status == OrderStatus.FILLED and ibm.quantity_filled == 10
            ibm_fill = ibm.order_events[-1]
            assert ibm_fill.order_fee.value.amount == 0.5
            assert abs(ibm.average_fill_price - (self.securities["IBM"].ask_price + 0.01)) < 1e-9
            self.checks.append("market+custom models")
        elif self.step == 1 and t.hour == 10 and t.minute == 5:
            self.step = 2
            assert self.marketable.status == OrderStatus.FILLED, self.marketable.status
            assert self.marketable.quantity_filled == 3
            cancelled = self.far_limit.cancel("done")
            assert cancelled.is_success and self.far_limit.status == OrderStatus.CANCELED
            assert not self.far_limit.cancel().is_success  # already closed
            open_ids = sorted(o.id for o in self.transactions.get_open_orders())
            assert open_ids == sorted([self.stop.order_id, self.day_limit.order_id]), open_ids
            tickets = self.transactions.get_order_tickets(lambda ticket: ticket.symbol == self.spy)
            assert len(tickets) == 4
            assert self.transactions.get_order_by_id(self.stop.order_id).type == OrderType.STOP_MARKET
            self.checks.append("tickets")
        elif self.step == 2 and t.hour == 15 and t.minute == 50:
            self.step = 3
            too_late = self.market_on_close_order("SPY", 1)
            assert too_late.status == OrderStatus.INVALID  # inside the 15.5 minute buffer: rejected, not counted
            request = SubmitOrderRequest(OrderType.MARKET, SecurityType.EQUITY, self.spy, 2, 0, 0, self.utc_time,
                                         "via add_order")
            ticket = self.transactions.add_order(request)
            assert ticket.status == OrderStatus.FILLED
            self.checks.append("add_order")
        elif self.step == 3 and t.date().day == 8 and t.hour == 10:
            self.step = 4
            assert self.day_limit.status == OrderStatus.CANCELED, "a DAY order expires with its session"
            assert self.stop.status == OrderStatus.SUBMITTED, "GTC orders stay open"
            self.set_holdings([PortfolioTarget("SPY", 0.3), PortfolioTarget("IBM", 0.2)])
            spy_weight = self.portfolio["SPY"].holdings_value / self.portfolio.total_portfolio_value
            ibm_weight = self.portfolio["IBM"].holdings_value / self.portfolio.total_portfolio_value
            assert abs(spy_weight - 0.3) < 0.01 and abs(ibm_weight - 0.2) < 0.01, (spy_weight, ibm_weight)
            cancelled = self.transactions.cancel_open_orders()
            assert [c.order_id for c in cancelled] == [self.stop.order_id]
            self.liquidate()
            assert not self.portfolio.invested
            self.checks.append("targets+liquidate")

    def on_end_of_algorithm(self):
        assert self.checks == ["market+custom models", "tickets", "add_order", "targets+liquidate"], self.checks
        statuses = {status for _, status in self.events}
        assert {OrderStatus.SUBMITTED, OrderStatus.FILLED, OrderStatus.CANCELED,
                OrderStatus.UPDATE_SUBMITTED} <= statuses
        self.log("orders checks passed")
