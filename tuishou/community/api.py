"""API routes of the community: the leaderboards of my community and the materials marketplace (素材专区)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile

from tuishou.accounts.permissions import require_user
from tuishou.community import materials, selectors
from tuishou.community.leaderboards import leaderboard
from tuishou.community.schemas import (
    FiguresOut,
    LeaderboardOut,
    LeaderboardQuery,
    MaterialDetailOut,
    MaterialOut,
    MaterialPage,
    MaterialQuery,
    RatingIn,
    RatingOut,
    ReasonIn,
    ReportsDismissedOut,
    ReuseIn,
    ReuseOut,
    material_out,
)
from tuishou.core.api_roles import CONSUMER, OPS, PROMOTER, allowed
from tuishou.network.selectors import promoter_for_user

router = Router(tags=["community"])


@router.get("/leaderboards/{board}", response=LeaderboardOut, openapi_extra=allowed(PROMOTER))
def my_leaderboard(request: HttpRequest, board: str, query: Query[LeaderboardQuery]):
    """A leaderboard of my community: ``sales`` (what my customers paid, net of refunds, self-purchases left out:
    ``detail`` is the orders) or ``growth`` (people who joined my whole team: ``detail`` is how many I invited),
    for ``week``, ``month`` or ``last_month``. Display only: nothing is paid from it."""
    promoter = promoter_for_user(require_user(request.user))
    result = leaderboard(community_id=promoter.community_id, board=board, period=query.period,
                         viewer_id=promoter.pk)
    return {"board": result.board, "period": result.window.period, "first_day": result.window.first_day,
            "last_day": result.window.last_day, "entrants": result.entrants, "rows": result.rows,
            "mine": result.mine}


@router.get("/materials", response=MaterialPage, openapi_extra=allowed(PROMOTER))
def material_list(request: HttpRequest, query: Query[MaterialQuery]):
    """Visible materials ranked by ``citations``, citation-led ``orders`` or ``rating`` (each decayed with a
    14-day half-life, see the ranking's documentation), of my community (``everywhere``: all), optionally of
    one product."""
    promoter = promoter_for_user(require_user(request.user))
    page, total = selectors.materials_ranked(
        community_id=None if query.everywhere else promoter.community_id, product_id=query.product_id,
        order=query.order, limit=query.limit, offset=query.offset)
    return {"count": total, "items": [material_out(m) for m in page]}


@router.post("/materials", response={201: MaterialOut}, openapi_extra=allowed(PROMOTER))
def material_publish(request: HttpRequest, product_id: Form[int], text: Form[str], video_url: Form[str] = "",
                     images: File[list[UploadedFile]] = None):
    """Publish a material (multipart: ``product_id``, ``text``, optional ``video_url``, up to nine ``images``)."""
    made = materials.material_publish(user=request.user, product_id=product_id, text=text,
                                      images=list(images or []), video_url=video_url)
    return Status(201, material_out(selectors.material_get(material_id=made.pk)))


@router.get("/materials/mine", response=list[MaterialOut], openapi_extra=allowed(PROMOTER))
def material_mine(request: HttpRequest):
    """My materials, newest first, hidden ones too (with their status)."""
    promoter = promoter_for_user(require_user(request.user))
    return [material_out(m) for m in selectors.materials_of(promoter.pk).prefetch_related("images")
            .select_related("author__user")[:200]]


@router.get("/materials/{int:material_id}", response=MaterialDetailOut, openapi_extra=allowed(CONSUMER))
def material_detail(request: HttpRequest, material_id: int):
    """A visible material with what it did: citations, clicks and orders through the links that carried it."""
    require_user(request.user)
    material = selectors.material_get(material_id=material_id)
    figures = selectors.material_figures(material)
    return {**material_out(material), "figures": FiguresOut(**figures.__dict__)}


@router.post("/materials/{int:material_id}/reuse", response=ReuseOut, openapi_extra=allowed(PROMOTER))
def material_reuse(request: HttpRequest, material_id: int, payload: ReuseIn):
    """Reuse a material through a ``channel`` (wechat, moments, group, poster, other): a citation, and my link
    that carries it (its clicks and orders count for the material) with the text to paste."""
    citation, link = materials.material_reuse(user=request.user, material_id=material_id, channel=payload.channel)
    return {"citation_id": citation.pk, "link_code": link.code, "url": request.build_absolute_uri(f"/s/{link.code}"),
            "text": citation.material.text}


@router.put("/materials/{int:material_id}/rating", response=RatingOut, openapi_extra=allowed(PROMOTER))
def material_rate(request: HttpRequest, material_id: int, payload: RatingIn):
    """Rate a material 1–5 (again: the rating changes); not my own."""
    rating = materials.material_rate(user=request.user, material_id=material_id, score=payload.score)
    return {"material_id": material_id, "score": rating.score}


@router.post("/materials/{int:material_id}/report", response={201: None}, openapi_extra=allowed(CONSUMER))
def material_report(request: HttpRequest, material_id: int, payload: ReasonIn):
    """Report a material to the operators, with a reason."""
    materials.material_report(user=require_user(request.user), material_id=material_id, reason=payload.reason)
    return Status(201, None)


@router.post("/materials/{int:material_id}/hide", response=MaterialOut, openapi_extra=allowed(OPS))
def material_hide(request: HttpRequest, material_id: int, payload: ReasonIn):
    """Operators (ops): take a material down, with a reason (audited). What was reused stays attributed."""
    materials.material_moderate(actor=request.user, material_id=material_id, hide=True, reason=payload.reason)
    return material_out(selectors.material_get(material_id=material_id, visible_only=False))


@router.post("/materials/{int:material_id}/restore", response=MaterialOut, openapi_extra=allowed(OPS))
def material_restore(request: HttpRequest, material_id: int, payload: ReasonIn):
    """Operators (ops): put a hidden material back, with a reason (audited)."""
    materials.material_moderate(actor=request.user, material_id=material_id, hide=False, reason=payload.reason)
    return material_out(selectors.material_get(material_id=material_id, visible_only=False))


@router.post("/materials/{int:material_id}/reports/dismiss", response=ReportsDismissedOut, openapi_extra=allowed(OPS))
def material_reports_dismiss(request: HttpRequest, material_id: int, payload: ReasonIn):
    """Operators (ops): dismiss every open report of a material as unfounded (驳回), with a reason (audited); the
    material stays as it is. ``community.reports_none_open`` (409) when none is open."""
    done = materials.material_reports_dismiss(actor=request.user, material_id=material_id, reason=payload.reason)
    return {"material_id": done.material.pk, "status": done.material.status, "dismissed": list(done.report_ids)}
