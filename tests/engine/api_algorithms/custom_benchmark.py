from AlgorithmImports import *


class CustomBenchmarkAlgorithm(QCAlgorithm):
    def initialize(self):
        self.set_start_date(2013, 10, 7)
        self.set_end_date(2013, 10, 11)
        self.add_equity("SPY", Resolution.DAILY)
        choice = self.get_parameter("benchmark", "IBM")
        self.set_benchmark(choice if choice != "constant" else (lambda time: 7))
