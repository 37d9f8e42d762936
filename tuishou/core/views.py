"""Pages core serves itself: a background job's progress (polled by the page that started it) and its file."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from tuishou.core.errors import NotFound
from tuishou.core.jobs import job_get


def _job(request: HttpRequest, job_id: int):
    try:
        return job_get(user=request.user, job_id=job_id)
    except NotFound as exc:
        raise Http404 from exc


@login_required
def job_status(request: HttpRequest, job_id: int) -> HttpResponse:
    """The job's progress card (the partial the page polls; a whole page when opened by itself)."""
    job = _job(request, job_id)
    if request.headers.get("HX-Request"):
        done = request.GET.get("done", "")
        done = done if done.startswith("/") and not done.startswith("//") and "\\" not in done else ""
        return render(request, "components/ui.html#job", {"job": job, "done_url": done})
    return render(request, "core/job.html", {"job": job})


@login_required
def job_file(request: HttpRequest, job_id: int) -> FileResponse:
    """The file the job wrote, to its owner only."""
    job = _job(request, job_id)
    if not job.file or not default_storage.exists(job.file):
        raise Http404
    return FileResponse(default_storage.open(job.file, "rb"), as_attachment=True,
                        filename=PurePosixPath(job.file).name)


_FAVICON = Path(__file__).parent / "static" / "tuishou" / "favicon.svg"


def favicon(request: HttpRequest) -> HttpResponse:
    """``/favicon.ico``: the site icon for pages that link none (the Django admin's), so browsers get no 404."""
    response = HttpResponse(_FAVICON.read_bytes(), content_type="image/svg+xml")
    response["Cache-Control"] = "public, max-age=86400"
    return response
