"""Two writer processes and one reader hammer the case store; then every row is accounted for.

Each writer enqueues review items with unique ids (and opens a case every 20th write) as fast
as it can; the reader lists the queue, reads the newest item and lists cases. Afterwards the
script checks that every acknowledged item is in the database exactly once (no lost, no
duplicated rows) and counts the lock errors ("database is locked", deadlocks, serialization
failures) that reached a caller: the store retries those itself, so the count should be 0.

    python benchmarks/store_concurrency.py                       # SQLite file, 60 s
    python benchmarks/store_concurrency.py --database-url postgresql+psycopg://postgres@127.0.0.1/test

Results go to ``reports/store-concurrency.{md,json}``, one section per backend (a run replaces
the earlier section of its backend). On PostgreSQL the run uses a fresh schema, dropped after.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import REPORTS, stamp, write_report

NAME = "store-concurrency"
LOCK_WORDS = ("locked", "busy", "deadlock", "serializ")


def _verdict(item_id: str) -> dict[str, Any]:
    return {
        "schema_version": "1.0",
        "id": item_id,
        "kind": "message",
        "language": "en",
        "language_confidence": 0.9,
        "risk": 0.9,
        "level": "high",
        "calibrated": True,
        "findings": [
            {"indicator": "REC_LURE", "score": 0.9, "spans": [[0, 4]], "detector": "bench@1", "reason": "r"}
        ],
        "error": None,
    }


def _is_lock_error(exc: BaseException) -> bool:
    text = f"{type(exc).__name__} {exc}".lower()
    return any(word in text for word in LOCK_WORDS)


def writer(url: str, tag: str, n: int, seconds: float, out: Any) -> None:
    """Enqueue items ``{tag}-w{n}-{i}`` until the deadline; report what was acknowledged."""
    from tipguard.store import Actor, CaseFields, QueueEntry, Store

    store = Store(url)
    me = Actor(f"bench-writer-{n}")
    acked: list[str] = []
    lock_errors = other_errors = cases = 0
    latencies: list[float] = []
    deadline = time.monotonic() + seconds
    i = 0
    while time.monotonic() < deadline:
        item_id = f"{tag}-w{n}-{i}"
        i += 1
        start = time.perf_counter()
        try:
            store.enqueue(me, [QueueEntry(_verdict(item_id), "synthetic benchmark text")])
            acked.append(item_id)
            if i % 20 == 0:
                store.create_case(me, CaseFields(title=f"bench {item_id}"))
                cases += 1
        except Exception as exc:  # counted, never hidden
            if _is_lock_error(exc):
                lock_errors += 1
            else:
                other_errors += 1
        latencies.append(time.perf_counter() - start)
    store.close()
    out.put(
        {
            "role": f"writer-{n}",
            "acked": acked,
            "cases": cases,
            "lock_errors": lock_errors,
            "other_errors": other_errors,
            "latencies": latencies,
        }
    )


def reader(url: str, seconds: float, out: Any) -> None:
    """List the queue, read the newest item and list cases until the deadline."""
    from tipguard.store import Actor, Store

    store = Store(url)
    me = Actor("bench-reader")
    reads = lock_errors = other_errors = 0
    latencies: list[float] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        start = time.perf_counter()
        try:
            page = store.list_review(me, limit=50)
            if page.items:
                store.get_review(me, page.items[0].id)
            store.list_cases(me, limit=20)
            reads += 1
        except Exception as exc:
            if _is_lock_error(exc):
                lock_errors += 1
            else:
                other_errors += 1
        latencies.append(time.perf_counter() - start)
    store.close()
    out.put(
        {
            "role": "reader",
            "reads": reads,
            "lock_errors": lock_errors,
            "other_errors": other_errors,
            "latencies": latencies,
        }
    )


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _prepare(url: str | None, tag: str) -> tuple[str, str, Any]:
    """The URL to hammer, its backend name, and a clean-up callable."""
    from sqlalchemy import create_engine, make_url, text

    from tipguard.store.engine import resolve_url

    if url is None:
        folder = Path(tempfile.mkdtemp(prefix="tipguard-bench-"))
        return f"sqlite:///{folder / 'bench.db'}", "sqlite", lambda: None
    resolved = resolve_url(url)
    if not resolved.startswith("postgresql"):
        return resolved, make_url(resolved).get_backend_name(), lambda: None
    schema = f"tg_bench_{tag}"
    engine = create_engine(resolved)
    with engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))

    def drop() -> None:
        with engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()

    scoped = make_url(resolved).update_query_dict({"options": f"-csearch_path={schema}"})
    return scoped.render_as_string(hide_password=False), "postgresql", drop


def run(url: str | None, seconds: float) -> dict[str, Any]:
    """Run the hammer and verify the rows; returns the section for the report."""
    from sqlalchemy import func, select

    from tipguard.store import Store
    from tipguard.store.models import ReviewItem

    tag = uuid.uuid4().hex[:8]
    target, backend, cleanup = _prepare(url, tag)
    try:
        Store(target).close()  # migrate once before the workers start
        ctx = mp.get_context("spawn")
        out = ctx.Queue()
        procs = [ctx.Process(target=writer, args=(target, tag, n, seconds, out)) for n in (1, 2)]
        procs.append(ctx.Process(target=reader, args=(target, seconds, out)))
        started = time.monotonic()
        for p in procs:
            p.start()
        results = [out.get(timeout=seconds + 120) for _ in procs]
        for p in procs:
            p.join()
        elapsed = time.monotonic() - started
        store = Store(target)
        with store.engine.connect() as conn:
            rows = conn.execute(
                select(ReviewItem.item_id, func.count())
                .where(ReviewItem.item_id.like(f"{tag}-%"))
                .group_by(ReviewItem.item_id)
            ).all()
        store.close()
    finally:
        cleanup()
    counts = {item_id: count for item_id, count in rows}
    writers = [r for r in results if r["role"].startswith("writer")]
    read = next(r for r in results if r["role"] == "reader")
    acked = [i for w in writers for i in w["acked"]]
    lost = [i for i in acked if i not in counts]
    duplicated = [i for i, c in counts.items() if c > 1]
    unacked_present = sorted(set(counts) - set(acked))
    write_lat = [x for w in writers for x in w["latencies"]]
    return {
        "backend": backend,
        "seconds": seconds,
        "wall_seconds": round(elapsed, 1),
        "writes_acknowledged": len(acked),
        "writes_per_second": round(len(acked) / seconds, 1),
        "cases_created": sum(w["cases"] for w in writers),
        "reads": read["reads"],
        "reads_per_second": round(read["reads"] / seconds, 1),
        "rows_found": sum(counts.values()),
        "lost_rows": len(lost),
        "duplicated_rows": len(duplicated),
        "rows_without_acknowledgement": len(unacked_present),
        "lock_errors_seen_by_clients": sum(r["lock_errors"] for r in results),
        "other_errors_seen_by_clients": sum(r["other_errors"] for r in results),
        "write_latency_ms": {
            "p50": round(_percentile(write_lat, 0.5) * 1000, 2),
            "p99": round(_percentile(write_lat, 0.99) * 1000, 2),
            "max": round(max(write_lat, default=0.0) * 1000, 2),
        },
        "read_latency_ms": {
            "p50": round(_percentile(read["latencies"], 0.5) * 1000, 2),
            "p99": round(_percentile(read["latencies"], 0.99) * 1000, 2),
        },
    }


def _markdown(data: dict[str, Any]) -> str:
    lines = [
        "# Store concurrency: two writers and a reader",
        "",
        "Two writer processes enqueue review items (one `Store.enqueue` transaction each, with its audit",
        "row; every 20th write also opens a case) while a reader lists the queue, reads the newest item",
        "and lists cases (each read appends an audit row, so the reader writes too). Afterwards every",
        "acknowledged item must be in the database exactly once.",
        "",
        "Re-run: `python benchmarks/store_concurrency.py [--seconds 60] [--database-url URL]`.",
        "",
        "| | " + " | ".join(data["runs"]) + " |",
        "|---|" + "---|" * len(data["runs"]),
    ]
    keys = [
        ("seconds", "duration (s)"),
        ("writes_acknowledged", "writes acknowledged"),
        ("writes_per_second", "writes/s (both writers)"),
        ("reads_per_second", "read rounds/s"),
        ("lost_rows", "**lost rows**"),
        ("duplicated_rows", "**duplicated rows**"),
        ("lock_errors_seen_by_clients", "**lock errors reaching a client**"),
        ("other_errors_seen_by_clients", "other errors reaching a client"),
        ("rows_without_acknowledgement", "rows written but not acknowledged"),
    ]
    for key, label in keys:
        lines.append(f"| {label} | " + " | ".join(str(r[key]) for r in data["runs"].values()) + " |")
    for kind in ("write_latency_ms", "read_latency_ms"):
        for q in ("p50", "p99"):
            values = " | ".join(str(r[kind][q]) for r in data["runs"].values())
            lines.append(f"| {kind.split('_')[0]} latency {q} (ms) | {values} |")
    lines += ["", "Machine and version: " + ", ".join(f"{k} {v}" for k, v in data["stamp"].items()), ""]
    return "\n".join(lines)


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--database-url", default=None, help="default: a fresh SQLite file")
    args = parser.parse_args()
    section = run(args.database_url, args.seconds)
    path = REPORTS / f"{NAME}.json"
    data: dict[str, Any] = {"runs": {}}
    if path.exists():
        data = json.loads(path.read_text("utf-8"))
    data["runs"][section["backend"]] = section
    data["stamp"] = stamp()
    write_report(NAME, data, _markdown(data))
    print(json.dumps(section, indent=2))
    ok = not (section["lost_rows"] or section["duplicated_rows"] or section["lock_errors_seen_by_clients"])
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()
