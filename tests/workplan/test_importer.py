"""Importing the plan document: what a reader sees, stored once, refused when malformed."""

import datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from tests.workplan.conftest import PLAN_FILE
from tests.workplan.factories import ProgressUpdateFactory, TaskFactory
from workplan.importing import Place, PlanFormatError, parse_text
from workplan.models import Item, ProgressUpdate, Section, Task, WorkPlan

TITLES = {
    1: "强化政治理论学习。",
    2: "加强履职能力培训。",
    3: "丰富创新学习方式。",
    4: "搭建全方位立体化的委员履职机制。",
    5: "加强专门委员会和界别工作。",
    6: "健全委员街道活动小组工作机制。",
    7: "拓宽政协组织联系群众的途径。",
    8: "积极推进政治协商。",
    9: "加大民主监督力度。",
    10: "努力做好参政议政工作。",
    11: "扎实做好提案工作。",
    12: "开展重点调研活动。",
    13: "加强反映社情民意工作。",
    14: "组织专题论坛、沙龙活动。",
    15: "充分发挥民主党派、无党派人士在政协组织中的作用。",
    16: "加强与社会各界人士的联系。",
    17: "做好增进民族团结、宗教和睦的工作。",
    18: "加强常委会建设。",
    19: "加强政协机关建设。",
    20: "加强政协宣传与对外联络工作。",
}
SECTION_TITLES = {
    1: "加强理论学习引导，增进思想政治共识",
    2: "理顺委员履职机制，全面践行群众路线",
    3: "围绕中心服务大局，推动政协职能履行",
    4: "丰富委员履职方式，提升政协工作成效",
    5: "坚持团结民主主题，营造和谐稳定社会环境",
    6: "加强政协自身建设，夯实政协事业发展基础",
}
SECTION_OF_ITEM = {n: 1 for n in (1, 2, 3)} | {n: 2 for n in (4, 5, 6, 7)} | {n: 3 for n in (8, 9, 10)}
SECTION_OF_ITEM |= (
    {n: 4 for n in (11, 12, 13, 14)} | {n: 5 for n in (15, 16, 17)} | {n: 6 for n in (18, 19, 20)}
)


# --- the pure parser, no database -------------------------------------------------------------


def test_the_shipped_document_has_six_sections_and_twenty_items_with_their_titles(plan_text):
    plan = parse_text(plan_text)

    assert {s.number: s.title for s in plan.sections} == SECTION_TITLES
    assert {i.number: i.title for i in plan.items} == TITLES
    assert {i.number: s.number for s in plan.sections for i in s.items} == SECTION_OF_ITEM


def test_the_header_gives_number_issuer_title_year_and_adoption(plan_text):
    plan = parse_text(plan_text)

    assert plan.document_number == "东协字〔2017〕12号"
    assert plan.issuer == "政协北京市东城区委员会文件"
    assert plan.title == "中国人民政治协商会议北京市东城区 第十四届委员会常务委员会 2017 年工作要点"
    assert plan.year == 2017
    assert plan.adopted_on == datetime.date(2017, 3, 20)
    assert "政协东城区第十四届委员会常务委员会第一次会议通过" in plan.adoption_note


def test_sentences_cut_by_page_breaks_are_whole_again(plan_text):
    plan = parse_text(plan_text)
    items = {i.number: i for i in plan.items}

    assert "区第十二次党代会确定的各项目标" in plan.preamble
    assert "健全活动机制" in items[6].text
    assert "常态化、制度化" in items[19].text
    assert "举办提案分析会" in items[11].text
    assert "培训班等形式" in items[3].text


def test_texts_have_no_markup_and_no_line_break_inside_a_paragraph(plan_text):
    plan = parse_text(plan_text)

    for text in [plan.preamble, *(i.text for i in plan.items)]:
        assert "*" not in text
        assert "\n" not in text
        assert " 。" not in text


def test_an_item_text_starts_with_its_title_without_the_number(plan_text):
    items = {i.number: i for i in parse_text(plan_text).items}

    assert items[1].text.startswith("强化政治理论学习。学习领会")
    assert items[9].text.startswith("加大民主监督力度。协助区委")
    assert items[20].text.endswith("增进思想交流和工作交流。")


def test_a_title_alone_on_its_line_opens_the_item_text_like_every_other_title(plan_text):
    item = next(i for i in parse_text(plan_text).items if i.number == 15)

    assert item.title == "充分发挥民主党派、无党派人士在政协组织中的作用。"
    assert item.text.startswith("充分发挥民主党派、无党派人士在政协组织中的作用。加强调研走访，通过联合调研")
    assert item.text.endswith("创造条件。")


def test_a_page_break_in_a_title_still_gives_the_whole_title():
    text = "2018 年工作要点\n\n一、学习\n\n1. 强化政治理\n\n论学习。学习领会精神。\n"

    item = parse_text(text).items[0]

    assert item.title == "强化政治理论学习。"
    assert item.text == "强化政治理论学习。学习领会精神。"


def test_real_paragraph_breaks_inside_an_item_are_kept():
    text = "2018 年工作要点\n\n一、学习\n\n1. 强化学习。第一段。\n\n第二段。\n"

    assert parse_text(text).items[0].text == "强化学习。第一段。\n\n第二段。"


# --- storing ---------------------------------------------------------------------------------


def test_the_command_stores_the_plan_as_a_reader_sees_it(db):
    call_command("import_workplan", str(PLAN_FILE))

    plan = WorkPlan.objects.get()
    assert (plan.year, plan.document_number, plan.adopted_on) == (
        2017,
        "东协字〔2017〕12号",
        datetime.date(2017, 3, 20),
    )
    assert plan.title == "中国人民政治协商会议北京市东城区 第十四届委员会常务委员会 2017 年工作要点"
    assert plan.issuer == "政协北京市东城区委员会文件"
    assert plan.adoption_note == "(2017年3月20日政协东城区第十四届委员会常务委员会第一次会议通过)"
    assert plan.preamble.startswith("2017年，是全区人民")
    assert Section.objects.count() == 6
    assert dict(Section.objects.values_list("number", "title")) == SECTION_TITLES
    assert Item.objects.count() == 20
    assert dict(Item.objects.values_list("number", "title")) == TITLES
    assert dict(Item.objects.values_list("number", "section__number")) == SECTION_OF_ITEM
    assert not Item.objects.filter(text__contains="*").exists()
    assert not Item.objects.filter(text__contains="\n").exists()
    assert "区第十二次党代会确定的各项目标" in plan.preamble
    assert "健全活动机制" in Item.objects.get(number=6).text
    assert "常态化、制度化" in Item.objects.get(number=19).text


def test_importing_again_changes_nothing_and_keeps_the_work_attached(db):
    call_command("import_workplan", str(PLAN_FILE))
    item = Item.objects.get(number=9)
    task = TaskFactory(item=item)
    update = ProgressUpdateFactory(item=item, task=task)
    ids = {
        "plans": list(WorkPlan.objects.values_list("id", flat=True)),
        "sections": sorted(Section.objects.values_list("id", flat=True)),
        "items": sorted(Item.objects.values_list("id", flat=True)),
    }

    call_command("import_workplan", str(PLAN_FILE))

    assert list(WorkPlan.objects.values_list("id", flat=True)) == ids["plans"]
    assert sorted(Section.objects.values_list("id", flat=True)) == ids["sections"]
    assert sorted(Item.objects.values_list("id", flat=True)) == ids["items"]
    assert Task.objects.get().item_id == item.pk
    assert ProgressUpdate.objects.get().pk == update.pk
    assert ProgressUpdate.objects.get().task_id == task.pk


def test_importing_a_corrected_document_updates_the_text_in_place(db, tmp_path, plan_text):
    call_command("import_workplan", str(PLAN_FILE))
    item = Item.objects.get(number=12)
    TaskFactory(item=item)
    corrected = tmp_path / "plan.txt"
    corrected.write_text(plan_text.replace("开展重点调研活动。", "开展重点课题调研活动。"), encoding="utf-8")

    call_command("import_workplan", str(corrected))

    item.refresh_from_db()
    assert item.title == "开展重点课题调研活动。"
    assert item.tasks.count() == 1
    assert Item.objects.count() == 20


# --- refusing malformed files ----------------------------------------------------------------


def _lines(text: str) -> list[str]:
    return text.split("\n")


def _line_of(text: str, start: str) -> int:
    return next(n for n, line in enumerate(_lines(text), start=1) if line.startswith(start))


def _variants(plan_text: str) -> dict[str, tuple[bytes | None, int | None]]:
    """name -> (file content or None for a missing file, line the message must name)."""
    head = plan_text[:100].encode("utf-8")
    no_sections = "\n".join(
        line for line in _lines(plan_text) if not line[:2].endswith("、") or line[:1].isdigit()
    )
    missing_item = plan_text.replace("4. 搭建", "5. 搭建", 1)
    repeated = plan_text.replace("3. 丰富", "2. 丰富", 1)
    out_of_order = plan_text.replace("3. 丰富", "4. 丰富", 1)
    stray_item = plan_text.replace("2017年，是全区人民", "1. 2017年，是全区人民", 1)
    return {
        "empty": (b"", 1),
        "blank lines only": (b"\n\n  \n", 1),
        "not utf-8": (head + b"\n\xb6\xab\xb3\xc7\n" + b"more", head.count(b"\n") + 2),
        "no sections": (no_sections.encode(), len(no_sections.splitlines())),
        "missing item": (missing_item.encode(), _line_of(missing_item, "5. 搭建")),
        "repeated item": (repeated.encode(), _line_of(repeated, "2. 丰富")),
        "out of order": (out_of_order.encode(), _line_of(out_of_order, "4. 丰富")),
        "item before first section": (stray_item.encode(), _line_of(stray_item, "1. 2017年")),
        "missing file": (None, 0),
    }


VARIANTS = [
    "empty",
    "blank lines only",
    "not utf-8",
    "no sections",
    "missing item",
    "repeated item",
    "out of order",
    "item before first section",
    "missing file",
]


@pytest.mark.parametrize("variant", VARIANTS)
def test_a_malformed_file_is_refused_with_its_line_and_nothing_is_written(db, tmp_path, plan_text, variant):
    content, line = _variants(plan_text)[variant]
    path = tmp_path / "plan.txt"
    if content is not None:
        path.write_bytes(content)

    with pytest.raises(CommandError) as refused:
        call_command("import_workplan", str(path))

    message = str(refused.value)
    assert f"{Place('line', line)}:" in message
    assert "\n" not in message
    assert WorkPlan.objects.count() == Section.objects.count() == Item.objects.count() == 0


@translation.override("en")
def test_the_messages_say_what_is_wrong(plan_text):
    with pytest.raises(PlanFormatError, match="item 5 follows item 3: item 4 is missing"):
        parse_text(plan_text.replace("4. 搭建", "5. 搭建", 1))
    with pytest.raises(PlanFormatError, match="item 2 appears again"):
        parse_text(plan_text.replace("3. 丰富", "2. 丰富", 1))
    with pytest.raises(PlanFormatError, match="before the first section"):
        parse_text(plan_text.replace("2017年，是全区人民", "1. 2017年，是全区人民", 1))


def test_a_refused_reimport_leaves_the_stored_plan_untouched(db, tmp_path, plan_text):
    call_command("import_workplan", str(PLAN_FILE))
    broken = tmp_path / "plan.txt"
    broken.write_text(
        plan_text.replace("开展重点调研活动。", "开展重点课题调研活动。").replace("20. 加强", "22. 加强"),
        "utf-8",
    )

    with pytest.raises(CommandError, match="20"):
        call_command("import_workplan", str(broken))

    assert Item.objects.get(number=12).title == "开展重点调研活动。"


def test_the_command_exits_non_zero_without_a_traceback(tmp_path):
    import subprocess
    import sys

    from django.conf import settings

    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    done = subprocess.run(
        [sys.executable, "manage.py", "import_workplan", str(empty)],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert done.returncode != 0
    assert "第 1 行: 文件为空" in done.stderr or "line 1: the file is empty" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_messages_are_in_chinese_for_a_chinese_reader(plan_text):
    with translation.override("zh-hans"), pytest.raises(PlanFormatError, match="缺少第 4 条"):
        parse_text(plan_text.replace("4. 搭建", "5. 搭建", 1))


def test_the_parser_takes_text_or_bytes_alike(plan_text):
    from workplan.importing import parse

    assert parse(plan_text) == parse(plan_text.encode("utf-8"))


def test_windows_line_endings_and_a_byte_order_mark_read_the_same(plan_text):
    from workplan.importing import parse

    windows = b"\xef\xbb\xbf" + plan_text.replace("\n", "\r\n").encode("utf-8")

    assert parse(windows) == parse(plan_text)


def test_runs_of_spaces_in_the_title_become_one_space(plan_text):
    spaced = plan_text.replace("东城区 第十四届", "东城区 \u3000  第十四届", 1)

    assert (
        parse_text(spaced).title
        == "中国人民政治协商会议北京市东城区 第十四届委员会常务委员会 2017 年工作要点"
    )


@pytest.mark.parametrize(
    ("line", "title"),
    [
        ("1. **加大民主监督力度。**协助区委。", "加大民主监督力度。"),
        ("1. **加大民主监督力度**。协助区委。", "加大民主监督力度。"),
        ("1. **加大民主监督力度**协助区委。", "加大民主监督力度"),
    ],
)
def test_a_bold_title_ends_where_its_sentence_or_its_bold_ends(line, title):
    item = parse_text(f"2018 年工作要点\n\n一、监督\n\n{line}\n").items[0]

    assert item.title == title
    assert "*" not in item.text
