"""Every named URL of the resolver, and how to fill its parameters from the security world."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, get_resolver, reverse

MISSING = 999999  # an id nobody has: the URL must answer 404, never 500


def _walk(patterns, prefix="", namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = namespace
            if pattern.namespace:
                ns = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            yield name, prefix + str(pattern.pattern), pattern


def all_url_names() -> list[tuple[str, str]]:
    """(name, route) of every named URL, once per name (format-suffix twins collapse)."""
    seen = {}
    for name, route, _pattern in _walk(get_resolver().url_patterns):
        if "<drf_format_suffix" in route or "(?P<format>" in route:
            continue
        seen.setdefault(name, route)
    return sorted(seen.items())


# Which world object fills a `pk` (or other) parameter, by URL name prefix; the longest prefix wins.
PK_SOURCES = {
    "workplan:attachment": "progress_attachment",
    "notifications:mark_read": "notification",
    "notification-": "notification",
    "members:activity_": "activity",
    "members:record_": "duty_record",
    "members:evidence_download": "duty_record",
    "members:attachment_download": "activity",
    "members:member_duty_file": "member_obj",
    "supervision:send": "recommendation",
    "supervision:review": "recommendation",
    "proposals:report_detail": "report",
    "proposals:bulletin_detail": "bulletin",
    "proposals:": "proposal",
    "supervision:group": "group",
    "supervision:recommendation": "recommendation",
    "proposals_units:": "proposal",
    "supervision_units:item_progress": "rectification_item",
    "supervision_units:": "recommendation",
    "dashboard:member_duty_file": "member_obj",
    "dashboard:export_": "export",
    "workplan-section-": "section",
    "workplan-item-": "item",
    "workplan-task-": "task",
    "workplan-progress-update-": "progress",
    "members-member-": "member_obj",
    "members-sector-": "sector",
    "members-committee-": "committee_obj",
    "members-street-group-": "street_group",
    "members-unit-": "unit_obj",
    "members-activity-": "activity",
    "members-participation-": "participation",
    "members-duty-record-": "duty_record",
    "proposal-event-": "proposal_event",
    "proposal-assignment-": "assignment",
    "proposal-reply-": "reply",
    "proposal-feedback-": None,
    "proposal-": "proposal",
    "report-": "report",
    "bulletin-": "bulletin",
    "supervision-topic-": "topic",
    "supervision-group-": "group",
    "supervision-appointment-": None,
    "supervision-recommendation-": "recommendation",
    "supervision-item-": "rectification_item",
    "consultations:topic": "consultation_topic",
    "consultations:timeline": "consultation_topic",
    "consultations:step": "consultation_topic",
    "consultations:proposal_screen": "consultation_proposal",
    "consultations:report_file": "consultation_group",
    "consultations:task_done": "consultation_task",
    "consultations:discussion": "consultation_discussion",
    "consultations:post_hide": "consultation_post",
    "consultations_units:": "consultation_feedback",
    "consultations-topic-": "consultation_topic",
    "consultations-feedback-": "consultation_feedback",
    "meetings:session_": "meeting_session",
    "meetings:checkin": "meeting_session",
    "meetings:checkin_screen": "meeting",
    "meetings:minutes": "meeting_session",
    "meetings:motion_": "motion",
    "meetings:motion_add": "meeting",
    "meetings:leave_decide": "meeting_participation",
    "meetings:speech_decide": "speech",
    "meetings:": "meeting",
    "meetings_portal:register": "meeting_session",
    "meetings_portal:leave": "meeting_session",
    "meetings_portal:document_download": "document_version",
    "meetings_portal:vote": "motion",
    "meetings_portal:": "meeting",
    "meetings-meeting-": "meeting",
    "meetings-session-": "meeting_session",
    "meetings-motion-": "motion",
    "meetings-speech-": "speech",
}


def _source(name: str) -> str | None:
    matches = [prefix for prefix in PK_SOURCES if name.startswith(prefix)]
    if not matches:
        return None
    return PK_SOURCES[max(matches, key=len)]


def default_kwargs(name: str, route: str, world) -> dict:
    """The parameters of a URL, filled with the world's records (or an id nobody has)."""
    kwargs = {}
    if name == "history":
        return {"app_label": "proposals", "model": "proposal", "pk": world.proposal.pk}
    if "(?P<app_label>" in route:
        kwargs["app_label"] = "members"
    if "content_type_id" in route:
        from django.contrib.contenttypes.models import ContentType

        kwargs["content_type_id"] = ContentType.objects.get_for_model(world.proposal).pk
        kwargs["object_id"] = world.proposal.pk
    if "<id>" in route:
        kwargs["id"] = world.users["staff"].pk
    if "<int:year>" in route or "(?P<year>" in route:
        kwargs["year"] = world.plan.year
    if "<int:number>" in route:
        kwargs["number"] = world.item.number
    if "<int:attachment_id>" in route:
        kwargs["attachment_id"] = world.activity_attachment.pk
    if "<int:evidence_id>" in route:
        kwargs["evidence_id"] = world.duty_evidence.pk
    if "<int:attachment_pk>" in route:
        kwargs["attachment_pk"] = world.proposal_attachment.pk
    if "<slug:step>" in route:
        kwargs["step"] = "held"
    if "<slug:slug>" in route:
        from cppcc_portal.core import committees

        kwargs["slug"] = committees.default().slug  # the committee every persona works in
    if "<int:pk>" in route or "(?P<pk>" in route:
        source = _source(name)
        obj = world.objects.get(source) if source else None
        kwargs["pk"] = obj.pk if obj is not None else MISSING
    return kwargs


def build_url(name: str, kwargs: dict) -> str:
    return reverse(name, kwargs=kwargs or None)
