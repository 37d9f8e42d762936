"""The text of an HTML page's table body rows, for asserting what a person reads in a table."""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser


class _Rows(HTMLParser):
    """The text of each body row of the tables (cells joined by " | ")."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.body = self.cell = False

    def handle_starttag(self, tag, attrs):
        if tag == "tbody":
            self.body = True
        elif tag == "tr" and self.body:
            self.rows.append([])
        elif tag == "td" and self.body:
            self.cell = True
            self.rows[-1].append("")

    def handle_endtag(self, tag):
        if tag == "tbody":
            self.body = False
        elif tag == "td":
            self.cell = False

    def handle_data(self, data):
        if self.cell and self.rows:
            self.rows[-1][-1] += data


def rows(html: str) -> list[str]:
    parser = _Rows()
    parser.feed(html)
    return [" | ".join(re.sub(r"\s+", " ", unescape(c)).strip() for c in row) for row in parser.rows]
