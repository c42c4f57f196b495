"""Build the workbench's engine image: a LEAN-contract image that runs ``python -m lean_runner.engine``.

Everything installed into the image is a wheel built on this machine (the engine's
dependencies pinned to the versions installed here, so a container computes exactly what a
local run does, and the workbench itself); the build runs with no network. The default base
is ``python:3.11-slim``; where no registry is reachable, ``scripts/build-base-image.sh`` makes
a Debian base with mmdebstrap and ``--base lean-workbench/python-base:3.11`` uses it.

Example::

    build_engine_image(client, base="lean-workbench/python-base:3.11", tag=DEFAULT_ENGINE_IMAGE,
                       wheel_cache=Path("~/.cache/lean-workbench/wheels").expanduser())
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import docker
import docker.errors

from lean_runner.runners.container_spec import CONTAINER_CONFIG, IMAGE_LABEL_ENGINE, LEAN_LAUNCHER_FOLDER
from lean_runner.runners.errors import EngineUnavailableError

DEFAULT_ENGINE_IMAGE = "lean-workbench/engine:latest"
DEFAULT_BASE_IMAGE = "python:3.11-slim"
LOCAL_BASE_IMAGE = "lean-workbench/python-base:3.11"
# What `python -m lean_runner.engine` imports beyond the standard library.
ENGINE_REQUIREMENTS = ("numpy", "pandas", "tzdata", "orjson")
REPO_ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("lean_runner", "api", "app")  # what pyproject's package discovery includes

DOCKERFILE = f"""\
ARG BASE={DEFAULT_BASE_IMAGE}
FROM ${{BASE}}
# python:3.11-slim has `python3 -m venv` with pip; the mmdebstrap base gets it from python3-venv.
RUN python3 -m venv /opt/engine
ENV PATH=/opt/engine/bin:$PATH PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1
COPY wheels/dependencies /tmp/wheels/dependencies
RUN pip install --no-index --no-cache-dir --find-links /tmp/wheels/dependencies \\
        -r /tmp/wheels/dependencies/requirements.txt && rm -rf /tmp/wheels
COPY wheels/workbench /tmp/wheels/workbench
RUN pip install --no-index --no-cache-dir --no-deps /tmp/wheels/workbench/*.whl && rm -rf /tmp/wheels \\
    && mkdir -p /Lean/Data /Results /Storage /LeanCLI /Cache {LEAN_LAUNCHER_FOLDER} \\
    && chmod 1777 /Results /Storage /Cache
WORKDIR {LEAN_LAUNCHER_FOLDER}
LABEL {IMAGE_LABEL_ENGINE}="workbench" python_version="3.11"
ENTRYPOINT ["python", "-m", "lean_runner.engine", "--config", "{CONTAINER_CONFIG}"]
"""


@dataclass(frozen=True)
class ImageBuildResult:
    tag: str
    image_id: str
    base: str
    seconds: float


def engine_requirements() -> list[str]:
    """The engine's dependencies pinned to the versions installed in this environment."""
    pins = []
    for name in ENGINE_REQUIREMENTS:
        try:
            pins.append(f"{name}=={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            pins.append(name)
    return pins


def build_dependency_wheels(cache: Path, requirements: Iterable[str], *, python: str = sys.executable) -> Path:
    """Wheels of ``requirements`` (and what they need) in ``cache/<hash>``, built once and reused."""
    pins = sorted(requirements)
    key = hashlib.sha256("\n".join(pins).encode()).hexdigest()[:16]
    folder = cache / f"dependencies-{key}"
    stamp = folder / "requirements.txt"
    if stamp.is_file() and any(folder.glob("*.whl")):
        return folder
    cache.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=cache))
    try:
        _pip(python, ["wheel", "--quiet", "--wheel-dir", str(staging), *pins])
        (staging / "requirements.txt").write_text("\n".join(pins) + "\n")
        if folder.exists():
            shutil.rmtree(folder)
        shutil.move(str(staging), folder)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return folder


def build_workbench_wheel(destination: Path, *, source: Path = REPO_ROOT, python: str = sys.executable) -> Path:
    """A wheel of this project (no dependencies) in ``destination``.

    It is built from a clean copy of the packages, so nothing stale (an old ``build/``) gets in
    and the work tree is left as it was.
    """
    destination.mkdir(parents=True, exist_ok=True)
    skip = shutil.ignore_patterns("__pycache__", "*.pyc", ".*")
    with tempfile.TemporaryDirectory(prefix="workbench-source-") as copy_dir:
        copy = Path(copy_dir)
        for name in ("pyproject.toml", "README.md", "LICENSE"):
            if (source / name).is_file():
                shutil.copy2(source / name, copy / name)
        for package in PACKAGES:
            if (source / package).is_dir():
                shutil.copytree(source / package, copy / package, ignore=skip)
        _pip(python, ["wheel", "--quiet", "--no-deps", "--wheel-dir", str(destination), str(copy)])
    wheels = sorted(destination.glob("lean_workbench-*.whl"))
    if not wheels:
        raise EngineUnavailableError(f"pip built no lean_workbench wheel from {source}")
    return wheels[-1]


def _pip(python: str, arguments: list[str]) -> None:
    # A fixed SOURCE_DATE_EPOCH makes the wheel's bytes depend on the sources only, so an unchanged
    # workbench hits Docker's layer cache.
    environment = {**os.environ, "SOURCE_DATE_EPOCH": "315532800"}
    completed = subprocess.run([python, "-m", "pip", *arguments], capture_output=True, text=True, env=environment)
    if completed.returncode != 0:
        raise EngineUnavailableError(f"pip {arguments[0]} failed:\n{completed.stderr.strip()[-2000:]}")


def build_engine_image(client: docker.DockerClient, *, base: str = DEFAULT_BASE_IMAGE,
                       tag: str = DEFAULT_ENGINE_IMAGE, wheel_cache: Path,
                       on_output: Callable[[str], None] | None = None) -> ImageBuildResult:
    """Build the engine image on ``client``'s daemon with the network off; raises EngineUnavailableError."""
    started = time.perf_counter()
    try:
        client.images.get(base)
    except docker.errors.ImageNotFound as error:
        raise EngineUnavailableError(
            f"the base image '{base}' is not on this Docker host and no registry can be reached to pull it. "
            f"Build a local base with scripts/build-base-image.sh, then pass --base {LOCAL_BASE_IMAGE}.") from error
    previous = None
    with contextlib.suppress(docker.errors.ImageNotFound):
        previous = client.images.get(tag).id
    with tempfile.TemporaryDirectory(prefix="engine-image-") as context_dir:
        context = Path(context_dir)
        dependencies = build_dependency_wheels(wheel_cache, engine_requirements())
        shutil.copytree(dependencies, context / "wheels" / "dependencies")
        build_workbench_wheel(context / "wheels" / "workbench")
        (context / "Dockerfile").write_text(DOCKERFILE)
        lines = client.api.build(path=str(context), tag=tag, buildargs={"BASE": base}, rm=True, forcerm=True,
                                 pull=False, network_mode="none", decode=True)
        image_id = None
        for line in lines:
            if "error" in line:
                raise EngineUnavailableError(f"building {tag} failed: {line['error'].strip()}")
            text = str(line.get("stream", "")).rstrip()
            if text and on_output is not None:
                on_output(text)
            if "aux" in line and isinstance(line["aux"], dict):
                image_id = line["aux"].get("ID", image_id)
    image = client.images.get(tag)
    if previous and previous != image.id:  # the replaced build would linger as an untagged image
        with contextlib.suppress(docker.errors.APIError):
            client.images.remove(previous, noprune=False)
    return ImageBuildResult(tag=tag, image_id=str(image_id or image.id), base=base,
                            seconds=time.perf_counter() - started)


def ensure_engine_image(client: docker.DockerClient, *, tag: str, wheel_cache: Path,
                        base: str | None = None, on_output: Callable[[str], None] | None = None) -> ImageBuildResult:
    """Build (or refresh from the layer cache) the engine image; the base is ``base`` or the first present of
    ``python:3.11-slim`` and the local mmdebstrap base."""
    if base is None:
        base = LOCAL_BASE_IMAGE
        for candidate in (DEFAULT_BASE_IMAGE, LOCAL_BASE_IMAGE):
            try:
                client.images.get(candidate)
            except docker.errors.ImageNotFound:
                continue
            base = candidate
            break
    return build_engine_image(client, base=base, tag=tag, wheel_cache=wheel_cache, on_output=on_output)
