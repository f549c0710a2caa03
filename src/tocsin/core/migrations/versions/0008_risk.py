"""risk framework and assessments

The UN Framework of Analysis stored per version (factors, indicators, an organisation's own
indicators), analysts' assessments of a country or area on one version, their ratings, the
events, sources and evidence behind each rating, and the workflow history (append-only, as the
audit log).

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from tocsin.core.migrations import append_only

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "risk_framework_versions",
        sa.Column("version", sa.String(length=40), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("current", sa.Boolean(), nullable=False),
        sa.Column("loaded_at", _WHEN, nullable=False),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("version", name=op.f("pk_risk_framework_versions")),
    )
    op.create_table(
        "risk_factors",
        sa.Column("version", sa.String(length=40), nullable=False),
        sa.Column("code", sa.String(length=12), nullable=False),
        sa.Column("category", sa.String(length=30), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("names", sa.JSON(), nullable=False),
        sa.Column("descriptions", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["version"], ["risk_framework_versions.version"],
            name=op.f("fk_risk_factors_version_risk_framework_versions"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("version", "code", name=op.f("pk_risk_factors")),
    )
    op.create_table(
        "risk_indicators",
        sa.Column("version", sa.String(length=40), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("factor", sa.String(length=12), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("texts", sa.JSON(), nullable=False),
        sa.Column("local", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.String(length=36), nullable=True),
        sa.Column("created_at", _WHEN, nullable=False),
        sa.ForeignKeyConstraint(
            ["version", "factor"], ["risk_factors.version", "risk_factors.code"],
            name="fk_risk_indicators_factor_risk_factors", ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("version", "code", name=op.f("pk_risk_indicators")),
    )
    op.create_table(
        "risk_assessments",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("tlp", sa.SmallInteger(), nullable=False),
        sa.Column("created_at", _WHEN, nullable=False),
        sa.Column("updated_at", _WHEN, nullable=False),
        sa.Column("created_by", sa.String(length=36), nullable=True),
        sa.Column("updated_by", sa.String(length=36), nullable=True),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("admin_area", sa.String(length=200), nullable=True),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("framework_version", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("overall_level", sa.String(length=12), nullable=True),
        sa.Column("factor_levels", sa.JSON(), nullable=False),
        sa.Column("approved_by", sa.String(length=36), nullable=True),
        sa.Column("approved_at", _WHEN, nullable=True),
        sa.ForeignKeyConstraint(
            ["framework_version"], ["risk_framework_versions.version"],
            name=op.f("fk_risk_assessments_framework_version_risk_framework_versions"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_risk_assessments")),
    )
    with op.batch_alter_table("risk_assessments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_risk_assessments_created_by"), ["created_by"])
        batch_op.create_index(
            batch_op.f("ix_risk_assessments_framework_version"), ["framework_version"]
        )
        batch_op.create_index("ix_risk_assessments_place", ["country", "admin_area", "as_of"])
        batch_op.create_index(batch_op.f("ix_risk_assessments_status"), ["status"])
        batch_op.create_index(batch_op.f("ix_risk_assessments_tlp"), ["tlp"])
    op.create_table(
        "risk_ratings",
        sa.Column("assessment_id", sa.String(length=36), nullable=False),
        sa.Column("indicator", sa.String(length=20), nullable=False),
        sa.Column("rating", sa.String(length=12), nullable=False),
        sa.Column("confidence", sa.String(length=8), nullable=True),
        sa.Column("narrative", sa.Text(), nullable=False),
        sa.Column("groups", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessment_id"], ["risk_assessments.id"],
            name=op.f("fk_risk_ratings_assessment_id_risk_assessments"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("assessment_id", "indicator", name=op.f("pk_risk_ratings")),
    )
    op.create_table(
        "risk_assessment_links",
        sa.Column("assessment_id", sa.String(length=36), nullable=False),
        sa.Column("indicator", sa.String(length=20), nullable=False),
        sa.Column("target_type", sa.String(length=20), nullable=False),
        sa.Column("target_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessment_id"], ["risk_assessments.id"],
            name=op.f("fk_risk_assessment_links_assessment_id_risk_assessments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "assessment_id", "indicator", "target_type", "target_id",
            name=op.f("pk_risk_assessment_links"),
        ),
    )
    with op.batch_alter_table("risk_assessment_links", schema=None) as batch_op:
        batch_op.create_index("ix_risk_assessment_links_target", ["target_type", "target_id"])
    op.create_table(
        "risk_assessment_transitions",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("assessment_id", sa.String(length=36), nullable=False),
        sa.Column("from_status", sa.String(length=12), nullable=True),
        sa.Column("to_status", sa.String(length=12), nullable=False),
        sa.Column("by", sa.String(length=36), nullable=False),
        sa.Column("at", _WHEN, nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["assessment_id"], ["risk_assessments.id"],
            name=op.f("fk_risk_assessment_transitions_assessment_id_risk_assessments"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_risk_assessment_transitions")),
    )
    with op.batch_alter_table("risk_assessment_transitions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_risk_assessment_transitions_assessment_id"), ["assessment_id"]
        )
    _protect()


def downgrade() -> None:
    _unprotect()
    op.drop_table("risk_assessment_transitions")
    op.drop_table("risk_assessment_links")
    op.drop_table("risk_ratings")
    op.drop_table("risk_assessments")
    op.drop_table("risk_indicators")
    op.drop_table("risk_factors")
    op.drop_table("risk_framework_versions")


_TABLE = "risk_assessment_transitions"


def _protect() -> None:
    """Who submitted, approved or returned an assessment, and why, is never rewritten."""
    append_only.protect(_TABLE)


def _unprotect() -> None:
    append_only.unprotect(_TABLE)
