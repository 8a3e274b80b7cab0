"""Pages of political consultation: the member portal tab, the topic page with the office's steps,
the printable timeline, online deliberation, and the figures with their drill-down."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from consultations import exports, forms, selectors, services
from consultations.choices import ADOPTED_DECISIONS, ProposalState
from consultations.models import (
    ConsultationPlan,
    ConsultationTopic,
    Discussion,
    Outcome,
    OutcomeRecommendation,
    Post,
    PreparationTask,
    ResearchGroup,
    TopicProposal,
)
from cppcc_portal.core import roles
from cppcc_portal.core.caching import Fragment, end_of_day, reader_html
from cppcc_portal.core.errors import DomainError
from cppcc_portal.core.url_templates import pk_url_template
from members.selectors import member_for_user


def _asked_year(request) -> int | None:
    value = request.GET.get("year", "")
    return int(value) if value.isdigit() and 2000 <= int(value) <= 2100 else None


def _year(request, years: list[int] | None = None) -> int:
    """The year asked for, else the latest with topics (`years`: selectors.topic_years() when the
    page has read them already to show them)."""
    if (asked := _asked_year(request)) is not None:
        return asked
    if years is None:
        years = selectors.topic_years()
    return years[0] if years else timezone.localdate().year


def _require_reader(user) -> None:
    if not roles.can_read_everything(user):
        raise PermissionDenied(_("This page is for the office and the leaders."))


# The links and buttons of the tab's rows: row.url formatted from a template resolved once per process.
ROW_URLS = {"topics": "consultations:topic", "discussions": "consultations:discussion"}


@login_required
def home(request):
    """The consultation tab: the year's topics, the open collection windows, my tasks, groups and proposals."""
    content = reader_html(selectors.TOPIC_PAGES, request, lambda: _tab_content(request))
    return render(
        request,
        "consultations/home.html",
        {"content": content, "can_read_everything": roles.can_read_everything(request.user)},
    )


def _tab_content(request) -> Fragment:
    """The tab below its header, as this reader sees it (their tasks, groups, speeches, proposals and
    buttons), kept in TOPIC_PAGES (which watches every row it shows and the reader's roles) until the
    day ends: the open windows and the closed discussions are counted from today."""
    # The years, the year's topics, the open windows and the discussions (shared), and my own lists:
    # two cached values (selectors.tab), read again only when this reader's copy is.
    context = selectors.tab(user=request.user, year=_asked_year(request))
    for key, viewname in ROW_URLS.items():
        url = pk_url_template(viewname)
        for row in context[key]:
            row.url = url.format(row.pk)
    topic_url, done_url = pk_url_template("consultations:topic"), pk_url_template("consultations:task_done")
    for group in context["groups"]:
        group.url = topic_url.format(group.topic_id)
    for task in context["tasks"]:
        task.actions = services.allowed_actions(task, request.user)
        task.done_url = done_url.format(task.pk)
    today = timezone.localdate()
    context.update(
        is_staff=roles.is_staff_user(request.user),
        can_read_everything=roles.can_read_everything(request.user),
        today=today,
    )
    html = render_to_string("consultations/_home.html", context, request=request)
    return Fragment(html, until=end_of_day(today))


def _topic(request, pk: int) -> ConsultationTopic:
    try:
        return selectors.topic_get(user=request.user, pk=pk)
    except ConsultationTopic.DoesNotExist as exc:
        raise Http404 from exc


def _step_forms(topic, actions: set[str]) -> dict:
    """The unbound forms of the office's steps, each built only when an action that shows it is
    allowed on the page (the template shows each form under the same action)."""
    today = timezone.localdate()
    builders = {
        "held_form": ("hold", forms.HeldForm),
        "discussion_form": ("prepare", forms.DiscussionForm),
        "outcome_form": ("prepare", forms.OutcomeForm),
        "report_form": ("file_report", forms.ReportForm),
        "submit_form": ("submit", lambda: forms.SubmitForm(initial={"submitted_on": today})),
        "instruction_form": ("record_instruction", forms.InstructionForm),
        "adoption_form": ("record_adoption", forms.AdoptionForm),
        "feedback_form": ("record_adoption", lambda: forms.FeedbackRequestForm(topic=topic)),
        "follow_up_form": ("follow_up", lambda: forms.FollowUpForm(initial={"reviewed_on": today})),
    }
    return {name: build() for name, (action, build) in builders.items() if action in actions}


def _topic_content(request, topic) -> Fragment:
    """The topic's page below its title, as this reader sees it (the office's step forms, the report
    form of a group's leader, the buttons of their tasks), kept in TOPIC_PAGES (which watches every
    row it shows and the reader's roles) until the day ends: the overdue marks and the forms' dates
    count from today."""
    user = request.user
    office = roles.is_staff_user(user)
    member = member_for_user(user)
    # The buttons of the page are the tables' allowed actions (prefetched rows keep the attribute).
    for task in topic.tasks.all():
        task.actions = services.allowed_actions(task, user)
    topic_actions = services.allowed_actions(topic, user)
    actions = set(topic_actions)
    for outcome in topic.outcomes.all():
        outcome.actions = services.allowed_actions(outcome, user)
        actions.update(outcome.actions)
    today = timezone.localdate()
    context = {
        "topic": topic,
        "office": office,
        "today": today,
        "member": member,
        "led_group_ids": {g.pk for g in topic.research_groups.all() if member and g.leader_id == member.pk},
        "discussion": getattr(topic, "discussion", None),
        "topic_actions": topic_actions,
        **_step_forms(topic, actions),
        "adopted_decisions": ADOPTED_DECISIONS,
        "speeches": selectors.topic_speeches(topic=topic),
        "meetings": selectors.linkable_meetings(topic=topic) if office and topic.meeting_id is None else [],
    }
    html = render_to_string("consultations/_topic.html", context, request=request)
    return Fragment(html, until=end_of_day(today))


def _render_topic(request, title: str, content: str, status=200, refusals=()):
    return render(
        request,
        "consultations/topic.html",
        {"title": title, "content": content, "refusals": refusals},
        status=status,
    )


def _refused(request, topic, refusals):
    """The topic's page again with the reasons a step was refused, rendered afresh (a POST's page)."""
    # Already marked safe: render_to_string's output.
    content = _topic_content(request, topic).html
    return _render_topic(request, topic.title, content, status=400, refusals=refusals)


@login_required
def topic_detail(request, pk: int):
    """One topic: origin, preparation, the consultation, outcomes with adoption and feedback.

    Whether the reader may see the topic is asked on every view (with its title); what they see of
    it is this reader's copy, rendered again after a write or when the day ends (_topic_content)."""
    try:
        title = selectors.topic_title(user=request.user, pk=pk)
    except ConsultationTopic.DoesNotExist as exc:
        raise Http404 from exc
    content = reader_html(
        selectors.TOPIC_PAGES, request, lambda: _topic_content(request, _topic(request, pk))
    )
    return _render_topic(request, title, content)


@login_required
def timeline(request, pk: int):
    """The printable timeline of one topic, from the proposal of the topic to the last feedback."""
    try:
        topic = selectors.topic_list(user=request.user).get(pk=pk)
    except ConsultationTopic.DoesNotExist as exc:
        raise Http404 from exc
    return render(
        request,
        "consultations/timeline.html",
        {"topic": topic, "events": selectors.topic_timeline(topic=topic), "printed_on": timezone.localdate()},
    )


# --- the office's steps on a topic ----------------------------------------------------------------


def _get_outcome(topic, outcome_id) -> Outcome:
    try:
        return topic.outcomes.get(pk=int(outcome_id))
    except (Outcome.DoesNotExist, TypeError, ValueError) as exc:
        raise Http404 from exc


def _get_recommendation(topic, rec_id) -> OutcomeRecommendation:
    try:
        return OutcomeRecommendation.objects.select_related("outcome__topic").get(
            pk=int(rec_id), outcome__topic=topic
        )
    except (OutcomeRecommendation.DoesNotExist, TypeError, ValueError) as exc:
        raise Http404 from exc


STEP_FORMS = {
    "held": forms.HeldForm,
    "outcome": forms.OutcomeForm,
    "recommendation": forms.RecommendationForm,
    "review": None,
    "submit": forms.SubmitForm,
    "instruction": forms.InstructionForm,
    "adoption": forms.AdoptionForm,
    "feedback": forms.FeedbackRequestForm,
    "follow_up": forms.FollowUpForm,
    "discussion": forms.DiscussionForm,
    "summary": forms.SummaryForm,
    "meeting": forms.MeetingLinkForm,
}


def _run_step(step: str, data: dict, topic: ConsultationTopic, post, actor) -> None:
    """Call the one service behind an office step (the form is already valid)."""
    if step == "held":
        services.topic_record_held(topic=topic, held_on=data["held_on"], minutes=data["minutes"], actor=actor)
    elif step == "outcome":
        services.outcome_create(
            topic=topic,
            kind=data["kind"],
            title=data["title"],
            summary=data["summary"],
            recommendations=data["recommendations"].splitlines(),
            actor=actor,
        )
    elif step == "recommendation":
        services.recommendation_add(
            outcome=_get_outcome(topic, post.get("outcome")), text=data["text"], actor=actor
        )
    elif step == "review":
        services.outcome_review(outcome=_get_outcome(topic, post.get("outcome")), actor=actor)
    elif step == "submit":
        services.outcome_submit(outcome=_get_outcome(topic, post.get("outcome")), actor=actor, **data)
    elif step == "instruction":
        services.instruction_record(outcome=_get_outcome(topic, post.get("outcome")), actor=actor, **data)
    elif step == "adoption":
        services.adoption_record(
            recommendation=_get_recommendation(topic, post.get("recommendation")),
            adoption=data["adoption"],
            reason=data["reason"],
            actor=actor,
        )
    elif step == "feedback":
        services.feedback_request(
            recommendation=_get_recommendation(topic, post.get("recommendation")),
            units=list(data["units"]),
            due_on=data["due_on"],
            actor=actor,
        )
    elif step == "follow_up":
        services.follow_up_record(outcome=_get_outcome(topic, post.get("outcome")), actor=actor, **data)
    elif step == "discussion":
        services.discussion_open(topic=topic, prompt=data["prompt"], closes_on=data["closes_on"], actor=actor)
    elif step == "meeting":
        meeting = selectors.linkable_meetings(topic=topic).filter(pk=data["meeting"]).first()
        if meeting is None:
            raise DomainError(_("Choose a meeting of the topic's year."), code="invalid", field="meeting")
        services.topic_link_meeting(topic=topic, meeting=meeting, actor=actor)
    elif step == "summary":
        if not hasattr(topic, "discussion"):
            raise Http404
        services.discussion_summarise(discussion=topic.discussion, summary=data["summary"], actor=actor)


@login_required
@require_POST
@roles.staff_required
def topic_step(request, pk: int, step: str):
    """One office step on a topic; a refused step shows the page again with the reason, nothing written."""
    topic = _topic(request, pk)
    if step not in STEP_FORMS:
        raise Http404
    form_class = STEP_FORMS[step]
    data = {}
    if form_class is not None:
        kwargs = {"topic": topic} if form_class is forms.FeedbackRequestForm else {}
        form = form_class(request.POST, **kwargs)
        if not form.is_valid():
            errors = [
                f"{form.fields[f].label if f in form.fields else ''}：{'；'.join(e)}"
                for f, e in form.errors.items()
            ]
            return _refused(request, topic, errors)
        data = form.cleaned_data
    try:
        _run_step(step, data, topic, request.POST, request.user)
    except DomainError as exc:
        return _refused(request, _topic(request, pk), [exc.message])
    messages.success(request, _("The step was recorded."))
    return redirect("consultations:topic", pk=pk)


@login_required
@require_POST
def report_file(request, pk: int):
    """The group's leader (or the office) files the research report with its files."""
    try:
        group = selectors.research_group_get(user=request.user, pk=pk)
    except ResearchGroup.DoesNotExist as exc:
        raise Http404 from exc
    form = forms.ReportForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the report a title and a text."))
        return redirect("consultations:topic", pk=group.topic_id)
    try:
        services.research_report_file(
            group=group, files=request.FILES.getlist("files"), actor=request.user, **form.cleaned_data
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The research report was filed."))
    return redirect("consultations:topic", pk=group.topic_id)


@login_required
@require_POST
def task_done(request, pk: int):
    """The member responsible (or the office) marks a preparation task done."""
    try:
        if roles.is_staff_user(request.user):
            task = PreparationTask.objects.select_related("topic").get(pk=pk)
        else:
            task = selectors.member_tasks(user=request.user).get(pk=pk)
    except PreparationTask.DoesNotExist as exc:
        raise Http404 from exc
    try:
        services.task_done(task=task, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The task is done."))
    if request.POST.get("next") == "topic":
        return redirect("consultations:topic", pk=task.topic_id)
    return redirect("consultations:home")


# --- collection -----------------------------------------------------------------------------------


@login_required
def propose(request):
    """Propose a topic while a collection window is open (members, sectors through a member, units)."""
    windows = list(selectors.open_windows())
    if not windows:
        messages.error(request, _("No topic collection window is open now."))
        return redirect("consultations:home")
    window = windows[0]
    form = forms.ProposeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.topic_propose(window=window, actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Your proposed topic was submitted."))
            return redirect("consultations:home")
    status = 400 if request.method == "POST" else 200
    return render(request, "consultations/propose.html", {"form": form, "window": window}, status=status)


@login_required
def proposal_list(request):
    """The office screens the proposed topics: take into the list, merge, decline."""
    _require_reader(request.user)
    proposals = list(selectors.proposal_list(user=request.user).order_by("state", "-submitted_at")[:200])
    for proposal in proposals:
        proposal.actions = services.allowed_actions(proposal, request.user)
    topics = ConsultationTopic.objects.filter(year__in={p.window.year for p in proposals}).order_by("title")
    return render(
        request,
        "consultations/proposals.html",
        {
            "proposals": proposals,
            "topics": topics,
            "form": forms.ScreenForm(),
            "office": roles.is_staff_user(request.user),
        },
    )


@login_required
@require_POST
@roles.staff_required
def proposal_screen(request, pk: int):
    try:
        proposal = TopicProposal.objects.select_related("window").get(pk=pk, state=ProposalState.SUBMITTED)
    except TopicProposal.DoesNotExist as exc:
        raise Http404 from exc
    form = forms.ScreenForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a decision."))
        return redirect("consultations:proposals")
    data = form.cleaned_data
    try:
        if data["decision"] == "accept":
            plan = ConsultationPlan.objects.filter(year=proposal.window.year).first()
            services.proposal_accept(
                proposal=proposal,
                form=data["form"],
                lead_body=data["lead_body"],
                plan=plan,
                actor=request.user,
            )
        elif data["decision"] == "merge":
            topic = ConsultationTopic.objects.filter(pk=data["topic"] or 0).first()
            if topic is None:
                raise DomainError(_("Choose the topic to merge into."), code="invalid")
            services.proposal_merge(proposal=proposal, topic=topic, note=data["note"], actor=request.user)
        else:
            services.proposal_decline(proposal=proposal, note=data["note"], actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The proposal was screened."))
    return redirect("consultations:proposals")


# --- online deliberation --------------------------------------------------------------------------


def _discussion(request, pk: int) -> Discussion:
    try:
        return selectors.discussion_get(user=request.user, pk=pk)
    except Discussion.DoesNotExist as exc:
        raise Http404 from exc


def _render_discussion(request, discussion, form=None, status=200):
    return render(
        request,
        "consultations/discussion.html",
        {
            "discussion": discussion,
            "posts": selectors.discussion_posts(discussion=discussion, user=request.user),
            "form": form or forms.PostForm(),
            "hide_form": forms.HideForm(),
            "is_open": discussion.is_open_on(timezone.localdate()),
            "can_post": member_for_user(request.user) is not None,
            "office": roles.is_staff_user(request.user),
        },
        status=status,
    )


@login_required
def discussion_detail(request, pk: int):
    """The discussion with its posts and replies; posting is a plain form (works without JavaScript)."""
    discussion = _discussion(request, pk)
    if request.method != "POST":
        return _render_discussion(request, discussion)
    form = forms.PostForm(request.POST)
    if not form.is_valid():
        return _render_discussion(request, discussion, form, status=400)
    parent = None
    if form.cleaned_data["parent"]:
        parent = Post.objects.filter(pk=form.cleaned_data["parent"], discussion=discussion).first()
        if parent is None:
            raise Http404
    try:
        services.post_add(
            discussion=discussion, text=form.cleaned_data["text"], parent=parent, actor=request.user
        )
    except DomainError as exc:
        form.add_error(None, exc.message)
        return _render_discussion(request, discussion, form, status=400)
    messages.success(request, _("Your post was published."))
    return redirect("consultations:discussion", pk=pk)


@login_required
@require_POST
@roles.staff_required
def post_hide(request, pk: int):
    try:
        post = Post.objects.get(pk=pk)
    except Post.DoesNotExist as exc:
        raise Http404 from exc
    form = forms.HideForm(request.POST)
    try:
        if not form.is_valid():
            raise DomainError(_("Say why the post is hidden."), code="reason_required")
        services.post_hide(post=post, reason=form.cleaned_data["reason"], actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The post is hidden."))
    return redirect("consultations:discussion", pk=post.discussion_id)


# --- figures and export ---------------------------------------------------------------------------


@login_required
def figures(request):
    """The 协商议政 figures of a year, each linking to the rows behind it (the dashboard section's drill-down)."""
    _require_reader(request.user)
    years = selectors.topic_years()
    year = _year(request, years)
    figure = request.GET.get("figure", "")
    rows = None
    if figure:
        if figure not in selectors.DRILLDOWNS:
            raise Http404
        rows = list(selectors.dashboard_drilldown(year=year, figure=figure)[:500])
    return render(
        request,
        "consultations/figures.html",
        {
            "year": year,
            "years": years,
            "figures": selectors.dashboard_figures(year=year),
            "figure": figure,
            "rows": rows,
        },
    )


@login_required
def export(request):
    """The year's topics and outcomes as an Excel workbook."""
    _require_reader(request.user)
    year = _year(request)
    response = HttpResponse(
        exports.year_workbook(year),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    filename = f"consultations-{year}-{dt.date.isoformat(timezone.localdate())}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
