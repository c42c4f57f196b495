from AlgorithmImports import *


class MissingDataAlgorithm(QCAlgorithm):
    def initialize(self):
        self.set_start_date(2013, 10, 7)
        self.set_end_date(2013, 10, 11)
        self.add_equity("ZZZZ", Resolution.MINUTE)
