"""The ``workbench dsl`` commands as plain functions (the lead's CLI parses arguments and calls them).

    workbench dsl validate SPEC.json [--config CONFIG.json] [--data-folder DIR]
    workbench dsl compile SPEC.json [--config CONFIG.json] [--output main.py]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, TextIO

from lean_runner.dsl.compiler import compile_spec
from lean_runner.dsl.problems import Report
from lean_runner.dsl.spec import SpecError
from lean_runner.dsl.universes import UniverseLibrary
from lean_runner.dsl.validation import validate_spec

__all__ = ["compile_command", "validate_command"]

EXIT_OK, EXIT_INVALID, EXIT_UNREADABLE = 0, 1, 2


class _Unreadable(Exception):
    pass


def _load(path: Path, what: str, report: Report, where: tuple[str, ...]) -> Any:
    """The JSON of ``path``; a file that is not JSON becomes an error in ``report`` (returns None)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise _Unreadable(f"error: cannot read the {what} {path}: {error.strerror or error}") from error
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        report.error(where, f"Not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}")
        return None


def _library(universes_folder: Path | None) -> UniverseLibrary:
    if universes_folder is None:
        from lean_runner.settings import Settings

        universes_folder = Settings.from_env().project / "universes"
    return UniverseLibrary(universes_folder)


def _inputs(spec_path: Path, config_path: Path | None) -> tuple[Any, Any, Report]:
    parse_report = Report()
    spec = _load(spec_path, "spec", parse_report, ())
    config = _load(config_path, "config", parse_report, ("config",)) if config_path is not None else None
    return spec, config, parse_report


def validate_command(spec_path: Path, config_path: Path | None = None, data_folder: Path | None = None, *,
                     universes_folder: Path | None = None, out: TextIO = sys.stdout,
                     err: TextIO = sys.stderr) -> int:
    """Print ``{"valid", "errors", "warnings"}`` for a spec file; exit 0 when valid, 1 when not, 2 when a file
    cannot be read. With a config file the config is checked too, and with a data folder also the data
    (symbols without data, dates outside it, missing news sentiment). Named universes are read from
    ``universes_folder`` (default: the project's ``universes/``)."""
    try:
        spec, config, parse_report = _inputs(spec_path, config_path)
    except _Unreadable as error:
        err.write(f"{error}\n")
        return EXIT_UNREADABLE
    if parse_report.valid:
        report = validate_spec(spec, config, data_folder=data_folder, universes=_library(universes_folder))
    else:
        report = parse_report
    out.write(json.dumps(report.as_response(), indent=2) + "\n")
    return EXIT_OK if report.valid else EXIT_INVALID


def compile_command(spec_path: Path, config_path: Path | None = None, *, output: Path | None = None,
                    universes_folder: Path | None = None, out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    """Print the LEAN algorithm compiled from a spec (and config), or write it to ``output``; exit 0.
    An invalid spec prints the validation JSON on ``err`` and exits 1; an unreadable file exits 2."""
    try:
        spec, config, parse_report = _inputs(spec_path, config_path)
    except _Unreadable as error:
        err.write(f"{error}\n")
        return EXIT_UNREADABLE
    if not parse_report.valid:
        err.write(json.dumps(parse_report.as_response(), indent=2) + "\n")
        return EXIT_INVALID
    try:
        code = compile_spec(spec, config, universes=_library(universes_folder))
    except SpecError as error:
        err.write(json.dumps(error.report.as_response(), indent=2) + "\n")
        return EXIT_INVALID
    if output is not None:
        Path(output).write_text(code, encoding="utf-8")
        err.write(f"Wrote {output}\n")
    else:
        out.write(code)
    return EXIT_OK
