"""pythonnet's ``clr`` module as LEAN algorithms use it: ``from clr import AddReference``."""

from lean_runner.engine.dotnet import add_reference as AddReference
from lean_runner.engine.dotnet import get_clr_type as GetClrType

__all__ = ["AddReference", "GetClrType"]
