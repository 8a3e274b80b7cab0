"""The zh-hans interface is complete and says one thing per string.

Every catalogue has every string translated, none fuzzy; and a string (msgctxt, msgid) has the same
translation in every catalogue it is in: Django merges the catalogues into one per language, so a
second translation is never shown.
"""

import re
from pathlib import Path

import pytest
from django.utils import translation

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = sorted(
    p
    for p in ROOT.glob("**/locale/zh_Hans/LC_MESSAGES/django.po")
    if ".venv" not in p.parts and "var" not in p.parts
)


def entries(path: Path):
    """Yield (msgid, [msgstr…], flags) for each entry of a .po file."""
    block: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if line.strip():
            block.append(line)
            continue
        if block:
            yield parse_block(block)
            block = []


def parse_block(lines):
    fields: dict[str, str] = {}
    flags = ""
    current = None
    for line in lines:
        if line.startswith("#,"):
            flags += line
        if line.startswith("#~"):
            return None, [], "obsolete"
        match = re.match(r'^(msgid|msgid_plural|msgctxt|msgstr(?:\[\d+\])?) "(.*)"$', line)
        if match:
            current = match.group(1)
            fields[current] = match.group(2)
        elif line.startswith('"') and current:
            fields[current] += line[1:-1]
    strs = [v for k, v in fields.items() if k.startswith("msgstr")]
    return fields.get("msgid"), strs, flags


def test_there_is_a_catalogue_for_every_app():
    owners = {p.parents[3].relative_to(ROOT).as_posix() for p in CATALOGUES}
    for app in (
        "workplan",
        "members",
        "meetings",
        "proposals",
        "supervision",
        "consultations",
        "cppcc_portal/core",
        "cppcc_portal/dashboard",
    ):
        assert app in owners
    assert "." in owners  # site-wide templates


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_string_is_translated_and_none_is_fuzzy(path):
    missing, fuzzy = [], []
    for msgid, strs, flags in entries(path):
        if not msgid:
            continue
        if "fuzzy" in flags:
            fuzzy.append(msgid)
        if not strs or any(s == "" for s in strs):
            missing.append(msgid)
    assert not missing, f"untranslated in {path}: {missing[:10]}"
    assert not fuzzy, f"fuzzy in {path}: {fuzzy[:10]}"


def context_of(path: Path) -> dict[tuple[str, str], str]:
    """Each entry's (msgctxt, msgid) → its msgstr (the singular), in one catalogue."""
    found = {}
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        lines = block.strip().splitlines()
        if not lines or any(line.startswith("#~") for line in lines):
            continue
        context = next((m.group(1) for m in map(re.compile(r'^msgctxt "(.*)"$').match, lines) if m), "")
        msgid, strs, _ = parse_block(lines)
        if msgid and strs:
            found[(context, msgid)] = strs[0]
    return found


def test_a_string_in_several_catalogues_has_one_translation():
    # Django merges the catalogues into one (locale/ first, then the apps in INSTALLED_APPS order) and
    # the first translation wins for the whole site: another app's different word is never shown.
    # The rule for a new string: if it means the same thing as an existing one, use the same word
    # (or leave it in one catalogue); if it means something else in this app ("open" for a
    # rectification item, 未开始, vs a task, 未完成), give it a context in the code,
    # pgettext_lazy("<app or thing state>", "open") or {% translate "open" context "…" %}, and the
    # entry that msgctxt in the app's catalogue.
    seen: dict[tuple[str, str], dict[str, str]] = {}
    for path in CATALOGUES:
        for key, text in context_of(path).items():
            seen.setdefault(key, {})[path.parents[3].relative_to(ROOT).as_posix()] = text
    differing = {key: found for key, found in seen.items() if len(set(found.values())) > 1}
    assert not differing, "\n".join(f"{key}: {found}" for key, found in differing.items())


def unescape(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), text)


def test_each_catalogues_word_is_the_one_a_user_sees():
    # The merged catalogue puts locale/ first, then every installed app in INSTALLED_APPS order,
    # Django's own and third-party ones included: django.contrib.sessions' 会话 for "session" would
    # hide a meeting's 会次. A word the whole site shares goes in locale/ (it wins over every app);
    # a word with this app's own meaning takes a context.
    hidden = {}
    with translation.override("zh-hans"):
        for path in CATALOGUES:
            owner = path.parents[3].relative_to(ROOT).as_posix()
            plural = set(
                re.findall(r'^msgid "(.*)"\n(?=msgid_plural)', path.read_text(encoding="utf-8"), re.M)
            )
            for (context, msgid), text in context_of(path).items():
                if msgid in plural:
                    continue
                source, wanted = unescape(msgid), unescape(text)
                shown = translation.pgettext(context, source) if context else translation.gettext(source)
                if shown != wanted:
                    hidden[(owner, context, msgid)] = (wanted, shown)
    assert not hidden, "\n".join(
        f"{key}: the catalogue says {w}, a user sees {s}" for key, (w, s) in hidden.items()
    )
