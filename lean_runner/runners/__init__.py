"""Runners: one interface (:class:`Runner`), two implementations (local subprocess, docker container)."""

from lean_runner.runners.base import LineSink, RunExit, RunHandle, Runner, RunRef
from lean_runner.runners.container_spec import ContainerLimits, ContainerSpec, EngineFlavor, build_container_spec
from lean_runner.runners.docker_runner import DockerRunner
from lean_runner.runners.errors import (
    BacktestNotFoundError,
    BacktestRunError,
    EngineUnavailableError,
    InvalidRequestError,
    InvalidResultNameError,
    ResultFolderBusyError,
    ResultNotFoundError,
    StoreConfigurationError,
    StoreUnavailableError,
    TransitionConflictError,
)
from lean_runner.runners.local import LocalRunner
from lean_runner.runners.request import BacktestRequest, RunPlan

__all__ = ["BacktestNotFoundError", "BacktestRequest", "BacktestRunError", "ContainerLimits", "ContainerSpec",
           "DockerRunner", "EngineFlavor", "EngineUnavailableError", "InvalidRequestError", "InvalidResultNameError",
           "LineSink", "LocalRunner", "ResultFolderBusyError", "ResultNotFoundError", "RunExit", "RunHandle",
           "RunPlan", "RunRef", "Runner", "StoreConfigurationError", "StoreUnavailableError",
           "TransitionConflictError", "build_container_spec"]
