from AlgorithmImports import *


class RiskFreeModelAlgorithm(QCAlgorithm):
    """Buy and hold SPY; the 'model' parameter picks the risk-free rate model the statistics use."""

    def initialize(self):
        self.set_start_date(2013, 10, 7)
        self.set_end_date(2013, 10, 11)
        self.add_equity("SPY", Resolution.MINUTE)
        model = self.get_parameter("model", "default")
        if model == "constant":
            self.set_risk_free_interest_rate_model(ConstantRiskFreeRateInterestRateModel(0.0075))
        elif model == "function":
            self.set_risk_free_interest_rate_model(FuncRiskFreeRateInterestRateModel(lambda when: 0.5))
        assert self.risk_free_interest_rate_model.get_interest_rate(datetime(2013, 10, 7)) == \
            {"default": 0.0075, "constant": 0.0075, "function": 0.5}[model]

    def on_data(self, data):
        if not self.portfolio.invested:
            self.set_holdings("SPY", 1)
