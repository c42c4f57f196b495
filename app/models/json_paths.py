"""Where each value of a JSON text starts, by the DSL's path syntax (``entry.conditions[1].params.window``).

The validator reports problems by path; the editor needs a line to mark. ``json.loads`` keeps no
positions, so this small scanner walks the text once (it assumes the text already parsed).

Example::

    lines = value_lines('{"a": {"b": [1,\\n 2]}}')
    lines["a.b[1]"]     # 1 (0-based line)
"""

from __future__ import annotations

import contextlib
import json

_WHITESPACE = " \t\r\n"


def value_lines(text: str) -> dict[str, int]:
    """Path → 0-based line where that value starts (the root is ``""``)."""
    found: dict[str, int] = {}
    decoder = json.JSONDecoder()
    position = 0

    def skip(i: int) -> int:
        while i < len(text) and text[i] in _WHITESPACE:
            i += 1
        return i

    def line_of(i: int) -> int:
        return text.count("\n", 0, i)

    def walk(i: int, path: str) -> int:
        i = skip(i)
        found[path] = line_of(i)
        if i >= len(text):
            return i
        if text[i] == "{":
            i = skip(i + 1)
            if text[i] == "}":
                return i + 1
            while True:
                key, i = decoder.raw_decode(text, skip(i))
                i = skip(i)
                i = walk(i + 1, f"{path}.{key}" if path else str(key))  # past the colon
                i = skip(i)
                if text[i] == ",":
                    i += 1
                    continue
                return i + 1  # the closing brace
        if text[i] == "[":
            i = skip(i + 1)
            if text[i] == "]":
                return i + 1
            index = 0
            while True:
                i = walk(i, f"{path}[{index}]")
                i = skip(i)
                index += 1
                if text[i] == ",":
                    i += 1
                    continue
                return i + 1
        _, end = decoder.raw_decode(text, i)
        return end

    with contextlib.suppress(ValueError, IndexError):  # not JSON after all: the lines found so far still help
        walk(position, "")
    return found


def line_of_path(lines: dict[str, int], path: str) -> int:
    """The line of ``path``, or of its nearest ancestor that exists (a missing key is reported on its parent)."""
    while path:
        if path in lines:
            return lines[path]
        cut = max(path.rfind("."), path.rfind("["))
        path = path[:cut] if cut > 0 else ""
    return lines.get("", 0)
