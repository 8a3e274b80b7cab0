"""Each actor's pages render in Chinese; the office's admin pages, export and plan links work."""

from io import BytesIO

from django.urls import reverse
from openpyxl import load_workbook

from proposals import services
from proposals.choices import ProposalState as S
from proposals.models import Proposal
from tests.conftest import login


def test_a_member_drafts_invites_and_submits_from_the_portal(client, world):
    login(client, world.proposer.user)
    response = client.post(
        reverse("proposals:create"),
        {
            "title": "关于中心城区人口疏解的建议",
            "category": world.category.pk,
            "reason": "人口密度高。",
            "suggestions": "疏解。",
        },
    )
    proposal = Proposal.objects.get()
    assert response.url == reverse("proposals:detail", args=[proposal.pk])
    client.post(
        reverse("proposals:invite", args=[proposal.pk]), {"member_numbers": world.cosigner.member_number}
    )
    client.post(reverse("proposals:submit", args=[proposal.pk]))
    proposal.refresh_from_db()
    assert proposal.state == S.COSIGNING
    page = client.get(reverse("proposals:detail", args=[proposal.pk])).content.decode()
    assert "已提交（待联名）" in page and "办理过程" in page and world.cosigner.name in page

    login(client, world.cosigner.user)
    assert "联名邀请" in client.get(reverse("proposals:list")).content.decode()
    client.post(reverse("proposals:cosign", args=[proposal.pk]), {"answer": "accept"})
    proposal.refresh_from_db()
    assert proposal.state == S.AWAITING_REVIEW


def test_a_member_reads_the_published_reply_and_rates_it(client, world):
    proposal = world.reach(S.AWAITING_EVALUATION)
    login(client, world.proposer.user)
    assert proposal.title in client.get(reverse("proposals:list")).content.decode()
    page = client.get(reverse("proposals:detail", args=[proposal.pk])).content.decode()
    assert "停车资源普查" in page and "评价答复" in page
    client.post(reverse("proposals:rate", args=[proposal.pk]), {"rating": "satisfied", "comment": "感谢"})
    assert proposal.feedback.get().rating == "satisfied"


def test_the_unit_pages_show_due_dates_and_overdue_marks(client, world, time_machine):
    import datetime as dt

    proposal = world.reach(S.HANDLING)
    due = proposal.assignments.get(role="lead").reply_due_on
    time_machine.move_to(dt.datetime.combine(due + dt.timedelta(days=2), dt.time(10)))
    login(client, world.unit_user)
    page = client.get(reverse("proposals_units:home")).content.decode()
    assert due.strftime("%Y-%m-%d") in page and 'class="tag late"' in page
    detail = client.get(reverse("proposals_units:detail", args=[proposal.pk])).content.decode()
    assert "草拟答复" in detail


def test_a_member_cannot_open_the_unit_workspace(client, world):
    login(client, world.proposer.user)
    assert client.get(reverse("proposals_units:home")).status_code == 403


def test_the_office_opens_the_admin_pages_and_exports_a_filtered_list_with_chinese_headers(client, world):
    proposal = world.reach(S.UNDER_REVIEW)
    world.reach(S.DRAFT, title="另一件草稿")
    login(client, world.staff)
    assert client.get(reverse("admin:proposals_proposal_changelist")).status_code == 200
    change = client.get(reverse("admin:proposals_proposal_change", args=[proposal.pk]))
    assert change.status_code == 200 and "停车资源普查" in change.content.decode()
    for name in ("opinionreport", "bulletinissue", "proposalyearsettings", "proposalcategory"):
        assert client.get(reverse(f"admin:proposals_{name}_changelist")).status_code == 200
    url = reverse("admin:proposals_proposal_export") + "?state__exact=under_review"
    form = client.get(url).context["form"]
    xlsx = next(value for value, label in form.fields["format"].choices if str(label).lower() == "xlsx")
    data = {name: "on" for name, field in form.fields.items() if field.__class__.__name__ == "BooleanField"}
    response = client.post(url, {**data, "format": xlsx, "resource": "0"})
    assert response.status_code == 200, response.content[:500]
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert "提案号" in rows[0] and "主办单位" in rows[0]
    assert len(rows) == 2 and proposal.title in rows[1]


def test_the_office_drafts_on_a_members_behalf_in_the_admin_and_a_too_long_text_is_refused(client, world):
    login(client, world.staff)
    data = {
        "year": 2017,
        "title": "代委员起草的提案",
        "category": world.category.pk,
        "proposer_kind": "member",
        "submitter": world.proposer.pk,
        "reason": "理由",
        "suggestions": "建议",
        **{
            f"{prefix}-{k}": v
            for prefix in ("cosignatures", "assignments", "replies", "feedback", "attachments", "events")
            for k, v in (("TOTAL_FORMS", "0"), ("INITIAL_FORMS", "0"))
        },
    }
    response = client.post(reverse("admin:proposals_proposal_add"), {**data, "reason": "字" * 2600})
    assert response.status_code == 200 and not Proposal.objects.exists()
    client.post(reverse("admin:proposals_proposal_add"), data)
    proposal = Proposal.objects.get()
    assert proposal.submitter == world.proposer and proposal.created_by == world.staff
    assert proposal.events.get().note


def test_the_bulletin_print_view_and_stats_render_for_staff(client, world):
    report = services.report_submit(actor=world.proposer.user, title="关于背街小巷整治", situation="情况")
    services.report_adopt(report=report, actor=world.staff, level="district")
    issue = services.bulletin_create(actor=world.staff, year=report.year)
    services.bulletin_add_reports(bulletin=issue, actor=world.staff, reports=[report])
    login(client, world.staff)
    page = client.get(reverse("proposals:bulletin_detail", args=[issue.pk])).content.decode()
    assert "社情民意" in page and "第 1 期" in page and "关于背街小巷整治" in page
    login(client, world.cosigner.user)  # an unpublished issue is the office's only
    assert client.get(reverse("proposals:bulletin_detail", args=[issue.pk])).status_code == 404


def test_proposals_and_reports_are_linked_to_plan_items(world):
    from proposals.links import proposal_and_report_links
    from tests.factories import ItemFactory

    item = ItemFactory()
    proposal = world.reach(S.ACCEPTED)
    proposal.items.add(item)
    draft = world.reach(S.DRAFT, title="草稿不计入")
    draft.items.add(item)
    report = services.report_submit(
        actor=world.proposer.user, title="关于垃圾分类", situation="情况", items=[item]
    )
    links = proposal_and_report_links.recent(item.pk, 20)
    titles = [link.title for link in links]
    assert str(proposal) in titles and report.title in titles and all("草稿" not in t for t in titles)
    assert proposal_and_report_links.counts([item.pk]) == {item.pk: {"提案": 1, "社情民意信息": 1}}


def test_the_office_cannot_edit_an_adopted_report_in_the_admin(client, world):
    report = services.report_submit(actor=world.proposer.user, title="关于医养结合", situation="情况")
    services.report_adopt(report=report, actor=world.staff, level="district")
    login(client, world.staff)
    url = reverse("admin:proposals_opinionreport_change", args=[report.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "title": "改过的标题",
            "situation": "情况",
            "analysis": "",
            "suggestion": "",
            "editor_note": "",
            "instructions-TOTAL_FORMS": "0",
            "instructions-INITIAL_FORMS": "0",
            "events-TOTAL_FORMS": "0",
            "events-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    report.refresh_from_db()
    assert report.title == "关于医养结合"


def test_states_read_in_the_domains_own_words(client, world):
    rejected = world.reach(S.AWAITING_REVIEW)
    services.proposal_reject(proposal=rejected, actor=world.staff, reason="属于个人诉求")
    login(client, world.proposer.user)
    page = client.get(reverse("proposals:detail", args=[rejected.pk])).content.decode()
    assert "不予立案" in page and "属于个人诉求" in page
