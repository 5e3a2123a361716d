#!/usr/bin/env bash
# Every evaluation the reports quote: the default (`standard`) analyzer with the plain TF-IDF
# baseline trained on the same corpus folders beside it (reports/eval/), then the `deep` profile
# (encoder tier on; reports/eval-deep/). Canonical test splits for public sets; the project's
# held-out sets are evaluated whole (`--split all`). About 15 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
TG=".venv/bin/tipguard"
BASE=()
for d in train everyday general interpersonal longads; do BASE+=(--baseline "corpora/$d"); done
for profile in standard deep; do
  if [ "$profile" = standard ]; then OUT=reports/eval; B=("${BASE[@]}"); else OUT=reports/eval-deep; B=(); fi
  P=(--profile "$profile" --out "$OUT")
  $TG eval corpora/test --split all "${B[@]}" "${P[@]}"
  $TG eval corpora/conversations/test.jsonl --split all "${B[@]}" "${P[@]}"
  $TG eval eval/unseen --split all "${B[@]}" "${P[@]}"
  $TG eval sms-spam-uci smish-dt kor-smishing thai-sms-scam swahili-sms-scam --split test "${B[@]}" "${P[@]}"
  $TG eval fraud-r1 --split test "${B[@]}" "${P[@]}"
  $TG eval hatecheck multilingual-hatecheck sghatecheck --split test --indicator CTL_THREAT "${B[@]}" "${P[@]}"
  $TG eval pan12-vtpan-grooming --split test "${B[@]}" "${P[@]}"
done
