"""The campaign's status table, moved by ``tuishou.core.transitions``: draft → launched → ended, or a draft
withdrawn (draft → ended). Launching stamps ``launched_at``, ending ``ended_at``; each move keeps who and why in
``CampaignStatusChange``."""

from __future__ import annotations

from tuishou.campaigns.models import Campaign, CampaignStatusChange
from tuishou.core.transitions import Pipeline, pipeline_register

S = Campaign.Status

CAMPAIGN = pipeline_register(Pipeline(
    model=Campaign, history=CampaignStatusChange,
    moves={S.DRAFT: frozenset({S.LAUNCHED, S.ENDED}), S.LAUNCHED: frozenset({S.ENDED}), S.ENDED: frozenset()},
    stamps={S.LAUNCHED: "launched_at", S.ENDED: "ended_at"}))
