"""The guard's evaluation items: the reframing benchmark composes, and xstest loads."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from tipguard.eval.datasets import data_root, load
from tipguard.eval.guard_sets import public_cases, reframing_cases
from tipguard.taxonomy.codes import INDICATORS, Family

BENCH = Path(__file__).resolve().parents[2] / "eval" / "guard"


def test_every_payload_is_judged_under_every_framing_of_its_language() -> None:
    cases = list(reframing_cases(BENCH))
    harmful = [c for c in cases if c.harmful]
    languages = {c.language for c in cases}
    assert {"bn", "sw", "th", "tl", "km"} <= languages and len(languages) >= 8
    assert len({c.id for c in harmful}) >= 60 * 6 * 8
    per_framing = Counter(c.framing for c in harmful)
    assert set(per_framing) == {"plain", "fiction", "research", "translation", "roleplay", "split"}
    assert len(set(per_framing.values())) == 1  # the same payloads under each framing
    assert all(INDICATORS[c.category].family is Family.GUARD for c in harmful)
    assert all(len(c.turns) == 2 for c in harmful if c.framing == "split")
    assert all("{payload}" not in t for c in cases for t in c.turns)
    benign = Counter(c.framing for c in cases if not c.harmful)
    assert set(benign) == set(per_framing) and sum(benign.values()) >= 60 * 8


@pytest.mark.skipif(not (data_root() / "xstest").is_dir(), reason="shared/data/xstest is not here")
def test_xstest_loads_its_safe_and_unsafe_prompts() -> None:
    rows = load("xstest")
    assert len(rows) == 450 and sum(r.benign for r in rows) == 250
    assert {r.kind for r in rows if r.benign} >= {"homonyms", "figurative_language"}


def test_the_public_selection_resolves_every_included_row_in_every_language() -> None:
    selection = BENCH / "public" / "selection.jsonl"
    chosen = [json.loads(x) for x in selection.read_text("utf-8").splitlines() if x.strip()]
    included = {(r["set"], str(r["id"])) for r in chosen if r["decision"] == "include"}
    cases = list(public_cases(data_root(), selection))
    assert {(c.id.split(":")[0], c.id.split(":", 1)[1].rsplit(":", 1)[0]) for c in cases} == included
    assert all(c.harmful and c.turns[0].strip() for c in cases)
    assert all(INDICATORS[c.category].family is Family.GUARD for c in cases)
    per_set = Counter(c.framing for c in cases)
    multijail = sum(1 for r in chosen if r["set"] == "multijail" and r["decision"] == "include")
    assert per_set["multijail"] == multijail * 10  # every language column of each row
    assert {c.language for c in cases if c.framing == "xsafety"} == {
        "ar", "bn", "de", "en", "es", "fr", "hi", "ja", "ru", "zh"
    }
