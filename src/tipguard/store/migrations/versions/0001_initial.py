"""The first case store: keys, audit log, review queue, decisions, cases, persons, AI use.

Revision ID: 0001
Revises:
Create Date: 2025-01-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None

_TS = sa.DateTime(timezone=True)

_PG_APPEND_ONLY = """
CREATE OR REPLACE FUNCTION tipguard_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$ LANGUAGE plpgsql
"""


def upgrade() -> None:
    """Create every table, and triggers that refuse UPDATE and DELETE on the audit log."""
    op.create_table(
        "api_keys",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("prefix", sa.String(16), nullable=False, unique=True),
        sa.Column("key_hash", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("roles", sa.String(200), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("revoked_at", _TS, nullable=True),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("at", _TS, nullable=False),
        sa.Column("key_id", sa.Integer(), sa.ForeignKey("api_keys.id"), nullable=True),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("target", sa.String(200), nullable=False),
        sa.Column("client", sa.String(100), nullable=True),
        sa.Column("outcome", sa.String(32), nullable=False),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    op.create_table(
        "cases",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("cas_status", sa.String(32), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("vic_method_of_recruitment", sa.JSON(), nullable=False),
        sa.Column("vic_methods_of_control", sa.JSON(), nullable=False),
        sa.Column("vic_type_of_exploitation", sa.JSON(), nullable=False),
        sa.Column("vic_type_of_labour_exploitation", sa.JSON(), nullable=False),
        sa.Column("vic_type_of_sex_exploitation", sa.JSON(), nullable=False),
        sa.Column("vic_recruitment_websites_and_apps", sa.JSON(), nullable=False),
        sa.Column("vic_exploitation_websites_and_apps", sa.JSON(), nullable=False),
        sa.Column("hte_recruitment_country", sa.String(2), nullable=True),
        sa.Column("hte_exploitation_country", sa.String(2), nullable=True),
        sa.Column("cas_opened_at", _TS, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
    )
    op.create_index("ix_cases_cas_status", "cases", ["cas_status"])
    op.create_table(
        "case_persons",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("pseudonym", sa.String(32), nullable=False, unique=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("prs_gender", sa.String(32), nullable=False),
        sa.Column("prs_nationality", sa.String(2), nullable=True),
        sa.Column("per_role_in_process", sa.JSON(), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
    )
    op.create_index("ix_case_persons_case_id", "case_persons", ["case_id"])
    op.create_table(
        "review_items",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("item_id", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("messages", sa.JSON(), nullable=True),
        sa.Column("verdict", sa.JSON(), nullable=False),
        sa.Column("level", sa.String(16), nullable=False),
        sa.Column("risk", sa.Float(), nullable=False),
        sa.Column("language", sa.String(16), nullable=False),
        sa.Column("indicators", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("decided_by", sa.String(200), nullable=True),
        sa.Column("decided_at", _TS, nullable=True),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id"), nullable=True),
        sa.Column("source_key_id", sa.Integer(), sa.ForeignKey("api_keys.id"), nullable=True),
        sa.Column("created_at", _TS, nullable=False),
    )
    op.create_index("ix_review_items_item_id", "review_items", ["item_id"])
    op.create_index("ix_review_items_status", "review_items", ["status"])
    op.create_index("ix_review_items_case_id", "review_items", ["case_id"])
    op.create_table(
        "ai_use_records",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("aiu_capability", sa.String(32), nullable=False),
        sa.Column("aiu_evidence", sa.Text(), nullable=False),
        sa.Column("aiu_confidence", sa.String(16), nullable=False),
        sa.Column("aiu_platform", sa.String(64), nullable=True),
        sa.Column("aiu_language", sa.String(16), nullable=True),
        sa.Column("review_item_id", sa.Integer(), sa.ForeignKey("review_items.id"), nullable=True),
        sa.Column("recorded_by", sa.String(200), nullable=False),
        sa.Column("recorded_at", _TS, nullable=False),
    )
    op.create_index("ix_ai_use_records_case_id", "ai_use_records", ["case_id"])
    op.create_table(
        "decisions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("review_item_id", sa.Integer(), sa.ForeignKey("review_items.id"), nullable=False),
        sa.Column("decision", sa.String(16), nullable=False),
        sa.Column("label", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id"), nullable=True),
        sa.Column("level", sa.String(16), nullable=False),
        sa.Column("risk", sa.Float(), nullable=False),
        sa.Column("language", sa.String(16), nullable=False),
        sa.Column("indicators", sa.JSON(), nullable=False),
        sa.Column("decided_by", sa.String(200), nullable=False),
        sa.Column("decided_at", _TS, nullable=False),
    )
    op.create_index("ix_decisions_review_item_id", "decisions", ["review_item_id"])
    _append_only_audit()


def _append_only_audit() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(_PG_APPEND_ONLY)
        op.execute(
            "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
            "FOR EACH ROW EXECUTE FUNCTION tipguard_audit_append_only()"
        )
    elif dialect == "sqlite":
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_log_no_{event.lower()} BEFORE {event} ON audit_log "
                "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
            )


def downgrade() -> None:
    """Drop everything (development only: the audit log goes with it)."""
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS tipguard_audit_append_only()")
    for table in (
        "decisions",
        "ai_use_records",
        "review_items",
        "case_persons",
        "cases",
        "audit_log",
        "api_keys",
    ):
        op.drop_table(table)
