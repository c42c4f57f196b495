"""Record ids: the documents' prefixes, an alphabet safe in URLs and file names, and enough randomness."""

from __future__ import annotations

import math
import re

import pytest

from lean_runner.store import new_id
from lean_runner.store.ids import ID_ALPHABET, ID_RANDOM_LENGTH


@pytest.mark.parametrize("prefix", ["s", "sv", "bt"])
def test_ids_are_the_prefix_then_twenty_lowercase_letters_and_digits(prefix: str) -> None:
    assert re.fullmatch(rf"{prefix}_[a-z0-9]{{20}}", new_id(prefix))


def test_ids_carry_at_least_96_random_bits_and_do_not_repeat() -> None:
    assert ID_RANDOM_LENGTH * math.log2(len(ID_ALPHABET)) >= 96
    ids = {new_id("sv") for _ in range(20_000)}
    assert len(ids) == 20_000
    # Every character of the alphabet turns up in every position: nothing is fixed or sequential.
    assert all({i[3 + position] for i in ids} == set(ID_ALPHABET) for position in range(ID_RANDOM_LENGTH))


@pytest.mark.parametrize("prefix", ["", "S", "s_", "1s", "s v"])
def test_a_prefix_that_would_break_the_id_style_is_refused(prefix: str) -> None:
    with pytest.raises(ValueError, match="lowercase letters and digits"):
        new_id(prefix)
