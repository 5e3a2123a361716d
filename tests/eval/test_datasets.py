"""The canonical split and the proxy-set loaders (on tiny files written here)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from tipguard.eval.datasets import canonical_split, load


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
