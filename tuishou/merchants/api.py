"""API routes for merchants."""

from ninja import Router

router = Router(tags=["merchants"])
