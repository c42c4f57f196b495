"""Problems found in a spec: their paths (``entry.conditions[1].params.window``) and the report that collects them.

A validation never stops at the first problem: every check adds to one :class:`Report`,
whose :meth:`Report.as_response` is the strategy service's validation response.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Path", "Problem", "Report", "did_you_mean", "format_path", "parse_path", "quoted_list"]

# A location inside a JSON document: object keys and list indexes, outermost first.
Path = tuple[str | int, ...]

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def format_path(path: Path) -> str:
    """``("entry", "conditions", 1, "params", "window")`` → ``entry.conditions[1].params.window``.

    Keys that are not identifiers are written in brackets as JSON strings (``parameters["my window"]``),
    so that every path reads back with :func:`parse_path`. The document itself is ``""``.
    """
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        elif _IDENTIFIER.match(part):
            text += f".{part}" if text else part
        else:
            text += f"[{json.dumps(part)}]"
    return text


_TOKEN = re.compile(r'\.?([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]')


def parse_path(text: str) -> Path:
    """The inverse of :func:`format_path`; raises ``ValueError`` on text that is not a path."""
    parts: list[str | int] = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or (match.group(0).startswith(".") and position == 0):
            raise ValueError(f"not a spec path: {text!r} (at character {position})")
        name, index, quoted = match.groups()
        parts.append(name if name is not None else int(index) if index is not None else json.loads(quoted))
        position = match.end()
    return tuple(parts)


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """The closest of ``choices`` to ``word`` when one is close enough to be a likely typo."""
    options = list(choices)
    lowered = {choice.lower(): choice for choice in options}
    if word.lower() in lowered:
        return lowered[word.lower()]
    matches = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    return matches[0] if matches else None


def quoted_list(values: Sequence[str], *, conjunction: str = "or") -> str:
    """``'a', 'b' or 'c'``."""
    quoted = [f"'{value}'" for value in values]
    if len(quoted) <= 1:
        return "".join(quoted)
    return f"{', '.join(quoted[:-1])} {conjunction} {quoted[-1]}"


@dataclass(frozen=True)
class Problem:
    """One error or warning: where it is and what would be valid there."""

    path: str
    message: str

    def as_json(self) -> dict[str, str]:
        return {"path": self.path, "message": self.message}


@dataclass
class Report:
    """Errors and warnings collected during one validation, in the order they were found."""

    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    def error(self, path: Path, message: str) -> None:
        problem = Problem(format_path(path), message)
        if problem not in self.errors:
            self.errors.append(problem)

    def warn(self, path: Path, message: str) -> None:
        problem = Problem(format_path(path), message)
        if problem not in self.warnings:
            self.warnings.append(problem)

    @property
    def valid(self) -> bool:
        return not self.errors

    def as_response(self) -> dict[str, Any]:
        """``{"valid": ..., "errors": [{"path", "message"}], "warnings": [...]}``."""
        return {"valid": self.valid, "errors": [p.as_json() for p in self.errors],
                "warnings": [p.as_json() for p in self.warnings]}
