"""The first store: organisations, offices, assessments and their results.

Revision ID: 0001
Revises:
"""
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table("settings",
                    sa.Column("name", sa.String(64), primary_key=True),
                    sa.Column("value", sa.Text, nullable=False))
    op.create_table("organisations",
                    sa.Column("id", sa.Integer, primary_key=True),
                    sa.Column("key", sa.String(400), nullable=False, unique=True),
                    sa.Column("name", sa.Text, nullable=False))
    op.create_table("organisation_aliases",
                    sa.Column("key", sa.String(400), primary_key=True),
                    sa.Column("organisation_id", sa.Integer, sa.ForeignKey("organisations.id", ondelete="CASCADE"),
                              nullable=False))
    op.create_table("offices",
                    sa.Column("id", sa.Integer, primary_key=True),
                    sa.Column("organisation_id", sa.Integer, sa.ForeignKey("organisations.id", ondelete="CASCADE"),
                              nullable=False),
                    sa.Column("key", sa.String(400), nullable=False),
                    sa.Column("name", sa.Text, nullable=False),
                    sa.UniqueConstraint("organisation_id", "key", name="uq_offices_organisation_key"))
    op.create_table("assessments",
                    sa.Column("id", sa.Integer, primary_key=True),
                    sa.Column("office_id", sa.Integer, sa.ForeignKey("offices.id", ondelete="CASCADE"),
                              nullable=False),
                    sa.Column("digest", sa.String(64), nullable=False, unique=True),
                    sa.Column("assessed_on", sa.String(10)),
                    sa.Column("saved_at", sa.String(32), nullable=False),
                    sa.Column("bank_id", sa.String(100), nullable=False),
                    sa.Column("bank_version", sa.String(40), nullable=False),
                    sa.Column("bank_hash", sa.String(64), nullable=False),
                    sa.Column("rulebase_fingerprint", sa.String(64), nullable=False),
                    sa.Column("tool_version", sa.String(40), nullable=False),
                    sa.Column("engine", sa.String(20), nullable=False),
                    sa.Column("model", sa.String(20)),
                    sa.Column("tier", sa.Integer),
                    sa.Column("overall_level", sa.Integer),
                    sa.Column("overall_score", sa.Float),
                    sa.Column("size", sa.String(20)),
                    sa.Column("industry", sa.Text),
                    sa.Column("employees", sa.Integer),
                    sa.Column("report", sa.Text, nullable=False))
    op.create_index("ix_assessments_office_date", "assessments", ["office_id", "assessed_on"])
    op.create_table("workbooks",
                    sa.Column("assessment_id", sa.Integer, sa.ForeignKey("assessments.id", ondelete="CASCADE"),
                              primary_key=True),
                    sa.Column("position", sa.Integer, primary_key=True),
                    sa.Column("sha256", sa.String(64), nullable=False),
                    sa.Column("file", sa.Text, nullable=False),
                    sa.Column("respondent", sa.Text),
                    sa.Column("respondent_role", sa.Text),
                    sa.Column("template_version", sa.String(40)))
    op.create_table("dimension_results",
                    sa.Column("assessment_id", sa.Integer, sa.ForeignKey("assessments.id", ondelete="CASCADE"),
                              primary_key=True),
                    sa.Column("dimension", sa.String(100), primary_key=True),
                    sa.Column("name", sa.Text, nullable=False),
                    sa.Column("status", sa.String(40), nullable=False),
                    sa.Column("level", sa.Integer),
                    sa.Column("score", sa.Float))
    op.create_table("findings",
                    sa.Column("assessment_id", sa.Integer, sa.ForeignKey("assessments.id", ondelete="CASCADE"),
                              primary_key=True),
                    sa.Column("finding_id", sa.String(400), primary_key=True),
                    sa.Column("rule", sa.String(100), nullable=False),
                    sa.Column("severity", sa.String(20), nullable=False),
                    sa.Column("category", sa.String(40), nullable=False),
                    sa.Column("subject", sa.Text),
                    sa.Column("message", sa.Text, nullable=False))
    op.create_table("answers",
                    sa.Column("assessment_id", sa.Integer, sa.ForeignKey("assessments.id", ondelete="CASCADE"),
                              primary_key=True),
                    sa.Column("question", sa.String(100), primary_key=True),
                    sa.Column("dimension", sa.String(100), nullable=False),
                    sa.Column("status", sa.String(40), nullable=False),
                    sa.Column("value", sa.Float))


def downgrade():
    for table in ("answers", "findings", "dimension_results", "workbooks", "assessments", "offices",
                  "organisation_aliases", "organisations", "settings"):
        op.drop_table(table)
