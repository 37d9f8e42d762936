"""Every desk table reads on a phone: it is either narrow (fits the width) or a card list whose cells carry their
column's name (``table.table.cards``, ``data-label``; app.css). A plain wide table would scroll sideways."""

import re
from pathlib import Path

import pytest

TEMPLATES = sorted((Path(__file__).resolve().parents[2] / "tuishou").glob("**/templates/**/*.html"))
TABLE = re.compile(r'<table class="table([^"]*)"')


def _tables():
    for path in TEMPLATES:
        text = path.read_text(encoding="utf-8")
        for match in TABLE.finditer(text):
            end = text.index("</table>", match.end())
            yield path, set(re.findall(r"[a-z-]+", match.group(1))), text[match.end():end]


def _unlabelled(body: str) -> list[str]:
    """The cells after the first of each body or footer row with neither a label, nor the actions' class, nor a
    colspan (an empty row's message)."""
    body = body[body.find("<tbody"):] if "<tbody" in body else body
    missing = []
    for row in re.findall(r"<tr\b.*?</tr>", body, re.S):
        for cell in re.findall(r"<t[dh]\b[^>]*>", row)[1:]:
            if cell.startswith("<th") or any(mark in cell for mark in ("data-label", "actions-cell", "colspan")):
                continue
            missing.append(f"{cell} in {row[:60]}")
    return missing


def test_the_templates_have_desk_tables_to_check():
    assert len(list(_tables())) >= 40


@pytest.mark.parametrize("path", sorted({path for path, _, _ in _tables()}),
                         ids=lambda path: str(path).split("/templates/", 1)[1])
def test_a_desk_table_is_narrow_or_a_card_list_with_labelled_cells(path):
    for found, classes, body in _tables():
        if found != path:
            continue
        assert {"narrow", "cards"} & classes, f"{path.name}: table.table without narrow or cards"
        if "cards" in classes and "narrow" not in classes:  # both: chosen in the template by the column count
            assert _unlabelled(body) == [], path.name
