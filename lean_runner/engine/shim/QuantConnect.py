"""``from QuantConnect.Data.Auxiliary import *`` and the other ``QuantConnect`` namespaces (LEAN's .NET ones)."""

import sys

from lean_runner.engine.quantconnect_namespace import quantconnect_modules

_modules = quantconnect_modules()
for _name, _module in _modules.items():
    if _name != "QuantConnect":
        sys.modules[_name] = _module
_root = _modules["QuantConnect"]
globals().update({name: getattr(_root, name) for name in _root.__all__})
Data = _modules["QuantConnect.Data"]
Lean = _modules["QuantConnect.Lean"]
__all__ = list(_root.__all__)
__path__ = []  # a package: ``import QuantConnect.Data.Auxiliary`` finds the modules registered above
