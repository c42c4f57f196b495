from AlgorithmImports import *


class SetHoldingsTargetsAlgorithm(QCAlgorithm):
    """set_holdings with several PortfolioTargets: every quantity is worked out first on the same portfolio,
    reducing orders go first, the rest by decreasing value; a partial reduction sells (LEAN's
    OrderTargetsByMarginImpact and GetAmountToOrder)."""

    def initialize(self):
        self.set_start_date(2013, 10, 7)
        self.set_end_date(2013, 10, 8)
        self.spy = self.add_equity("SPY", Resolution.MINUTE).symbol
        self.ibm = self.add_equity("IBM", Resolution.MINUTE).symbol
        self.step = 0

    def on_data(self, data):
        if not (data.bars.contains_key(self.spy) and data.bars.contains_key(self.ibm)):
            return
        if self.step == 0:
            self.step = 1
            ibm_first = self.calculate_order_quantity(self.ibm, 0.3)
            spy_first = self.calculate_order_quantity(self.spy, 0.6)
            tickets = self.set_holdings([PortfolioTarget(self.ibm, 0.3), PortfolioTarget(self.spy, 0.6)])
            # Neither reduces: the larger order (SPY) goes first; both were sized before either filled.
            assert [t.symbol for t in tickets] == [self.spy, self.ibm], tickets
            assert [t.quantity for t in tickets] == [spy_first, ibm_first], (tickets, spy_first, ibm_first)
        elif self.step == 1 and self.time.hour == 11:
            self.step = 2
            spy_held = self.portfolio[self.spy].quantity
            spy_order = self.calculate_order_quantity(self.spy, 0.2)
            ibm_order = self.calculate_order_quantity(self.ibm, 0.65)
            assert spy_order < 0 < ibm_order, (spy_order, ibm_order)
            tickets = self.set_holdings([PortfolioTarget(self.ibm, 0.65), PortfolioTarget(self.spy, 0.2)])
            # The SPY reduction first, so the IBM purchase finds the freed buying power.
            assert [t.symbol for t in tickets] == [self.spy, self.ibm], tickets
            assert [t.quantity for t in tickets] == [spy_order, ibm_order]
            assert all(t.status == OrderStatus.FILLED for t in tickets)
            tpv = self.portfolio.total_portfolio_value
            spy_value = self.portfolio[self.spy].holdings_value
            assert spy_value <= 0.2 * 0.9975 * tpv + self.securities[self.spy].price, (spy_value, tpv)
            assert self.portfolio[self.spy].quantity == spy_held + spy_order
        elif self.step == 2 and self.time.hour == 13:
            self.step = 3
            # A small partial reduction: the final position is rounded down, so it sells.
            held = self.portfolio[self.ibm].quantity
            tickets = self.set_holdings(self.ibm, 0.6)
            assert len(tickets) == 1 and tickets[0].quantity < 0, tickets
            value = (held + tickets[0].quantity) * self.securities[self.ibm].price
            assert value <= 0.6 * 0.9975 * self.portfolio.total_portfolio_value

    def on_end_of_algorithm(self):
        assert self.step == 3, self.step
        self.log("set_holdings targets checks passed")
