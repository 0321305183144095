"""The store's tables as the code reads and writes them (SQLAlchemy Core, one definition for SQLite
and PostgreSQL). The migrations under ``migrations/versions`` create them; a test checks that the
database a full upgrade makes matches these definitions."""
from __future__ import annotations

from sqlalchemy import (Column, Float, ForeignKey, Index, Integer, MetaData, String, Table, Text, UniqueConstraint)

metadata = MetaData()

# Store-wide settings: the salt of anonymised exports, when the store was created.
settings = Table(
    "settings", metadata,
    Column("name", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

organisations = Table(
    "organisations", metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(400), nullable=False, unique=True),     # normalised name, the stable key
    Column("name", Text, nullable=False),                        # as the latest Profile wrote it
)

# Other keys of the same organisation: a client that renamed itself, or spelled itself another way.
organisation_aliases = Table(
    "organisation_aliases", metadata,
    Column("key", String(400), primary_key=True),
    Column("organisation_id", Integer, ForeignKey("organisations.id", ondelete="CASCADE"), nullable=False),
)

offices = Table(
    "offices", metadata,
    Column("id", Integer, primary_key=True),
    Column("organisation_id", Integer, ForeignKey("organisations.id", ondelete="CASCADE"), nullable=False),
    Column("key", String(400), nullable=False),                  # normalised PMO name
    Column("name", Text, nullable=False),
    UniqueConstraint("organisation_id", "key", name="uq_offices_organisation_key"),
)

assessments = Table(
    "assessments", metadata,
    Column("id", Integer, primary_key=True),
    Column("office_id", Integer, ForeignKey("offices.id", ondelete="CASCADE"), nullable=False),
    Column("digest", String(64), nullable=False, unique=True),   # of the workbooks' SHA-256s: one per set
    Column("assessed_on", String(10)),                           # the Profile's assessment date, ISO
    Column("saved_at", String(32), nullable=False),              # UTC, ISO 8601
    Column("bank_id", String(100), nullable=False),
    Column("bank_version", String(40), nullable=False),
    Column("bank_hash", String(64), nullable=False),
    Column("rulebase_fingerprint", String(64), nullable=False),
    Column("tool_version", String(40), nullable=False),
    Column("engine", String(20), nullable=False),
    Column("model", String(20)),                                 # the PMO type
    Column("tier", Integer),
    Column("overall_level", Integer),
    Column("overall_score", Float),
    Column("size", String(20)),
    Column("industry", Text),
    Column("employees", Integer),
    Column("report", Text, nullable=False),                      # the full JSON contract
)
Index("ix_assessments_office_date", assessments.c.office_id, assessments.c.assessed_on)

workbooks = Table(
    "workbooks", metadata,
    Column("assessment_id", Integer, ForeignKey("assessments.id", ondelete="CASCADE"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("sha256", String(64), nullable=False),
    Column("file", Text, nullable=False),
    Column("respondent", Text),
    Column("respondent_role", Text),
    Column("template_version", String(40)),
)

dimension_results = Table(
    "dimension_results", metadata,
    Column("assessment_id", Integer, ForeignKey("assessments.id", ondelete="CASCADE"), primary_key=True),
    Column("dimension", String(100), primary_key=True),
    Column("name", Text, nullable=False),
    Column("status", String(40), nullable=False),
    Column("level", Integer),
    Column("score", Float),
)

findings = Table(
    "findings", metadata,
    Column("assessment_id", Integer, ForeignKey("assessments.id", ondelete="CASCADE"), primary_key=True),
    Column("finding_id", String(400), primary_key=True),         # stable across runs (rule id + subject)
    Column("rule", String(100), nullable=False),
    Column("severity", String(20), nullable=False),
    Column("category", String(40), nullable=False),
    Column("subject", Text),
    Column("message", Text, nullable=False),
)

answers = Table(
    "answers", metadata,
    Column("assessment_id", Integer, ForeignKey("assessments.id", ondelete="CASCADE"), primary_key=True),
    Column("question", String(100), primary_key=True),
    Column("dimension", String(100), nullable=False),
    Column("status", String(40), nullable=False),
    Column("value", Float),
)

# Anonymised records imported from other stores (benchmark import): no names, no free text.
peer_records = Table(
    "peer_records", metadata,
    Column("id", Integer, primary_key=True),
    Column("organisation", String(64), nullable=False),          # salted hash from the exporting store
    Column("source", String(64), nullable=False),                # the exporting store's id
    Column("assessed_on", String(7)),                            # year and month only
    Column("model", String(20)),
    Column("tier", Integer),
    Column("size", String(20)),
    Column("industry", String(60)),                              # a band
    Column("employees", String(20)),                             # a band
    Column("overall_level", Integer),
    Column("dimensions", Text, nullable=False),                  # JSON {id: {level, score}}
    UniqueConstraint("source", "organisation", "assessed_on", name="uq_peer_records"),
)
