"""``python -m lean_runner.engine --config config.json [--KEY VALUE ...]``: LEAN's launcher interface."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from lean_runner.engine.launcher import EXIT_CONFIGURATION_ERROR, ConfigError, LaunchConfig, run_backtest

# The launcher options LEAN also accepts on its command line.
OVERRIDABLE_KEYS = ("algorithm-location", "algorithm-type-name", "algorithm-id", "data-folder",
                    "results-destination-folder", "parameters", "close-automatically", "algorithm-language")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lean_runner.engine",
                                     description="Run a LEAN Python algorithm on the embedded engine.")
    parser.add_argument("--config", required=True, type=Path, help="LEAN launcher config.json")
    for key in OVERRIDABLE_KEYS:
        parser.add_argument(f"--{key}", dest=key.replace("-", "_"), help=f"override '{key}' of the config")
    args = parser.parse_args(argv)
    overrides: dict[str, object] = {}
    for key in OVERRIDABLE_KEYS:
        value = getattr(args, key.replace("-", "_"))
        if value is not None:
            overrides[key] = json.loads(value) if key == "parameters" else value
    try:
        config = LaunchConfig.load(args.config, overrides)
    except ConfigError as error:
        print(f"ERROR:: {error}", file=sys.stderr)
        return EXIT_CONFIGURATION_ERROR
    return run_backtest(config, install_signal_handlers=True).exit_code


if __name__ == "__main__":
    sys.exit(main())
