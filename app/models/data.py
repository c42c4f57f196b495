"""The data folder's state: market data or none (then a notice and a button that writes the synthetic sample).

Example::

    data = DataFolderModel(workbench=workbench)
    if not data.has_market_data:
        data.generate()               # the server issue's service; results are marked synthetic after it
"""

from __future__ import annotations

from typing import Any

import param

from app.models.messages import message_of
from lean_runner.runners.errors import BacktestRunError


class DataFolderModel(param.Parameterized):
    """Whether backtests have data to read, and whether it is the generated sample."""

    data_folder = param.String(default="", doc="The data folder the engine reads.")
    has_market_data = param.Boolean(default=True, doc="False when the folder holds no market data at all.")
    synthetic = param.Boolean(default=False, doc="True when the folder holds the generated synthetic sample.")
    message = param.String(default="", doc="What the last generation wrote, or why it failed.")
    busy = param.Boolean(default=False, doc="True while the sample is being written.")

    def __init__(self, *, workbench: Any, **params: Any) -> None:
        super().__init__(**params)
        self.workbench = workbench
        self.refresh()

    def refresh(self) -> None:
        status = self.workbench.data_status()
        self.param.update(data_folder=str(status["data_folder"]), has_market_data=bool(status["has_market_data"]),
                          synthetic=bool(status["synthetic"]))

    def generate(self) -> bool:
        """Write the synthetic sample covering the project's strategies; False with ``message`` on failure."""
        self.busy = True
        try:
            report = self.workbench.generate_sample_data()
        except (BacktestRunError, OSError, ValueError) as error:
            self.message = f"Cannot generate the sample: {message_of(error)}"
            return False
        finally:
            self.busy = False
        self.message = (f"Generated a SYNTHETIC sample: {', '.join(report.symbols)}, {report.start_date} to "
                        f"{report.end_date}, {report.resolution} ({report.files} files). Results on it are "
                        "marked synthetic.")
        self.refresh()
        return True
