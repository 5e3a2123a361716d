"""Property-based API tests with schemathesis over the whole OpenAPI document.

    .venv/bin/pip install schemathesis     # a tool, not a project dependency
    .venv/bin/python benchmarks/schemathesis_run.py [--examples 40] [--seed 2026]

Writes ``reports/schemathesis.md``. The app is the real one (``create_app`` with the default
analyzer, the guard when it loads, indicator sharing switched on) on a fresh SQLite database, in
process through its ASGI interface. Every generated request carries a valid key of the role its
route needs, so it reaches the handler rather than stopping at 401/403; a key that a generated
``POST /v1/keys/{id}/revoke`` happened to revoke is replaced at once. Two checks run on every
response: no 5xx (``not_a_server_error``) and the body matches the response schema the OpenAPI
document declares for its status code (``response_schema_conformance``).

Schemathesis is not a dependency of tipguard; the script says how to install it when missing.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

ROLE_OF_PATH = {
    "/v1/analyze": "ingest",
    "/v1/conversations/analyze": "ingest",
    "/v1/guard": "ingest",
    "/v1/indicators/match": "ingest",
    "/v1/indicators/import": "admin",
    "/v1/audit": "admin",
}


def role_for(path: str) -> str | None:
    """The role a route template needs (roles are not hierarchical); ``None``: public."""
    if path in ROLE_OF_PATH:
        return ROLE_OF_PATH[path]
    if path.startswith("/v1/keys"):
        return "admin"
    if path.startswith("/v1/"):
        return "analyst"
    return None


# -- the test module: pytest imports this file with TIPGUARD_SCHEMATHESIS set -------------------

if os.environ.get("TIPGUARD_SCHEMATHESIS_DB"):
    import schemathesis
    from hypothesis import HealthCheck, settings
    from schemathesis.checks import not_a_server_error, response_schema_conformance

    from tipguard.service import ServiceSettings, create_app
    from tipguard.store import Store

    _STORE = Store(os.environ["TIPGUARD_SCHEMATHESIS_DB"])
    _SETTINGS = ServiceSettings(
        rate_limit_per_minute=10_000_000,
        rate_limit_burst=1_000_000,
        sharing_secret="schemathesis-sharing-secret-01",  # type: ignore[arg-type]  # noqa: S106 - a test key
        organisation="Fuzz NGO",
        indicator_index=os.environ["TIPGUARD_SCHEMATHESIS_DB"].removeprefix("sqlite:///") + ".json",
    )
    APP = create_app(_SETTINGS, store=_STORE)
    _KEYS: dict[str, tuple[int, str]] = {}

    def key_for(role: str) -> str:
        """A valid key of ``role``; a new one when the fuzzer revoked the last."""
        known = _KEYS.get(role)
        if known is not None:
            record = _STORE.authenticate(known[1])
            if record is not None and not record.is_revoked:
                return known[1]
        record, secret = _STORE.create_key(f"fuzz-{role}", [role])
        _KEYS[role] = (record.id, secret)
        return secret

    schema = schemathesis.openapi.from_asgi("/openapi.json", APP)
    EXAMPLES = int(os.environ.get("TIPGUARD_SCHEMATHESIS_EXAMPLES", "40"))

    @schema.parametrize()
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
    )
    def test_api(case: Any) -> None:
        role = role_for(case.operation.path)
        headers = dict(case.headers or {})
        if role is not None:
            headers["Authorization"] = f"Bearer {key_for(role)}"
        case.headers = headers
        response = case.call()
        _record(f"{case.operation.method.upper()} {case.operation.path}", response.status_code)
        case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])

    def _record(operation: str, status: int) -> None:
        """Append one ``operation status`` line: the report counts what reached which handler."""
        with open(os.environ["TIPGUARD_SCHEMATHESIS_LOG"], "a", encoding="utf-8") as fh:
            fh.write(f"{operation}\t{status}\n")


# -- the runner ---------------------------------------------------------------------------------


def summarise(junit: Path, log: Path, examples: int, seconds: float) -> str:
    """The markdown report: pytest's verdict (JUnit XML) and the statuses seen per operation."""
    failures: list[str] = []
    tests = 0
    for case in ET.parse(junit).iter("testcase"):  # noqa: S314 - pytest's own file, written just now
        tests += 1
        node = case.find("failure")
        if node is None:
            node = case.find("error")
        if node is not None:
            text = (node.get("message") or node.text or "").strip()
            failures.append(" ".join(text.splitlines()[:4])[:400])
    seen: dict[str, Counter[str]] = {}
    if log.exists():
        for line in log.read_text("utf-8").splitlines():
            operation, status = line.rsplit("\t", 1)
            seen.setdefault(operation, Counter())[status] += 1
    lines = [
        "# schemathesis: the whole OpenAPI document",
        "",
        f"Generated by `benchmarks/schemathesis_run.py` (schemathesis, up to {examples} examples per "
        f"operation, derandomized; {seconds:.0f} s). Checks on every response: `not_a_server_error` and "
        "`response_schema_conformance`. Every request carries a valid key of the role its route needs "
        "(a key the fuzzer revoked is replaced), so requests reach the handlers.",
        "",
        f"**{tests - len(failures)} of {tests} operations pass; {len(failures)} fail; "
        f"{sum(sum(c.values()) for c in seen.values())} requests.**",
        "",
        "| operation | requests | statuses seen |",
        "|---|---:|---|",
    ]
    for operation in sorted(seen):
        counts = seen[operation]
        statuses = ", ".join(f"{k}: {v}" for k, v in sorted(counts.items()))
        lines.append(f"| `{operation}` | {sum(counts.values())} | {statuses} |")
    if failures:
        lines += ["", "## Failures", "", *[f"- {f}" for f in failures]]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--examples", type=int, default=40)
    parser.add_argument(
        "--report", default=str(Path(__file__).resolve().parents[1] / "reports" / "schemathesis.md")
    )
    parser.add_argument("--no-report", action="store_true")
    args = parser.parse_args()
    try:
        import schemathesis  # noqa: F401
    except ImportError:
        print("schemathesis_run: SKIPPED: schemathesis is not installed (.venv/bin/pip install schemathesis)")
        return 0
    import pytest

    with tempfile.TemporaryDirectory(prefix="tipguard-schemathesis-") as tmp:
        os.environ["TIPGUARD_SCHEMATHESIS_DB"] = f"sqlite:///{Path(tmp) / 'fuzz.db'}"
        os.environ["TIPGUARD_SCHEMATHESIS_EXAMPLES"] = str(args.examples)
        junit = Path(tmp) / "junit.xml"
        log = Path(tmp) / "statuses.tsv"
        os.environ["TIPGUARD_SCHEMATHESIS_LOG"] = str(log)
        start = time.perf_counter()
        code = pytest.main(
            [
                __file__,
                "-q",
                "-p",
                "no:cacheprovider",
                f"--junitxml={junit}",
                "-W",
                "ignore::DeprecationWarning",
                "-W",
                "ignore::UserWarning",
                "--tb=short",
            ]
        )
        seconds = time.perf_counter() - start
        report = summarise(junit, log, args.examples, seconds)
    print(report)
    if not args.no_report:
        Path(args.report).write_text(report, "utf-8")
    return int(code)


if __name__ == "__main__":
    sys.exit(main())
