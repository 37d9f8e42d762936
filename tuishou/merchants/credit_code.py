"""The unified social credit code (统一社会信用代码, GB 32100-2015): format and check character.

Pure Python (no Django): 18 characters from a 31-symbol alphabet (digits and capitals without I, O, Z, S, V);
the last one is a check character over the first seventeen.
"""

from __future__ import annotations

import re

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_SHAPE = re.compile(rf"^[{ALPHABET}]{{18}}$")


def check_character(first17: str) -> str:
    """The check character (校验码) for the first seventeen characters of a code."""
    total = sum(ALPHABET.index(ch) * w for ch, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def normalize_credit_code(raw: str) -> str:
    """Upper-case and strip spaces; the result may still be invalid."""
    return re.sub(r"\s", "", raw or "").upper()


def is_valid_credit_code(code: str) -> bool:
    """True when ``code`` has the 18-character shape and a correct check character."""
    return bool(_SHAPE.match(code)) and check_character(code[:17]) == code[17]
