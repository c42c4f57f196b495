from AlgorithmImports import *


class NotAnAlgorithm:
    pass
