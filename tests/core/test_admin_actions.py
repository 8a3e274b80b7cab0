"""`run_on_each` with a workflow: each selected row is put to the table before the service is called,
and a row the table refuses is reported with the table's own reason while the others go on."""

from types import SimpleNamespace

from cppcc_portal.core.admin_actions import run_on_each
from cppcc_portal.core.workflow import Transition, Workflow

ARTICLE = Workflow(
    refusal="An article cannot go from “%(current)s” to “%(requested)s”.",
    denied="Not yours to do.",
    transitions=[Transition("publish", "review", "published", may=lambda obj, user: user == "office")],
)


class Admin:
    def __init__(self):
        self.said = []

    def message_user(self, request, text, level):
        self.said.append(text)


class Article(SimpleNamespace):
    def __str__(self):
        return self.title


def _publish(article):
    article.state = "published"
    article.calls += 1


def test_a_row_the_table_refuses_is_reported_with_the_tables_reason_and_the_service_is_not_called():
    admin = Admin()
    draft = Article(title="草稿", state="draft", calls=0)
    ready = Article(title="待审", state="review", calls=0)
    done = run_on_each(
        admin,
        SimpleNamespace(user="office"),
        [draft, ready],
        _publish,
        "%(count)s published.",
        workflow=ARTICLE,
        action="publish",
    )
    assert done == 1
    assert admin.said == ["草稿: An article cannot go from “draft” to “published”.", "1 published."]
    assert (draft.state, draft.calls) == ("draft", 0)
    assert (ready.state, ready.calls) == ("published", 1)


def test_a_user_the_table_does_not_allow_is_refused_with_the_tables_denial():
    admin = Admin()
    ready = Article(title="待审", state="review", calls=0)
    done = run_on_each(
        admin,
        SimpleNamespace(user="ann"),
        [ready],
        _publish,
        "%(count)s published.",
        workflow=ARTICLE,
        action="publish",
    )
    assert done == 0
    assert admin.said == ["待审: Not yours to do."]
    assert ready.calls == 0
