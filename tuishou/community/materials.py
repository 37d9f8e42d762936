"""The materials marketplace (素材专区): publish, reuse (a citation through a link that carries the material),
rate, report, and the operator's decisions: hide, restore, or dismiss the reports (驳回).

Rules, each a stable error code:
- a material is for a product in the supply pool, with 1–2,000 characters of text, at most nine images (JPEG,
  PNG or WebP, each under 5 MB, checked by decoding it) and optionally an http(s) video link;
- reusing needs a visible material that is not your own; the same person reusing the same material through the
  same channel within an hour is the same citation (a double tap counts once);
- one rating per person per material (1–5), changeable, never of your own;
- one open report per person per material; hiding, restoring and dismissing a material's reports are an
  operator's (ops), with a reason, audited, and each closes every open report of the material with its outcome.
A hidden material cannot be reused; what was already reused stays attributed (its links and citations remain).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from tuishou.accounts.models import User
from tuishou.accounts.permissions import Role, require_operator
from tuishou.community.errors import CommunityError
from tuishou.community.materials_scores import citation_counted, material_score_open, ratings_recount, visibility_set
from tuishou.community.models import Citation, Material, MaterialImage, MaterialReport, Rating
from tuishou.community.pictures import pictures_checked
from tuishou.community.transitions import MATERIAL
from tuishou.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from tuishou.core.transitions import transition_apply
from tuishou.network.selectors import promoter_for_user
from tuishou.risk.services import audit_record
from tuishou.stores.models import ShareLink
from tuishou.stores.services import share_link_get_or_create, share_product_check

TEXT_MAX, IMAGES_MAX, REASON_MAX = 2000, 9, 200
SAME_CITATION = timedelta(hours=1)


def _text(text: str | None) -> str:
    text = (text or "").replace("\x00", "").strip()
    if not text or len(text) > TEXT_MAX:
        raise InvalidInput(CommunityError.TEXT_INVALID, maximum=TEXT_MAX, details={"field": "text"})
    return text


def _video(url: str | None) -> str:
    url = (url or "").strip()
    if url and (urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).netloc or len(url) > 300):
        raise InvalidInput(CommunityError.VIDEO_URL_INVALID, details={"field": "video_url"})
    return url


def _checked_images(images: list[UploadedFile]) -> list[UploadedFile]:
    if len(images) > IMAGES_MAX:
        raise InvalidInput(CommunityError.IMAGES_TOO_MANY, maximum=IMAGES_MAX, details={"field": "images"})
    return pictures_checked(images, invalid=CommunityError.IMAGE_INVALID, field="images")


def material_publish(*, user: User, product_id: int, text: str, images: list[UploadedFile] | None = None,
                     video_url: str = "") -> Material:
    """The signed-in promoter publishes a selling material for a product of the supply pool."""
    author = promoter_for_user(user)
    text, video_url = _text(text), _video(video_url)
    images = _checked_images(list(images or []))
    share_product_check(product_id)
    with transaction.atomic():
        material = Material.objects.create(author=author, community_id=author.community_id, product_id=product_id,
                                           text=text, video_url=video_url)
        for position, upload in enumerate(images):
            MaterialImage.objects.create(material=material, image=upload, position=position)
        material_score_open(material)
    return material


def _material(material_id: int) -> Material:
    material = Material.objects.select_related("author").filter(pk=material_id).first()
    if material is None:
        raise NotFound(CommunityError.MATERIAL_UNKNOWN)
    return material


def material_reuse(*, user: User, material_id: int, channel: str) -> tuple[Citation, ShareLink]:
    """The signed-in promoter reuses a material through ``channel``: the citation and the link to share (their
    own, carrying the material: its clicks and orders count for the material)."""
    promoter = promoter_for_user(user)
    if channel not in Citation.Channel.values:
        raise InvalidInput(CommunityError.CHANNEL_UNKNOWN, channel=channel, details={"field": "channel"})
    with transaction.atomic():
        material = Material.objects.select_for_update().filter(pk=material_id).first()
        if material is None:
            raise NotFound(CommunityError.MATERIAL_UNKNOWN)
        if material.status != Material.Status.VISIBLE:
            raise Conflict(CommunityError.MATERIAL_HIDDEN)
        if material.author_id == promoter.pk:
            raise Conflict(CommunityError.MATERIAL_OWN)
        link = share_link_get_or_create(promoter=promoter, target=ShareLink.Target.PRODUCT,
                                        product_id=material.product_id, material_id=material.pk)
        recent = (Citation.objects.filter(material=material, promoter=promoter, channel=channel,
                                          created_at__gt=timezone.now() - SAME_CITATION).first())
        citation = recent or Citation.objects.create(material=material, promoter=promoter, channel=channel,
                                                     link=link)
        if recent is None:
            citation_counted(citation)
    return citation, link


def material_rate(*, user: User, material_id: int, score: int) -> Rating:
    """Rate a material 1–5 (again: the rating changes); never one's own."""
    rater = promoter_for_user(user)
    if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
        raise InvalidInput(CommunityError.RATING_INVALID, details={"field": "score"})
    material = _material(material_id)
    if material.author_id == rater.pk:
        raise PermissionDenied(CommunityError.RATING_OWN)
    with transaction.atomic():
        rating, _ = Rating.objects.update_or_create(material=material, rater=rater,
                                                    defaults={"score": score, "updated_at": timezone.now()})
        ratings_recount(material.pk)
    return rating


def _reason(reason: str | None) -> str:
    reason = (reason or "").replace("\x00", "").strip()
    if not reason or len(reason) > REASON_MAX:
        raise InvalidInput(CommunityError.REASON_INVALID, maximum=REASON_MAX, details={"field": "reason"})
    return reason


def material_report(*, user: User, material_id: int, reason: str) -> MaterialReport:
    """Report a material to the operators (one open report per person and material)."""
    reason = _reason(reason)
    material = _material(material_id)
    try:
        with transaction.atomic():
            return MaterialReport.objects.create(material=material, reporter=user, reason=reason)
    except IntegrityError:
        raise Conflict(CommunityError.REPORT_OPEN) from None


def _material_locked(material_id: int) -> Material:
    """The material, its row locked: hiding, restoring and dismissing its reports take turns on it."""
    material = Material.objects.select_for_update().filter(pk=material_id).first()
    if material is None:
        raise NotFound(CommunityError.MATERIAL_UNKNOWN)
    return material


def material_moderate(*, actor: User, material_id: int, hide: bool, reason: str) -> Material:
    """An operator (ops) hides or restores a material, with a reason; open reports are resolved. Audited."""
    require_operator(actor, Role.OPS)
    reason = _reason(reason)
    with transaction.atomic():
        material = _material_locked(material_id)
        to = Material.Status.HIDDEN if hide else Material.Status.VISIBLE
        MATERIAL.check(current=material.status, to=to)
        material = transition_apply(material, to=to, actor=actor, reason=reason)
        visibility_set(material)
        outcome = MaterialReport.Outcome.HIDDEN if hide else MaterialReport.Outcome.RESTORED
        MaterialReport.objects.filter(material=material, resolved_at__isnull=True).update(
            resolved_at=timezone.now(), outcome=outcome)
        audit_record(actor=actor, action="community.material_hidden" if hide else "community.material_restored",
                     target=material, reason=reason, data={"product": material.product_id})
    return material


@dataclass(frozen=True)
class ReportsDismissed:
    """What ``material_reports_dismiss`` closed: the material (untouched) and its reports' ids, oldest first."""

    material: Material
    report_ids: tuple[int, ...]


def material_reports_dismiss(*, actor: User, material_id: int, reason: str) -> ReportsDismissed:
    """An operator (ops) dismisses every open report of a material (驳回) as unfounded, with a reason: the material
    stays as it is (visible or hidden). Audited; the reporters are not told who decided.

    The whole material's open reports, not one: an operator judges the material, as when hiding it, so no report
    is left waiting on a material already judged (the desk's queue and counters stay true)."""
    require_operator(actor, Role.OPS)
    reason = _reason(reason)
    with transaction.atomic():
        material = _material_locked(material_id)
        report_ids = tuple(MaterialReport.objects.filter(material=material, resolved_at__isnull=True)
                           .order_by("id").values_list("id", flat=True))
        if not report_ids:
            raise Conflict(CommunityError.REPORTS_NONE_OPEN)
        MaterialReport.objects.filter(pk__in=report_ids).update(resolved_at=timezone.now(),
                                                                outcome=MaterialReport.Outcome.DISMISSED)
        audit_record(actor=actor, action="community.material_reports_dismissed", target=material, reason=reason,
                     data={"product": material.product_id, "reports": list(report_ids)})
    return ReportsDismissed(material=material, report_ids=report_ids)
