"""The docker run as a value: exact mounts, config keys, labels and options for the real LEAN image and ours."""

from __future__ import annotations

from pathlib import Path

import pytest

from lean_runner.runners.container_spec import ContainerLimits, EngineFlavor, build_container_spec, container_name
from lean_runner.runners.docker_runner import image_flavor
from lean_runner.runners.lean_config import default_lean_base_config, strip_json_comments
from lean_runner.runners.request import RunPlan

PLAN = RunPlan(
    backtest_id="0b6c1f9e-2f0a-4d8e-9a51-6a1d2c3b4e5f", algorithm_id="1234567890", project=Path("/work/project"),
    code_folder=Path("/work/project/backtests/2024-05-01_12-00-00/code"),
    algorithm=Path("/work/project/backtests/2024-05-01_12-00-00/code/strategies/ema.py"),
    data_folder=Path("/data/lean"), result_folder=Path("/work/project/backtests/2024-05-01_12-00-00"),
    storage_folder=Path("/work/project/storage"), cache_folder=Path("/cache/parsed"),
    parameters={"fast": "10"}, backtest_name="nightly", progress_interval=0.5)
RESULT = "/work/project/backtests/2024-05-01_12-00-00"
LABELS = {
    "org.lean-workbench.managed": "true",
    "org.lean-workbench.backtest-id": "0b6c1f9e-2f0a-4d8e-9a51-6a1d2c3b4e5f",
    "org.lean-workbench.algorithm-id": "1234567890",
    "org.lean-workbench.project": "/work/project",
    "org.lean-workbench.result-folder": RESULT,
    "org.lean-workbench.strategy": "ema",
}
CONTRACT_KEYS = {
    "environment": "backtesting",
    "close-automatically": True,
    "algorithm-type-name": "ema",
    "algorithm-language": "Python",
    "algorithm-location": "/LeanCLI/strategies/ema.py",
    "algorithm-id": "1234567890",
    "data-folder": "/Lean/Data",
    "results-destination-folder": "/Results",
    "object-store-root": "/Storage",
    "parameters": {"fast": "10"},
    "backtest-name": "nightly",
}


def test_real_lean_image_spec_follows_the_container_contract() -> None:
    base = default_lean_base_config()
    spec = build_container_spec(PLAN, image="quantconnect/lean:latest", flavor=EngineFlavor.LEAN,
                                limits=ContainerLimits(cpus=1.5, memory="4g"), user="1000:1000",
                                lean_base_config=base)
    assert [(m.source, m.target, m.read_only) for m in spec.mounts] == [
        (f"{RESULT}/code", "/LeanCLI", True),
        ("/data/lean", "/Lean/Data", True),
        (RESULT, "/Results", False),
        ("/work/project/storage", "/Storage", False),
        (f"{RESULT}/lean-config.json", "/Lean/Launcher/bin/Debug/config.json", True),
    ]
    assert spec.config == {**base, **CONTRACT_KEYS}
    assert spec.config["environments"]["backtesting"]["result-handler"].endswith("BacktestingResultHandler")
    assert spec.labels == LABELS
    assert spec.entrypoint == ("dotnet", "QuantConnect.Lean.Launcher.dll")
    assert spec.command == ("--config", "/Lean/Launcher/bin/Debug/config.json")
    assert spec.working_dir == "/Lean/Launcher/bin/Debug"
    assert spec.stop_signal == "SIGINT"
    assert (spec.nano_cpus, spec.mem_limit) == (1_500_000_000, "4g")
    assert spec.user is None  # LEAN's image runs as its own root
    assert spec.network_mode is None
    assert spec.environment == {}
    assert spec.name == container_name(PLAN.backtest_id) == "lean_workbench_0b6c1f9e2f0a4d8e9a516a1d2c3b4e5f"
    assert spec.config_file == Path(RESULT) / "lean-config.json"


def test_workbench_image_spec_adds_parse_cache_and_runs_the_embedded_engine() -> None:
    spec = build_container_spec(PLAN, image="lean-workbench/engine:latest", flavor=EngineFlavor.WORKBENCH,
                                limits=ContainerLimits(), user="1000:1000", lean_base_config=None)
    assert [(m.source, m.target, m.read_only) for m in spec.mounts] == [
        (f"{RESULT}/code", "/LeanCLI", True),
        ("/data/lean", "/Lean/Data", True),
        (RESULT, "/Results", False),
        ("/work/project/storage", "/Storage", False),
        (f"{RESULT}/lean-config.json", "/Lean/Launcher/bin/Debug/config.json", True),
        ("/cache/parsed", "/Cache", False),
    ]
    assert spec.config == {**CONTRACT_KEYS, "workbench-progress-interval": 0.5, "workbench-cache-folder": "/Cache"}
    assert spec.labels == LABELS
    assert spec.entrypoint == ("python", "-m", "lean_runner.engine", "--config",
                               "/Lean/Launcher/bin/Debug/config.json")
    assert spec.command == ()
    assert spec.stop_signal == "SIGINT"
    assert (spec.nano_cpus, spec.mem_limit) == (None, None)
    assert spec.user == "1000:1000"
    assert spec.network_mode == "none"
    assert spec.environment["PYTHONUNBUFFERED"] == "1"


def test_create_kwargs_are_what_the_docker_sdk_takes() -> None:
    spec = build_container_spec(PLAN, image="img:1", flavor=EngineFlavor.WORKBENCH,
                                limits=ContainerLimits(cpus=1, memory="512m"))
    kwargs = spec.create_kwargs()
    assert kwargs["mounts"][0] == {"Target": "/LeanCLI", "Source": f"{RESULT}/code", "Type": "bind",
                                   "ReadOnly": True}
    assert kwargs["detach"] is True and kwargs["tty"] is False
    assert kwargs["stop_signal"] == "SIGINT" and kwargs["nano_cpus"] == 1_000_000_000
    assert kwargs["mem_limit"] == "512m" and "user" not in kwargs
    assert kwargs["command"] is None


@pytest.mark.parametrize(("labels", "flavor"), [
    ({"org.lean-workbench.engine": "workbench"}, EngineFlavor.WORKBENCH),
    ({"lean_version": "2.5.0"}, EngineFlavor.LEAN),
    (None, EngineFlavor.LEAN),
])
def test_image_labels_choose_the_engine_flavor(labels: dict[str, str] | None, flavor: EngineFlavor) -> None:
    assert image_flavor(labels) is flavor


def test_lean_config_comments_are_stripped_outside_strings() -> None:
    text = '{\n  // comment\n  "url": "http://x//y", // trailing\n  "n": 1\n}'
    assert strip_json_comments(text).replace(" ", "").replace("\n", "") == '{"url":"http://x//y","n":1}'
