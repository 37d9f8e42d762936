"""Django merges every app's catalog into one: an English text translated differently in two apps shows whichever
app comes first in INSTALLED_APPS, on both apps' pages ("From" read 原等级 on the dashboard's date filter). A text
whose meaning differs by page takes a context (``{% translate "From" context "rank" %}``, ``pgettext``).

This test fails for any new text translated two ways across the catalogs. ``KNOWN`` lists the ones found when the
test was written (mostly near-synonyms: 今日/今天); each should get a context or one translation, and leave the list.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2] / "tuishou"
KNOWN = {
    '90th percentile',
    'A mentor switch request is already waiting for a decision.',
    'Actions',
    'Apply',
    'Back to the queue',
    'By',
    'Communities',
    'Draft',
    'From',
    'History',
    'Lowest rank',
    'Mean',
    'Messages',
    'Most sales',
    'Name',
    'Newest',
    'Official',
    'Only promoters placed under a mentor can switch; an inviter stays your sponsor.',
    'Orders',
    'Orders to ship',
    'Owner',
    'Period',
    'Phone',
    'Promoter',
    'Promoters',
    'Reason',
    'Reject',
    'Rejected',
    'Remove',
    'SLA breaches',
    'Sales',
    'Since',
    'This is already your mentor.',
    'To',
    'Today',
    'Waiting longest',
    'Withdrawals',
}


def _translations() -> dict[tuple[str | None, str], dict[str, list[str]]]:
    found: dict[tuple[str | None, str], dict[str, list[str]]] = {}
    for po in sorted(ROOT.glob("*/locale/zh_Hans/LC_MESSAGES/django.po")):
        with po.open("rb") as handle:
            for message in read_po(handle, locale="zh_Hans"):
                if not message.id:
                    continue
                msgid = message.id if isinstance(message.id, str) else message.id[0]
                text = message.string if isinstance(message.string, str) else message.string[0]
                if text:
                    found.setdefault((message.context, msgid), {}).setdefault(text, []).append(po.parts[-5])
    return found


def test_no_new_text_is_translated_two_ways_across_the_catalogs():
    clashes = {key: apps for key, apps in _translations().items() if len(apps) > 1 and key[1] not in KNOWN}
    assert clashes == {}


def test_the_known_list_holds_only_texts_that_still_clash():
    clashing = {key[1] for key, apps in _translations().items() if len(apps) > 1}
    assert clashing >= KNOWN, sorted(KNOWN - clashing)
