"""The plan studio's pages: what they show, their forms' errors beside the field, 404 for another community's
draft, and bounded queries on the list pages."""

import pytest
from django.utils import translation

from tests.network import factories as net
from tuishou.incentives.models import PlanStudy, PlanVersion
from tuishou.incentives.proposals import plan_draft_start, plan_propose
from tuishou.incentives.studies import plan_study_run
from tuishou.network import services as network

from .community import DRAFT, build

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _chinese():
    with translation.override("zh-hans"):
        yield


def test_the_agency_reads_its_plan_in_force_and_starts_a_draft_from_a_template(client, after_commit,
                                                                                django_assert_max_num_queries):
    built = build(after_commit)
    for n in range(3):
        plan_draft_start(actor=built.staff, community=built.community, source=DRAFT.replace("2027", f"202{n}"))
    client.force_login(built.staff)
    with django_assert_max_num_queries(12):
        page = client.get("/agency/plan/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "星火社群分销方案" in text and "星火社群 2020 草案" in text and "直推佣金" in text
    resp = client.post("/agency/plan/", {"template": "single-level-cps", "source": ""})
    draft = PlanVersion.objects.latest("id")
    assert resp.status_code == 302 and resp["Location"] == f"/agency/plan/drafts/{draft.pk}/"
    assert (draft.community, draft.created_by, draft.plan_key) == (built.community, built.staff, "single-level-cps")


def test_a_bad_draft_shows_the_error_beside_the_field_keeps_the_text_and_writes_nothing(client, after_commit):
    built = build(after_commit)
    client.force_login(built.staff)
    before = PlanVersion.objects.count()
    resp = client.post("/agency/plan/", {"template": "", "source": "id: x\nrules: [{type: bogus}]"})
    text = resp.content.decode()
    assert resp.status_code == 400
    assert "id: x" in text and 'class="field invalid"' in text
    assert PlanVersion.objects.count() == before


def test_the_editor_checks_as_you_type_and_saves(client, after_commit):
    built = build(after_commit)
    draft = plan_draft_start(actor=built.staff, community=built.community, source=DRAFT)
    client.force_login(built.staff)
    page = client.get(f"/agency/plan/drafts/{draft.pk}/").content.decode()
    assert f'hx-post="/agency/plan/drafts/{draft.pk}/check/"' in page
    assert "L5" in page  # three promoters paid on one order: a warning under us
    recruiting = DRAFT.replace('  - {type: tiers, id: team, rates: ["0.05", "0.05"]}',
                               '  - {type: recruit_bonus, amount: "10.00"}')
    panel = client.post(f"/agency/plan/drafts/{draft.pk}/check/", {"source": recruiting},
                        HTTP_HX_REQUEST="true").content.decode()
    assert 'data-code="L1"' in panel and "拉人头" in panel and "错误" in panel
    broken = client.post(f"/agency/plan/drafts/{draft.pk}/check/", {"source": "rules: ["}).content.decode()
    assert "无法读取方案" in broken
    assert PlanVersion.objects.get(pk=draft.pk).source == DRAFT
    saved = client.post(f"/agency/plan/drafts/{draft.pk}/", {"source": recruiting})
    assert saved.status_code == 302
    assert [f["code"] for f in PlanVersion.objects.get(pk=draft.pk).findings if f["severity"] == "error"] == ["L1"]


def test_another_communitys_draft_and_study_answer_404(client, after_commit):
    built = build(after_commit)
    draft = plan_draft_start(actor=built.staff, community=built.community, source=DRAFT)
    ops = net.operator("ops")
    other = net.agency(code="QINGTENG", name="青藤联盟")
    stranger = net.user("青藤·运营")
    network.community_staff_add(actor=ops, community=other, user=stranger)
    client.force_login(stranger)
    assert client.get(f"/agency/plan/drafts/{draft.pk}/").status_code == 404
    assert client.post(f"/agency/plan/drafts/{draft.pk}/propose/", {"note": ""}).status_code == 404
    assert client.post(f"/agency/plan/drafts/{draft.pk}/backtest/", {}).status_code == 404
    assert PlanVersion.objects.get(pk=draft.pk).status == "draft" and PlanStudy.objects.count() == 0


def test_a_backtest_page_shows_progress_then_the_report_with_charts(client, after_commit):
    built = build(after_commit)
    draft = plan_draft_start(actor=built.staff, community=built.community, source=DRAFT)
    client.force_login(built.staff)
    resp = client.post(f"/agency/plan/drafts/{draft.pk}/backtest/", {"start": "", "end": ""})
    study = PlanStudy.objects.get()
    assert resp["Location"] == f"/agency/plan/studies/{study.pk}/"
    running = client.get(f"/agency/plan/studies/{study.pk}/").content.decode()
    assert 'id="study-progress"' in running and "<progress" in running
    plan_study_run(study_id=study.pk)
    polled = client.get(f"/agency/plan/studies/{study.pk}/", HTTP_HX_REQUEST="true")
    assert polled["HX-Refresh"] == "true"
    report = client.get(f"/agency/plan/studies/{study.pk}/").content.decode()
    assert 'data-figure="draft-payout">¥49.00' in report and 'data-figure="draft-ratio">0.4900' in report
    assert report.count("<svg") == 3 and "陈*" in report and "白*" in report
    # the rules read by their kind's name, not by the ids in the plan's text
    assert "固定层级" in report and "直推佣金" in report and ">team<" not in report and ">direct<" not in report


def test_a_bad_window_is_shown_beside_the_field(client, after_commit):
    built = build(after_commit)
    draft = plan_draft_start(actor=built.staff, community=built.community, source=DRAFT)
    client.force_login(built.staff)
    resp = client.post(f"/agency/plan/drafts/{draft.pk}/backtest/", {"start": "2026-05-02", "end": "2026-05-01"})
    assert resp.status_code == 400 and "回测区间" in resp.content.decode()
    assert PlanStudy.objects.count() == 0


def test_operators_see_proposals_publish_and_send_back(client, after_commit, django_assert_max_num_queries):
    built = build(after_commit)
    drafts = [plan_draft_start(actor=built.staff, community=built.community, source=DRAFT) for _ in range(3)]
    for draft in drafts:
        plan_propose(actor=built.staff, draft=draft)
    client.force_login(built.ops)
    with django_assert_max_num_queries(16):  # the same for one proposal or thirty: no query per row
        page = client.get("/ops/plans/")
    assert page.status_code == 200 and page.content.decode().count("星火社群 2027 草案") == 3
    nothing = client.post(f"/ops/plans/drafts/{drafts[0].pk}/send-back/", {"reason": ""})
    assert nothing.status_code == 400 and "请说明退回提案的原因" in nothing.content.decode()
    assert client.post(f"/ops/plans/drafts/{drafts[0].pk}/send-back/", {"reason": "比例过高"}).status_code == 302
    assert client.post(f"/ops/plans/drafts/{drafts[1].pk}/publish/").status_code == 302
    assert [PlanVersion.objects.get(pk=d.pk).status for d in drafts] == ["draft", "published", "proposed"]
    client.force_login(built.staff)
    assert client.get("/ops/plans/").status_code == 404
    assert client.post(f"/ops/plans/drafts/{drafts[2].pk}/publish/").status_code == 404
    assert PlanVersion.objects.get(pk=drafts[2].pk).status == "proposed"


def test_the_plans_in_force_head_their_date_生效日期_not_a_staff_members_加入时间(client, after_commit):
    # bare "Since" is the merchant staff list's 加入时间; a plan in force takes its own context
    built = build(after_commit)
    client.force_login(built.ops)
    page = client.get("/ops/plans/").content.decode()
    assert "<th>生效日期</th>" in page and "加入时间" not in page
    assert '<option value="" selected>请选择社群</option>' in page  # the new draft's community, not ---------


def test_a_plan_in_force_starts_a_draft_of_its_own_text_and_its_history_reads_in_words(client, after_commit):
    built = build(after_commit)
    in_force = built.in_force
    client.force_login(built.ops)
    page = client.get(f"/ops/plans/drafts/{in_force.pk}/").content.decode()
    assert 'data-testid="draft-from-this"' in page and "以此方案新建草案" in page
    assert "已发布（生效中）" in page and "→ published" not in page  # the history's statuses, not their codes
    assert 'data-testid="history"' in page and '<td data-label="操作人">' in page  # cards on a phone
    assert '<td data-label="原因">已发布</td>' in page  # the reason the service wrote, in words too
    resp = client.post("/ops/plans/", {"community": built.community.pk, "source": in_force.source})
    draft = PlanVersion.objects.latest("id")
    assert resp.status_code == 302 and resp["Location"] == f"/ops/plans/drafts/{draft.pk}/"
    assert (draft.community, draft.status, draft.source) == (built.community, "draft", in_force.source.strip())
    assert 'data-testid="draft-from-this"' not in client.get(resp["Location"]).content.decode()
    assert client.post(f"/ops/plans/drafts/{draft.pk}/propose/", {"note": ""}).status_code == 302
    assert client.post(f"/ops/plans/drafts/{draft.pk}/publish/").status_code == 302
    retired = client.get(f"/ops/plans/drafts/{in_force.pk}/").content.decode()
    assert f"由草案 #{draft.pk} 取代" in retired and "replaced by" not in retired
    assert "提案已发布" in client.get(f"/ops/plans/drafts/{draft.pk}/").content.decode()

    client.force_login(built.staff)  # the agency's own plan in force: the same, without a community to choose
    page = client.get(f"/agency/plan/drafts/{in_force.pk}/").content.decode()
    assert 'data-testid="draft-from-this"' in page and 'name="community"' not in page
    resp = client.post("/agency/plan/", {"source": in_force.source})
    mine = PlanVersion.objects.latest("id")
    assert mine.pk != draft.pk and resp["Location"] == f"/agency/plan/drafts/{mine.pk}/"
    # a saved draft says so once (the layout shows the messages; the page no longer shows them a second time)
    saved = client.post(f"/agency/plan/drafts/{mine.pk}/", {"source": DRAFT}, follow=True).content.decode()
    assert saved.count("草案已保存") == 1
