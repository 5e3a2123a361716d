"""Case export as CSV or JSON with HTCDS column names, so other HTCDS systems can take it as is.

CSV has one row per case: multi-select fields and the AI-use records are joined with ``;`` (the
AI-use columns are parallel lists, one entry per record). Cells that a spreadsheet would run as a
formula are prefixed with ``'``. JSON keeps lists as lists and adds the persons and AI-use
records as nested objects.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from tipguard.store.htcds import CASE_COLUMNS
from tipguard.store.records import CaseRecord

SEPARATOR = ";"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def case_row(case: CaseRecord) -> dict[str, Any]:
    """One case as ``{HTCDS column: value}``; list-valued fields stay lists."""
    values: dict[str, Any] = {
        "id": case.id,
        "status": case.status,
        "opened_at": case.opened_at.isoformat(),
        "method_of_recruitment": list(case.method_of_recruitment),
        "methods_of_control": list(case.methods_of_control),
        "type_of_exploitation": list(case.type_of_exploitation),
        "type_of_labour_exploitation": list(case.type_of_labour_exploitation),
        "type_of_sex_exploitation": list(case.type_of_sex_exploitation),
        "recruitment_websites_and_apps": list(case.recruitment_websites_and_apps),
        "exploitation_websites_and_apps": list(case.exploitation_websites_and_apps),
        "recruitment_country": case.recruitment_country,
        "exploitation_country": case.exploitation_country,
        "victims": [p.pseudonym for p in case.persons if p.role == "victim"],
        "perpetrators": [p.pseudonym for p in case.persons if p.role == "perpetrator"],
        "ai_capabilities": [a.capability for a in case.ai_uses],
        "ai_confidences": [a.confidence for a in case.ai_uses],
        "ai_platforms": [a.platform or "" for a in case.ai_uses],
        "ai_languages": [a.language or "" for a in case.ai_uses],
        "ai_evidence": [a.evidence for a in case.ai_uses],
        "title": case.title,
        "summary": case.summary,
        "review_item_ids": list(case.review_item_ids),
        "created_by": case.created_by,
        "updated_at": case.updated_at.isoformat(),
    }
    return {column: values[attr] for attr, column in CASE_COLUMNS}


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        text = SEPARATOR.join(str(v).replace(SEPARATOR, ",") for v in value)
    else:
        text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def to_csv(cases: list[CaseRecord]) -> str:
    """The cases as CSV with a header of HTCDS column names."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([column for _, column in CASE_COLUMNS])
    for case in cases:
        writer.writerow([_cell(v) for v in case_row(case).values()])
    return out.getvalue()


def to_json(cases: list[CaseRecord]) -> str:
    """The cases as a JSON array of objects with HTCDS keys, persons and AI-use records nested."""
    rows = []
    for case in cases:
        row = case_row(case)
        row["persons"] = [
            {
                "prs_Pseudonym": p.pseudonym,
                "prs_Context": p.role,
                "prs_Gender": p.gender,
                "prs_Nationality": p.nationality,
                "per_RoleInProcess": list(p.role_in_process),
            }
            for p in case.persons
        ]
        row["aiu_Records"] = [
            {
                "aiu_Capability": a.capability,
                "aiu_Evidence": a.evidence,
                "aiu_Confidence": a.confidence,
                "aiu_Platform": a.platform,
                "aiu_Language": a.language,
                "aiu_RecordedAt": a.recorded_at.isoformat(),
            }
            for a in case.ai_uses
        ]
        rows.append(row)
    return json.dumps(rows, ensure_ascii=False, indent=2)
