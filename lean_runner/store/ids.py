"""Record ids in the documents' style: ``s_…`` (strategy), ``sv_…`` (strategy version), ``bt_…`` (backtest)."""

from __future__ import annotations

import re
import secrets
import string

ID_ALPHABET = string.ascii_lowercase + string.digits
ID_RANDOM_LENGTH = 20  # 36**20 ≈ 2**103: unguessable, and lowercase survives case-insensitive file systems and URLs
_PREFIX = re.compile(r"[a-z][a-z0-9]*")


def new_id(prefix: str) -> str:
    """A new unguessable id ``<prefix>_<20 lowercase letters and digits>`` (over 100 random bits).

    Example::

        >>> new_id("sv")  # doctest: +SKIP
        'sv_q3k0x8m1z7b2c9d4e5f6'
    """
    if not _PREFIX.fullmatch(prefix):
        raise ValueError(f"an id prefix is lowercase letters and digits starting with a letter, like 'sv'; "
                         f"got {prefix!r}")
    return f"{prefix}_{''.join(secrets.choice(ID_ALPHABET) for _ in range(ID_RANDOM_LENGTH))}"
