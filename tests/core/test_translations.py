"""The zh-hans interface is complete: every catalogue has every string translated, none fuzzy."""

import re
from pathlib import Path

import pytest

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
