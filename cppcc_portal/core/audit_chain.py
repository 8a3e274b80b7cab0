"""The audit trail's hash chain (等保 2.0: audit records protected against change and deletion).

Each audit row is sealed once its transaction has committed: it gets the next position in the chain
and an HMAC of its content together with the previous row's hash. Sealing after commit, in a short
transaction of its own, keeps the chain's lock out of every business transaction (no lock waits or
deadlocks between writers); the order of the chain is the order of sealing, which `seal_seq` keeps.
A row edited in the database no longer matches its hash, a deleted row leaves a gap in the
positions, and without the key (AUDIT_CHAIN_KEY) nobody can compute a matching hash.

Rows are sealed right after the commit that wrote them (core.audit.record_event asks for it) and
by the periodic task `seal_audit_events`, which also catches rows written in bulk.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from cppcc_portal.core.models import AuditEvent, AuditSeal

SEAL_BATCH = 1000
# A row still unsealed after this long was written in a way that skipped sealing, or sealing fails.
UNSEALED_WARNING_AFTER = dt.timedelta(minutes=10)


def _key() -> bytes:
    return settings.AUDIT_CHAIN_KEY.encode()


def content_of(event: AuditEvent) -> str:
    """What a row's hash covers: everything it records except the actor link (deleting an account
    sets it to NULL; the account's name is kept in `account`)."""
    return json.dumps(
        [
            event.account,
            event.action,
            event.outcome,
            event.content_type_id,
            event.object_id,
            event.object_repr,
            event.changes,
            event.note,
            event.ip_address,
            event.created_at.astimezone(dt.UTC).isoformat(),
        ],
        sort_keys=True,
        ensure_ascii=False,
        default=str,
    )


def chain_hash(previous: str, event: AuditEvent) -> str:
    return hmac.new(_key(), f"{previous}\n{content_of(event)}".encode(), hashlib.sha256).hexdigest()


def seal_pending() -> int:
    """Seal every committed row not sealed yet, oldest first; returns how many were sealed."""
    sealed = 0
    while AuditEvent.objects.filter(seal_seq__isnull=True).exists():
        with transaction.atomic():
            head, _ = AuditSeal.objects.select_for_update().get_or_create(pk=1)
            # Read under the lock: a sealer that ran meanwhile has already taken what it sealed.
            batch = list(AuditEvent.objects.filter(seal_seq__isnull=True).order_by("id")[:SEAL_BATCH])
            for event in batch:
                head.last_seq += 1
                event.seal_seq = head.last_seq
                event.seal_hash = head.last_hash = chain_hash(head.last_hash, event)
            AuditEvent.objects.bulk_update(batch, ["seal_seq", "seal_hash"])
            head.save(update_fields=["last_seq", "last_hash"])
        sealed += len(batch)
        if len(batch) < SEAL_BATCH:
            break
    return sealed


@dataclass
class Verification:
    """What `verify_audit` found: rows checked and every problem, each naming the place."""

    checked: int = 0
    problems: list[str] = field(default_factory=list)
    unsealed_old: int = 0

    @property
    def intact(self) -> bool:
        return not self.problems


def _checkpoint_mac(seq: int, hash_: str) -> str:
    return hmac.new(_key(), f"checkpoint\n{seq}\n{hash_}".encode(), hashlib.sha256).hexdigest()


def prune(*, now=None) -> tuple[int, int]:
    """Delete the audit rows older than AUDIT_RETENTION_DAYS, from the start of the chain only.

    The chain stays verifiable: the position and hash of the last deleted row become the chain's
    checkpoint (kept in the head row with an HMAC), and `verify` starts from there. A row younger
    than the retention period is never deleted, nor any row after it in the chain. Returns
    (rows deleted, the checkpoint's position).
    """
    seal_pending()
    cutoff = (now or timezone.now()) - dt.timedelta(days=settings.AUDIT_RETENTION_DAYS)
    with transaction.atomic():
        head, _ = AuditSeal.objects.select_for_update().get_or_create(pk=1)
        first_young = (
            AuditEvent.objects.filter(seal_seq__isnull=False, created_at__gte=cutoff)
            .order_by("seal_seq")
            .values_list("seal_seq", flat=True)
            .first()
        )
        through = (first_young - 1) if first_young is not None else head.last_seq
        last = AuditEvent.objects.filter(seal_seq=through).first()
        if through <= head.pruned_through or last is None:
            return 0, head.pruned_through
        deleted = AuditEvent.objects.prune_through(through, older_than=cutoff)
        head.pruned_through, head.pruned_hash = through, last.seal_hash
        head.pruned_mac = _checkpoint_mac(through, last.seal_hash)
        head.save(update_fields=["pruned_through", "pruned_hash", "pruned_mac"])
    return deleted, through


def verify() -> Verification:
    """Walk the chain from its start (or the last prune's checkpoint) and recompute every hash."""
    result = Verification()
    previous: str | None = ""
    expected = 1
    head = AuditSeal.objects.filter(pk=1).first()
    if head is not None and head.pruned_through:
        if not hmac.compare_digest(head.pruned_mac, _checkpoint_mac(head.pruned_through, head.pruned_hash)):
            result.problems.append("the checkpoint of the last retention prune was changed")
        previous, expected = head.pruned_hash, head.pruned_through + 1
    rows = AuditEvent.objects.filter(seal_seq__isnull=False).order_by("seal_seq")
    for event in rows.iterator(chunk_size=2000):
        if event.seal_seq != expected:
            result.problems.append(
                f"rows {expected}–{event.seal_seq - 1} of the chain are missing (deleted) before row id {event.pk}"
            )
            # The first row after a gap was chained to a row that is gone: its own link cannot be
            # checked, the rows after it can.
            previous = None
        if previous is not None and chain_hash(previous, event) != event.seal_hash:
            result.problems.append(f"row id {event.pk} (chain position {event.seal_seq}) was changed")
        previous, expected = event.seal_hash, event.seal_seq + 1
        result.checked += 1
    last = expected - 1
    if head is not None and head.last_seq > last:
        result.problems.append(
            f"rows {last + 1}–{head.last_seq} at the end of the chain are missing (deleted)"
        )
    result.unsealed_old = AuditEvent.objects.filter(
        seal_seq__isnull=True, created_at__lt=timezone.now() - UNSEALED_WARNING_AFTER
    ).count()
    return result
