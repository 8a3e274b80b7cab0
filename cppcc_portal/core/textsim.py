"""Similarity of short Chinese texts (proposal titles, reports, plan items), offline and in-process.

Why not pg_trgm: it scores "关于…的提案" as much as the concern itself, and a trigram of three
Chinese characters is nearly a word, so a paraphrase shares almost none. Here a text is
normalised (full-width → half-width by NFKC, traditional → simplified with the dictionaries that
ship in `opencc-python-reimplemented`, the domain thesaurus below), stripped of the boilerplate
every proposal carries, and cut into character unigrams and bigrams (no word dictionary to load,
and a bigram is the length of most Chinese words). Documents are TF-IDF vectors (sublinear term
frequency), compared by cosine, so a score is in [0, 1] and one threshold means the same thing for
a title and for a page of text.

`Index` keeps the vectors in memory with an inverted index: a query touches only the postings of
its own terms. Each app keeps its documents' terms in its database (so every process loads the
same index) and feeds them here.
"""

from __future__ import annotations

import heapq
import math
import re
import unicodedata
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

# Part of every stored entry: entries analysed by another version are analysed again.
ANALYZER_VERSION = 1

# Longer input is cut: the first few hundred characters carry the concern, and a 100,000-character
# paste must cost no more than a normal draft.
MAX_CHARS = 2000

# A title's terms count this much more than the body's: the title names the concern.
TITLE_WEIGHT = 1.0
BODY_WEIGHT = 0.35

# In a large collection, a term in more than this share of documents is a stop word of that
# collection (its weight is small and its postings long): a search skips it. A query keeps its
# strongest terms only. Both bound the work of one search whatever the collection's size.
COMMON_SHARE = 0.05
COMMON_MIN_DOCUMENTS = 1000
QUERY_TERMS = 32
# What an indexed document keeps: its strongest terms (the title's, then the body's most frequent),
# so ten years of proposals load into a process in about a second.
DOCUMENT_TERMS = 64

# The same concern in other words. Each group maps to its first entry; longer variants are matched
# first. Kept to wording that district proposals really vary (not to the evaluation set's titles).
THESAURUS: tuple[tuple[str, ...], ...] = (
    ("电梯", "升降梯", "直梯", "垂直电梯"),
    ("加装", "增设", "增装", "安装", "加设"),
    ("老旧小区", "老旧住宅小区", "老旧住宅", "老旧楼房", "老楼", "老式住宅楼", "老旧社区", "旧小区"),
    ("停车", "泊车", "停放车辆"),
    ("车位", "停车位", "泊位"),
    ("养老", "为老服务", "老年照料", "养老服务", "照护老人", "老人照护"),
    ("老年人", "老人", "长者", "老年群体", "高龄老人"),
    ("垃圾分类", "垃圾分拣", "生活垃圾分类"),
    ("幼儿", "婴幼儿", "学龄前儿童"),
    ("托育", "托幼", "托儿"),
    ("学生", "中小学生", "青少年学生"),
    ("课后服务", "课后托管", "放学后托管", "课后看护"),
    ("就医", "看病", "求医"),
    ("社区卫生服务", "社区医院", "社区卫生站", "基层医疗"),
    ("共享单车", "互联网租赁自行车", "单车"),
    ("胡同", "背街小巷", "街巷"),
    ("非遗", "非物质文化遗产"),
    ("文物", "文化遗产", "古建筑"),
    ("外卖", "快递外卖", "即时配送"),
    ("快递", "快件", "包裹"),
    ("充电桩", "充电设施", "充电设备"),
    ("电动自行车", "电瓶车", "电动车"),
    ("残疾人", "残障人士", "残疾群众"),
    ("无障碍", "无障碍设施"),
    ("营商环境", "企业发展环境", "办事环境"),
    ("中小企业", "小微企业", "民营中小企业"),
    ("融资难", "贷款难", "融资贵"),
    ("物业", "物业管理", "物业服务"),
    ("雨污", "雨水污水"),
    ("噪音", "噪声", "扰民"),
    ("食品安全", "食品卫生", "舌尖上的安全"),
    ("心理健康", "心理问题", "心理疏导"),
    ("近视", "视力不良"),
    ("体育", "健身", "运动"),
    ("公厕", "公共厕所", "厕所"),
    ("便民", "方便群众", "方便居民"),
    ("菜市场", "农贸市场", "菜场"),
    ("拥堵", "堵车", "交通拥挤"),
    ("公交", "公共交通", "公交车"),
    ("地铁", "轨道交通"),
    ("学位", "入学名额"),
    ("数字化", "数智化", "信息化"),
    ("适老化", "适老改造", "老年友好"),
    ("独居", "空巢"),
)

# What every proposal says whatever its concern: the frame (关于…的建议) and the verbs of urging.
BOILERPLATE = (
    "关于",
    "的提案",
    "的建议",
    "的意见",
    "提案",
    "建议",
    "意见",
    "进一步",
    "切实",
    "加快",
    "加强",
    "推进",
    "推动",
    "促进",
    "完善",
    "提升",
    "提高",
    "做好",
    "着力",
    "大力",
    "积极",
    "有效",
    "不断",
    "全面",
    "深入",
    "持续",
    "优化",
    "健全",
    "建立",
    "构建",
    "发展",
    "保护",
    "管理",
    "规范",
    "治理",
    "解决",
    "缓解",
    "如何",
    "破解",
    "支持",
    "鼓励",
    "帮助",
    "关注",
    "重视",
    "保障",
    "我区",
    "本区",
    "东城区",
    "全区",
    "相关",
    "有关",
    "工作",
    "问题",
    "方面",
    "情况",
    "对策",
    "措施",
    "机制",
    "体系",
    "的",
)

# Characters that mean nothing alone (they still count inside a bigram).
STOP_CHARS = set("的了和与及在对等是为之其中把被将向从以于也而并或又所这那有无个些不要")

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUNS = re.compile(rf"[{_CJK}]+|[a-z0-9]+")


@cache
def _thesaurus() -> tuple[re.Pattern, dict[str, str]]:
    canonical = {}
    for group in THESAURUS:
        for variant in group:
            canonical.setdefault(variant, group[0])
    variants = sorted(canonical, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, variants))), canonical


@cache
def _boilerplate() -> re.Pattern:
    return re.compile("|".join(map(re.escape, sorted(BOILERPLATE, key=len, reverse=True))))


@cache
def _traditional() -> tuple[frozenset[str], Callable[[str], str]]:
    """The traditional characters OpenCC knows, and its converter (loaded once, from its package)."""
    import opencc
    from opencc import OpenCC

    table = Path(opencc.__file__).parent / "dictionary" / "TSCharacters.txt"
    chars = set()
    for line in table.read_text(encoding="utf-8").splitlines():
        key = line.split("\t", 1)[0]
        if len(key) == 1:
            chars.add(key)
    return frozenset(chars), OpenCC("t2s").convert


def normalise(text: str) -> str:
    """Half-width, lower-case, simplified, each thesaurus variant replaced by its head word."""
    text = unicodedata.normalize("NFKC", (text or "")[:MAX_CHARS]).lower()
    traditional, convert = _traditional()
    # Converting is the slow step: only texts that hold a traditional character go through it.
    if not traditional.isdisjoint(text):
        text = convert(text)
    pattern, canonical = _thesaurus()
    return pattern.sub(lambda m: canonical[m.group(0)], text)


def terms(text: str) -> dict[str, float]:
    """The sublinear term frequencies of a text: character unigrams and bigrams, Latin words, numbers."""
    text = _boilerplate().sub(" ", normalise(text))
    counts: dict[str, int] = {}
    for run in _RUNS.findall(text):
        if run.isascii():
            if len(run) > 1 or run.isdigit():
                counts[run] = counts.get(run, 0) + 1
            continue
        for i, char in enumerate(run):
            if char not in STOP_CHARS:
                counts[char] = counts.get(char, 0) + 1
            if i + 1 < len(run):
                bigram = run[i : i + 2]
                counts[bigram] = counts.get(bigram, 0) + 1
    # Unigrams weigh less than bigrams: two texts sharing "梯" say less than sharing "电梯".
    return {t: (1 + math.log(n)) * (0.5 if len(t) == 1 else 1.0) for t, n in counts.items()}


def document_terms(title: str, body: str = "", *, limit: int | None = None) -> dict[str, float]:
    """A title and its body as one bag of terms, the title weighing more; the `limit` strongest only."""
    result = {t: w * TITLE_WEIGHT for t, w in terms(title).items()}
    for t, w in terms(body).items():
        result[t] = result.get(t, 0.0) + w * BODY_WEIGHT
    if limit is not None and len(result) > limit:
        # Ties keep the longer term (a bigram says more than one of its characters).
        result = dict(sorted(result.items(), key=lambda pair: (-pair[1], -len(pair[0]), pair[0]))[:limit])
    return result


def is_meaningful(bag: dict[str, float]) -> bool:
    """Whether a text says enough to compare (one character, punctuation or boilerplate does not)."""
    return any(len(t) > 1 for t in bag)


@dataclass(frozen=True)
class Hit:
    key: Hashable
    score: float


class Index:
    """TF-IDF vectors of documents with an inverted index; add, replace and remove one at a time.

    Document weights use the inverse document frequencies of when they were added; `reweigh()`
    (run by `load`, and whenever the collection has grown by a fifth) brings them all up to date.
    """

    def __init__(self) -> None:
        self._bags: dict[Hashable, dict[str, float]] = {}
        self._df: dict[str, int] = {}
        self._postings: dict[str, dict[Hashable, float]] = {}
        self._weighed_at = 0

    def __len__(self) -> int:
        return len(self._bags)

    def __contains__(self, key: Hashable) -> bool:
        return key in self._bags

    def _idf(self, term: str) -> float:
        return math.log((len(self._bags) + 1) / (self._df.get(term, 0) + 1)) + 1.0

    def _post(self, key: Hashable, bag: dict[str, float], idf=None) -> None:
        idf = idf or self._idf
        weights = {t: w * idf(t) for t, w in bag.items()}
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        for t, w in weights.items():
            self._postings.setdefault(t, {})[key] = w / norm

    def _unpost(self, key: Hashable, bag: dict[str, float]) -> None:
        for t in bag:
            posting = self._postings.get(t)
            if posting is not None:
                posting.pop(key, None)
                if not posting:
                    del self._postings[t]

    def add(self, key: Hashable, bag: dict[str, float]) -> None:
        """Add a document, or replace the one of that key; an empty bag removes it."""
        self.remove(key)
        if not bag:
            return
        self._bags[key] = bag
        for t in bag:
            self._df[t] = self._df.get(t, 0) + 1
        self._post(key, bag)
        if len(self._bags) > max(50, self._weighed_at * 1.2):
            self.reweigh()

    def remove(self, key: Hashable) -> None:
        bag = self._bags.pop(key, None)
        if bag is None:
            return
        self._unpost(key, bag)
        for t in bag:
            left = self._df.get(t, 0) - 1
            if left > 0:
                self._df[t] = left
            else:
                self._df.pop(t, None)

    def load(self, documents: Iterable[tuple[Hashable, dict[str, float]]]) -> None:
        """Replace everything with these documents, weighed once with the final frequencies."""
        self._bags = {key: bag for key, bag in documents if bag}
        self._df = {}
        for bag in self._bags.values():
            for t in bag:
                self._df[t] = self._df.get(t, 0) + 1
        self.reweigh()

    def reweigh(self) -> None:
        total = len(self._bags) + 1
        idf = {t: math.log(total / (n + 1)) + 1.0 for t, n in self._df.items()}
        postings: dict[str, dict[Hashable, float]] = {t: {} for t in idf}
        sqrt = math.sqrt
        # The loop every process runs once over ten years of proposals: kept tight on purpose.
        for key, bag in self._bags.items():
            weighted = [(t, w * idf[t]) for t, w in bag.items()]
            norm = sqrt(sum(w * w for _t, w in weighted)) or 1.0
            for t, w in weighted:
                postings[t][key] = w / norm
        self._postings = postings
        self._weighed_at = len(self._bags)

    def search(
        self,
        bag: dict[str, float],
        *,
        limit: int = 5,
        threshold: float = 0.0,
        keep: Callable[[Hashable], bool] | None = None,
    ) -> list[Hit]:
        """The `limit` documents most similar to a bag of terms, best first, none below `threshold`."""
        if not bag or not self._bags:
            return []
        weights = {t: w * self._idf(t) for t, w in bag.items()}
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        common = (
            len(self._bags) * COMMON_SHARE if len(self._bags) >= COMMON_MIN_DOCUMENTS else len(self._bags) + 1
        )
        strongest = sorted(weights.items(), key=lambda pair: -pair[1])[:QUERY_TERMS]
        scores: dict[Hashable, float] = {}
        for t, w in strongest:
            posting = self._postings.get(t)
            if not posting or len(posting) > common:
                continue
            q = w / norm
            for key, d in posting.items():
                scores[key] = scores.get(key, 0.0) + q * d
        above = [(score, key) for key, score in scores.items() if score >= threshold]
        # Most searches keep nearly everything they find: rank a few more than asked first.
        ranked = heapq.nlargest(limit * 4, above, key=lambda pair: pair[0])
        if keep is not None and len(above) > len(ranked):
            kept = [pair for pair in ranked if keep(pair[1])]
            if len(kept) < limit:
                ranked = sorted(above, key=lambda pair: -pair[0])
        hits = []
        for score, key in ranked:
            if keep is not None and not keep(key):
                continue
            hits.append(Hit(key=key, score=round(min(score, 1.0), 4)))
            if len(hits) >= limit:
                break
        return hits
