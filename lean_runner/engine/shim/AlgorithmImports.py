"""LEAN's ``AlgorithmImports`` module for the embedded engine: ``from AlgorithmImports import *``."""

from lean_runner.engine.lean_api import *
from lean_runner.engine.lean_api import __all__
