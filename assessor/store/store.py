"""The store's operations: save an assessment, list offices and their history, fetch one.

Every write is one transaction: a save either lands whole or not at all, and saving the same set of
workbooks again finds the assessment already there (its digest is unique), whichever process got
there first.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError, OperationalError

from assessor.store import tables as t
from assessor.store.database import StoreError, connect, default_url, shown_url
from assessor.store.keys import name_key
from assessor.store.records import Record, record_of

ATTEMPTS = 5  # a unique key taken by another process in the meantime: look again


@dataclass(frozen=True)
class Saved:
    id: int
    status: str        # "saved", "already stored" or "updated" (same workbooks, another rule base or bank)
    office: str


@dataclass(frozen=True)
class Office:
    id: int
    organisation: str
    name: str
    assessments: int
    latest: str | None


class Store:
    """The store at ``url``: made there when missing, unless ``create`` is False (then a URL that holds
    no store is refused, and nothing is made)."""

    def __init__(self, url: str | None = None, notice=None, create: bool = True):
        self.url = url or default_url()
        self.engine = connect(self.url, notice, create)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _write(self):
        return self.engine.connect().execution_options(store_write=True)

    def _in_write(self, work):
        """``work(connection)`` in one write transaction; run again when another process took a unique
        key (an office, an assessment) in the meantime, so the second run finds it."""
        for attempt in range(ATTEMPTS):
            try:
                with self._write() as connection, connection.begin():
                    return work(connection)
            except IntegrityError:
                if attempt == ATTEMPTS - 1:
                    raise
        raise AssertionError("unreachable")

    # -- saving ------------------------------------------------------------------------------------

    def save(self, assessment) -> Saved:
        return self.save_record(record_of(assessment))

    def save_record(self, record: Record) -> Saved:
        try:
            return self._in_write(lambda connection: self._save(connection, record))
        except OperationalError as exc:
            raise StoreError(f"{shown_url(self.url)}: cannot save the assessment: {exc.orig}") from None

    def _save(self, connection, record: Record) -> Saved:
        office_id = self._office(connection, record)
        office = f"{record.organisation} / {record.office}"
        existing = connection.execute(select(t.assessments.c.id, t.assessments.c.rulebase_fingerprint,
                                             t.assessments.c.bank_hash, t.assessments.c.tool_version)
                                      .where(t.assessments.c.digest == record.digest)).first()
        row = dict(record.assessment, office_id=office_id, saved_at=_now())
        if existing is not None:
            same = (existing.rulebase_fingerprint, existing.bank_hash, existing.tool_version) == \
                (row["rulebase_fingerprint"], row["bank_hash"], row["tool_version"])
            if same:
                return Saved(existing.id, "already stored", office)
            # The same workbooks assessed again by another rule base, bank or tool: one assessment,
            # its results brought up to date.
            assessment_id = existing.id
            connection.execute(update(t.assessments).where(t.assessments.c.id == assessment_id).values(**row))
            for table in (t.workbooks, t.dimension_results, t.findings, t.answers):
                connection.execute(delete(table).where(table.c.assessment_id == assessment_id))
            status = "updated"
        else:
            assessment_id = connection.execute(insert(t.assessments).values(digest=record.digest, **row)
                                               .returning(t.assessments.c.id)).scalar_one()
            status = "saved"
        for table, rows in ((t.workbooks, record.workbooks), (t.dimension_results, record.dimensions),
                            (t.findings, record.findings), (t.answers, record.answers)):
            if rows:
                connection.execute(insert(table), [dict(r, assessment_id=assessment_id) for r in rows])
        return Saved(assessment_id, status, office)

    def _office(self, connection, record: Record) -> int:
        """The stored office of a record, made when new. A name shows as the latest assessment spells it
        (the earliest spelling among those of that date): whatever order the saves came in, as a batch's
        workers save in the order they finish."""
        a, o, g = t.assessments, t.offices, t.organisations
        date = record.assessment.get("assessed_on") or ""
        organisation_id = self._organisation_id(connection, record.organisation_key)
        if organisation_id is None:
            organisation_id = connection.execute(insert(g).values(
                key=record.organisation_key, name=record.organisation).returning(g.c.id)).scalar_one()
        else:
            # Saves of one organisation one at a time (PostgreSQL waits here; SQLite's writes are serial
            # anyway): two workers reading the same latest date would otherwise both think they are later.
            connection.execute(select(g.c.id).where(g.c.id == organisation_id).with_for_update())
            name, latest = connection.execute(
                select(g.c.name, func.max(a.c.assessed_on)).select_from(g)
                .outerjoin(o, o.c.organisation_id == g.c.id).outerjoin(a, a.c.office_id == o.c.id)
                .where(g.c.id == organisation_id).group_by(g.c.name)).one()
            if _shown_instead(date, record.organisation, latest, name):
                connection.execute(update(g).where(g.c.id == organisation_id).values(name=record.organisation))
        found = connection.execute(
            select(o.c.id, o.c.name, func.max(a.c.assessed_on)).select_from(o).outerjoin(a, a.c.office_id == o.c.id)
            .where(o.c.organisation_id == organisation_id, o.c.key == record.office_key)
            .group_by(o.c.id, o.c.name)).first()
        if found is None:
            return connection.execute(insert(o).values(
                organisation_id=organisation_id, key=record.office_key, name=record.office)
                .returning(o.c.id)).scalar_one()
        if _shown_instead(date, record.office, found[2], found.name):
            connection.execute(update(o).where(o.c.id == found.id).values(name=record.office))
        return found.id

    @staticmethod
    def _organisation_id(connection, key: str) -> int | None:
        found = connection.execute(select(t.organisations.c.id).where(t.organisations.c.key == key)).scalar()
        if found is None:
            found = connection.execute(select(t.organisation_aliases.c.organisation_id)
                                       .where(t.organisation_aliases.c.key == key)).scalar()
        return found

    def add_alias(self, name: str, of: str) -> str:
        """Workbooks naming the organisation ``name`` belong to the stored organisation ``of``."""
        with self._write() as connection, connection.begin():
            target = self._organisation_id(connection, name_key(of))
            if target is None:
                raise StoreError(f"no stored organisation {of!r}: `pmo-assess history` lists them")
            if self._organisation_id(connection, name_key(name)) is not None:
                raise StoreError(f"{name!r} is already a stored organisation or alias")
            connection.execute(insert(t.organisation_aliases).values(key=name_key(name), organisation_id=target))
            return connection.execute(select(t.organisations.c.name).where(t.organisations.c.id == target)).scalar()

    # -- reading -----------------------------------------------------------------------------------

    def offices(self) -> list[Office]:
        a, o, g = t.assessments, t.offices, t.organisations
        query = (select(o.c.id, g.c.name.label("organisation"), o.c.name, func.count(a.c.id), func.max(a.c.assessed_on))
                 .join(g, g.c.id == o.c.organisation_id).join(a, a.c.office_id == o.c.id)
                 .group_by(o.c.id, g.c.name, o.c.name).order_by(g.c.name, o.c.name, o.c.id))
        with self.engine.connect() as connection:
            return [Office(*row) for row in connection.execute(query)]

    def find_offices(self, organisation: str) -> list[Office]:
        """The offices of an organisation named by its name, an alias, or ``organisation / office``.

        A name may hold a slash itself ("Smith/Jones LLP"): the whole text is tried as a name first, then
        each slash as the one between organisation and office."""
        text = str(organisation)
        splits = [(text, "")] + [(text[:i], text[i + 1:]) for i, ch in enumerate(text) if ch == "/"]
        for org, office in splits:
            found = self._offices_of(org, office)
            if found:
                return found
        return []

    def _offices_of(self, org: str, office: str) -> list[Office]:
        with self.engine.connect() as connection:
            organisation_id = self._organisation_id(connection, name_key(org))
            if organisation_id is None:
                return []
            keys = {row.id: row.key for row in connection.execute(
                select(t.offices.c.id, t.offices.c.key).where(t.offices.c.organisation_id == organisation_id))}
        wanted = name_key(office) if office.strip() else None
        return [o for o in self.offices() if o.id in keys and (wanted is None or keys[o.id] == wanted)]

    def assessments_of(self, office_id: int) -> list[dict]:
        """One office's assessments, oldest first: date, type, tier, overall and each dimension's level."""
        a = t.assessments
        with self.engine.connect() as connection:
            rows = connection.execute(select(a.c.id, a.c.assessed_on, a.c.model, a.c.tier, a.c.overall_level,
                                             a.c.overall_score, a.c.bank_version, a.c.rulebase_fingerprint)
                                      .where(a.c.office_id == office_id).order_by(a.c.assessed_on, a.c.id)).all()
            levels = _levels(connection, [r.id for r in rows])
        return [{"id": r.id, "date": r.assessed_on, "model": r.model, "tier": r.tier, "overall": r.overall_level,
                 "score": r.overall_score, "bank_version": r.bank_version, "rulebase": r.rulebase_fingerprint,
                 "dimensions": levels.get(r.id, {})} for r in rows]

    def report(self, assessment_id: int) -> dict:
        """The full JSON report of a stored assessment."""
        if not 0 < assessment_id < 2 ** 63:  # no row has it, and the database could not even compare it
            raise _no_assessment(assessment_id)
        with self.engine.connect() as connection:
            text = connection.execute(select(t.assessments.c.report).where(t.assessments.c.id == assessment_id)).scalar()
        if text is None:
            raise _no_assessment(assessment_id)
        return json.loads(text)

    def identity(self, assessment_id: int) -> tuple[int, str]:
        """A stored assessment's office id and the digest of its set of workbooks."""
        a = t.assessments
        with self.engine.connect() as connection:
            row = connection.execute(select(a.c.office_id, a.c.digest).where(a.c.id == assessment_id)).first()
        if row is None:
            raise _no_assessment(assessment_id)
        return row.office_id, row.digest

    def office_id(self, organisation, pmo_name) -> int | None:
        """The stored office of an organisation (by its name or an alias) and a PMO name, if there is one."""
        with self.engine.connect() as connection:
            organisation_id = self._organisation_id(connection, name_key(organisation))
            if organisation_id is None:
                return None
            return connection.execute(select(t.offices.c.id).where(
                t.offices.c.organisation_id == organisation_id,
                t.offices.c.key == name_key(pmo_name or "PMO"))).scalar()

    def count(self) -> int:
        with self.engine.connect() as connection:
            return connection.execute(select(func.count()).select_from(t.assessments)).scalar_one()


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


# -- benchmarks ------------------------------------------------------------------------------------

EXPORT_FORMAT, EXPORT_VERSION = "pmo-assess-benchmark", 1


def _latest_per_office(store: Store) -> list[dict]:
    """The latest assessment of every stored office, as a benchmark profile (bands, not names)."""
    from assessor.benchmark import employees_band, industry_band

    a, o, g = t.assessments, t.offices, t.organisations
    with store.engine.connect() as connection:
        rows = connection.execute(
            select(a.c.id, a.c.office_id, a.c.assessed_on, a.c.model, a.c.tier, a.c.size, a.c.industry,
                   a.c.employees, a.c.overall_level, g.c.name.label("organisation"), g.c.key.label("org_key"),
                   o.c.name.label("pmo_name"))
            .join(o, o.c.id == a.c.office_id).join(g, g.c.id == o.c.organisation_id)
            .order_by(a.c.office_id, a.c.assessed_on, a.c.id)).all()
        latest = {}
        for r in rows:
            latest[r.office_id] = r
        levels = _levels(connection, [r.id for r in latest.values()])
    return [{"office_id": r.office_id, "assessment_id": r.id, "organisation": r.organisation, "org_key": r.org_key,
             "pmo_name": r.pmo_name, "assessment_date": r.assessed_on, "model": r.model, "tier": r.tier,
             "size": r.size, "industry": industry_band(r.industry), "employees": employees_band(r.employees),
             "overall_level": r.overall_level, "dimensions": levels.get(r.id, {})}
            for r in sorted(latest.values(), key=lambda r: r.office_id)]


def _levels(connection, assessment_ids: list[int]) -> dict[int, dict]:
    """Each assessment's dimensions: {assessment id: {dimension: {name, level, score}}}, dimensions in id order."""
    d = t.dimension_results
    levels: dict[int, dict] = {}
    for r in connection.execute(select(d.c.assessment_id, d.c.dimension, d.c.name, d.c.level, d.c.score)
                                .where(d.c.assessment_id.in_(assessment_ids))
                                .order_by(d.c.assessment_id, d.c.dimension)):
        levels.setdefault(r.assessment_id, {})[r.dimension] = {"name": r.name, "level": r.level, "score": r.score}
    return levels


def _shown_instead(date: str, spelling: str, latest: str | None, shown: str) -> bool:
    """Whether a new assessment's spelling of a name replaces the one shown: a later assessment date wins,
    and at one date the spelling that sorts first (so the outcome does not depend on the save order)."""
    latest = latest or ""
    return date > latest or (date == latest and spelling < shown)


def _setting(connection, name: str, make) -> str:
    value = connection.execute(select(t.settings.c.value).where(t.settings.c.name == name)).scalar()
    if value is None:
        value = make()
        connection.execute(insert(t.settings).values(name=name, value=value))
    return value


def _store_identity(store: Store) -> tuple[str, str]:
    """This store's id and export salt, made once (random) and kept."""
    import secrets

    return store._in_write(lambda connection: (_setting(connection, "store_id", lambda: secrets.token_hex(8)),
                                                _setting(connection, "export_salt",
                                                         lambda: secrets.token_hex(32))))


def profiles(store: Store) -> list[dict]:
    """Every office a benchmark can compare with: the latest stored assessment of each local office,
    and the latest imported record of each peer organisation."""
    local = _latest_per_office(store)
    latest: dict = {}
    with store.engine.connect() as connection:
        for r in connection.execute(select(t.peer_records).order_by(t.peer_records.c.assessed_on,
                                                                    t.peer_records.c.id)):
            latest[(r.source, r.organisation)] = r
    imported = [{"office_id": None, "organisation": None, "model": r.model, "tier": r.tier, "size": r.size,
                 "industry": r.industry, "employees": r.employees, "overall_level": r.overall_level,
                 "assessment_date": r.assessed_on, "dimensions": json.loads(r.dimensions)}
                for r in latest.values()]
    return local + imported


def export_benchmark(store: Store) -> dict:
    """Anonymised records of every stored office's latest assessment: no names, no free text, the
    organisation a salted hash (the same across this store's exports, unknown to anyone without its
    salt), industry and head count in bands, the date to the month."""
    import hashlib
    import hmac

    store_id, salt = _store_identity(store)
    records = []
    for p in _latest_per_office(store):
        records.append({
            "organisation": hmac.new(salt.encode(), p["org_key"].encode("utf-8"), hashlib.sha256).hexdigest()[:32],
            "assessed_on": (p["assessment_date"] or "")[:7] or None,
            "model": p["model"], "tier": p["tier"], "size": p["size"], "industry": p["industry"],
            "employees": p["employees"], "overall_level": p["overall_level"],
            "dimensions": {k: {"level": p["dimensions"][k]["level"], "score": p["dimensions"][k]["score"]}
                           for k in sorted(p["dimensions"])},
        })
    records.sort(key=lambda r: (r["organisation"], r["assessed_on"] or ""))
    return {"format": EXPORT_FORMAT, "version": EXPORT_VERSION, "source": store_id, "records": records}


def import_benchmark(store: Store, document, file: str) -> tuple[int, int]:
    """Add another store's anonymised records; (added, already there). Anything else is refused whole."""
    from assessor.store.exchange import validate

    return add_peer_records(store, *validate(document, file), file)


def add_peer_records(store: Store, records: list[dict], source: str, file: str) -> tuple[int, int]:
    """Add records ``exchange.validate`` has passed; (added, already there)."""
    own, _ = _store_identity(store)
    if source == own:
        raise StoreError(f"{file}: these records were exported from this store; they are already here")
    added = skipped = 0
    with store._write() as connection, connection.begin():
        for r in records:
            exists = connection.execute(select(t.peer_records.c.id).where(
                t.peer_records.c.source == source, t.peer_records.c.organisation == r["organisation"],
                t.peer_records.c.assessed_on == r["assessed_on"])).scalar()
            if exists is not None:
                skipped += 1
                continue
            connection.execute(insert(t.peer_records).values(
                organisation=r["organisation"], source=source, assessed_on=r["assessed_on"], model=r["model"],
                tier=r["tier"], size=r["size"], industry=r["industry"], employees=r["employees"],
                overall_level=r["overall_level"], dimensions=json.dumps(r["dimensions"], sort_keys=True)))
            added += 1
    return added, skipped


def _no_assessment(assessment_id: int) -> StoreError:
    return StoreError(f"no stored assessment {assessment_id}: `pmo-assess history ORG` lists them with their ids")

