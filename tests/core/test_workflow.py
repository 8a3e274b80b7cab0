"""The one shape of a workflow (core.workflow): a table of actions, who may take each, and the move check."""

from types import SimpleNamespace

import pytest

from cppcc_portal.core.errors import DomainError, PermissionDeniedError, TransitionError
from cppcc_portal.core.workflow import Transition, Workflow, Workflows


def _office(obj, user):
    return user == "office"


def _author(obj, user):
    return user in ("office", obj.author)


ARTICLE = Workflow(
    refusal="An article cannot go from “%(current)s” to “%(requested)s”.",
    denied="Not yours to do.",
    transitions=[
        Transition("edit", "draft", may=_author),
        Transition("send", "draft", ("review", "published"), may=_author),
        Transition("publish", "review", "published", may=_office),
        Transition("send_back", "review", "draft", may=_office, needs_note=True),
    ],
)


def _article(state="draft"):
    return SimpleNamespace(state=state, author="ann")


def test_a_move_that_is_not_in_the_table_is_refused_and_the_state_is_kept():
    article = _article("draft")
    with pytest.raises(TransitionError) as refused:
        ARTICLE.move(article, "publish", actor="office")
    assert refused.value.code == "illegal_transition"
    assert refused.value.message == "An article cannot go from “draft” to “published”."
    assert article.state == "draft"


def test_a_move_to_a_state_the_action_does_not_reach_is_refused():
    with pytest.raises(TransitionError):
        ARTICLE.move(_article("draft"), "send", actor="ann", to_state="draft")


def test_a_move_in_the_table_sets_the_new_state_and_returns_the_old_one():
    article = _article("draft")
    assert ARTICLE.move(article, "send", actor="ann", to_state="review") == "draft"
    assert article.state == "review"


def test_someone_the_table_does_not_allow_is_refused_with_a_permission_error():
    article = _article("review")
    with pytest.raises(PermissionDeniedError) as refused:
        ARTICLE.move(article, "publish", actor="ann")
    assert refused.value.message == "Not yours to do."
    assert article.state == "review"


def test_a_step_that_needs_a_reason_is_refused_without_one():
    article = _article("review")
    with pytest.raises(DomainError) as refused:
        ARTICLE.move(article, "send_back", actor="office", note="  ")
    assert refused.value.code == "note_required"
    assert article.state == "review"
    ARTICLE.move(article, "send_back", actor="office", note="too long")
    assert article.state == "draft"


def test_a_workflow_that_leaves_the_check_of_who_to_its_services_does_not_refuse_on_the_predicate():
    lenient = Workflow(transitions=ARTICLE.transitions, enforce_may=False)
    article = _article("review")
    lenient.move(article, "publish", actor="ann")
    assert article.state == "published"


def test_an_action_that_keeps_the_state_cannot_be_used_to_move():
    with pytest.raises(ValueError):
        ARTICLE.move(_article("draft"), "edit", actor="ann")


@pytest.mark.parametrize(
    ("state", "user", "expected"),
    [
        ("draft", "ann", ["edit", "send"]),
        ("draft", "bob", []),
        ("draft", "office", ["edit", "send"]),
        ("review", "ann", []),
        ("review", "office", ["publish", "send_back"]),
        ("published", "office", []),
    ],
)
def test_allowed_actions_name_what_each_role_may_do_in_each_state(state, user, expected):
    assert ARTICLE.allowed_actions(_article(state), user) == expected


def test_the_table_lists_its_moves_and_the_states_each_state_may_reach():
    assert ARTICLE.pairs() == {
        ("draft", "review"): "send",
        ("draft", "published"): "send",
        ("review", "published"): "publish",
        ("review", "draft"): "send_back",
    }
    assert ARTICLE.targets("draft") == ["review", "published"]
    assert ARTICLE.targets("published") == []
    assert ARTICLE.action_for("review", "draft") == "send_back"


MEETING = Workflow(
    state_field="status",
    refusal="A meeting cannot go from “%(current)s” to “%(requested)s”.",
    transitions=[
        Transition("call", "draft", "called", refusal="Only a meeting in preparation can be called."),
        Transition("close", "called", "closed"),
    ],
)


def test_an_action_may_name_its_own_refusal_instead_of_the_workflows():
    with pytest.raises(TransitionError) as refused:
        MEETING.move(SimpleNamespace(status="closed"), "call", actor="office")
    assert refused.value.message == "Only a meeting in preparation can be called."


def test_an_action_without_its_own_refusal_uses_the_workflows():
    with pytest.raises(TransitionError) as refused:
        MEETING.move(SimpleNamespace(status="draft"), "close", actor="office")
    assert refused.value.message == "A meeting cannot go from “draft” to “closed”."


def test_allows_says_whether_the_table_has_the_action_from_the_current_state_whoever_asks():
    assert MEETING.allows(SimpleNamespace(status="draft"), "call")
    assert not MEETING.allows(SimpleNamespace(status="called"), "call")
    assert not MEETING.allows(SimpleNamespace(status="draft"), "no_such_action")


def test_an_apps_workflows_answer_allowed_actions_by_the_table_of_the_objects_model():
    class Article(SimpleNamespace):
        pass

    class Meeting(SimpleNamespace):
        pass

    workflows = Workflows({Article: ARTICLE, Meeting: MEETING})
    assert workflows.allowed_actions(Article(state="draft", author="ann"), "ann") == ["edit", "send"]
    assert workflows.allowed_actions(Meeting(status="draft"), "office") == ["call"]
    assert workflows.of(Meeting(status="draft")) is MEETING
