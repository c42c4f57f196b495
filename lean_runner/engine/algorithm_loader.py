"""Import a user's LEAN Python algorithm file and find its ``QCAlgorithm`` subclass."""

from __future__ import annotations

import importlib.util
import sys
import traceback
from pathlib import Path
from types import ModuleType

from lean_runner.engine.algorithm.core import QCAlgorithm

SHIM_FOLDER = Path(__file__).resolve().parent / "shim"


class AlgorithmLoadError(Exception):
    """The algorithm file cannot be used; the message says what to fix."""


def ensure_algorithm_imports() -> None:
    """Make ``from AlgorithmImports import *`` resolve to our LEAN-compatible API."""
    shim = str(SHIM_FOLDER)
    if shim not in sys.path:
        sys.path.insert(0, shim)


def load_algorithm_class(location: Path, type_name: str | None = None) -> type[QCAlgorithm]:
    """The algorithm class in ``location``: the one named ``type_name``, else the only QCAlgorithm subclass."""
    path = Path(location).expanduser().resolve()
    if not path.is_file():
        raise AlgorithmLoadError(f"Algorithm file not found: {path}. Check 'algorithm-location' or the path given.")
    if path.suffix != ".py":
        raise AlgorithmLoadError(f"{path.name} is not a Python file; the embedded engine runs LEAN Python "
                                 f"algorithms (.py).")
    ensure_algorithm_imports()
    folder = str(path.parent)
    if folder not in sys.path:
        sys.path.insert(0, folder)
    module_name = f"lean_user_algorithm_{path.stem}"
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise AlgorithmLoadError(f"Cannot import {path}.")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    except SyntaxError as error:
        raise AlgorithmLoadError(
            f"Syntax error in {error.filename or path.name}, line {error.lineno}: {error.msg}\n"
            f"    {(error.text or '').rstrip()}\nFix the line and run again.") from error
    except Exception as error:
        frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename == str(path)]
        where = f" (line {frames[-1].lineno})" if frames else ""
        raise AlgorithmLoadError(f"Importing {path.name} failed{where}: {type(error).__name__}: {error}") from error
    return _find_class(module, path, type_name)


def _find_class(module: ModuleType, path: Path, type_name: str | None) -> type[QCAlgorithm]:
    candidates = [value for value in vars(module).values()
                  if isinstance(value, type) and issubclass(value, QCAlgorithm) and value is not QCAlgorithm
                  and value.__module__ == module.__name__]
    if type_name:
        named = [c for c in candidates if c.__name__ == type_name]
        if named:
            return named[0]
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        raise AlgorithmLoadError(f"No algorithm class found in {path.name}: define a class deriving from "
                                 f"QCAlgorithm, e.g. `class MyAlgorithm(QCAlgorithm):`.")
    names = ", ".join(sorted(c.__name__ for c in candidates))
    raise AlgorithmLoadError(f"{path.name} defines several QCAlgorithm classes ({names}); set "
                             f"'algorithm-type-name' to the one to run.")
