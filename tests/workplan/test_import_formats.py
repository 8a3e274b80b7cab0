"""The importer reads the documents offices have: Word, PDF, web text, GBK, any numbering; pure, no database.

Every variant of the corpus (tests/workplan/corpus.py) must give exactly the tree of the shipped
plan: the same sections, titles and texts, sentences cut by page breaks whole, no page furniture.
"""

import datetime

import pytest
from django.utils import translation

from tests.workplan import corpus
from workplan.importing import PlanFormatError, parse_bytes, parse_text

HEADER = {
    "issuer": "政协北京市东城区委员会文件",
    "document_number": "东协字〔2017〕12号",
    "title": "中国人民政治协商会议北京市东城区 第十四届委员会常务委员会 2017 年工作要点",
    "year": 2017,
    "adopted_on": datetime.date(2017, 3, 20),
}
SIGNED = {
    "signatory": "政协北京市东城区委员会常务委员会",
    "signed_on": datetime.date(2017, 3, 20),
    "distribution": "区委办公室，区人大常委会办公室，区政府办公室，区纪委，区委统战部。",
    "printing_note": "政协北京市东城区委员会办公室 2017年3月22日印发",
}


@pytest.fixture(autouse=True)
def _english():
    """Warnings are worded when the document is parsed: these tests read them in English."""
    with translation.override("en"):
        yield


@pytest.fixture
def plan():
    return corpus.reference()


@pytest.fixture
def signed_plan():
    plan = corpus.reference()
    plan.sign_off = corpus.SIGN_OFF
    return plan


def _header(parsed) -> dict:
    return {name: getattr(parsed, name) for name in HEADER}


def _signed(parsed) -> dict:
    return {name: getattr(parsed, name) for name in SIGNED}


def _warnings(parsed) -> list[str]:
    with translation.override("en"):
        return [str(w) for w in parsed.warnings]


def test_the_reference_is_the_shipped_plan_read_by_hand(plan):
    # The oracle the variants are compared with, checked against what a reader of the file sees.
    assert len(plan.sections) == 6 and [n for n, _t, _x in plan.items] == list(range(1, 21))
    assert "区第十二次党代会确定的各项目标" in plan.preamble
    texts = {n: x for n, _t, x in plan.items}
    assert texts[15].startswith("充分发挥民主党派、无党派人士在政协组织中的作用。加强调研走访")
    assert "培训班等形式" in texts[3] and "常态化、制度化" in texts[19]


def test_the_shipped_text_gives_the_reference_tree(plan, plan_text):
    parsed = parse_text(plan_text)

    assert corpus.tree(parsed) == corpus.expected_tree(plan)
    assert _header(parsed) == HEADER
    assert parsed.warnings == []


def test_a_word_file_with_automatic_numbering_bold_titles_and_a_table(plan):
    parsed = parse_bytes(corpus.word(plan), "plan.docx")

    assert corpus.tree(parsed) == corpus.expected_tree(plan)
    assert _header(parsed) == HEADER
    assert parsed.format == "docx"
    # Word's page header and footer are not in the text; the table is left out, and said so.
    assert "1 table(s) in the document were left out." in _warnings(parsed)
    assert all("张**" not in item.text for item in parsed.items)


def test_a_word_file_with_typed_numbers_and_a_sign_off(signed_plan):
    parsed = parse_bytes(corpus.word(signed_plan, automatic_numbering=False, table=False), "plan.docx")

    assert corpus.tree(parsed) == corpus.expected_tree(signed_plan)
    assert _signed(parsed) == SIGNED


def test_a_pdf_with_running_headers_page_numbers_and_a_sign_off(signed_plan):
    parsed = parse_bytes(corpus.pdf(signed_plan), "plan.pdf")

    assert corpus.tree(parsed) == corpus.expected_tree(signed_plan)
    assert _header(parsed) == HEADER
    assert _signed(parsed) == SIGNED
    warnings = _warnings(parsed)
    pages = int(warnings[0].split()[0])
    assert warnings[0] == f"{pages} page numbers removed."
    assert warnings[1] == f"{pages - 1} running page headers removed (政协北京市东城区委员会2017年工作要点)."
    assert pages >= 4
    # Nothing of the page furniture is left in the texts.
    everything = parsed.preamble + "".join(i.text for i in parsed.items)
    assert "—" not in everything and "工作要点" not in everything


def test_a_printed_text_export_with_form_feeds_footers_and_headers(signed_plan):
    text = corpus.printed_text(signed_plan, header="东城区政协2017年工作要点")
    assert "\f" in text and "— 3 —" in text

    parsed = parse_bytes(text.replace("\n", "\r\n").encode("utf-8"), "plan.txt")

    assert corpus.tree(parsed) == corpus.expected_tree(signed_plan)
    assert _header(parsed) == HEADER
    assert _signed(parsed) == SIGNED


def test_text_copied_from_a_web_page_one_paragraph_per_line(signed_plan):
    parsed = parse_bytes(b"\xef\xbb\xbf" + corpus.web_text(signed_plan).encode("utf-8"), "plan.txt")

    assert corpus.tree(parsed) == corpus.expected_tree(signed_plan)
    assert _signed(parsed) == SIGNED
    assert parsed.encoding == "UTF-8"


def test_gbk_bytes_are_read_and_the_encoding_is_named(plan):
    parsed = parse_bytes(corpus.web_text(plan).encode("gbk"), "plan.txt")

    assert corpus.tree(parsed) == corpus.expected_tree(plan)
    assert parsed.encoding == "GB18030"
    assert "The file was read as GB18030 text." in _warnings(parsed)


NUMBERINGS = [
    (section, item, per_section)
    for section in corpus.SECTION_STYLES
    for item in corpus.ITEM_STYLES
    for per_section in (False, True)
    if item != section and not (item == "①" and not per_section)
]


@pytest.mark.parametrize(("section_style", "item_style", "per_section"), NUMBERINGS)
def test_every_numbering_shape_gives_the_same_plan(plan, section_style, item_style, per_section):
    text = corpus.web_text(plan, section_style=section_style, item_style=item_style, per_section=per_section)

    parsed = parse_bytes(text.encode("utf-8"))

    assert corpus.tree(parsed) == corpus.expected_tree(plan)
    restarts = [w for w in _warnings(parsed) if "restart" in w]
    if per_section:
        assert restarts[0].endswith("Item numbers restart in section 二.")
        assert len(restarts) == 5
    else:
        assert restarts == []


def test_markdown_bold_titles_are_titles_and_masked_names_keep_their_asterisks(plan):
    text = corpus.web_text(plan, bold_titles=True).replace(
        "做好文史资料征集工作", "做好张**、李**等同志文史资料征集工作"
    )

    parsed = parse_bytes(text.encode("utf-8"), "plan.md")

    items = {i.number: i for i in parsed.items}
    assert [i.title for i in parsed.items] == [t for _n, t, _x in plan.items]
    assert "张**、李**等同志" in items[20].text
    assert "**" not in "".join(items[n].text for n in range(1, 20))
    assert any("Asterisks" in w for w in _warnings(parsed))


def test_a_title_ending_in_a_colon_stops_there():
    text = "2018 年工作要点\n\n一、学习\n\n1. 加强常委会建设：坚持会议制度，发挥好常委会的引领带头作用。\n"

    item = parse_text(text).items[0]

    assert item.title == "加强常委会建设"
    assert item.text == "加强常委会建设：坚持会议制度，发挥好常委会的引领带头作用。"


def test_sub_points_stay_in_their_item():
    text = "\n".join(
        [
            "2018年工作要点",
            "一、加强学习",
            "1. 强化理论学习。一是学习文件；二是组织培训。",
            "（1）举办学习班。",
            "（2）开展研讨。",
            "2. 丰富学习方式。通过报告会等形式学习。",
        ]
    )

    items = parse_text(text).items

    assert [i.title for i in items] == ["强化理论学习。", "丰富学习方式。"]
    assert (
        items[0].text == "强化理论学习。一是学习文件；二是组织培训。\n\n（1）举办学习班。\n\n（2）开展研讨。"
    )


@pytest.mark.parametrize("footer", ["— 3 —", "- 3 -", "第 3 页", "第3页 共12页", "3/12", "3"])
def test_a_page_footer_between_the_halves_of_a_sentence_is_removed_and_the_sentence_joined(footer):
    text = "\n".join(
        [
            "2018年工作要点",
            "一、加强学习",
            "1. 强化理论学习。学习领会中国特色社会主义理论，全面引导委员树立政治意识、大局意识、核心意识、看齐意识，增强政",
            footer,
            "治认同。",
            "2. 丰富学习方式。通过报告会等形式学习。",
        ]
    )

    parsed = parse_text(text)

    assert parsed.items[0].text.endswith("看齐意识，增强政治认同。")
    assert _warnings(parsed)[-1] == "1 page numbers removed."


def test_an_item_that_ends_mid_sentence_is_reported():
    parsed = parse_text("2018年工作要点\n\n一、学习\n\n1. 强化学习。学习领会\n\n2. 丰富方式。报告会。\n")

    with translation.override("en"):
        assert str(parsed.warnings[0]) == "line 5: Item 1 ends mid-sentence: “…强化学习。学习领会”."


# --- refusals: one clear sentence, with the place --------------------------------------------


def _refusal(data: bytes, name: str = "plan.txt") -> str:
    with translation.override("en"), pytest.raises(PlanFormatError) as refused:
        parse_bytes(data, name)
    return str(refused.value)


def test_a_binary_file_is_refused():
    assert (
        _refusal(b"\x00\x01\x02binary\x00" * 100)
        == "line 1: the file is not a document (it holds binary data)"
    )


def test_a_zip_bomb_named_docx_is_refused():
    assert "zip bomb" in _refusal(corpus.zip_bomb(), "plan.docx")


def test_a_zip_that_is_no_word_document_is_refused():
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")

    assert (
        _refusal(buffer.getvalue(), "plan.docx")
        == "line 1: the file is a zip archive, not a Word (.docx) document"
    )


def test_an_encrypted_pdf_is_refused(plan):
    message = _refusal(corpus.pdf(plan, encrypt="secret"), "plan.pdf")

    assert message == "line 1: this PDF is encrypted with a password: please provide it without a password"


def test_a_scanned_pdf_without_text_is_refused_in_chinese():
    with translation.override("zh-hans"), pytest.raises(PlanFormatError) as refused:
        parse_bytes(corpus.scanned_pdf(), "scan.pdf")

    assert refused.value.message == "此 PDF 没有文字层，请提供 Word 或文本版"


def test_an_old_word_file_is_refused():
    assert ".docx" in _refusal(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "plan.doc")


def test_a_title_over_the_limit_names_the_item_and_its_line():
    long_title = "加强" * 160
    text = f"2018年工作要点\n\n一、学习\n\n1. 强化学习。正文。\n\n2. {long_title}。正文。\n"

    message = _refusal(text.encode("utf-8"))

    assert message == "line 7: item 2.: its title (the first sentence) has 321 characters, at most 300"


def test_a_refusal_names_the_paragraph_of_a_word_file(plan):
    plan.sections[1][1][0] = (5, *plan.sections[1][1][0][1:])

    message = _refusal(corpus.word(plan, automatic_numbering=False, table=False), "plan.docx")

    assert message.startswith("paragraph ") and "item 5 follows item 3: item 4 is missing" in message


def test_a_refusal_names_the_page_and_line_of_a_pdf(plan):
    plan.sections[5][1][2] = (22, *plan.sections[5][1][2][1:])

    message = _refusal(corpus.pdf(plan), "plan.pdf")

    assert message.startswith("page ") and "item 22 follows item 19: item 20 is missing" in message


def test_text_between_a_section_heading_and_its_first_item_is_refused_naming_the_section():
    text = "2018年工作要点\n\n一、学习\n\n1. 强化学习。正文。\n\n二、监督\n\n本部分说明。\n\n2. 加强监督。正文。\n"

    assert (
        _refusal(text.encode("utf-8"))
        == "line 9: section 二: text between its heading and its first item: 本部分说明。…"
    )
