"""Evaluation helpers: data-set loaders and the canonical split (reports live in ``benchmarks/``)."""
