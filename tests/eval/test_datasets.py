"""The canonical split and the proxy-set loaders (on tiny files written here)."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from pathlib import Path

import pytest

from tipguard.eval.datasets import LOADERS, Row, canonical_split, data_root, load


def test_canonical_split_follows_the_data_readme() -> None:
    for text in ["hello", "  Hello ", "ＨＥＬＬＯ", "pay the fee", "x" * 50]:
        key = __import__("unicodedata").normalize("NFKC", text).strip().lower()
        b = hashlib.sha256(key.encode()).digest()[0]
        expected = "test" if b < 26 else "validation" if b < 52 else "train"
        assert canonical_split(text) == expected
    assert canonical_split("Hello") == canonical_split(" hello ")


def test_loaders_read_their_formats(tmp_path: Path) -> None:
    (tmp_path / "sms-spam-uci").mkdir()
    (tmp_path / "sms-spam-uci" / "SMSSpamCollection.tsv").write_text(
        "ham\thi there\nspam\tWIN now\n", "utf-8"
    )
    (tmp_path / "thai-sms-scam").mkdir()
    (tmp_path / "thai-sms-scam" / "a.txt").write_text("OK|สวัสดี\nscam|โอนเงิน\nOK|สวัสดี\n", "utf-8")
    (tmp_path / "swahili-sms-scam").mkdir()
    (tmp_path / "swahili-sms-scam" / "bongo_scam.csv").write_text(
        "Category,Sms\ntrust,habari\nscam,tuma\n", "utf-8"
    )
    uci = load("sms-spam-uci", root=tmp_path)
    assert [(r.label, r.benign) for r in uci] == [("ham", True), ("spam", False)]
    thai = load("thai-sms-scam", root=tmp_path)
    assert len(thai) == 2 and thai[0].benign and not thai[1].benign
    sw = load("swahili-sms-scam", root=tmp_path)
    assert [r.benign for r in sw] == [True, False]


def _write(path: Path, text: str, encoding: str = "utf-8") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))


def test_new_loaders_are_registered_and_rows_stay_backward_compatible() -> None:
    for name in [
        "kor-smishing",
        "fraud-r1",
        "hatecheck",
        "multilingual-hatecheck",
        "pan12-vtpan-grooming",
        "teleantifraud-dialogues",
    ]:
        assert name in LOADERS
    row = Row("d", "all", "hi", "ham", True, "en", "", "")
    assert row.messages == ()


def test_kor_smishing(tmp_path: Path) -> None:
    # byte-order mark, CRLF record ends, LF inside quoted multi-line messages, as in the real file
    _write(
        tmp_path / "kor-smishing" / "KOR_phishing_data_raw.csv",
        "\ufeffindex,content,class\r\n"
        '1,"엄마 나 폰 고장났어\n문자 줘",1\r\n'
        "2,내일 회의 몇 시야,0\r\n"
        "3,,0\r\n"
        "4,주소 확인 부탁,x\r\n",
    )
    rows = load("kor-smishing", root=tmp_path)
    assert [(r.label, r.benign, r.language) for r in rows] == [
        ("phishing", False, "ko"),
        ("normal", True, "ko"),
    ]
    assert rows[0].text == "엄마 나 폰 고장났어\n문자 줘"
    assert all(r.dataset == "kor-smishing" and r.subset == "all" for r in rows)


def test_fraud_r1(tmp_path: Path) -> None:
    base = tmp_path / "fraud-r1"
    english = [
        {
            "id": 1,
            "category": "fake job posting",
            "subcategory": "recruitment",
            "raw_data": {"title": "Packer", "salary_range": "High pay", "benefits": ""},
            "data_type": "job posting",
            "language": "English",
            "generated text": "\n\nJob Title: Packer abroad, visa arranged  ",
        },
        {
            "id": 2,
            "category": "fake job posting",
            "raw_data": {"title": "Tester", "salary_range": "500 a day", "benefits": ""},
            "data_type": "job posting",
            "generated text": "",
        },
        {"id": 3, "category": "network friendship", "data_type": "message", "generated text": "Hi dear"},
        {"id": 4, "category": "phishing", "raw_data": None, "data_type": "email", "generated text": " "},
    ]
    chinese = [
        {
            "id": 1,
            "category": "impersonation",
            "raw_data": "原始案例",
            "data_type": "message",
            "generated text": "",
        }
    ]
    _write(base / "FP-base-English.json", json.dumps(english))
    _write(base / "FP-base-Chinese.json", json.dumps(chinese, ensure_ascii=False))
    rows = load("fraud-r1", root=tmp_path)
    assert [(r.subset, r.language, r.label, r.kind) for r in rows] == [
        ("en", "en", "fake job posting", "job posting"),
        ("en", "en", "fake job posting", "job posting"),
        ("en", "en", "network friendship", "message"),
        ("zh", "zh", "impersonation", "message"),
    ]
    assert not any(r.benign for r in rows)
    assert rows[0].text == "Job Title: Packer abroad, visa arranged"
    assert (
        rows[1].text == "title: Tester\nsalary range: 500 a day"
    )  # structured raw_data, empty values dropped
    assert rows[3].text == "原始案例"
    jobs = [r for r in rows if r.subset == "en" and r.label == "fake job posting"]
    assert len(jobs) == 2


def test_hatecheck(tmp_path: Path) -> None:
    _write(
        tmp_path / "hatecheck" / "test_suite_cases.csv",
        ",functionality,case_id,test_case,label_gold,target_ident\n"
        "0,derog_neg_emote_h,1,I despise group X. ,hateful,X\n"
        "1,threat_dir_h,2,I will hurt group X.,hateful,X\n"
        "2,threat_norm_h,3,Group X should be hurt.,hateful,X\n"
        '3,counter_quote_nh,4,"Saying ""I despise X"" is wrong.",non-hateful,X\n'
        "4,slur_h,5,   ,hateful,X\n",
    )
    rows = load("hatecheck", root=tmp_path)
    assert [(r.label, r.benign, r.family) for r in rows] == [
        ("derog_neg_emote_h", False, ""),
        ("threat_dir_h", False, "threat"),
        ("threat_norm_h", False, "threat"),
        ("counter_quote_nh", True, ""),
    ]
    assert rows[0].text == "I despise group X."
    assert {r.language for r in rows} == {"en"}


def test_multilingual_hatecheck(tmp_path: Path) -> None:
    header = "mhc_case_id,functionality,test_case,label_gold,target_ident,ref_case_id\n"
    base = tmp_path / "multilingual-hatecheck"
    _write(
        base / "hatecheck_cases_final_mandarin.csv",
        header + "zh-1,threat_dir_h,我要伤害X。,hateful,X,\nzh-2,ident_neutral_nh,我是X。,non-hateful,X,\n",
    )
    _write(base / "hatecheck_cases_final_german.csv", header + "de-1,threat_norm_h,X verletzen.,hateful,X,\n")
    _write(base / "hatecheck_cases_final_klingon.csv", header + "kl-1,slur_h,Qapla,hateful,X,\n")
    rows = load("multilingual-hatecheck", root=tmp_path)
    assert [(r.subset, r.language, r.label, r.benign, r.family) for r in rows] == [
        ("de", "de", "threat_norm_h", False, "threat"),
        ("zh", "zh", "threat_dir_h", False, "threat"),
        ("zh", "zh", "ident_neutral_nh", True, ""),
    ]


def test_pan12_vtpan_grooming(tmp_path: Path) -> None:
    base = tmp_path / "pan12-vtpan-grooming"
    _write(
        base / "val_seg_en.csv", "segment,label\nhi asl? 15 f u? 20 m,1\nhow is the build going ok,0\n,0\n"
    )
    _write(
        base / "val_seg_de_mt.csv",
        "messages_de,label\n"
        '"[\'Hallo, wie alt?\', \'Er sagte: ""ja""\', ""Ich bin\'s"", \'  \']",1\n'
        '"[]",0\n'
        "\"['Guten Morgen']\",0\n",
    )
    _write(base / "val_seg_nl_mt.csv", "messages_dutch,label\n\"['Hoi', 'hoe oud ben je?']\",1\n")
    rows = load("pan12-vtpan-grooming", root=tmp_path)
    assert [(r.subset, r.language, r.label, r.benign) for r in rows] == [
        ("en", "en", "predatory", False),
        ("en", "en", "other", True),
        ("de-mt", "de", "predatory", False),
        ("de-mt", "de", "other", True),
        ("nl-mt", "nl", "predatory", False),
    ]
    assert {r.kind for r in rows} == {"conversation"}
    assert rows[0].messages == () and rows[0].text == "hi asl? 15 f u? 20 m"
    assert rows[2].messages == ("Hallo, wie alt?", 'Er sagte: "ja"', "Ich bin's")
    assert rows[2].text == 'Hallo, wie alt?\nEr sagte: "ja"\nIch bin\'s'
    assert rows[4].messages == ("Hoi", "hoe oud ben je?")
    for r in rows:
        assert canonical_split(r.text) == canonical_split("\n".join(r.messages) if r.messages else r.text)


def test_teleantifraud_dialogues(tmp_path: Path) -> None:
    base = tmp_path / "teleantifraud-dialogues"

    def line(left: list[str], right: list[str], fraud_type: str) -> str:
        obj = {"tts_id": "tts_fraud_00001", "left": left, "right": right, "fraud_type": fraud_type}
        return json.dumps(obj, ensure_ascii=False) + "\n"

    scam = line(["您好，这里是银行", "请转账", "再见", ""], ["什么事？", "好的"], "银行诈骗")
    _write(base / "fraud_dialogues-20250101_000000.jsonl", scam + "\n{not json\n")
    _write(base / "fraud_dialogues-20250102_000000.jsonl", scam + line(["你中奖了"], [], "彩票诈骗"))
    _write(base / "normal_dialogues-20250103_000000.jsonl", line(["欢迎订餐"], ["我要一份饭"], "订餐服务"))
    rows = load("teleantifraud-dialogues", root=tmp_path)
    assert [(r.label, r.benign) for r in rows] == [("银行诈骗", False), ("彩票诈骗", False), ("normal", True)]
    assert rows[0].messages == ("您好，这里是银行", "什么事？", "请转账", "好的", "再见")
    assert rows[0].text == "\n".join(rows[0].messages)
    assert rows[2].messages == ("欢迎订餐", "我要一份饭")
    assert {(r.language, r.kind) for r in rows} == {("zh", "conversation")}


def _real_set(name: str) -> Path:
    root = data_root()
    if not (root / name).is_dir():
        pytest.skip(f"public data set {name!r} not found under {root} (set TIPGUARD_DATA to check it)")
    return root


def _about(n: int, expected: int, slack: float = 0.01) -> bool:
    return abs(n - expected) <= max(1, expected * slack)


def test_real_kor_smishing_matches_its_source() -> None:
    rows = load("kor-smishing", root=_real_set("kor-smishing"))
    assert _about(len(rows), 43_209)
    assert _about(sum(not r.benign for r in rows), 615)


def test_real_fraud_r1_matches_its_source() -> None:
    rows = load("fraud-r1", root=_real_set("fraud-r1"))
    assert _about(sum(r.subset == "en" for r in rows), 1_071)
    assert _about(sum(r.subset == "zh" for r in rows), 1_070)
    assert _about(sum(r.subset == "en" and r.label == "fake job posting" for r in rows), 150)
    assert not any(r.benign for r in rows)


def test_real_hatecheck_matches_its_source() -> None:
    rows = load("hatecheck", root=_real_set("hatecheck"))
    assert _about(len(rows), 3_728)
    assert _about(sum(r.benign for r in rows), 1_165)
    assert _about(sum(r.family == "threat" for r in rows), 273)


def test_real_multilingual_hatecheck_matches_its_source() -> None:
    rows = load("multilingual-hatecheck", root=_real_set("multilingual-hatecheck"))
    assert _about(len(rows), 36_582)
    per_language = Counter(r.language for r in rows)
    assert len(per_language) == 10 and all(3_300 <= n <= 3_900 for n in per_language.values())
    threats = Counter(r.language for r in rows if r.family == "threat")
    assert all(280 <= threats[lang] <= 285 for lang in per_language)


def test_real_pan12_vtpan_grooming_matches_its_source() -> None:
    rows = load("pan12-vtpan-grooming", root=_real_set("pan12-vtpan-grooming"))
    sizes = Counter(r.subset for r in rows)
    assert _about(sizes["en"], 1_977) and _about(sizes["de-mt"], 1_318) and _about(sizes["nl-mt"], 1_318)
    assert _about(sum(not r.benign for r in rows if r.subset == "en"), 239)
    assert all(r.messages and r.text == "\n".join(r.messages) for r in rows if r.subset != "en")


def test_real_teleantifraud_dialogues_matches_its_source() -> None:
    rows = load("teleantifraud-dialogues", root=_real_set("teleantifraud-dialogues"))
    assert _about(sum(not r.benign for r in rows), 7_507)
    assert _about(sum(r.benign for r in rows), 2_499)
    assert len({r.text for r in rows}) == len(rows)
    assert all(len(r.messages) >= 2 for r in rows)


def test_sghatecheck_uses_the_annotators_label(tmp_path: Path) -> None:
    header = "c_id,c_testcase,t_function,t_gold,annotation_selected\n"
    _write(
        tmp_path / "sghatecheck" / "annotations" / "ms_annotations.csv",
        header + "0,Aku akan pukul kau.,threat_dir_h,hateful,hateful\n"
        "1,Jangan cakap macam tu.,counter_ref_nh,non-hateful,non-hateful\n"
        "2,Entah.,threat_norm_h,hateful,no_match\n"
        "3,Mereka patut dipukul.,threat_norm_h,hateful,non-hateful\n",
    )
    _write(
        tmp_path / "sghatecheck" / "annotations" / "ss_annotations.csv",
        header + "0,Wah lao eh.,slur_h,hateful,hateful\n",
    )
    for name in ("ta", "zh"):
        _write(tmp_path / "sghatecheck" / "annotations" / f"{name}_annotations.csv", header)
    rows = load("sghatecheck", root=tmp_path)
    assert [(r.subset, r.language, r.benign, r.family) for r in rows] == [
        ("ms", "ms", False, "threat"),
        ("ms", "ms", True, ""),
        ("ms", "ms", True, ""),  # the annotators overruled the template: not a threat
        ("ss", "en", False, ""),
    ]
