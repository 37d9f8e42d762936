"""Short codes for stores and share links (pure Python: no Django import).

The alphabet is lower-case and leaves out 0/o, 1/l/i so a code read off a poster cannot be mistyped
into another valid one. Seven characters give 31**7 ≈ 27.5 billion codes; the generator is ``secrets``
so codes cannot be guessed from one another.
"""

from __future__ import annotations

import re
import secrets

ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
LENGTH = 7
MAX_LENGTH = 12
_VALID = re.compile(f"^[{ALPHABET}]{{{LENGTH},{MAX_LENGTH}}}$")


def generate(length: int = LENGTH) -> str:
    """A new random code of ``length`` characters from the unambiguous alphabet."""
    if not LENGTH <= length <= MAX_LENGTH:
        raise ValueError(f"code length {length} outside {LENGTH}–{MAX_LENGTH}")
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def normalize(raw: str | None) -> str:
    """The stored form of a code someone typed or pasted: lower-case, no spaces."""
    return re.sub(r"\s", "", raw or "").lower()


def is_well_formed(code: str) -> bool:
    """True when a normalized code could have been generated (so a lookup is worth doing)."""
    return bool(_VALID.match(code))
