# ruff: noqa: F403, F405
import json

from AlgorithmImports import *


def probe(target, members):
    """present: the member resolves; raises: it raises NotImplementedError (declared not for the engine);
    missing: AttributeError. Anything else raised on access still means the member is there."""
    found = {}
    for member in members:
        try:
            getattr(target, member)
            found[member] = "present"
        except NotImplementedError:
            found[member] = "raises"
        except AttributeError:
            found[member] = "missing"
        except Exception:
            found[member] = "present"
    return found


class ApiProbeAlgorithm(QCAlgorithm):
    """Builds one live object of each class bench/api_coverage.py measures, then probes the members the
    stubs list for it. Parameters: members (a JSON file: {label: [member, ...]}), output (a JSON file)."""

    def initialize(self):
        self.set_start_date(2013, 10, 7)
        self.set_end_date(2013, 10, 8)
        self.set_cash(100000)
        self.spy = self.add_equity("SPY", Resolution.MINUTE).symbol
        self.objects = {}
        self.tickets = {}
        self.events = []

    def on_data(self, data):
        if "Slice" in self.objects or not data.bars.contains_key(self.spy):
            return
        self.objects["Slice"] = data
        self.objects["TradeBar"] = data.bars[self.spy]
        if data.quote_bars.contains_key(self.spy):
            self.objects["QuoteBar"] = data.quote_bars[self.spy]
        price = self.securities[self.spy].price
        self.tickets = {
            "MarketOrder": self.market_order(self.spy, 1),
            "LimitOrder": self.limit_order(self.spy, 1, price * 0.9),
            "StopMarketOrder": self.stop_market_order(self.spy, -1, price * 0.9),
            "StopLimitOrder": self.stop_limit_order(self.spy, -1, price * 0.9, price * 0.89),
            "MarketOnCloseOrder": self.market_on_close_order(self.spy, 1),
            "MarketOnOpenOrder": self.market_on_open_order(self.spy, 1),
            "LimitIfTouchedOrder": self.limit_if_touched_order(self.spy, 1, price * 0.9, price * 0.89),
            "TrailingStopOrder": self.trailing_stop_order(self.spy, -1, price * 0.9, price * 0.05, False),
        }
        self.objects["OrderResponse"] = self.tickets["LimitOrder"].update_tag("probe")

    def on_order_event(self, order_event):
        self.events.append(order_event)

    def _build(self):
        objects = dict(self.objects)
        ticket = self.tickets["LimitOrder"]
        objects.update({
            "QCAlgorithm": self, "Security": self.securities[self.spy], "Equity": self.securities[self.spy],
            "SecurityHolding": self.portfolio[self.spy], "SecurityPortfolioManager": self.portfolio,
            "SecurityManager": self.securities, "SecurityTransactionManager": self.transactions,
            "OrderTicket": ticket, "Order": self.transactions.get_order_by_id(ticket.order_id),
            "OrderEvent": self.events[0], "OrderProperties": OrderProperties(),
            "SubmitOrderRequest": ticket.submit_request, "UpdateOrderFields": UpdateOrderFields(),
            "Symbol": self.spy, "DateRules": self.date_rules, "TimeRules": self.time_rules,
            "AlgorithmSettings": self.settings,
        })
        for label, ticket in self.tickets.items():
            objects[label] = self.transactions.get_order_by_id(ticket.order_id)
        constructors = {
            "Tick": lambda: Tick(),
            "Chart": lambda: Chart("probe"),
            "Series": lambda: Series("probe"),
            "RollingWindow": lambda: RollingWindow[float](5),

            "TradeBarConsolidator": lambda: TradeBarConsolidator(timedelta(minutes=5)),
            "QuoteBarConsolidator": lambda: QuoteBarConsolidator(timedelta(minutes=5)),
            "TickConsolidator": lambda: TickConsolidator(timedelta(minutes=5)),
            "TickQuoteBarConsolidator": lambda: TickQuoteBarConsolidator(timedelta(minutes=5)),
            "RenkoConsolidator": lambda: RenkoConsolidator(1.0),
            "ClassicRenkoConsolidator": lambda: ClassicRenkoConsolidator(1.0),
            "RangeConsolidator": lambda: RangeConsolidator(100),
            "ClassicRangeConsolidator": lambda: ClassicRangeConsolidator(100),
            "SimpleMovingAverage": lambda: SimpleMovingAverage(10),
            "ExponentialMovingAverage": lambda: ExponentialMovingAverage(10),
            "RelativeStrengthIndex": lambda: RelativeStrengthIndex(14),
            "BollingerBands": lambda: BollingerBands(20, 2),
            "MovingAverageConvergenceDivergence": lambda: MovingAverageConvergenceDivergence(12, 26, 9),
            "AverageTrueRange": lambda: AverageTrueRange(14),
        }
        for label, make in constructors.items():
            try:
                objects[label] = make()
            except Exception:  # the engine has no such class, or not LEAN's constructor
                objects[label] = None
        return objects

    def on_end_of_algorithm(self):
        with open(self.get_parameter("members")) as source:
            wanted = json.load(source)
        objects = self._build()
        result = {}
        for label, members in wanted.items():
            target = objects.get(label)
            result[label] = probe(target, members) if target is not None else dict.fromkeys(members, "missing")
        with open(self.get_parameter("output"), "w") as output:
            json.dump(result, output)
