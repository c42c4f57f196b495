from AlgorithmImports import *


class Broken(QCAlgorithm):
    def initialize(self)
        self.set_start_date(2013, 10, 7)
