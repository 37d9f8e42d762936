"""Every string marked for translation anywhere under ``tuishou/`` — templates and Python — has a non-empty,
non-fuzzy zh_Hans translation in some app's catalog, so no Chinese page shows English. A new untranslated string
fails here, naming its file and line.

Templates go through Django's own ``templatize`` (what ``makemessages`` does) and then, like Python files,
through Babel's Python extractor. Service error messages (the text given to a ``DomainError``) are left to the
errors' own catalog and are not counted here.
"""

from __future__ import annotations

import ast
import io
from pathlib import Path

from babel.messages.extract import extract_python
from babel.messages.pofile import read_po
from django.utils.translation.template import templatize

ROOT = Path(__file__).resolve().parents[2] / "tuishou"
KEYWORDS = {"_": None, "gettext": None, "gettext_lazy": None, "ngettext": (1, 2), "ngettext_lazy": (1, 2),
            "pgettext": ((1, "c"), 2), "pgettext_lazy": ((1, "c"), 2), "npgettext": ((1, "c"), 2, 3),
            "npgettext_lazy": ((1, "c"), 2, 3)}
ERROR_CLASSES = {"DomainError", "InvalidInput", "NotFound", "PermissionDenied", "NotAuthenticated", "Conflict"}


def _catalogs() -> dict[tuple[str | None, str], bool]:
    """(context, msgid) → translated, over every zh_Hans catalog under tuishou/ (a translation anywhere counts)."""
    done: dict[tuple[str | None, str], bool] = {}
    for po in ROOT.glob("**/locale/zh_Hans/LC_MESSAGES/django.po"):
        with po.open("rb") as handle:
            catalog = read_po(handle, locale="zh_Hans")
        for message in catalog:
            if not message.id:
                continue
            msgid = message.id[0] if isinstance(message.id, (tuple, list)) else message.id
            strings = message.string if isinstance(message.string, (tuple, list)) else (message.string,)
            ok = "fuzzy" not in message.flags and all(s.strip() for s in strings if s is not None) and any(strings)
            done[(message.context, msgid)] = done.get((message.context, msgid), False) or ok
    return done


def _error_message_lines(source: str) -> set[int]:
    """Lines of gettext calls that are a DomainError's message (the errors' catalog covers those)."""
    lines: set[int] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name in ERROR_CLASSES:
                for arg in node.args[1:2]:
                    lines.update(range(arg.lineno, (arg.end_lineno or arg.lineno) + 1))
    return lines


def _extract(code: str) -> list[tuple[int, str | None, str]]:
    found = []
    for lineno, funcname, messages, _comments in extract_python(io.BytesIO(code.encode()), list(KEYWORDS), [], {}):
        messages = messages if isinstance(messages, tuple) else (messages,)
        context = messages[0] if funcname.startswith(("pgettext", "npgettext")) else None
        msgid = messages[1] if context is not None else messages[0]
        if msgid:
            found.append((lineno, context, msgid))
    return found


def marked_strings() -> list[tuple[str, int, str | None, str]]:
    """Every (file, line, context, msgid) marked for translation under tuishou/."""
    result = []
    for path in sorted(ROOT.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        source = path.read_text(encoding="utf-8")
        skip = _error_message_lines(source)
        result += [(str(path.relative_to(ROOT)), line, ctx, msgid) for line, ctx, msgid in _extract(source)
                   if line not in skip]
    for path in sorted(ROOT.rglob("templates/**/*.html")):
        code = templatize(path.read_text(encoding="utf-8"), origin=str(path))
        # A template's indentation survives templatize, shifted by a space where a tag opens the line, which
        # Python's tokenizer refuses ("unindent does not match"); the lines' order and numbers are what count.
        code = "\n".join(line.lstrip() for line in code.splitlines())
        result += [(str(path.relative_to(ROOT)), line, ctx, msgid) for line, ctx, msgid in _extract(code)]
    return result


def test_every_marked_string_has_a_chinese_translation():
    catalogs = _catalogs()
    missing = [f"{where}:{line}: {msgid!r}" for where, line, ctx, msgid in marked_strings()
               if not catalogs.get((ctx, msgid))]
    assert not missing, "untranslated (add them to the app's zh_Hans django.po):\n" + "\n".join(missing)


def test_the_check_sees_template_and_python_strings_and_skips_error_messages():
    found = {(where, msgid) for where, _line, _ctx, msgid in marked_strings()}
    assert ("core/templates/base.html", "Tuishou social commerce") in found
    assert ("accounts/forms.py", "Phone or username") in found
    assert ("core/templates/components/ui.html", "Page %(n)s of %(total)s") in found
    code = 'from django.utils.translation import gettext as _\nraise Conflict("x.y", _("Taken."))\nlabel = _("Kept")\n'
    lines = _error_message_lines(code)
    assert [m for line, _c, m in _extract(code) if line not in lines] == ["Kept"]
