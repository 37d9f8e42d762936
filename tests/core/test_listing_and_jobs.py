"""The desk lists (core/listing.py) and background jobs (core/jobs.py): search, filters, sorting, pagination,
CSV export inline and as a job with progress, and that nobody else sees a person's job."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import RequestFactory

from tuishou.accounts.models import User
from tuishou.core import listing as listing_module
from tuishou.core.errors import NotFound
from tuishou.core.jobs import JOB_KINDS, job_execute, job_get, job_kind, job_start
from tuishou.core.listing import Column, Filter, Listing
from tuishou.core.models import Job

pytestmark = pytest.mark.django_db


class PeopleListing(Listing):
    name = "tests.people"
    columns = (Column("username", "Username", sort="name", link=lambda u: f"/people/{u.username}/"),
               Column("display_name", "Name"),
               Column("is_staff", "Staff"), Column("formula", "Formula", value=lambda u: f"={u.username}"))
    search = ("username", "display_name")
    filters = (Filter("is_staff", "Staff", choices=(("1", "yes"), ("0", "no")),
                      apply=lambda rows, v: rows.filter(is_staff=v == "1")),)
    sorts = {"name": ("Name", ("username",)), "newest": ("Newest", ("-pk",))}
    per_page = 3

    def rows(self):
        return User.objects.filter(username__startswith=self.scope["prefix"])


@pytest.fixture
def people():
    made = [User.objects.create(username=f"p{i:02d}", display_name=f"张{i}", is_staff=i % 2 == 0) for i in range(7)]
    User.objects.create(username="other", display_name="张外")
    return made


def _listing(query: str, **scope) -> PeopleListing:
    request = RequestFactory().get("/x/" + query)
    request.user = User.objects.get(username="p00")
    return PeopleListing(request, prefix="p", **scope)


def test_search_filter_sort_and_page(people):
    listing = _listing("?q=张&is_staff=1&sort=newest&page=2")
    assert listing.count == 4  # p00 p02 p04 p06 (staff), not "other" (outside the scope)
    assert [u.username for u in listing.page.object_list] == ["p00"]  # page 2 of newest-first, 3 a page
    assert listing.query(page=1) == "?q=%E5%BC%A0&is_staff=1&sort=newest&page=1"
    assert listing.query(is_staff=None) == "?q=%E5%BC%A0&sort=newest"


def test_bad_parameters_are_ignored_never_fail(people):
    listing = _listing("?is_staff=maybe&sort=drop_table&page=999&q=" + "x" * 500)
    assert listing.active == {} and listing.sort == "name" and len(listing.q) == 100
    assert listing.count == 0 and listing.page.number == 1


def test_inline_export_is_csv_with_bom_and_no_formulas(people):
    response = _listing("?sort=name&export=csv").export_response()
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    assert response["Content-Disposition"].startswith('attachment; filename="tests-people-')
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows[0] == ["Username", "Name", "Staff", "Formula"]
    assert rows[1] == ["p00", "张0", "1", "'=p00"] and len(rows) == 8


def test_large_export_runs_as_a_job_with_progress_and_a_file(people, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(listing_module, "EXPORT_INLINE_ROWS", 2)
    listing = _listing("?is_staff=0&export=csv")
    with django_capture_on_commit_callbacks(execute=True):
        response = listing.export_response()
    assert response.status_code == 200 and b"/jobs/" in response.content
    job = Job.objects.get()
    assert (job.kind, job.status, job.done, job.total, job.params["query"]) == (
        "core.listing_export", "done", 3, 3, "is_staff=0")
    assert job.result == {"rows": 3} and job.file.endswith(".csv") and job.started_at and job.finished_at
    client_owner = _client(job.owner)
    body = b"".join(client_owner.get(f"/jobs/{job.pk}/file").streaming_content).decode()
    assert [r[0] for r in csv.reader(io.StringIO(body.lstrip("\ufeff")))] == ["Username", "p01", "p03", "p05"]


def _client(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def test_someone_elses_job_is_not_found(people):
    job = Job.objects.create(kind="core.listing_export", owner=people[0])
    with pytest.raises(NotFound) as caught:
        job_get(user=people[1], job_id=job.pk)
    assert caught.value.code == "core.job_not_found"
    assert _client(people[1]).get(f"/jobs/{job.pk}/").status_code == 404
    assert _client(people[1]).get(f"/jobs/{job.pk}/file").status_code == 404
    page = _client(people[0]).get(f"/jobs/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert f'hx-get="/jobs/{job.pk}/"' in page  # still queued: the card keeps polling


def test_a_domain_error_fails_the_job_with_its_message(people):
    from tuishou.core.errors import CoreError, InvalidInput

    @job_kind("tests.refuses")
    def refuses(job, *, n):
        job.progress(1, n)
        raise InvalidInput(CoreError.REQUEST_BAD, problem="n is odd")

    try:
        job = job_start("tests.refuses", owner=people[0], n=3)
        job = job_execute(job.pk)
        assert (job.status, job.error_code, job.done, job.total) == ("failed", "request.bad", 1, 3)
        assert "n is odd" in job.error_message
        assert job_execute(job.pk).status == "failed"  # a second delivery changes nothing
    finally:
        JOB_KINDS.pop("tests.refuses")


def test_the_table_links_cells_and_the_job_card_keeps_a_local_result_link(people, rf):
    from django.template.loader import render_to_string

    listing = _listing("?sort=name")
    html = render_to_string("components/listing.html#table", {"listing": listing, "request": listing.request})
    assert '<a href="/people/p00/">p00</a>' in html
    job = Job.objects.create(kind="core.listing_export", owner=people[0], status="done")
    client = _client(people[0])
    card = client.get(f"/jobs/{job.pk}/?done=/report/7/", HTTP_HX_REQUEST="true").content.decode()
    assert 'href="/report/7/"' in card
    card = client.get(f"/jobs/{job.pk}/?done=//evil.example/", HTTP_HX_REQUEST="true").content.decode()
    assert "evil" not in card


def test_a_cells_class_right_aligns_numbers_and_keeps_short_labels_on_one_line():
    assert [Column("a", "A").cell_class, Column("b", "B", num=True).cell_class,
            Column("status", "S", short=True).cell_class, Column("c", "C", num=True, short=True).cell_class] == [
        "", "num", "nowrap", "num nowrap"]
