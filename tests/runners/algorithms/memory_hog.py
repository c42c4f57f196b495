# region imports
from AlgorithmImports import *

# endregion


class MemoryHogAlgorithm(QCAlgorithm):
    """Keeps every block it allocates (32 MB per block, all on the first slice) until memory runs out.

    The blocks are written, so they are real memory. It stops at ``cap-mb`` (default 4096), far
    above the limits the tests set, so a limit that does not apply fails the test instead of
    filling the machine; reaching the cap raises an error that is not a MemoryError.
    """

    def initialize(self) -> None:
        self.set_start_date(2013, 10, 7)
        self.set_end_date(2013, 10, 11)
        self.set_cash(100000)
        self.add_equity("SPY", Resolution.MINUTE)
        self._cap_bytes = int(self.get_parameter("cap-mb", 4096)) * 2**20
        self._blocks: list[bytearray] = []

    def on_data(self, data: Slice) -> None:
        block = 32 * 2**20
        while len(self._blocks) * block < self._cap_bytes:
            self._blocks.append(bytearray(b"\x01") * block)
        raise RuntimeError(f"allocated {self._cap_bytes // 2**20} MB without running out of memory")
