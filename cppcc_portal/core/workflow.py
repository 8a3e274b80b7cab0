"""The one shape of a workflow: a table of named actions, who may take each, and the check a move passes.

An app states its workflow once, as a `Workflow` of `Transition`s:

    PROPOSAL_WORKFLOW = Workflow(
        state_field="state",
        labels=ProposalState,
        refusal=_lazy("A proposal cannot go from “%(current)s” to “%(requested)s”."),
        transitions=[
            Transition("submit", DRAFT, (COSIGNING, AWAITING_REVIEW), may=submitter_or_staff),
            Transition("edit", DRAFT, may=submitter_or_staff),   # an action that keeps the state
            ...
        ],
    )

- `allowed_actions(obj, user)` names what `user` may do to `obj` now: the portal's buttons, the unit
  workspace's forms and the admin's actions show by these names (never by comparing state strings).
- `require(obj, user, action)` refuses, with the table's reason, what `allowed_actions` would not
  offer: the admin actions ask it for each selected row (`run_on_each(..., workflow=, action=)`).
- `move(obj, action, actor=..., to_state=...)` is what a service calls inside its transaction: it
  refuses a move that is not in the table (`TransitionError`), a user the table does not allow
  (`PermissionDeniedError`, when the workflow enforces its predicates) and a missing reason
  (`DomainError` code `note_required`), then sets the new state and returns the old one. Saving, the
  event row (`core.models.TransitionEvent`), the audit event and the on-commit side effects stay in
  the app's service (`_move` in proposals, `_transition` in supervision and members).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from cppcc_portal.core.errors import DomainError, PermissionDeniedError, TransitionError

Predicate = Callable[[Any, Any], bool]

REFUSAL = _("This cannot go from “%(current)s” to “%(requested)s”.")
DENIED = _("You may not take this step.")
NOTE_REQUIRED = _("Give a reason for this step.")


def anyone(obj, user) -> bool:
    """The predicate of a step the table itself does not restrict (the service checks who)."""
    return True


def _tuple(value: str | Iterable[str]) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    return tuple(value)


@dataclass(frozen=True)
class Transition:
    """One action of a workflow: from which states, to which (none: the state stays), and who may."""

    action: str
    sources: tuple[str, ...]
    targets: tuple[str, ...] = ()
    may: Predicate = anyone
    needs_note: bool = False
    refusal: Any = None

    def __init__(
        self,
        action: str,
        sources: str | Iterable[str],
        targets: str | Iterable[str] = (),
        *,
        may: Predicate = anyone,
        needs_note: bool = False,
        refusal=None,
    ):
        object.__setattr__(self, "action", action)
        object.__setattr__(self, "sources", _tuple(sources))
        object.__setattr__(self, "targets", _tuple(targets))
        object.__setattr__(self, "may", may)
        object.__setattr__(self, "needs_note", needs_note)
        # The action's own refusal (may use %(current)s, %(requested)s), instead of the workflow's.
        object.__setattr__(self, "refusal", refusal)

    @property
    def moves(self) -> bool:
        return bool(self.targets)


class Workflow:
    """A transition table with its checks; see the module's docstring."""

    def __init__(
        self,
        *,
        transitions: Sequence[Transition],
        labels=None,
        state_field: str = "state",
        refusal=REFUSAL,
        denied=DENIED,
        enforce_may: bool = True,
    ):
        self.transitions = tuple(transitions)
        self.labels = labels
        self.state_field = state_field
        self.refusal = refusal
        self.denied = denied
        self.enforce_may = enforce_may
        self._by_action: dict[str, list[Transition]] = {}
        for transition in self.transitions:
            self._by_action.setdefault(transition.action, []).append(transition)

    # --- reading the table -------------------------------------------------------------------------

    @property
    def actions(self) -> list[str]:
        """Every action name, in table order."""
        return list(self._by_action)

    def pairs(self) -> dict[tuple[str, str], str]:
        """(from, to) → action, for every move of the table."""
        return {(s, t): tr.action for tr in self.transitions for s in tr.sources for t in tr.targets}

    def state_of(self, obj) -> str:
        return getattr(obj, self.state_field)

    def find(self, state: str, action: str, to_state: str | None = None) -> Transition | None:
        """The row that lets `action` leave `state` (for `to_state`, when given), or None."""
        for transition in self._by_action.get(action, ()):
            if state in transition.sources and (to_state is None or to_state in transition.targets):
                return transition
        return None

    def targets(self, state: str) -> list[str]:
        """The states an object in `state` may move to, in table order."""
        found: list[str] = []
        for transition in self.transitions:
            if state in transition.sources:
                found.extend(t for t in transition.targets if t not in found)
        return found

    def action_for(self, state: str, to_state: str) -> str | None:
        """The action that moves `state` to `to_state`, or None."""
        return self.pairs().get((state, to_state))

    # --- who may do what ---------------------------------------------------------------------------

    def allows(self, obj, action: str) -> bool:
        """Whether the table has `action` from `obj`'s current state (whoever asks)."""
        return self.find(self.state_of(obj), action) is not None

    def may(self, obj, user, action: str) -> bool:
        """Whether `user` may take `action` on `obj` in its current state."""
        transition = self.find(self.state_of(obj), action)
        return transition is not None and bool(transition.may(obj, user))

    def allowed_actions(self, obj, user) -> list[str]:
        """The actions `user` may take on `obj` now, in table order (the buttons to show)."""
        state = self.state_of(obj)
        allowed: list[str] = []
        for transition in self.transitions:
            if transition.action in allowed or state not in transition.sources:
                continue
            if transition.may(obj, user):
                allowed.append(transition.action)
        return allowed

    def require(self, obj, user, action: str) -> Transition:
        """Refuse with the table's own reason an action the table does not allow `user` on `obj` now:
        `TransitionError` (the refusal) from this state, `PermissionDeniedError` (denied) for this user.
        The admin actions ask this before calling the service (`core.admin_actions.run_on_each`)."""
        transition = self.check(obj, action)
        if not transition.may(obj, user):
            raise PermissionDeniedError(str(self.denied))
        return transition

    # --- moving ------------------------------------------------------------------------------------

    def _label(self, state: str) -> str:
        if self.labels is None:
            return state
        try:
            return str(self.labels(state).label)
        except ValueError:
            return state

    def check(self, obj, action: str, to_state: str | None = None) -> Transition:
        """The table's row for `action` on `obj` now; TransitionError when there is none."""
        state = self.state_of(obj)
        transition = self.find(state, action, to_state)
        if transition is None:
            rows = self._by_action.get(action) or ()
            if to_state is None:
                to_state = next((t for row in rows for t in row.targets), state)
            refusal = next((row.refusal for row in rows if row.refusal), self.refusal)
            raise TransitionError(
                str(refusal) % {"current": self._label(state), "requested": self._label(to_state)}
            )
        return transition

    def move(self, obj, action: str, *, actor, to_state: str | None = None, note: str = "") -> str:
        """Check the move, set the new state on `obj` (not saved) and return the state it left."""
        transition = self.check(obj, action, to_state)
        if not transition.moves:
            raise ValueError(f"{action!r} keeps the state; there is nothing to move")
        if to_state is None:
            if len(transition.targets) != 1:
                raise ValueError(f"{action!r} has several targets; name the one to move to")
            to_state = transition.targets[0]
        if self.enforce_may and not transition.may(obj, actor):
            raise PermissionDeniedError(str(self.denied))
        if transition.needs_note and not (note or "").strip():
            raise DomainError(str(NOTE_REQUIRED), code="note_required", field="note")
        from_state = self.state_of(obj)
        setattr(obj, self.state_field, to_state)
        return from_state


class Workflows:
    """An app's workflows by model, for its one `allowed_actions(obj, user)`:

    allowed_actions = Workflows({Meeting: MEETING_WORKFLOW, Motion: MOTION_WORKFLOW}).allowed_actions
    """

    def __init__(self, by_model: dict[type, Workflow]):
        self.by_model = dict(by_model)

    def of(self, obj) -> Workflow:
        return self.by_model[type(obj)]

    def allowed_actions(self, obj, user) -> list[str]:
        """What `user` may do to `obj` now, by the table of its model."""
        return self.of(obj).allowed_actions(obj, user)
