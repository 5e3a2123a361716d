#!/usr/bin/env bash
# Every evaluation of the default (`standard`) analyzer that the reports quote, with the plain
# TF-IDF baseline trained on the same corpus folders beside it. Canonical test splits for public
# sets; the project's held-out sets are evaluated whole (`--split all`). About 10 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
TG=".venv/bin/tipguard"
BASE=(--baseline corpora/train --baseline corpora/everyday)
OUT=reports/eval
$TG eval corpora/test --split all "${BASE[@]}" --out $OUT
$TG eval corpora/conversations/test.jsonl --split all "${BASE[@]}" --out $OUT
$TG eval eval/unseen --split all "${BASE[@]}" --out $OUT
$TG eval sms-spam-uci smish-dt kor-smishing thai-sms-scam swahili-sms-scam --split test "${BASE[@]}" --out $OUT
$TG eval fraud-r1 --split test "${BASE[@]}" --out $OUT
$TG eval hatecheck multilingual-hatecheck --split test --indicator CTL_THREAT "${BASE[@]}" --out $OUT
$TG eval pan12-vtpan-grooming --split test "${BASE[@]}" --out $OUT
