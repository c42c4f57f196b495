"""Which engine runs a backtest: ``auto`` (a container when Docker can run one, else local), ``local`` or ``docker``.

:func:`choose_engine` is pure: it asks a ``docker_available`` callable, which says None when a
daemon answers and the image is present, or why not. :func:`docker_status` is that check
against a real daemon. A server resolves ``auto`` once at start (and logs the reason when it
falls back) or per request, as it prefers::

    status = docker_status(partial(connect_docker, timeout=3), settings.docker_image)
    choice = choose_engine(settings.engine, docker_available=lambda: status)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import docker.errors
import requests.exceptions

from lean_runner.runners.docker_runner import ClientFactory
from lean_runner.runners.errors import BacktestRunError, EngineUnavailableError, InvalidRequestError

ENGINE_REQUESTS = ("auto", "local", "docker")


@dataclass(frozen=True)
class EngineChoice:
    """The engine a backtest runs on (``local`` or ``docker``) and, when ``auto`` fell back to local, why."""

    engine: str
    reason: str | None = None


def choose_engine(requested: str, *, docker_available: Callable[[], str | None]) -> EngineChoice:
    """Resolve ``auto`` / ``local`` / ``docker`` to an engine.

    ``docker_available()`` returns None when containers can run, else a human reason; it is
    not called for ``local``. ``auto`` takes docker when available and local otherwise (the
    reason recorded); ``docker`` raises EngineUnavailableError with the reason when it is
    not available; anything else is an InvalidRequestError naming the choices.

        choose_engine("auto", docker_available=lambda: "no daemon")
        # EngineChoice(engine='local', reason='no daemon')
    """
    if requested not in ENGINE_REQUESTS:
        message = f"engine must be one of {', '.join(map(repr, ENGINE_REQUESTS))}, got {requested!r}"
        raise InvalidRequestError(message, details=[{"path": "engine", "message": message}])
    if requested == "local":
        return EngineChoice("local")
    reason = docker_available()
    if reason is None:
        return EngineChoice("docker")
    if requested == "docker":
        raise EngineUnavailableError(reason)
    return EngineChoice("local", reason)


def docker_status(client_factory: ClientFactory, image: str) -> str | None:
    """None when the daemon answers a ping and has ``image``; otherwise why containers cannot run.

    ``client_factory`` connects, e.g. ``partial(connect_docker, timeout=3)``: its timeout
    bounds how long an unreachable daemon takes to report (an absent socket fails at once).
    The client is closed before returning.
    """
    try:
        client = client_factory()
    except BacktestRunError as error:
        return error.message
    except (docker.errors.DockerException, requests.exceptions.RequestException) as error:
        return f"cannot reach the Docker daemon: {error}"
    try:
        client.ping()
        client.images.get(image)
    except docker.errors.ImageNotFound:
        return (f"the image '{image}' is not on this Docker host: build it with `workbench image build` "
                f"(or pull it), or run with engine 'local'")
    except (docker.errors.DockerException, requests.exceptions.RequestException) as error:
        return f"the Docker daemon did not answer about the image '{image}': {error}"
    finally:
        client.close()
    return None
