"""Similar proposals: quality on the evaluation set and speed over ten years of proposals, in-process.

Quality: recall@5 and precision@1 of the paraphrases in tests/proposals/similarity_cases.py at the
calibrated threshold, the unrelated titles that still get a suggestion, and the scores the
threshold sits between. Speed: an index of 20,000 proposal titles and opening lines (built from the
evaluation corpus and a vocabulary of district concerns, shuffled), then the median and p99 time
of one suggestion (analyse the draft, search, keep the year) and of indexing one new proposal
(analyse it and add it to the index). The database is not involved: `proposals.similarity` adds
one indexed query per search and one upsert per indexed proposal.

Run: python bench/similarity.py   (prints a Markdown section; bench/run.py puts it in docs/benchmarks.md)
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cppcc_portal.settings")

import django  # noqa: E402

django.setup()

from cppcc_portal.core import textsim  # noqa: E402
from proposals.similarity import BODY_CHARS, THRESHOLD  # noqa: E402
from tests.proposals.similarity_cases import CORPUS, PARAPHRASES, UNRELATED  # noqa: E402

SIZE = int(os.environ.get("BENCH_SIMILAR_PROPOSALS", "20000"))
RUNS = 200

PLACES = [
    "东华门",
    "景山",
    "交道口",
    "安定门",
    "北新桥",
    "东四",
    "朝阳门",
    "建国门",
    "东直门",
    "和平里",
    "前门",
    "崇文门外",
    "东花市",
    "龙潭",
    "体育馆路",
    "天坛",
    "永定门外",
]
CONCERNS = [
    "老旧小区加装电梯",
    "胡同停车",
    "社区养老驿站",
    "老年餐桌",
    "垃圾分类",
    "背街小巷整治",
    "学区学位",
    "课后服务",
    "托育机构",
    "社区卫生服务中心",
    "文物腾退",
    "非遗传承",
    "营商环境",
    "小微企业融资",
    "物业管理",
    "共享单车停放",
    "学校周边交通",
    "公交线路",
    "无障碍设施",
    "残疾人就业",
    "施工噪声",
    "便民菜市场",
    "外卖骑手",
    "快递柜",
    "全民健身",
    "志愿服务",
    "汛期积水",
    "平房清洁取暖",
    "文化旅游",
    "青年创业",
    "住房租赁",
    "智慧城市",
    "中医药服务",
    "心理健康",
    "食品安全",
    "电动自行车充电",
    "充电桩",
    "公共厕所",
    "历史文化街区",
    "地下空间",
    "绿化美化",
    "应急管理",
    "消防通道",
    "数字政务",
    "基层治理",
]
VERBS = ["关于推进", "关于加强", "关于完善", "关于解决", "关于优化", "关于规范", "关于支持", "关于提升"]
TAILS = ["的建议", "的提案", "问题的建议", "工作的提案", "机制的建议"]


def synthetic(n: int, rng: random.Random) -> list[tuple[str, str]]:
    rows = []
    for _ in range(n):
        concern = rng.choice(CONCERNS)
        place = rng.choice(PLACES)
        title = f"{rng.choice(VERBS)}{place}街道{concern}{rng.choice(TAILS)}"
        body = (
            f"{place}街道{concern}方面居民反映强烈，{rng.choice(CONCERNS)}也有待改进。"
            f"建议区有关部门会同街道调查研究，制定{concern}工作方案，明确责任分工，加大投入。"
        ) * 3
        rows.append((title, body[:BODY_CHARS]))
    return rows


def quality() -> tuple[list[str], dict]:
    index = textsim.Index()
    index.load((key, textsim.document_terms(title)) for key, title in CORPUS.items())
    found = first = 0
    right_scores = []
    for title, expected in PARAPHRASES:
        hits = index.search(textsim.document_terms(title), limit=5, threshold=THRESHOLD)
        keys = [h.key for h in hits]
        found += expected in keys
        if keys and keys[0] == expected:
            first += 1
            right_scores.append(hits[0].score)
    unrelated = []
    for title in UNRELATED:
        hits = index.search(textsim.document_terms(title), limit=1)
        unrelated.append(hits[0].score if hits else 0.0)
    alarms = sum(score >= THRESHOLD for score in unrelated)
    figures = {"recall": found / len(PARAPHRASES), "precision": first / len(PARAPHRASES)}
    lines = [
        f"Evaluation set: {len(CORPUS)} earlier titles (with near misses), {len(PARAPHRASES)} paraphrased drafts, "
        f"{len(UNRELATED)} unrelated drafts; threshold {THRESHOLD}.",
        "",
        "| measure | value | target |",
        "|---|---:|---|",
        f"| recall@5 | {figures['recall']:.3f} | ≥ 0.9 — {'met' if figures['recall'] >= 0.9 else 'NOT met'} |",
        f"| precision@1 | {figures['precision']:.3f} | ≥ 0.8 — {'met' if figures['precision'] >= 0.8 else 'NOT met'} |",
        f"| unrelated drafts still given a suggestion | {alarms} of {len(UNRELATED)} | few |",
        f"| lowest score of a right first answer | {min(right_scores):.3f} | above the threshold |",
        f"| highest score of an unrelated draft | {max(unrelated):.3f} | near the threshold |",
    ]
    return lines, figures


def timed(call, runs: int) -> tuple[float, float]:
    times = []
    for i in range(runs):
        started = time.perf_counter()
        call(i)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.99) - 1]


def speed() -> list[str]:
    rng = random.Random(18)
    rows = synthetic(SIZE - len(CORPUS), rng) + [(title, "") for title in CORPUS.values()]
    rng.shuffle(rows)
    # What the entries hold; a process loads these, it does not analyse ten years of text again.
    bags = [textsim.document_terms(title, body, limit=textsim.DOCUMENT_TERMS) for title, body in rows]
    started = time.perf_counter()
    index = textsim.Index()
    index.load(enumerate(bags))
    load_seconds = time.perf_counter() - started
    years = {n: 2008 + n % 10 for n in range(len(rows))}
    drafts = [title for title, _ in PARAPHRASES] + [title for title, _ in synthetic(100, rng)]

    def suggest(i: int) -> None:
        bag = textsim.document_terms(
            drafts[i % len(drafts)], "老楼没有电梯，老人上下楼难。建议财政补贴，简化审批。"
        )
        index.search(bag, limit=50, threshold=THRESHOLD, keep=lambda key: years[key] <= 2017)

    new_rows = synthetic(RUNS, rng)

    def add(i: int) -> None:
        title, body = new_rows[i]
        index.add(len(rows) + i, textsim.document_terms(title, body, limit=textsim.DOCUMENT_TERMS))

    suggest_median, suggest_p99 = timed(suggest, RUNS)
    add_median, add_p99 = timed(add, RUNS)
    return [
        f"{len(rows):,} proposals (title and opening {BODY_CHARS} characters, {textsim.DOCUMENT_TERMS} terms each); "
        f"a process builds its index from the stored terms in {load_seconds:.1f} s, once (its first search), "
        f"then follows changes entry by entry. Load average during the run: {os.getloadavg()[0]:.1f} on "
        f"{os.cpu_count()} CPUs.",
        "",
        "| operation | median (ms) | p99 (ms) | target |",
        "|---|---:|---:|---|",
        f"| one suggestion (analyse the draft, search, keep this and earlier years) | {suggest_median:.1f} | {suggest_p99:.1f} | "
        f"median < 50 ms — {'met' if suggest_median < 50 else 'NOT met'} (p99 {'also' if suggest_p99 < 50 else 'NOT'} under) |",
        f"| index one new proposal (analyse, add) | {add_median:.2f} | {add_p99:.2f} | "
        f"median < 100 ms — {'met' if add_median < 100 else 'NOT met'} (p99 {'also' if add_p99 < 100 else 'NOT'} under) |",
    ]


def main() -> None:
    quality_lines, _figures = quality()
    lines = ["### Quality", "", *quality_lines, "", "### Speed (in-process)", "", *speed(), ""]
    print("\n".join(lines))


if __name__ == "__main__":
    main()
