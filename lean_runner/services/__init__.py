"""The use cases the API, the dashboard and notebooks all call, built once by :class:`Workbench`."""

from lean_runner.services.access import ANYONE, Caller
from lean_runner.services.workbench import Workbench

__all__ = ["ANYONE", "Caller", "Workbench"]
