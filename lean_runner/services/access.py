"""Who is asking: a user id from a token, or anyone (on loopback with no tokens configured, like Jupyter)."""

from __future__ import annotations

from dataclasses import dataclass

from lean_runner.services.errors import BadRequestError, ForbiddenError


@dataclass(frozen=True)
class Caller:
    """``user_id`` None means unrestricted: the server runs without tokens and every record is visible."""

    user_id: str | None = None

    @property
    def unrestricted(self) -> bool:
        return self.user_id is None

    def check_owner(self, owner: str | None, what: str) -> None:
        """Raise ForbiddenError when a token's user asks for another user's ``what``."""
        if self.user_id is not None and owner != self.user_id:
            raise ForbiddenError(f"{what} belongs to another user; your token is for user '{self.user_id}'")

    def acting_as(self, requested: str | None, *, required: bool = True) -> str | None:
        """The user a request acts for: the ``user_id`` it names (it must be the token's user), or the token's."""
        if requested is not None and self.user_id is not None and requested != self.user_id:
            raise ForbiddenError(f"user_id '{requested}' is not yours; your token is for user '{self.user_id}'")
        user = requested if requested is not None else self.user_id
        if user is None and required:
            raise BadRequestError("user_id is required", details=[{"path": "user_id", "message": "required"}])
        return user


ANYONE = Caller()
