"""Translations: domain errors in the reader's language, and the message catalogs compiled without GNU gettext.

``python -m tuishou.core.i18n compile`` compiles every ``tuishou/**/locale/*/LC_MESSAGES/*.po`` to its
``.mo`` with Babel (pure Python), because a fresh machine has no ``msgfmt``. The compiled files are committed
and a test checks that each is current with its ``.po``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

from tuishou.core.errors import DomainError

PACKAGE_ROOT = Path(__file__).resolve().parent.parent


def error_message(error: DomainError, language: str | None = None) -> str:
    """The error's message in ``language`` (a Django language code), or in the active language."""
    from django.utils import translation

    if language is None:
        return error.render(translation.gettext)
    with translation.override(language):
        return error.render(translation.gettext)


def po_files(root: Path = PACKAGE_ROOT) -> list[Path]:
    """Every message catalog source under ``root``."""
    return sorted(root.glob("**/locale/*/LC_MESSAGES/*.po"))


def catalog_messages(path: Path) -> dict[str, str]:
    """``{msgid: msgstr}`` of a ``.po`` or ``.mo`` file, translated entries only (the header left out); an entry
    with a context is keyed ``context\x04msgid``, as gettext stores it, so one word in two contexts is two keys."""
    with path.open("rb") as handle:
        catalog = read_mo(handle) if path.suffix == ".mo" else read_po(handle)
    def text(value) -> str:  # a plural entry's id and string are sequences (a list in .mo, a tuple in .po)
        return value if isinstance(value, str) else "\x00".join(value)

    def key(message) -> str:
        return f"{message.context}\x04{text(message.id)}" if message.context else text(message.id)

    return {key(m): text(m.string) for m in catalog if m.id and m.string and not m.fuzzy}


def compile_po(path: Path) -> Path:
    """Write ``path``'s ``.mo`` beside it and return its path; fuzzy entries are left out, as msgfmt does."""
    with path.open("rb") as handle:
        catalog = read_po(handle)
    target = path.with_suffix(".mo")
    with target.open("wb") as handle:
        write_mo(handle, catalog, use_fuzzy=False)
    return target


def main(argv: list[str]) -> int:
    if argv != ["compile"]:
        print("usage: python -m tuishou.core.i18n compile", file=sys.stderr)
        return 2
    for path in po_files():
        print(f"compiled {compile_po(path).relative_to(PACKAGE_ROOT.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
