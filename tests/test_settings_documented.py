"""Every setting the code declares is in the README's configuration table, with its default."""

from __future__ import annotations

from pathlib import Path

import pytest

from lean_runner.settings import SETTINGS, Settings, SettingsError

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()


@pytest.mark.parametrize("name", [spec.env for spec in SETTINGS])
def test_setting_is_documented_in_readme(name: str) -> None:
    assert f"| `{name}` |" in README, f"{name} is missing from the README's configuration table"


def test_settings_read_from_the_environment_and_overrides_win(tmp_path: Path) -> None:
    settings = Settings.from_env({"WORKBENCH_PROJECT": str(tmp_path), "WORKBENCH_MAX_CONCURRENT": "3",
                                  "WORKBENCH_DOCKER_MEMORY": ""}, data_folder=tmp_path / "data")
    assert settings.project == tmp_path and settings.data_folder == tmp_path / "data"
    assert settings.max_concurrent == 3 and settings.docker_memory == ""


def test_bad_numeric_setting_names_the_variable() -> None:
    with pytest.raises(SettingsError, match="WORKBENCH_RUN_TIMEOUT"):
        Settings.from_env({"WORKBENCH_RUN_TIMEOUT": "soon"})
