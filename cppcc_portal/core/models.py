"""What every app shares: the audit trail, user preferences and the notification outbox."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Committee(models.Model):
    """A CPPCC committee the portal serves: the city at the top, its districts below.

    Every business row belongs to exactly one committee through its ``tenant`` foreign key (or
    through its parent row); see docs/architecture.md, "Committees". The installation's own
    committee (settings.COMMITTEE_SLUG) is committee number one, created by the migration.
    """

    name = models.CharField(_("name"), max_length=100, unique=True)
    short_name = models.CharField(_("short name"), max_length=40)
    slug = models.SlugField(_("slug"), max_length=40, unique=True, help_text=_("Used in addresses."))
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent committee"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    office_name = models.CharField(
        _("office name"),
        max_length=100,
        blank=True,
        help_text=_("The issuer named on documents, such as a bulletin; the name is used when empty."),
    )
    is_active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("An inactive committee keeps its rows but receives no forwarded matters."),
    )

    class Meta:
        verbose_name = pgettext_lazy("CPPCC body", "committee")
        verbose_name_plural = pgettext_lazy("CPPCC body", "committees")
        # The city first, then its districts.
        ordering = [models.F("parent_id").asc(nulls_first=True), "pk"]

    def __str__(self) -> str:
        return self.short_name or self.name

    @property
    def issuer(self) -> str:
        return self.office_name or self.name


class CommitteeSeat(models.Model):
    """A person's seat in a committee: one login works in every committee it has a seat in.

    A person with no seat works in the installation's own committee; one with seats in the city and
    a district chooses which to work in (core.committees). ``roles`` are the person's roles in this
    committee (the role groups of core.roles: a district's office, a member of the city); a seat
    without roles keeps the person's own groups. The separated administrators' roles are always the
    person's own (installation-wide). See core.roles.user_roles.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="committee_seats",
    )
    committee = models.ForeignKey(
        Committee,
        verbose_name=pgettext_lazy("CPPCC body", "committee"),
        on_delete=models.CASCADE,
        related_name="seats",
    )
    roles = models.ManyToManyField(
        "auth.Group",
        verbose_name=_("roles in this committee"),
        blank=True,
        related_name="committee_seats",
        help_text=_("Empty: the person's own roles (their groups) apply in this committee."),
    )

    class Meta:
        verbose_name = _("committee seat")
        verbose_name_plural = _("committee seats")
        constraints = [models.UniqueConstraint(fields=["user", "committee"], name="committee_seat_unique")]

    def __str__(self) -> str:
        return f"{self.user} · {self.committee}"


class TransitionEvent(models.Model):
    """One step of an object's workflow (`core.workflow`): who moved it, when and why.

    Each app's event model adds the foreign key to its object and its `from_state`/`to_state`
    fields with its workflow's choices (and `action` where one move has several names); the
    services write one row per move, and the timelines read them in order.
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=pgettext_lazy("workflow", "by"),
    )
    note = models.TextField(pgettext_lazy("workflow", "note"), blank=True)
    created_at = models.DateTimeField(pgettext_lazy("workflow", "time"), auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_state} → {self.to_state}"


class AuditEventQuerySet(models.QuerySet):
    def delete(self):
        raise PermissionError("the audit trail cannot be deleted")

    def prune_through(self, seal_seq: int, older_than) -> int:
        """Delete the start of the chain up to `seal_seq`: only for core.audit_chain.prune, which
        keeps a checkpoint first. Refused if any of those rows is younger than `older_than`."""
        doomed = self.filter(seal_seq__isnull=False, seal_seq__lte=seal_seq)
        if doomed.filter(created_at__gte=older_than).exists():
            raise PermissionError("audit rows younger than the retention period cannot be deleted")
        return super(AuditEventQuerySet, doomed).delete()[0]

    def update(self, **kwargs):
        # Deleting an account sets the actor of its rows to NULL; nothing else of a row may change.
        if set(kwargs) - {"actor", "actor_id", "seal_seq", "seal_hash"}:
            raise PermissionError("the audit trail cannot be changed")
        return super().update(**kwargs)


class AuditEvent(models.Model):
    """One recorded change: who did what to which object, when, from where, before -> after.

    Rows are sealed into a hash chain right after their transaction commits (core.audit_chain), so
    that `verify_audit` detects a row edited or deleted in the database.
    """

    class Outcome(models.TextChoices):
        SUCCESS = "success", pgettext_lazy("audit outcome", "succeeded")
        FAILURE = "failure", pgettext_lazy("audit outcome", "failed")

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=64)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, verbose_name=_("type"))
    object_id = models.CharField(_("object id"), max_length=64)
    subject = GenericForeignKey("content_type", "object_id")
    object_repr = models.CharField(_("object"), max_length=200)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    note = models.TextField(_("note"), blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    # The account as it was named (kept when the account is deleted; a failed login's typed name).
    account = models.CharField(_("account"), max_length=150, blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, default=Outcome.SUCCESS)
    seal_seq = models.BigIntegerField(_("chain position"), null=True, blank=True, unique=True, editable=False)
    seal_hash = models.CharField(_("chain hash"), max_length=64, blank=True, editable=False)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-created_at", "-id"]
        # Only the auditor (审计员) is granted it (core.roles).
        permissions = [("export_auditevent", _("Can export the audit trail"))]
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="audit_object_idx"),
            models.Index(fields=["id"], condition=models.Q(seal_seq__isnull=True), name="audit_unsealed_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"

    def delete(self, *args, **kwargs):
        raise PermissionError("the audit trail cannot be deleted")


class AuditSeal(models.Model):
    """The end of the audit hash chain: the last sealed position and its hash (one row)."""

    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, blank=True)
    # The checkpoint of a retention prune (core.audit_chain.prune): the chain now starts after
    # `pruned_through`, chained to `pruned_hash`; `pruned_mac` makes the pair unforgeable.
    pruned_through = models.BigIntegerField(default=0)
    pruned_hash = models.CharField(max_length=64, blank=True)
    pruned_mac = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("audit chain head")
        verbose_name_plural = _("audit chain head")

    def __str__(self) -> str:
        return f"{self.last_seq}: {self.last_hash}"


class UserPreference(models.Model):
    """A user's own settings: interface language, the 长辈版 (elder mode), and which notification kinds
    also go by e-mail."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="preference")
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    elder_mode = models.BooleanField(
        _("elder mode"),
        default=False,
        help_text=_("Large text, high contrast and simple navigation (长辈版)."),
    )
    email_kinds = models.JSONField(_("notification kinds also sent by e-mail"), default=list, blank=True)

    class Meta:
        verbose_name = _("user preference")
        verbose_name_plural = _("user preferences")

    def __str__(self) -> str:
        return str(self.user)


class NotificationState(models.TextChoices):
    """Where an outbox row is on its way: pending → sending → sent, or failed / cancelled."""

    PENDING = "pending", _("pending")
    SENDING = "sending", _("sending")
    SENT = "sent", _("sent")
    FAILED = "failed", pgettext_lazy("notification state", "failed")
    CANCELLED = "cancelled", _("cancelled")


class Notification(models.Model):
    """One message to one person (the outbox row), written in the transaction that causes it."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=64, db_index=True)
    # The committee whose work the message is about (the one in hand when it was written): a
    # reminder rule run for one committee withdraws only that committee's rows. The inbox is the
    # person's, across every committee they sit in, so this is no query scope.
    committee = models.ForeignKey(
        Committee,
        verbose_name=pgettext_lazy("CPPCC body", "committee"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    # Idempotency: a rule that runs twice or late finds its row already there.
    dedupe_key = models.CharField(_("deduplication key"), max_length=200, unique=True)
    content_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("about type")
    )
    object_id = models.CharField(_("about id"), max_length=64, blank=True)
    subject = GenericForeignKey("content_type", "object_id")
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    link = models.CharField(_("link"), max_length=500, blank=True)
    due_at = models.DateTimeField(_("due"), db_index=True)
    # When the row enters the person's inbox: the planned time, whatever happens to the e-mail.
    # The inbox never waits for delivery (due_at moves on each e-mail retry; this does not).
    inbox_at = models.DateTimeField(_("in the inbox from"))
    state = models.CharField(
        _("state"),
        max_length=16,
        choices=NotificationState.choices,
        default=NotificationState.PENDING,
    )
    send_email = models.BooleanField(_("also by e-mail"), default=False)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    # Each claim gets a fresh token; only the holder of the current token may mark the row sent,
    # so a worker whose claim was taken over (it was presumed dead) cannot finish it a second time.
    claim_token = models.UUIDField(_("claim token"), null=True, blank=True, editable=False)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-due_at", "-id"]
        indexes = [
            models.Index(fields=["state", "due_at"], name="notification_due_idx"),
            models.Index(fields=["recipient", "inbox_at"], name="notification_inbox_at_idx"),
            # The header's unread count on every page reads only this small index.
            models.Index(
                fields=["recipient", "inbox_at"],
                condition=models.Q(read_at__isnull=True) & ~models.Q(state="cancelled"),
                name="notification_unread_inbox_idx",
            ),
            models.Index(fields=["content_type", "object_id"], name="notification_subject_idx"),
            models.Index(fields=["claim_token"], name="notification_claim_idx"),
        ]

    def __str__(self) -> str:
        return self.title


class NotificationDelivery(models.Model):
    """One channel (e-mail, SMS …) that has carried a notification, so a redo never repeats it."""

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("notification")
    )
    channel = models.CharField(_("channel"), max_length=32)
    delivered_at = models.DateTimeField(_("delivered at"), auto_now_add=True)

    class Meta:
        verbose_name = _("notification delivery")
        verbose_name_plural = _("notification deliveries")
        constraints = [
            models.UniqueConstraint(fields=["notification", "channel"], name="notification_delivery_once")
        ]

    def __str__(self) -> str:
        return f"{self.notification_id} · {self.channel}"


class PasswordState(models.Model):
    """A login's password facts for the password rules: when it was set, whether it must change,
    and the hashes of the last few (no reuse). Only the embedded demo's accounts are exempt."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="password_state"
    )
    changed_at = models.DateTimeField(_("password set at"), default=timezone.now)
    must_change = models.BooleanField(_("must change the password at next sign-in"), default=False)
    exempt = models.BooleanField(_("demo account (exempt from the password rules)"), default=False)
    recent_hashes = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("password state")
        verbose_name_plural = _("password states")

    def __str__(self) -> str:
        return str(self.user)


class AccountSession(models.Model):
    """The one live session of an account (one per account, 等保 2.0 会话控制): a new sign-in ends
    the previous one, whose key is remembered (as a digest) so its device can be told why."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    session_key = models.CharField(pgettext_lazy("login session", "session"), max_length=40, blank=True)
    started_at = models.DateTimeField(_("signed in at"), default=timezone.now)
    ended_key_digest = models.CharField(max_length=64, blank=True, db_index=True)
    ended_at = models.DateTimeField(_("previous session ended at"), null=True, blank=True)

    class Meta:
        verbose_name = _("account session")
        verbose_name_plural = _("account sessions")

    def __str__(self) -> str:
        return str(self.user)


class IdempotencyKey(models.Model):
    """One request a person may send twice (a double click, a client's retry): its first answer, kept.

    API clients name the request with an `Idempotency-Key` header; the portal's creating forms carry
    a one-time token. The row is written before the first request runs, so a second one waits for
    it or replays its answer instead of creating a second object.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(_("key"), max_length=200)
    fingerprint = models.CharField(_("request fingerprint"), max_length=64)
    status_code = models.PositiveSmallIntegerField(_("status code"), null=True, blank=True)
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    body = models.TextField(_("body"), blank=True)
    location = models.CharField(_("location"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_once")]

    def __str__(self) -> str:
        return self.key
