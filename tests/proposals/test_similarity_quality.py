"""Quality of the Chinese similarity on the evaluation set, and what it does with bad input."""

import pytest

from cppcc_portal.core import textsim
from proposals.similarity import THRESHOLD
from tests.proposals.similarity_cases import CORPUS, PARAPHRASES, UNRELATED


def evaluate(threshold: float = THRESHOLD) -> dict:
    """recall@5, precision@1 and the unrelated titles that still get a suggestion, at a threshold."""
    index = textsim.Index()
    index.load((key, textsim.document_terms(title)) for key, title in CORPUS.items())
    found = first = 0
    for title, expected in PARAPHRASES:
        keys = [h.key for h in index.search(textsim.document_terms(title), limit=5, threshold=threshold)]
        found += expected in keys
        first += bool(keys) and keys[0] == expected
    false_alarms = [
        t for t in UNRELATED if index.search(textsim.document_terms(t), limit=1, threshold=threshold)
    ]
    return {
        "recall_at_5": found / len(PARAPHRASES),
        "precision_at_1": first / len(PARAPHRASES),
        "false_alarms": false_alarms,
    }


def test_the_evaluation_set_has_at_least_sixty_titles():
    assert len(CORPUS) + len(PARAPHRASES) + len(UNRELATED) >= 60
    assert {expected for _title, expected in PARAPHRASES} <= set(CORPUS)


def test_paraphrases_are_found_in_the_first_five_and_mostly_first():
    figures = evaluate()
    assert figures["recall_at_5"] >= 0.9
    assert figures["precision_at_1"] >= 0.8


def test_unrelated_titles_get_almost_no_suggestion_above_the_threshold():
    assert len(evaluate()["false_alarms"]) <= len(UNRELATED) // 6


def test_the_threshold_is_calibrated_rather_than_zero():
    # Without it, every unrelated title would be offered its nearest neighbour.
    assert len(evaluate(threshold=0.0)["false_alarms"]) > len(UNRELATED) // 2


def test_the_shared_frame_of_proposals_does_not_make_titles_similar():
    index = textsim.Index()
    index.load(
        [
            ("frame", textsim.document_terms("关于进一步加强工作的提案")),
            ("lift", textsim.document_terms(CORPUS["lift"])),
        ]
    )
    hits = index.search(textsim.document_terms("关于推进老旧小区加装电梯的建议"), threshold=THRESHOLD)
    assert [h.key for h in hits] == ["lift"]


def test_traditional_and_full_width_text_match_simplified():
    assert textsim.normalise("關於老舊小區加裝電梯") == textsim.normalise("关于老旧小区加装电梯")
    assert textsim.normalise("ＡＢＣ１２３") == "abc123"


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "梯",
        "。，！？……——",
        "关于…的建议",
        "x" * 100_000,
        "电梯" * 50_000,
        "Elevator 电梯 エレベーター 엘리베이터 🚀",
    ],
)
def test_bad_input_gives_a_bounded_answer(text):
    index = textsim.Index()
    index.load((key, textsim.document_terms(title)) for key, title in CORPUS.items())
    hits = index.search(textsim.terms(text), limit=5, threshold=THRESHOLD)
    assert len(hits) <= 5
    if not textsim.is_meaningful(textsim.terms(text)):
        assert hits == []
