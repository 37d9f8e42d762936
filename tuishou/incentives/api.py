"""API routes for incentives."""

from ninja import Router

router = Router(tags=["incentives"])
