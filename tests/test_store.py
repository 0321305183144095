"""The assessment store, on SQLite and on a throwaway PostgreSQL server (tests/postgres.py): saving (once per set of workbooks, whoever saves), history,
compare, benchmark with its anonymity floor, anonymised export and import, the schema's migrations,
and bad input (unknown id, empty store, corrupt file, unreachable server) as one line and exit 2."""
from __future__ import annotations

import datetime as dt
import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from assessor.api import Assessor
from assessor.questionnaire import layout as L
from assessor.store import Store
from assessor.store.database import revisions
from assessor.xlsx import openpyxl
from tests.cli_helpers import invoke, ok

REPO = Path(__file__).resolve().parent.parent
SAMPLES = sorted((REPO / "samples").glob("*.xlsx"))
CALIBRATION = sorted((REPO / "samples" / "calibration").glob("*.xlsx"))
MERIDIAN = REPO / "samples" / "meridian-bank.xlsx"


@pytest.fixture(scope="module")
def assessor():
    return Assessor()


BACKENDS = ["sqlite", "postgresql"]


def _url(request, folder: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{folder / 'store.db'}"
    return request.getfixturevalue("postgres").new_database()


@pytest.fixture(params=BACKENDS)
def db(request, tmp_path) -> str:
    """An empty store's URL: one per test, on each database."""
    return _url(request, tmp_path)


def _user_error(result, *phrases):
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    for phrase in phrases:
        assert phrase in result.output, result.output
    return result


def september(tmp_path, source=MERIDIAN, date=dt.date(2027, 5, 4), raise_by=1, name="september.xlsx") -> Path:
    """The same office six months on: a later date and the first ten answers one level higher."""
    wb = openpyxl().load_workbook(source)
    profile = wb[L.PROFILE]
    rows = {profile.cell(row=r, column=1).value: r for r in range(2, profile.max_row + 1)}
    profile.cell(row=rows["Assessment date"], column=2, value=date)
    questions = wb[L.QUESTIONS]
    changed = 0
    for row in range(2, questions.max_row + 1):
        cell = questions.cell(row=row, column=5)
        value = str(cell.value or "").split(" ")[0]
        if value.isdigit() and int(value) + raise_by <= 5 and changed < 10:
            cell.value = int(value) + raise_by
            changed += 1
    out = tmp_path / name
    wb.save(out)
    return out


# --- saving -------------------------------------------------------------------------------------------

def test_saving_the_same_workbooks_twice_stores_one_assessment(assessor, db):
    with Store(db) as store:
        first = store.save(assessor.assess([MERIDIAN]))
        again = store.save(assessor.assess([MERIDIAN]))
        assert (first.status, again.status, again.id) == ("saved", "already stored", first.id)
        assert store.count() == 1
        report = store.report(first.id)
    assert report["organisation"]["organisation"] == "Meridian Bank" and report["findings"]


def test_the_cli_saves_and_says_so(db):
    result = invoke("assess", MERIDIAN, "--save", "--db", db, "--format", "json")
    assert result.exit_code == 0, result.output
    assert "creating a new assessment store" in result.stderr and "saved: assessment 1 of Meridian Bank" in result.stderr
    result = invoke("assess", MERIDIAN, "--save", "--db", db, "--format", "json")
    assert "already stored: assessment 1" in result.stderr


def test_without_db_the_store_is_in_the_users_data_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert invoke("assess", MERIDIAN, "--save", "--format", "json").exit_code == 0
    assert (tmp_path / "data" / "pmo-assess" / "assessments.db").is_file()
    monkeypatch.setenv("PMO_ASSESS_DB", f"sqlite:///{tmp_path / 'team.db'}")
    assert invoke("assess", MERIDIAN, "--save", "--format", "json").exit_code == 0
    assert (tmp_path / "team.db").is_file()


SAVER = """
import sys
from assessor.api import Assessor
from assessor.store import Store
store = Store(sys.argv[1])
assessor = Assessor()
for path in sys.argv[2:]:
    store.save(assessor.assess([path]))
"""


def test_two_processes_saving_at_once_lose_nothing_and_duplicate_nothing(tmp_path, db):
    Store(db).close()  # created first: the race is about the saves
    files = [str(p) for p in SAMPLES + CALIBRATION]
    procs = [subprocess.Popen([sys.executable, "-c", SAVER, db, *order], cwd=REPO, stderr=subprocess.PIPE, text=True)
             for order in (files, list(reversed(files)))]
    for proc in procs:
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
    with Store(db) as store:
        assert store.count() == len(files)
        assert len(store.offices()) == len(files)


# --- history and compare ------------------------------------------------------------------------------

def test_march_and_september_give_a_history_and_a_delta(tmp_path, db):
    later = september(tmp_path)
    for path in (MERIDIAN, later):
        assert invoke("assess", path, "--save", "--db", db, "--format", "json").exit_code == 0
    result = invoke("history", "--db", db)
    assert result.exit_code == 0 and "Meridian Bank" in result.stdout and "Enterprise Portfolio Office" in result.stdout
    result = invoke("history", "--db", db, "meridian bank")   # any spelling of the name
    lines = result.stdout.splitlines()
    assert "2 assessment(s)" in lines[0]
    assert [line.split()[1] for line in lines[3:]] == ["2026-11-03", "2027-05-04"]
    compared = invoke("compare", "--db", db, "1", "2")
    assert compared.exit_code == 0, compared.output
    assert "2026-11-03 -> 2027-05-04" in compared.stdout and "findings:" in compared.stdout
    out = tmp_path / "delta.json"
    assert invoke("compare", "--db", db, "1", "2", "-o", out).exit_code == 0
    delta = json.loads(out.read_text())
    moved = [d for d in delta["dimensions"] if d["score"]["delta"]]
    assert moved and all(d["score"]["delta"] > 0 for d in moved)   # answers went up, scores too
    assert delta["compatibility"]["comparable"] is True


def test_compare_takes_workbook_sets_on_either_side(tmp_path):
    later = september(tmp_path)
    finance = REPO / "samples" / "more-respondents" / "meridian-bank-finance.xlsx"
    result = invoke("compare", MERIDIAN, finance, "--", later)
    assert result.exit_code == 0, result.output
    assert "Meridian Bank / Enterprise Portfolio Office: 2026-11-05 -> 2027-05-04" in result.stdout
    _user_error(invoke("compare", MERIDIAN, finance, later), "compare takes two sides")


def test_different_bank_versions_are_compared_by_question_id(tmp_path):
    workbook = REPO / "tests" / "fixtures" / "bank-1.0.0" / "meridian-bank.xlsx"   # the same office, on the old bank
    result = invoke("compare", workbook, "--", MERIDIAN, "-o", tmp_path / "c.json")
    assert result.exit_code == 0, result.output
    compat = json.loads((tmp_path / "c.json").read_text())["compatibility"]
    assert compat["comparable"] is False and compat["same_questionnaire"] is False
    assert "compared by question id" in compat["notes"][0]


# --- two offices, or one assessment twice ---------------------------------------------------------

NORTHWIND = REPO / "samples" / "northwind-energy.xlsx"
TIME_WORDS = ("new", "resolved", "persisting", "->", "before", "after")


def test_two_stored_offices_are_set_side_by_side_and_said_to_be_two(portfolio, tmp_path):
    """compare 3 4 (Meridian Bank, Northwind Energy) was headed by Northwind alone, its findings "new" and
    "resolved", and the JSON said comparable: true with no note."""
    result = invoke("compare", "--db", portfolio, "3", "4")
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == ["warning: comparing two different offices, A Meridian Bank / Enterprise "
                                          "Portfolio Office and B Northwind Energy / Grid Modernisation Programme "
                                          "Office: shown side by side, not as one office's progress"]
    lines = result.stdout.splitlines()
    assert lines[0] == "A: Meridian Bank / Enterprise Portfolio Office (2026-11-03)"
    assert lines[1] == "B: Northwind Energy / Grid Modernisation Programme Office (2026-09-28)"
    assert "type: directive vs controlling" in lines
    counts = next(line for line in lines if line.startswith("findings:"))
    assert re.fullmatch(r"findings: \d+ only in A, \d+ only in B, \d+ in both", counts), counts
    assert not [w for w in TIME_WORDS if re.search(rf"(^|\s){re.escape(w)}(\s|$)", result.stdout)]
    out = tmp_path / "peers.json"
    assert invoke("compare", "--db", portfolio, "3", "4", "-o", out).exit_code == 0
    document = json.loads(out.read_text())
    compat = document["compatibility"]
    assert compat["comparable"] is False and compat["same_office"] is False
    assert compat["notes"][0].startswith("two different offices: A is Meridian Bank / Enterprise Portfolio Office, "
                                         "B is Northwind Energy")
    assert set(document["findings"]) == {"only_in_a", "only_in_b", "in_both"}
    assert any("Dana Whitfield" in f["message"] for f in document["findings"]["only_in_a"])   # Meridian's head


def test_workbooks_of_two_offices_are_set_side_by_side_too(tmp_path):
    result = invoke("compare", MERIDIAN, "--", NORTHWIND)
    assert result.exit_code == 0, result.output
    assert "comparing two different offices" in result.stderr
    assert result.stdout.startswith("A: Meridian Bank / Enterprise Portfolio Office (2026-11-03)\n"
                                    "B: Northwind Energy / Grid Modernisation Programme Office (2026-09-28)\n")


def test_an_assessment_compared_with_itself_is_said_to_be_the_same(portfolio, tmp_path):
    """compare 1 1 showed a comparison of nothing: every level "=", every finding persisting."""
    for sides, named in ((["3", "3"], "compare: stored assessment 3: "),
                         (["3", MERIDIAN], f"compare: stored assessment 3 and workbooks {MERIDIAN}: "),
                         ([MERIDIAN, "--", MERIDIAN], f"compare: workbooks {MERIDIAN}: ")):
        result = _user_error(invoke("compare", "--db", portfolio, *sides, "-o", tmp_path / "same.json"),
                             named + "both sides are the same assessment (Meridian Bank / Enterprise Portfolio "
                             "Office, 2026-11-03", f"`pmo-assess history 'Meridian Bank' --db {shlex.quote(portfolio)}` "
                             "lists them")
        assert len(result.stderr.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


def test_the_command_the_same_assessment_suggests_is_quoted_for_a_shell(tmp_path):
    """A name holding $(touch PWNED) was suggested inside double quotes: pasted, it ran."""
    from tests.builders import clone_workbook

    evil = clone_workbook(MERIDIAN, tmp_path / "q.xlsx", "Acme $(touch PWNED) Ltd")
    result = _user_error(invoke("compare", evil, "--", evil))
    assert "`pmo-assess history 'Acme $(touch PWNED) Ltd'` lists them" in result.stderr


# --- benchmarks ---------------------------------------------------------------------------------------

@pytest.fixture(scope="module", params=BACKENDS)
def portfolio(request, tmp_path_factory, assessor) -> str:
    url = _url(request, tmp_path_factory.mktemp("portfolio"))
    with Store(url) as store:
        for path in SAMPLES + CALIBRATION:
            store.save(assessor.assess([path]))
    return url


def test_an_office_is_placed_among_its_peers(portfolio, tmp_path):
    result = invoke("benchmark", "Meridian Bank", "--db", portfolio)
    assert result.exit_code == 0, result.output
    assert "among 9 peer offices" in result.stdout and "percentile" in result.stdout
    out = tmp_path / "bench.json"
    assert invoke("benchmark", "--db", portfolio, "Meridian Bank", "-o", out).exit_code == 0
    placed = json.loads(out.read_text())
    assert placed["peers"]["size"] == 9
    reporting = next(d for d in placed["dimensions"] if d["id"] == "reporting")
    assert 0 <= reporting["percentile"] <= 100 and reporting["peers"] == 9


def test_a_peer_group_under_five_is_refused_saying_how_many(portfolio):
    _user_error(invoke("benchmark", "Meridian Bank", "--db", portfolio, "--peers", "tier=3"),
                "the peer group (tier=3) has", "at least 5 are needed")
    _user_error(invoke("benchmark", "Meridian Bank", "--db", portfolio, "--peers", "colour=blue"),
                "'colour=blue' is not a filter")
    _user_error(invoke("benchmark", "Nobody Ltd", "--db", portfolio), "no stored office of 'Nobody Ltd'")


@pytest.mark.parametrize("peers, group", [
    ("employees=6800", "(employees=5,000 and over) has 3 office(s)"),          # a head count: its band
    ("employees=6,800", "(employees=5,000 and over) has 3 office(s)"),
    ("employees=5,000 and over", "(employees=5,000 and over) has 3 office(s)"),  # a band label with its comma
    ("size=large,employees=5000 AND over", "(size=large, employees=5,000 and over) has 2 office(s)"),
    ("type=controlling, industry=Health", "(model=controlling, industry=Health) has 1 office(s)"),
    ("size=large,", "(size=large) has"),                                       # a trailing comma separates nothing
    ("size=large,,employees=6800 , ", "(size=large, employees=5,000 and over) has 2 office(s)"),
])
def test_peers_take_head_counts_and_band_labels_as_written(portfolio, peers, group):
    """employees=6800 matched no office (the text was compared with the band labels), and a band label's
    comma was taken for the start of another filter."""
    _user_error(invoke("benchmark", "Meridian Bank", "--db", portfolio, "--peers", peers), f"the peer group {group}")


@pytest.mark.parametrize("peers, said", [
    ("size=huge", "size='huge' is not an office size (expected one of: small, medium, large)"),
    ("model=pmo", "model='pmo' is not a PMO type (expected one of: supportive, controlling, directive)"),
    ("type=pmo", "model='pmo' is not a PMO type"),
    ("tier=9", "tier='9' is not a tier (expected 1, 2, 3 or 4)"),
    ("employees=lots", "employees='lots' is neither a head count nor an employees band (expected a number of "
                       "employees such as 6800, or a band: under 250; 250-999; 1,000-4,999; 5,000 and over)"),
    ("industry=finanse", "industry='finanse' names no industry band (expected a band: Financial services; "),
    ("size=huge,tier=9", "size='huge' is not an office size (expected one of: small, medium, large); tier='9'"),
])
def test_a_peers_value_a_filter_cannot_take_is_refused_listing_what_it_can(portfolio, peers, said):
    """size=huge formed a group of 0 offices and asked to widen --peers."""
    result = _user_error(invoke("benchmark", "Meridian Bank", "--db", portfolio, "--peers", peers), "--peers: " + said)
    assert "widen" not in result.output and len(result.stderr.strip().splitlines()) == 1


def test_export_is_anonymous_and_import_adds_it_to_another_store(portfolio, tmp_path):
    out = tmp_path / "peers.json"
    assert invoke("benchmark", "export", "--db", portfolio, "-o", out).exit_code == 0
    text = out.read_text()
    for name in ("Meridian", "Harbour", "Atlas", "Northwind", "Heron", "Dana Whitfield", "Financial services ltd"):
        assert name not in text
    document = json.loads(text)
    assert len(document["records"]) == 10 and len({r["organisation"] for r in document["records"]}) == 10
    other = f"sqlite:///{tmp_path / 'other.db'}"
    result = invoke("benchmark", "import", "--db", other, out)
    assert result.exit_code == 0 and "imported 10 record(s)" in result.stderr
    assert "1 already there" not in invoke("benchmark", "import", "--db", other, out).stderr
    assert "10 already there" in invoke("benchmark", "import", "--db", other, out).stderr
    # The other store's own office is placed among the imported peers.
    invoke("assess", MERIDIAN, "--save", "--db", other, "--format", "json")
    result = invoke("benchmark", "Meridian Bank", "--db", other)
    assert result.exit_code == 0 and "among 10 peer offices" in result.stdout
    _user_error(invoke("benchmark", "import", "--db", portfolio, out), "exported from this store")


@pytest.mark.parametrize("document, phrase", [
    ({"format": "something else"}, "not a pmo-assess benchmark file"),
    ({"format": "pmo-assess-benchmark", "version": 9, "source": "0" * 16, "records": []}, "version 9"),
    ({"format": "pmo-assess-benchmark", "version": 1, "source": "0" * 16,
      "records": [{"organisation": "Meridian Bank"}]}, "records[0]: error: not a benchmark record"),
])
def test_import_refuses_anything_but_an_export(tmp_path, db, document, phrase):
    path = tmp_path / "peers.json"
    path.write_text(json.dumps(document))
    _user_error(invoke("benchmark", "import", "--db", db, path), phrase)
    with Store(db) as store:
        assert store.count() == 0


def test_an_import_with_one_bad_record_adds_nothing(portfolio, tmp_path, db):
    out = tmp_path / "peers.json"
    invoke("benchmark", "export", "--db", portfolio, "-o", out)
    document = json.loads(out.read_text())
    document["records"][3]["industry"] = "Meridian Bank's own words"
    out.write_text(json.dumps(document))
    _user_error(invoke("benchmark", "import", "--db", db, out), "records[3].industry", "nothing was imported")
    with Store(db) as store, store.engine.connect() as connection:
        assert connection.exec_driver_sql("select count(*) from peer_records").scalar() == 0


# --- migrations and versions ----------------------------------------------------------------------------

def test_every_migration_runs_from_an_empty_database_and_from_the_previous_revision(tmp_path, assessor):
    from alembic import command
    from sqlalchemy import create_engine, inspect

    from assessor.store.database import _alembic_config
    from assessor.store.tables import metadata

    head, known = revisions()
    assert known[-1] == head and len(known) >= 2
    for i, revision in enumerate(known):
        engine = create_engine(f"sqlite:///{tmp_path / f'r{i}.db'}")
        with engine.begin() as connection:
            if i:
                command.upgrade(_alembic_config(connection), known[i - 1])
            command.upgrade(_alembic_config(connection), revision)
        engine.dispose()
    # A full upgrade gives exactly the tables the code uses.
    engine = create_engine(f"sqlite:///{tmp_path / f'r{len(known) - 1}.db'}")
    tables = set(inspect(engine).get_table_names()) - {"alembic_version"}
    assert tables == set(metadata.tables)
    for name, table in metadata.tables.items():
        assert {c["name"] for c in inspect(engine).get_columns(name)} == {c.name for c in table.columns}, name
    engine.dispose()


def test_an_older_store_is_migrated_after_saying_so_and_keeps_its_data(db, assessor):
    from alembic import command
    from sqlalchemy import create_engine, text

    from assessor.store.database import _alembic_config

    engine = create_engine(db)
    with engine.begin() as connection:
        command.upgrade(_alembic_config(connection), "0001")
        connection.execute(text("insert into organisations (key, name) values ('meridian bank', 'Meridian Bank')"))
    engine.dispose()
    said = []
    with Store(db, said.append) as store:
        with store.engine.connect() as connection:
            assert connection.execute(text("select name from organisations")).scalar() == "Meridian Bank"
            assert connection.execute(text("select count(*) from peer_records")).scalar() == 0
    assert said == [f"migrating the assessment store at {db} from schema revision 0001 to {revisions()[0]}"]


def test_a_store_from_a_newer_tool_is_refused(db):
    from sqlalchemy import text

    with Store(db) as store, store.engine.begin() as connection:
        connection.execute(text("update alembic_version set version_num = '9999'"))
    _user_error(invoke("history", "--db", db), "written by a newer pmo-assess", "revision 9999")


# --- bad input ----------------------------------------------------------------------------------------

def test_an_empty_store_and_an_unknown_id_say_so(db):
    Store(db).close()   # a store with nothing in it yet
    result = invoke("history", "--db", db)
    assert result.exit_code == 0 and "the store holds no assessments yet" in result.stdout
    _user_error(invoke("compare", "--db", db, "4", "5"), "no stored assessment 4")
    _user_error(invoke("history", "--db", db, "Meridian Bank"), "no stored office of 'Meridian Bank'")


READING = [("history",), ("history", "Meridian Bank"), ("compare", "1", "2"), ("benchmark", "Meridian Bank"),
           ("benchmark", "export", "-o", "peers.json"), ("alias", "Meridian Group", "Meridian Bank")]


def _tables(url: str) -> list[str]:
    from sqlalchemy import create_engine, inspect

    engine = create_engine(url)
    try:
        return inspect(engine).get_table_names()
    finally:
        engine.dispose()


@pytest.mark.parametrize("command", READING, ids=" ".join)
def test_reading_a_url_where_no_store_is_says_so_and_makes_none(tmp_path, db, command, monkeypatch):
    """A mistyped --db made an empty store there (and its folders), then said it held nothing."""
    monkeypatch.chdir(tmp_path)
    result = _user_error(invoke(*command, "--db", db), "no assessment store", "pmo-assess assess FILE --save")
    assert "creating a new assessment store" not in result.output
    if db.startswith("sqlite"):
        assert f"at {tmp_path / 'store.db'} (no such file)" in result.stderr
        assert list(tmp_path.iterdir()) == []
    else:
        assert "in this database (it is empty)" in result.stderr and _tables(db) == []
    assert invoke("assess", MERIDIAN, "--save", "--db", db, "--format", "json").exit_code == 0   # this one makes it


def test_a_mistyped_sqlite_path_is_named_as_resolved_and_the_slashes_explained(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    relative = _user_error(invoke("history", "Meridian Bank", "--db", "sqlite:///tmp/x/store.db"))
    assert f"no assessment store at {tmp_path / 'tmp' / 'x' / 'store.db'} (no such file)" in relative.stderr
    assert "for /tmp/x/store.db write sqlite:////tmp/x/store.db" in relative.stderr
    absolute = _user_error(invoke("history", "--db", f"sqlite:///{tmp_path}/nonexistent/dir/x.db"))
    assert f"no assessment store at {tmp_path}/nonexistent/dir/x.db" in absolute.stderr
    assert "three slashes" not in absolute.stderr
    (tmp_path / "empty.db").touch()
    _user_error(invoke("history", "--db", "sqlite:///empty.db"), f"at {tmp_path / 'empty.db'} (an empty file)")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty.db"] and (tmp_path / "empty.db").stat().st_size == 0


def test_a_sqlite_uri_filename_is_the_file_it_names(tmp_path, monkeypatch):
    """`--db 'sqlite:///file:/tmp/u.db?uri=true'` left an empty u.db and a folder tree ./file:/tmp behind a
    reading command, and made that folder tree when saving."""
    monkeypatch.chdir(tmp_path)
    url = f"sqlite:///file:{tmp_path}/u.db?uri=true"
    result = _user_error(invoke("history", "--db", url), f"no assessment store at {tmp_path / 'u.db'} (no such file)")
    assert "three slashes" not in result.stderr and list(tmp_path.iterdir()) == []
    assert invoke("assess", MERIDIAN, "--save", "--db", url, "--format", "json").exit_code == 0
    assert [p.name for p in tmp_path.iterdir()] == ["u.db"]
    assert "Meridian Bank" in ok(invoke("history", "--db", url)).stdout


def test_a_failed_import_leaves_no_new_store(tmp_path, db, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "peers.json").write_text(json.dumps({"format": "something else"}))
    _user_error(invoke("benchmark", "import", "--db", db, "peers.json"), "not a pmo-assess benchmark file")
    if db.startswith("sqlite"):
        assert [p.name for p in tmp_path.iterdir()] == ["peers.json"]
    else:
        assert _tables(db) == []


def test_a_corrupt_sqlite_file_is_one_line_and_stays_as_it_was(tmp_path):
    path = tmp_path / "broken.db"
    path.write_bytes(b"this is not a database, it only has the name of one" * 100)
    before = path.read_bytes()
    result = _user_error(invoke("history", "--db", f"sqlite:///{path}"), "not an assessment store")
    assert len(result.stderr.strip().splitlines()) == 1
    assert path.read_bytes() == before


def test_reading_another_programs_sqlite_database_leaves_it_as_it_was(tmp_path):
    """The store's WAL mode was switched on at connect, before the file was known to be a store: a
    `history` given another program's database changed its bytes and its journal mode."""
    import sqlite3

    path = tmp_path / "other.db"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE customers (name TEXT)")
    connection.close()
    before = path.read_bytes()
    _user_error(invoke("history", "--db", f"sqlite:///{path}"), "holds other tables and no assessment store")
    assert path.read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == ["other.db"]
    store = tmp_path / "store.db"   # a store of ours is in WAL mode from its first save
    assert invoke("assess", MERIDIAN, "--save", "--db", f"sqlite:///{store}", "--format", "json").exit_code == 0
    with sqlite3.connect(store) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    connection.close()


def test_a_store_in_another_journal_mode_still_opens_and_is_put_in_wal(tmp_path):
    """A store copied with VACUUM INTO (or switched to DELETE mode) made every store command a traceback,
    'database is locked': WAL was switched on inside the transaction that checks the store."""
    import sqlite3

    path = tmp_path / "store.db"
    assert invoke("assess", MERIDIAN, "--save", "--db", f"sqlite:///{path}", "--format", "json").exit_code == 0
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA journal_mode = DELETE")
    connection.close()
    assert "Meridian Bank" in ok(invoke("history", "--db", f"sqlite:///{path}")).stdout
    connection = sqlite3.connect(path)
    assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    connection.close()


def test_a_store_under_the_home_folder_is_found_there(tmp_path, monkeypatch):
    """`--db sqlite:///~/pmo.db` made a folder named `~` in the current folder, and the store in it."""
    home, elsewhere = tmp_path / "home", tmp_path / "work"
    home.mkdir()
    elsewhere.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(elsewhere)
    result = invoke("assess", MERIDIAN, "--save", "--db", "sqlite:///~/pmo.db", "--format", "json")
    assert result.exit_code == 0 and f"at sqlite:///{home}/pmo.db" in result.stderr
    assert (home / "pmo.db").is_file() and list(elsewhere.iterdir()) == []
    monkeypatch.chdir(tmp_path)
    assert "Meridian Bank" in ok(invoke("history", "--db", "sqlite:///~/pmo.db")).stdout


def test_an_assessment_id_no_database_can_hold_is_one_that_is_not_stored(tmp_path):
    db = f"sqlite:///{tmp_path / 'store.db'}"
    assert invoke("assess", MERIDIAN, "--save", "--db", db, "--format", "json").exit_code == 0
    _user_error(invoke("compare", "--db", db, "99999999999999999999", "1"), "no stored assessment 99999999999999999999")
    _user_error(invoke("compare", "--db", db, "²", "1"), "²: error: file not found")   # not a number: a file name


def test_an_unreachable_server_is_one_line(db):
    result = _user_error(invoke("history", "--db", "postgresql+psycopg://nobody:secret@127.0.0.1:1/none"),
                         "postgresql+psycopg://nobody:***@127.0.0.1:1/none")
    assert "secret" not in result.output and len(result.stderr.strip().splitlines()) == 1
    _user_error(invoke("history", "--db", "mysql://x@y/z"), "not a database URL this tool can open")


def test_a_workbook_without_an_organisation_is_not_saved(tmp_path, db, make_workbook):
    def no_name(wb):
        profile = wb[L.PROFILE]
        row = next(r for r in range(2, profile.max_row + 1) if profile.cell(row=r, column=1).value == "Organisation")
        profile.cell(row=row, column=2).value = None
    path = make_workbook(tmp_path, [no_name])
    _user_error(invoke("assess", path, "--save", "--db", db), "cannot save an assessment without the organisation")


def test_renamed_client_joins_its_history_through_an_alias(tmp_path, db, assessor):
    invoke("assess", MERIDIAN, "--save", "--db", db, "--format", "json")
    wb = openpyxl().load_workbook(september(tmp_path))
    profile = wb[L.PROFILE]
    row = next(r for r in range(2, profile.max_row + 1) if profile.cell(row=r, column=1).value == "Organisation")
    profile.cell(row=row, column=2).value = "Meridian Group"
    renamed = tmp_path / "renamed.xlsx"
    wb.save(renamed)
    assert invoke("alias", "--db", db, "Meridian Group", "Meridian Bank").exit_code == 0
    # one office through the alias, before the renamed workbook is saved and after
    compared = invoke("compare", "--db", db, "1", renamed)
    assert compared.exit_code == 0 and "different offices" not in compared.output and " new," in compared.stdout
    invoke("assess", renamed, "--save", "--db", db, "--format", "json")
    result = invoke("history", "--db", db, "Meridian Group")
    assert "2 assessment(s)" in result.stdout
    assert json.loads(invoke("compare", "--db", db, "1", "2", "-o", "-").stdout)["compatibility"]["same_office"] is True


def _spelled(tmp_path, source, name, organisation, pmo, date=None) -> Path:
    wb = openpyxl().load_workbook(source)
    profile = wb[L.PROFILE]
    rows = {profile.cell(row=r, column=1).value: r for r in range(2, profile.max_row + 1)}
    profile.cell(row=rows["Organisation"], column=2).value = organisation
    profile.cell(row=rows["PMO name"], column=2).value = pmo
    if date:
        profile.cell(row=rows["Assessment date"], column=2).value = date
    wb.save(tmp_path / name)
    return tmp_path / name


def test_an_office_shows_as_its_latest_assessment_spells_it_whatever_the_save_order(tmp_path, assessor):
    """A batch's workers save in the order they finish: the name shown was the last save's spelling."""
    pmo = assessor.assess([MERIDIAN]).to_dict()["organisation"]["pmo_name"]
    march = _spelled(tmp_path, MERIDIAN, "march.xlsx", "MERIDIAN BANK", pmo.upper())
    september_ = _spelled(tmp_path, september(tmp_path), "sept.xlsx", "Meridian Bank", pmo)
    same_day = _spelled(tmp_path, september(tmp_path, raise_by=2, name="s2.xlsx"), "sept2.xlsx", "Meridian bank", pmo.lower())
    shown = []
    for order in ([march, september_, same_day], [same_day, september_, march], [september_, march, same_day]):
        folder = tmp_path / f"store-{len(shown)}"
        folder.mkdir()
        with Store(f"sqlite:///{folder / 'store.db'}") as store:
            for path in order:
                store.save(assessor.assess([path]))
            shown.append([(o.organisation, o.name, o.assessments) for o in store.offices()])
    assert shown[0] == shown[1] == shown[2] == [("Meridian Bank", pmo, 3)], shown


def test_two_saves_of_one_organisation_at_once_show_the_name_either_order_would(tmp_path, db, assessor):
    """On PostgreSQL two workers both read the old latest date, and the last to commit won."""
    import threading

    from assessor.store.records import record_of

    pmo = assessor.assess([MERIDIAN]).to_dict()["organisation"]["pmo_name"]
    later = september(tmp_path)
    first = record_of(assessor.assess([MERIDIAN]))
    upper = record_of(assessor.assess([_spelled(tmp_path, later, "upper.xlsx", "MERIDIAN BANK", pmo)]))
    lower = record_of(assessor.assess([_spelled(tmp_path, september(tmp_path, raise_by=2, name="s2.xlsx"),
                                                "lower.xlsx", "Meridian bank", pmo)]))
    with Store(db) as store, Store(db) as other:
        store.save_record(first)
        with store._write() as connection, connection.begin():
            store._save(connection, upper)                 # not committed yet
            racing = threading.Thread(target=other.save_record, args=(lower,))
            racing.start()
            racing.join(1.0)                               # it waits for this save, or would go wrong
        racing.join(30)
        assert [(o.organisation, o.assessments) for o in store.offices()] == [("MERIDIAN BANK", 3)]


# --- the walkthrough a PMO lead follows, on each database -------------------------------------------

def test_a_pmo_lead_follows_an_office_from_march_to_september(tmp_path, db):
    """March and September saved, the trend and the delta, the plan carried forward, five or more peers."""
    march_report, september_report = tmp_path / "march.xlsx", tmp_path / "september.xlsx"
    assert invoke("assess", MERIDIAN, "--save", "--db", db, "-o", march_report).exit_code == 0
    wb = openpyxl().load_workbook(march_report)
    findings = wb["Findings"]
    findings["I2"], findings["J2"], findings["K2"] = "Priya Nair", dt.datetime(2027, 6, 30), "In progress"
    wb.save(march_report)
    later = september(tmp_path, name="september-answers.xlsx")
    result = invoke("assess", later, "--save", "--db", db, "--plan", march_report, "-o", september_report)
    assert result.exit_code == 0, result.output
    assert "saved: assessment 2" in result.stderr and "carried forward" in result.stderr
    carried = openpyxl().load_workbook(september_report)["Findings"]
    assert [c.value for c in carried[2]][8:] == ["Priya Nair", dt.datetime(2027, 6, 30), "In progress"]
    trend = invoke("history", "--db", db, "Meridian Bank")
    assert trend.exit_code == 0 and "2 assessment(s)" in trend.stdout
    assert invoke("history", "--db", db, "Meridian Bank", "-o", tmp_path / "trend.xlsx").exit_code == 0
    delta = invoke("compare", "--db", db, "1", "2")
    assert delta.exit_code == 0
    row = next(line for line in delta.stdout.splitlines() if line.startswith("Methodology and standards"))
    assert row.split()[3:6] == ["3", "->", "4"] and "+1" in row
    for path in [p for p in SAMPLES + CALIBRATION if p != MERIDIAN][:5]:
        assert invoke("assess", path, "--save", "--db", db, "--format", "json").exit_code == 0
    placed = invoke("benchmark", "--db", db, "Meridian Bank", "-o", tmp_path / "peers.html")
    assert placed.exit_code == 0, placed.output
    assert "among 5 peer offices" in (tmp_path / "peers.html").read_text()
