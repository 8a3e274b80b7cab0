"""Similar proposals and reports: the index (kept in the database, loaded by each process) and its reads.

Every proposal and report that left the drafting stage has a `SimilarityEntry` holding its analysed
terms (`cppcc_portal.core.textsim`). A Celery task rewrites the entry after each committed save
(`proposals.tasks.index_for_similarity`); `manage.py rebuild_similarity_index` rewrites them all
(after a deploy that changes the analyser, or a bulk import that sent no signal).

Each process keeps an in-memory `textsim.Index` per kind and, before every search, reads the
entries changed since it last looked (one indexed query), so a proposal indexed by a worker is
found by every web process on its next search.
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, Q, Subquery
from django.utils import timezone

from cppcc_portal.core import roles, textsim
from members.selectors import member_for_user
from proposals import selectors
from proposals.choices import ACCEPTED_STATES, AssignmentRole, ProposalState, ReportState
from proposals.models import Assignment, Feedback, OpinionReport, Proposal, Reply, SimilarityEntry

PROPOSAL = "proposal"
REPORT = "report"

# Below this cosine nothing is suggested. Calibrated on tests/proposals/similarity_cases.py: the
# lowest score of a right first answer there is about 0.19, the highest of an unrelated title 0.18
# (one sharing "运动" with a fitness proposal); `make bench` prints both.
THRESHOLD = 0.18
# 并案 candidates are shown from a little lower: staff decide, and a miss costs more there.
MERGE_THRESHOLD = 0.15
# How many index hits are looked at before the caller's scope and filters keep the best few.
CANDIDATES = 50
# Proposals that are no concern of anyone any more: never suggested.
NOT_INDEXED = (ProposalState.DRAFT, ProposalState.WITHDRAWN, ProposalState.MERGED)
# Entries changed at about the same time can commit out of order: look back this far each time.
SYNC_OVERLAP = dt.timedelta(seconds=5)
BODY_CHARS = 600


# ---------------------------------------------------------------- analysing and storing


def proposal_terms(proposal: Proposal) -> dict[str, float]:
    if proposal.state in NOT_INDEXED:
        return {}
    body = f"{proposal.reason}\n{proposal.suggestions}"[:BODY_CHARS]
    return _rounded(textsim.document_terms(proposal.title, body, limit=textsim.DOCUMENT_TERMS))


def report_terms(report: OpinionReport) -> dict[str, float]:
    body = f"{report.situation}\n{report.suggestion}"[:BODY_CHARS]
    return _rounded(textsim.document_terms(report.title, body, limit=textsim.DOCUMENT_TERMS))


def _rounded(bag: dict[str, float]) -> dict[str, float]:
    return {t: round(w, 3) for t, w in bag.items()}


def _entry(kind: str, obj, terms: dict[str, float], now) -> SimilarityEntry:
    return SimilarityEntry(
        kind=kind,
        object_id=obj.pk,
        year=obj.year,
        state=obj.state,
        terms=terms,
        analyzer_version=textsim.ANALYZER_VERSION,
        changed_at=now,
    )


def _save(entry: SimilarityEntry) -> None:
    SimilarityEntry.objects.update_or_create(
        kind=entry.kind,
        object_id=entry.object_id,
        defaults={
            "year": entry.year,
            "state": entry.state,
            "terms": entry.terms,
            "analyzer_version": entry.analyzer_version,
            "changed_at": entry.changed_at,
        },
    )


def index_proposal(proposal_id: int) -> bool:
    """Write one proposal's entry (an emptied entry when it is gone or not suggested); idempotent."""
    proposal = Proposal.objects.filter(pk=proposal_id).first()
    if proposal is None:
        return bool(
            SimilarityEntry.objects.filter(kind=PROPOSAL, object_id=proposal_id).update(
                terms={}, changed_at=timezone.now()
            )
        )
    _save(_entry(PROPOSAL, proposal, proposal_terms(proposal), timezone.now()))
    return True


def index_report(report_id: int) -> bool:
    """Write one report's entry; idempotent."""
    report = OpinionReport.objects.filter(pk=report_id).first()
    if report is None:
        return bool(
            SimilarityEntry.objects.filter(kind=REPORT, object_id=report_id).update(
                terms={}, changed_at=timezone.now()
            )
        )
    _save(_entry(REPORT, report, report_terms(report), timezone.now()))
    return True


INDEXERS = {PROPOSAL: index_proposal, REPORT: index_report}


def rebuild(*, batch: int = 1000) -> dict[str, int]:
    """Analyse every proposal and report again and replace the whole index (the command calls it)."""
    now = timezone.now()
    counts = {}
    sources = {
        PROPOSAL: (
            Proposal.objects.only("pk", "year", "state", "title", "reason", "suggestions"),
            proposal_terms,
        ),
        REPORT: (
            OpinionReport.objects.only("pk", "year", "state", "title", "situation", "suggestion"),
            report_terms,
        ),
    }
    for kind, (queryset, analyse) in sources.items():
        SimilarityEntry.objects.filter(kind=kind).delete()
        entries = []
        total = 0
        for obj in queryset.order_by("pk").iterator(chunk_size=batch):
            entries.append(_entry(kind, obj, analyse(obj), now))
            if len(entries) >= batch:
                SimilarityEntry.objects.bulk_create(entries)
                total += len(entries)
                entries = []
        SimilarityEntry.objects.bulk_create(entries)
        counts[kind] = total + len(entries)
    return counts


# ---------------------------------------------------------------- the in-process index


@dataclass
class _Memory:
    """One kind's index in this process and what it knows of each document (year, state)."""

    index: textsim.Index = field(default_factory=textsim.Index)
    meta: dict[int, tuple[int, str]] = field(default_factory=dict)
    seen_until: dt.datetime | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)


_memories: dict[str, _Memory] = {}


def forget() -> None:
    """Drop this process's indexes (tests whose data is rolled back; the next search reloads)."""
    _memories.clear()


def _apply(memory: _Memory, rows) -> None:
    for object_id, year, state, terms, version in rows:
        if version != textsim.ANALYZER_VERSION:
            # Written by another version of the analyser: its terms would not match ours.
            terms = {}
        memory.index.add(object_id, terms)
        if terms:
            memory.meta[object_id] = (year, state)
        else:
            memory.meta.pop(object_id, None)


# More changed entries than this since the last look (a rebuild, a bulk load): reload them all.
RELOAD_AFTER = 1000
_COLUMNS = ("object_id", "year", "state", "terms", "analyzer_version")


def _reload(memory: _Memory, entries) -> None:
    rows = [row for row in entries.values_list(*_COLUMNS) if row[3] and row[4] == textsim.ANALYZER_VERSION]
    memory.index = textsim.Index()
    memory.index.load((object_id, terms) for object_id, _year, _state, terms, _version in rows)
    memory.meta = {object_id: (year, state) for object_id, year, state, _terms, _version in rows}


def _memory(kind: str) -> _Memory:
    memory = _memories.setdefault(kind, _Memory())
    with memory.lock:
        entries = SimilarityEntry.objects.filter(kind=kind)
        latest = entries.order_by("-changed_at").values_list("changed_at", flat=True).first()
        if memory.seen_until is None or latest is None or latest < memory.seen_until - SYNC_OVERLAP:
            # First use, or the table was emptied or replaced under us: load it all.
            _reload(memory, entries)
        elif latest > memory.seen_until - SYNC_OVERLAP:
            changed = list(
                entries.filter(changed_at__gte=memory.seen_until - SYNC_OVERLAP).values_list(*_COLUMNS)[
                    : RELOAD_AFTER + 1
                ]
            )
            if len(changed) > RELOAD_AFTER:
                _reload(memory, entries)
            else:
                _apply(memory, changed)
        memory.seen_until = latest
    return memory


def query_terms(title: str, body: str = "") -> dict[str, float]:
    """What a draft is compared by: its title, and the start of its text weighing less."""
    return textsim.document_terms(title or "", (body or "")[:BODY_CHARS])


def search(
    kind: str, bag: dict[str, float], *, limit: int = CANDIDATES, threshold: float = THRESHOLD, keep=None
):
    """Index hits (object id, score) for a bag of terms, best first; [] for text that says nothing."""
    if not textsim.is_meaningful(bag):
        return []
    memory = _memory(kind)
    wrapped = None if keep is None else (lambda key: keep(key, memory.meta.get(key)))
    return memory.index.search(bag, limit=limit, threshold=threshold, keep=wrapped)


# ---------------------------------------------------------------- who may see what


def proposal_scope(*, user):
    """Proposals a user may find by similarity: those the API shows them and, for members, every
    accepted proposal (立案 proposals, their handling units and replies are the committee's record)."""
    scope = selectors.proposal_list_for_api(user=user)
    if roles.can_read_everything(user) or member_for_user(user) is None:
        return scope
    return Proposal.objects.filter(Q(pk__in=scope.values("pk")) | Q(state__in=ACCEPTED_STATES))


def report_scope(*, user):
    """Reports a user may find: what the report pages show them plus every published report."""
    scope = selectors.report_list(user=user)
    if roles.can_read_everything(user):
        return scope
    return OpinionReport.objects.filter(Q(pk__in=scope.values("pk")) | Q(state=ReportState.PUBLISHED))


# ---------------------------------------------------------------- answers


@dataclass
class SimilarProposal:
    proposal: Proposal
    score: float
    reply_category: str = ""
    reply_category_label: str = ""
    reply_excerpt: str = ""
    reply_unit: str = ""
    satisfaction: dict[str, int] = field(default_factory=dict)
    can_open: bool = False


def _ranked(hits, queryset) -> list:
    """The hits' objects from a queryset (which drops what the caller may not see), in hit order."""
    by_id = {obj.pk: obj for obj in queryset.filter(pk__in=[h.key for h in hits])}
    return [(by_id[h.key], h.score) for h in hits if h.key in by_id]


def _with_outcomes(pairs, *, user, limit: int) -> list[SimilarProposal]:
    """Each proposal with its latest published reply (category, unit, opening lines) and its ratings."""
    pairs = pairs[:limit]
    ids = [p.pk for p, _score in pairs]
    latest = Reply.objects.filter(proposal=OuterRef("pk"), published_at__isnull=False).order_by("-round")
    outcome = {
        row["pk"]: row
        for row in Proposal.objects.filter(pk__in=ids)
        .annotate(
            reply_category=Subquery(latest.values("category")[:1]),
            reply_body=Subquery(latest.values("body")[:1]),
            reply_unit=Subquery(latest.values("unit__name")[:1]),
        )
        .values("pk", "reply_category", "reply_body", "reply_unit")
    }
    ratings: dict[int, dict[str, int]] = {}
    for row in (
        Feedback.objects.filter(proposal_id__in=ids, reply__published_at__isnull=False)
        .values("proposal_id", "rating")
        .annotate(n=Count("pk"))
    ):
        ratings.setdefault(row["proposal_id"], {})[row["rating"]] = row["n"]
    openable = set(selectors.proposal_list(user=user).filter(pk__in=ids).values_list("pk", flat=True))
    from proposals.choices import ReplyCategory, Satisfaction

    results = []
    for proposal, score in pairs:
        row = outcome.get(proposal.pk, {})
        category = row.get("reply_category") or ""
        results.append(
            SimilarProposal(
                proposal=proposal,
                score=score,
                reply_category=category,
                reply_category_label=str(ReplyCategory(category).label) if category else "",
                reply_excerpt=(row.get("reply_body") or "")[:160],
                reply_unit=row.get("reply_unit") or "",
                satisfaction={
                    str(Satisfaction(k).label): v for k, v in sorted(ratings.get(proposal.pk, {}).items())
                },
                can_open=proposal.pk in openable,
            )
        )
    return results


def similar_proposals(
    *,
    user,
    title: str,
    body: str = "",
    limit: int = 5,
    exclude_id: int | None = None,
    up_to_year: int | None = None,
) -> list[SimilarProposal]:
    """While drafting: the proposals of this and earlier years most like the text, with their outcome."""
    limit = max(1, min(limit, 20))
    up_to_year = up_to_year or timezone.localdate().year

    def keep(key, meta):
        return key != exclude_id and meta is not None and meta[0] <= up_to_year

    hits = search(PROPOSAL, query_terms(title, body), keep=keep)
    if not hits:
        return []
    queryset = proposal_scope(user=user).select_related("category", "submitter")
    return _with_outcomes(_ranked(hits, queryset), user=user, limit=limit)


def similar_reports(*, user, title: str, body: str = "", limit: int = 3) -> list[tuple[OpinionReport, float]]:
    """While drafting: social-conditions reports on the same matter the user may read."""
    hits = search(REPORT, query_terms(title, body))
    if not hits:
        return []
    return _ranked(hits, report_scope(user=user).select_related("bulletin"))[:limit]


MERGE_TARGET_STATES = (ProposalState.AWAITING_REVIEW, *ACCEPTED_STATES)


def merge_candidates(*, proposal: Proposal, limit: int = 5) -> list[tuple[Proposal, float]]:
    """并案: proposals of the same year under review or accepted that raise the same concern."""

    def keep(key, meta):
        return key != proposal.pk and meta is not None and meta[0] == proposal.year

    bag = query_terms(proposal.title, f"{proposal.reason}\n{proposal.suggestions}")
    hits = search(PROPOSAL, bag, threshold=MERGE_THRESHOLD, keep=keep)
    if not hits:
        return []
    queryset = Proposal.objects.filter(state__in=MERGE_TARGET_STATES).select_related("submitter")
    return _ranked(hits, queryset)[:limit]


def suggest_units(*, title: str, body: str = "", exclude_id: int | None = None, limit: int = 3) -> list[dict]:
    """The lead units that handled the most similar accepted proposals, by summed similarity."""

    def keep(key, meta):
        return key != exclude_id and meta is not None and meta[1] in ACCEPTED_STATES

    hits = search(PROPOSAL, query_terms(title, body), limit=20, keep=keep)
    if not hits:
        return []
    scores = {h.key: h.score for h in hits}
    totals: dict[int, dict] = {}
    for row in Assignment.objects.filter(
        proposal_id__in=scores, role=AssignmentRole.LEAD, returned_on__isnull=True
    ).values("proposal_id", "unit_id", "unit__name"):
        unit = totals.setdefault(
            row["unit_id"], {"id": row["unit_id"], "name": row["unit__name"], "score": 0.0, "proposals": 0}
        )
        unit["score"] += scores[row["proposal_id"]]
        unit["proposals"] += 1
    ranked = sorted(totals.values(), key=lambda u: (-u["score"], u["name"]))[:limit]
    for unit in ranked:
        unit["score"] = round(unit["score"], 3)
    return ranked
