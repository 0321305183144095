"""Anonymised peer records imported from other stores (``benchmark import``).

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table("peer_records",
                    sa.Column("id", sa.Integer, primary_key=True),
                    sa.Column("organisation", sa.String(64), nullable=False),
                    sa.Column("source", sa.String(64), nullable=False),
                    sa.Column("assessed_on", sa.String(7)),
                    sa.Column("model", sa.String(20)),
                    sa.Column("tier", sa.Integer),
                    sa.Column("size", sa.String(20)),
                    sa.Column("industry", sa.String(60)),
                    sa.Column("employees", sa.String(20)),
                    sa.Column("overall_level", sa.Integer),
                    sa.Column("dimensions", sa.Text, nullable=False),
                    sa.UniqueConstraint("source", "organisation", "assessed_on", name="uq_peer_records"))


def downgrade():
    op.drop_table("peer_records")
