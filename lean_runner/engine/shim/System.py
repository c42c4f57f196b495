"""``from System import *`` and ``from System.Collections.Generic import List, Dictionary`` (pythonnet's)."""

import sys

from lean_runner.engine.dotnet import SYSTEM_NAMES, system_modules

_modules = system_modules()
for _name in ("System.Collections", "System.Collections.Generic"):
    sys.modules[_name] = _modules[_name]
globals().update(SYSTEM_NAMES)
Collections = _modules["System.Collections"]
__all__ = sorted(SYSTEM_NAMES)
