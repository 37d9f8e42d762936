"""Invite codes (邀请码): short, unambiguous, case-insensitive (pure Python: no Django import).

The alphabet leaves out 0/O, 1/I/L so a code read aloud or copied from a poster cannot be mistyped
into another valid code. Codes are stored upper-case; input is upper-cased and stripped of spaces and
dashes before lookup. Six characters give 31**6 ≈ 887 million codes; the generator grows the length
to 7 and 8 only if it keeps hitting taken codes.
"""

from __future__ import annotations

import re
import secrets

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
MIN_LENGTH = 6
MAX_LENGTH = 8
INSERT_ATTEMPTS = 8  # fresh codes tried (growing longer every third) before a writer gives up
_VALID = re.compile(f"^[{ALPHABET}]{{{MIN_LENGTH},{MAX_LENGTH}}}$")


def generate(length: int = MIN_LENGTH) -> str:
    """A new random code of ``length`` characters from the unambiguous alphabet (``secrets``)."""
    if not MIN_LENGTH <= length <= MAX_LENGTH:
        raise ValueError(f"invite code length {length} outside {MIN_LENGTH}–{MAX_LENGTH}")
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def normalize(raw: str | None) -> str:
    """The stored form of what a person typed: upper-case, without spaces or dashes ("" for nothing)."""
    return re.sub(r"[\s\-]", "", raw or "").upper()


def is_well_formed(code: str) -> bool:
    """True when a normalized code could have been generated (so a lookup is worth doing)."""
    return bool(_VALID.match(code))
