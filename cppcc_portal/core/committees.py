"""The committee in hand: which committee a request, a task or a command works for.

One installation serves a city committee and its district committees (core.Committee). Every
business row carries a ``tenant`` foreign key to its committee (``tenant_field()`` below), or
belongs to one through its parent row. A person works in the committees they have a seat in
(``CommitteeSeat``; the installation's own, ``settings.COMMITTEE_SLUG``, for a person without one),
the one they chose being kept in the session until addresses carry the committee.

The committee in hand is also the query scope (django-scopes): the default manager of every
committee-owned model (``scoped_manager()``) adds ``tenant = <the committee in hand>`` to every
query, that of a row belonging through its parent (``scoped_manager(through="plan__tenant")``)
the same on its parent's ``tenant``, and a query made while no committee is in hand raises
``django_scopes.ScopeError`` instead of reading every committee's rows. A forgotten filter cannot leak one district's data to another.
``CommitteeMiddleware`` puts the request's committee in hand (resolved lazily, at most once per
request, from the cache: no query); a task, a command or a test block does it with
``working_for(committee)``, and a sweep over every committee with ``each_committee()``. The only
deliberate way to read across committees (a city roll-up, the similarity index) is ``across_committees()``.
The footer, the generated documents and a new row's ``tenant`` default read the same committee;
``current()`` falls back to the default committee outside any block (the footer of an error page).
"""

from __future__ import annotations

import contextlib
from contextvars import ContextVar

from django.conf import settings
from django.db import models, transaction
from django.db.models import Exists
from django.db.models.signals import post_delete, post_save
from django.http import Http404
from django.urls import get_script_prefix, set_script_prefix
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_scopes import ScopedManager, ScopeError, scope, scopes_disabled

from cppcc_portal.core import roles
from cppcc_portal.core.audit import record_event
from cppcc_portal.core.caching import CachedValues
from cppcc_portal.core.errors import DomainError, PermissionDeniedError
from cppcc_portal.core.models import Committee, CommitteeSeat

COMMITTEES = CachedValues("committees", ttl=3600)

_in_hand: ContextVar[Committee | None] = ContextVar("committee_in_hand", default=None)
# The default committee's primary key in this process: a new row's tenant default is read for every
# row of a bulk insert, and the row of committee number one is never deleted (rows protect it).
_default_pk: int | None = None


def _get_or_create_own(queryset: models.QuerySet) -> tuple[Committee, bool]:
    """The installation's own committee by its slug, made from the settings if it is missing."""
    return queryset.get_or_create(
        slug=settings.COMMITTEE_SLUG,
        defaults={"name": settings.COMMITTEE_NAME, "short_name": settings.COMMITTEE_SHORT_NAME},
    )


def _load_default() -> tuple[Committee, bool]:
    # With it, in the same query, whether anyone has a seat at all: until then nobody's seats are read.
    # Without is_active: the apps' ownership migrations read this before core 0013 adds that column.
    committee, created = _get_or_create_own(
        Committee.objects.defer("is_active").annotate(anyone_seated=Exists(CommitteeSeat.objects.all()))
    )
    return committee, CommitteeSeat.objects.exists() if created else committee.anyone_seated


def ensure_default(sender=None, using="default", apps=None, **kwargs) -> None:
    """post_migrate: the installation's own committee exists after every migrate and every flush.

    Migration core/0012 makes it once; a flush (a transactional test's teardown, `manage.py flush`)
    empties every table and then sends post_migrate, so this puts it back before anything reads it.
    """
    if apps is not None:
        try:
            apps.get_model("core", "Committee")
        except LookupError:  # migrated back to before committees existed
            return
    _get_or_create_own(Committee.objects.using(using))
    forget()


def _default_entry() -> tuple[Committee, bool]:
    return COMMITTEES.cached(f"default-entry:{settings.COMMITTEE_SLUG}", _load_default)


def default() -> Committee:
    """The installation's own committee (created if a flushed test database lost it)."""
    return _default_entry()[0]


def default_id() -> int:
    global _default_pk
    if _default_pk is None:
        _default_pk = default().pk
    return _default_pk


def current() -> Committee:
    """The committee in hand: the request's, the one set by ``working_for``, else the default."""
    return _in_hand.get() or default()


def current_id() -> int:
    """A new row's ``tenant`` when none is given (the callable default of every ``tenant_field``)."""
    committee = _in_hand.get()
    return committee.pk if committee is not None else default_id()


def scoped_manager(manager_class: type[models.Manager] = models.Manager, *, through: str = "tenant"):
    """The default manager of a committee's model: the committee in hand's rows only.

    Every query through it is filtered on the committee by the scope that ``working_for`` and the
    middleware enter; outside any scope it raises ``ScopeError``. A model with its own ``tenant``
    (``tenant_field()``) is filtered on it; a model that belongs to a committee through its parent
    names the path to the parent's ``tenant`` (``through="item__plan__tenant"``: a join per step,
    along non-null foreign keys only, so a row is never lost or doubled). ``manager_class`` keeps
    a model's own manager (``SomeQuerySet.as_manager().__class__`` or ``Manager.from_queryset(...)``).
    Reverse relations and prefetches (``proposal.cosignatures``) are made from this class, so they
    are scoped too; related objects reached by a foreign key (``proposal.submitter``) go through
    the plain base manager, so a row already in hand always reaches its parents.
    """
    manager = ScopedManager(_manager_class=manager_class, tenant=through)
    manager.committee_path = through  # read by tests/core/test_committee_scope.py
    return manager


@contextlib.contextmanager
def working_for(committee: Committee | int):
    """Work for this committee inside the block (a request, a task, a command, a test of two committees).

    The committee in hand is the query scope: every committee-owned model's queries inside the
    block read this committee's rows only. Accepts the committee or its primary key (a task's
    argument).
    """
    if type(committee) is int:  # not isinstance: that would resolve the middleware's lazy committee
        committee = Committee.objects.get(pk=committee)
    token = _in_hand.set(committee)
    try:
        with scope(tenant=committee):
            yield committee
    finally:
        _in_hand.reset(token)


def each_committee():
    """Every committee in turn, each in hand (the scope) while the caller's loop body runs for it.

    A periodic sweep (reminders, co-signing deadlines, the dashboard's figures) works for every
    committee this way, each one's rows apart.
    """
    for committee in list(Committee.objects.order_by("pk")):
        with working_for(committee):
            yield committee


@contextlib.contextmanager
def across_committees():
    """Read every committee's rows inside the block: the one deliberate way across the scope.

    For what is about the whole installation by nature (a city roll-up, the similarity index of
    every proposal). Everything else works for one committee.
    """
    with scopes_disabled():
        yield


def add_committee_argument(parser) -> None:
    """A management command's ``--committee SLUG``: the committee it works for."""
    parser.add_argument(
        "--committee",
        metavar="SLUG",
        help="the committee to work for (default: the installation's own, settings.COMMITTEE_SLUG)",
    )


@contextlib.contextmanager
def working_for_command(slug: str | None):
    """Work for the committee a command was given (``--committee``), else the installation's own."""
    from django.core.management.base import CommandError

    if slug is None:
        # Lazy, as in a request: a command that reads nothing (`shell -c` printing a setting) needs no database.
        committee = SimpleLazyObject(default)
    else:
        committee = Committee.objects.filter(slug=slug).first()
        if committee is None:
            raise CommandError(f"No committee is called {slug!r}.")
    with working_for(committee):
        yield committee


def in_hand_id() -> int:
    """The primary key of the committee in hand; ``ScopeError`` when none is (a task's argument)."""
    committee = _in_hand.get()
    if committee is None:
        raise ScopeError("No committee is in hand.")
    return committee.pk


def forget() -> None:
    """Read the committees again (tests: a rolled-back or flushed database)."""
    global _default_pk
    _default_pk = None
    COMMITTEES.forget()


def _committee_changed(**kwargs) -> None:
    """A committee was saved or deleted: read them again now and once its transaction commits."""
    global _default_pk
    _default_pk = None
    COMMITTEES.changed()


def connect_signals() -> None:
    for model in (Committee, CommitteeSeat):
        uid = f"core.committees.{model._meta.model_name}"
        post_save.connect(_committee_changed, sender=model, dispatch_uid=f"{uid}.save")
        post_delete.connect(_committee_changed, sender=model, dispatch_uid=f"{uid}.delete")


def for_user(user) -> list[Committee]:
    """The committees a person may work in: those they have a seat in, else the installation's own."""
    committee, anyone_seated = _default_entry()
    if not anyone_seated or not getattr(user, "is_authenticated", False):
        return [committee]
    seated = COMMITTEES.cached(
        f"seats:{user.pk}",
        lambda: list(Committee.objects.filter(seats__user=user)),
    )
    return seated or [committee]


def of_request(request) -> list[Committee]:
    """for_user() of the request's person, read once per request (the committee in hand and the
    header's committee chooser both ask)."""
    user = request.user
    # Kept with the person it was read for: a login or logout changes request.user mid-request.
    found = getattr(request, "_portal_committees", None)
    if found is None or found[0] != user.pk:
        found = request._portal_committees = (user.pk, for_user(user))
    return found[1]


def children(committee: Committee) -> list[Committee]:
    """The active committees directly under ``committee`` (where the city sends a matter down)."""
    return COMMITTEES.cached(
        f"children:{committee.pk}",
        lambda: list(Committee.objects.filter(parent_id=committee.pk, is_active=True).order_by("pk")),
    )


# The session remembers the committee a person chose to work in (by its primary key).
SESSION_KEY = "portal_committee"


def choose(request, slug: str) -> Committee | None:
    """Work in the committee named by ``slug`` from now on; None if the person has no seat there."""
    chosen = next((c for c in for_user(request.user) if c.slug == slug), None)
    if chosen is not None:
        request.session[SESSION_KEY] = chosen.pk
    return chosen


def for_request(request) -> Committee:
    """The committee a request works in: the one chosen in the session, if the person still has a
    seat there; else their first committee (the installation's own for a person without seats)."""
    user = getattr(request, "user", None)
    if not getattr(user, "is_authenticated", False):
        return default()
    allowed = of_request(request)
    chosen = request.session.get(SESSION_KEY)
    for committee in allowed:
        if committee.pk == chosen:
            return committee
    return allowed[0]


def tenant_field() -> models.ForeignKey:
    """The ``tenant`` foreign key of a committee-owned model: never null, the committee in hand by default."""
    return models.ForeignKey(
        Committee,
        verbose_name=pgettext_lazy("CPPCC body", "committee"),
        on_delete=models.PROTECT,
        related_name="+",
        default=current_id,
        editable=False,
    )


def unique_per_committee(*fields: str, name: str) -> models.UniqueConstraint:
    """A number, year or name that is unique within a committee (two districts each have a 2017 plan)."""
    return models.UniqueConstraint(fields=["tenant", *fields], name=name)


class CommitteeOwned:
    """Mixin of a model with ``tenant_field()``: forms check its ``unique_per_committee`` constraints too.

    The ``tenant`` field is not editable, so a model form leaves it out of validation and would skip
    every constraint naming it (a duplicate then fails in the database, not with a message). A new
    row's tenant is always known (the committee in hand), so it is never left out here.
    """

    def validate_constraints(self, exclude=None):
        super().validate_constraints(exclude=set(exclude or ()) - {"tenant"})


# Addresses that carry the committee: /c/<slug>/portal/ is /portal/ in that committee. No top-level
# path of the portal is "c/" (cppcc_portal/urls.py), so the prefix cannot shadow a page.
URL_PREFIX = "c"


def split_path(path_info: str) -> tuple[str, str] | None:
    """("xicheng", "/portal/") for "/c/xicheng/portal/"; None for an address without a committee."""
    parts = path_info.split("/", 3)
    if len(parts) < 4 or parts[0] or parts[1] != URL_PREFIX or not parts[2]:
        return None
    return parts[2], "/" + parts[3]


def named_in_address(request, slug: str) -> Committee:
    """The committee an address names: one the person has a seat in, else not found (404).

    Someone not logged in (yet: an API request authenticates in its view) is shown the committee's
    name only, on the login page; every page with data asks for a login first.
    """
    if getattr(request.user, "is_authenticated", False):
        found = next((c for c in of_request(request) if c.slug == slug), None)
    else:
        found = Committee.objects.filter(slug=slug).first()
    if found is None:
        raise Http404(_("No such committee."))
    return found


def in_address(request) -> bool:
    """Whether the request's address names its committee (then nobody is asked to choose one)."""
    return getattr(request, "committee_in_address", None) is not None


def home_address(request, committee: Committee) -> str:
    """The address of a committee's home page, /c/<slug>/ (under the deployment's own prefix)."""
    outer = getattr(request, "committee_in_address", None)
    return f"{outer if outer is not None else get_script_prefix()}{URL_PREFIX}/{committee.slug}/"


class CommitteeMiddleware:
    """Resolve the request's committee once (``request.committee``) and keep it in hand for the request.

    An address that names a committee (``/c/<slug>/…``) works in that committee: the prefix is taken
    off the path the URLconf resolves and made the script prefix, so every ``reverse()`` and
    ``{% url %}`` of the request (pages, redirects, the API's links) carries it. Other addresses work
    in the committee chosen in the session.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        named = split_path(request.path_info)
        if named is None:
            # Lazy: a request that never needs its committee (a probe, a static answer) reads nothing.
            return self._serve(request, SimpleLazyObject(lambda: for_request(request)))
        slug, rest = named
        if getattr(request.user, "is_authenticated", False):
            committee = named_in_address(request, slug)  # 404 before anything is read
        else:
            committee = SimpleLazyObject(lambda: named_in_address(request, slug))
        request.path_info = rest
        outer = get_script_prefix()
        request.committee_in_address = outer
        set_script_prefix(f"{outer}{URL_PREFIX}/{slug}/")
        try:
            return self._serve(request, committee)
        finally:
            set_script_prefix(outer)

    def _serve(self, request, committee):
        request.committee = committee
        with working_for(committee):
            return self.get_response(request)


def fill_tenant(apps, schema_editor, labels: list[str]) -> None:
    """Migrations: give every existing row of these models committee number one (created if missing).

    Then checks the foreign keys at once, so the same migration may make the column non-null
    (PostgreSQL refuses to alter a table with deferred checks pending).
    """
    historical = apps.get_model("core", "Committee")
    committee, _created = historical.objects.get_or_create(
        slug=settings.COMMITTEE_SLUG,
        defaults={"name": settings.COMMITTEE_NAME, "short_name": settings.COMMITTEE_SHORT_NAME},
    )
    for label in labels:
        apps.get_model(label).objects.filter(tenant__isnull=True).update(tenant=committee)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        schema_editor.execute("SET CONSTRAINTS ALL DEFERRED")


COMMITTEE_FIELDS = ("name", "short_name", "slug", "parent", "office_name", "is_active")


def committee_save(
    *, actor, committee: Committee, changes: dict | None = None, created: bool = False
) -> Committee:
    """Save a committee edited by the office (the admin), with an audit row."""
    roles.require_staff(actor, system_may=True, message=_("Only the office may change a committee."))
    parent = committee.parent
    while parent is not None:
        if parent.pk == committee.pk:
            raise DomainError(
                _("A committee cannot be placed under itself."), code="parent_cycle", field="parent"
            )
        parent = parent.parent
    changes = changes or {}
    if not created and not changes:
        return committee
    with transaction.atomic():
        committee.save()
        plain = {
            field: [str(old) if old is not None else None, str(new) if new is not None else None]
            for field, (old, new) in changes.items()
        }
        action = f"committee.{'create' if created else 'update'}"
        record_event(actor=actor, action=action, obj=committee, changes=plain)
        if created:
            # A new committee gets its own beat entry of every reminder rule, its times its own.
            from cppcc_portal.core.notifications.rules import ensure_rule_schedules

            transaction.on_commit(lambda: ensure_rule_schedules(only=committee))
    return committee


def _may_seat_anywhere(actor) -> bool:
    """The system (None), a superuser and the security administrator seat people in any committee."""
    return actor is None or actor.is_superuser or roles.has_role(actor, roles.SECURITY_ADMIN)


def _check_seat_rights(actor, committee: Committee) -> None:
    """The office seats people in its own committee (the one in hand); roles are another matter."""
    if _may_seat_anywhere(actor):
        return
    roles.require_staff(actor, message=_("Only the office may change a committee."))
    if committee.pk != current_id():
        raise PermissionDeniedError(_("The office gives seats in its own committee only."))


def _role_groups(codes) -> list:
    """The auth groups of these role codes; the separated administrators' roles are not per committee."""
    codes = set(codes or ())
    unknown = codes - set(roles.ROLES)
    if unknown:
        raise DomainError(_("Unknown role."), code="bad_role", field="roles")
    if codes & set(roles.ADMINISTRATORS):
        raise DomainError(
            _("The separated administrators' roles are the whole installation's, not a committee's."),
            code="administrator_role_per_committee",
            field="roles",
        )
    groups = roles.ensure_groups()
    return [groups[code] for code in sorted(codes)]


def _role_names(groups) -> list[str]:
    return sorted(group.name for group in groups)


def _admin_flag(user, groups) -> None:
    # Django's is_staff lets a person into the admin at all; where, the roles of each committee decide
    # (core.roles.may_use_admin). A seat as office or leader needs it.
    names = {roles.GROUP_NAMES[role] for role in (roles.STAFF, roles.LEADER)}
    if not user.is_staff and any(group.name in names for group in groups):
        user.is_staff = True
        user.save(update_fields=["is_staff"])


def _check_role_rights(actor) -> None:
    if actor is not None and not actor.is_superuser and not roles.has_role(actor, roles.SECURITY_ADMIN):
        raise PermissionDeniedError(_("Only the security administrator may change roles."))


def seat_add(*, actor, user, committee: Committee, roles_in_committee=()) -> CommitteeSeat:
    """Give a person a seat in a committee, with their roles there (none: their own groups apply).

    The office seats people in its own committee; roles are given by the security administrator
    (三员分立), who seats people anywhere. Audited; a second time changes nothing.
    """
    _check_seat_rights(actor, committee)
    groups = _role_groups(roles_in_committee)
    if groups:
        _check_role_rights(actor)
    with transaction.atomic():
        seat, created = CommitteeSeat.objects.get_or_create(user=user, committee=committee)
        if created:
            if groups:
                seat.roles.set(groups)
                _admin_flag(user, groups)
            record_event(
                actor=actor,
                action="committee_seat.create",
                obj=seat,
                changes={"committee": [None, str(committee)], "roles": [None, _role_names(groups)]},
            )
    return seat


def seat_set_roles(*, actor, seat: CommitteeSeat, roles_in_committee) -> CommitteeSeat:
    """Change a person's roles in one committee (the security administrator), with an audit row.

    An empty set gives the seat back the person's own groups. The access cache follows at once
    (core.access_cache watches the seats' roles).
    """
    _check_role_rights(actor)
    groups = _role_groups(roles_in_committee)
    before = _role_names(seat.roles.all())
    after = _role_names(groups)
    if before == after:
        return seat
    with transaction.atomic():
        seat.roles.set(groups)
        _admin_flag(seat.user, groups)
        record_event(actor=actor, action="committee_seat.roles", obj=seat, changes={"roles": [before, after]})
    return seat


def seat_remove(*, actor, seat: CommitteeSeat) -> None:
    """Take a person's seat in a committee away, with an audit row."""
    _check_seat_rights(actor, seat.committee)
    with transaction.atomic():
        record_event(
            actor=actor,
            action="committee_seat.delete",
            obj=seat,
            changes={
                "committee": [str(seat.committee), None],
                "roles": [_role_names(seat.roles.all()), None],
            },
        )
        seat.delete()
