"""Which parts of a text the offline agent used, and the phrases it did not understand.

Every recognizer marks the characters it read; what is left, once filler words are set aside, is
reported back to the researcher word for word instead of being guessed at.

Example::

    coverage = TextCoverage("Buy SPY when the stochastic crosses 80")
    coverage.take(0, 3); coverage.take(4, 7)
    coverage.leftovers()    # ["stochastic crosses 80"]
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lean_runner.agent.vocabulary import FILLER_WORDS

__all__ = ["TextCoverage"]

_WORD = re.compile(r"[A-Za-z0-9$%&'._+\-<>=]+")
_CLAUSE_BREAK = re.compile(r"[.;:!?\n,()]")


class TextCoverage:
    """The text and a mask of the characters read so far."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.lower = text.lower()
        self._used = bytearray(len(text))

    def free(self, start: int, end: int) -> bool:
        """True when none of ``[start, end)`` has been read yet."""
        return not any(self._used[start:end])

    def take(self, start: int, end: int) -> None:
        self._used[start:end] = b"\x01" * (end - start)

    def finditer(self, pattern: str | re.Pattern[str]) -> Iterator[re.Match[str]]:
        """Matches of ``pattern`` in the lower-cased text that lie entirely in unread text."""
        compiled = re.compile(pattern) if isinstance(pattern, str) else pattern
        for match in compiled.finditer(self.lower):
            if match.end() > match.start() and self.free(match.start(), match.end()):
                yield match

    def leftovers(self) -> list[str]:
        """The unread phrases with at least one word that is not a filler, each as the researcher wrote it."""
        phrases: list[str] = []
        for clause_start, clause_end in self._clauses():
            words = [m for m in _WORD.finditer(self.text, clause_start, clause_end)
                     if self.free(m.start(), m.end())]
            run: list[re.Match[str]] = []
            for word in words:
                if run and not self._only_gap(run[-1].end(), word.start()):
                    self._flush(run, phrases)
                    run = []
                run.append(word)
            self._flush(run, phrases)
        return phrases

    def _only_gap(self, start: int, end: int) -> bool:
        """Words are one phrase when only spaces separate them (read text splits phrases)."""
        return self.free(start, end) and not self.text[start:end].strip()

    def _flush(self, run: list[re.Match[str]], phrases: list[str]) -> None:
        content = [w for w in run if w.group().lower().strip(".'") not in FILLER_WORDS]
        if content:
            phrases.append(self.text[content[0].start():content[-1].end()].strip(" .,;"))

    def _clauses(self) -> Iterator[tuple[int, int]]:
        start = 0
        for match in _CLAUSE_BREAK.finditer(self.text):
            # A dot inside a number ("0.5") or a ticker ("BRK.B") does not end a clause.
            if match.group() == "." and 0 < match.start() < len(self.text) - 1 and \
                    self.text[match.start() + 1].isalnum():
                continue
            yield start, match.start()
            start = match.end()
        yield start, len(self.text)
