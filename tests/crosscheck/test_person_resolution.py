"""Person resolution over the case file, on SQLite and PostgreSQL: one person written in two
scripts and three renderings is proposed as one; look-alikes are not; nothing merges by itself."""

from __future__ import annotations

import random

import pandas as pd
import pytest
from sqlalchemy import func, select
from tests.conftest import MakeActor
from tests.seeding import Seeder
from typer.testing import CliRunner

from tocsin.cases.schemas import NameIn
from tocsin.cli import app
from tocsin.core.db import Database
from tocsin.core.roles import Role
from tocsin.core.settings import Settings
from tocsin.crosscheck import review
from tocsin.crosscheck.linkage import link
from tocsin.crosscheck.models import ClusterMember, MatchCandidate
from tocsin.crosscheck.person_resolution import _name_columns, resolve_persons, spec

GIVEN = ["Omar", "Khaled", "Youssef", "Hassan", "Ibrahim", "Samir", "Nabil", "Tarek", "Walid",
         "Karim", "Rami", "Bassam", "Ziad", "Fadi", "Majed", "Nizar", "Hani", "Imad"]  # fmt: skip
FAMILY = ["Haddad", "Khoury", "Nasser", "Saleh", "Darwish", "Mansour", "Aziz", "Hamdan",
          "Barakat", "Qassem", "Shami", "Halabi", "Jaber", "Rahal", "Tamer", "Yassin"]  # fmt: skip


def test_one_person_across_scripts_is_proposed_and_look_alikes_are_not(
    db: Database, make_actor: MakeActor
) -> None:
    analyst = make_actor(Role.ANALYST)
    seed = Seeder(db, analyst)
    rng = random.Random(5)
    for _ in range(120):  # a background of other people for the model to learn from
        name = f"{rng.choice(GIVEN)} {rng.choice(GIVEN)} {rng.choice(FAMILY)}"
        seed.person("AMBER", names=[NameIn(value=name)], sex=rng.choice(["male", "female"]),
                    birth_date=f"{rng.randint(1950, 2005)}-{rng.randint(1, 12):02d}-"
                               f"{rng.randint(1, 28):02d}")  # fmt: skip
    same = {"sex": "male", "birth_date": "1981-04-17", "nationality": "SY"}
    one = [
        seed.person("AMBER", names=[NameIn(value="Mohamed Abdel Rahman Zaidan")], **same).id,
        seed.person(
            "AMBER", names=[NameIn(value="محمد عبد الرحمن زيدان", script="Arab")], **same
        ).id,
        seed.person("AMBER", names=[NameIn(value="Muhammad Abd al-Rahman Zeidan")], **same).id,
    ]
    cousin = seed.person("AMBER", names=[NameIn(value="Mohamed Abdel Karim Zaidan")],
                         sex="male", birth_date="1975-02-03", nationality="SY").id  # fmt: skip
    with db.session() as s:
        report = resolve_persons(s)
    assert report.auto_accepted == 0
    with db.session() as s:
        pairs = {(c.left_id, c.right_id) for c in s.scalars(select(MatchCandidate))}
        assert s.scalar(select(func.count()).select_from(ClusterMember)) == 0  # nothing merged
    expected = {tuple(sorted((a, b))) for a in one for b in one if a < b}
    assert expected <= pairs, "the three renderings of one person were not all proposed"
    assert not any(cousin in p for p in pairs)
    with db.session() as s:
        rows, _, _ = review.queue(s, analyst, "person", "proposed", 1, 50)
        found = next(r for r in rows if {r.left_id, r.right_id} <= set(one))
        assert {f["field"] for f in found.features} >= {"name_key", "birth"}
        # The proposal says how each field compared, never the names or dates themselves.
        assert not any({"left", "right"} & set(f) for f in found.features)
    with db.session() as s:
        again = resolve_persons(s)
    assert again.new == 0 and again.updated >= 3


def test_the_command_line_runs_person_resolution(
    cli_env: Settings, db: Database, make_actor: MakeActor
) -> None:
    seed = Seeder(db, make_actor(Role.ANALYST))
    for name in ("Omar Haddad", "Omar Hadad", "عمر حداد", "Samir Khoury", "Nabil Aziz"):
        script = "Arab" if name[0] == "ع" else "Latn"
        seed.person("AMBER", names=[NameIn(value=name, script=script)], sex="male",
                    birth_date="1990-01-02")  # fmt: skip
    runner = CliRunner()
    bad = runner.invoke(app, ["crosscheck", "persons", "--threshold", "2"])
    assert bad.exit_code == 2 and "--threshold" in bad.output
    done = runner.invoke(app, ["crosscheck", "persons"])
    assert done.exit_code == 0, done.output
    assert "new pairs proposed" in done.output


def test_sparse_and_uniform_records_do_not_break_the_run(
    db: Database, make_actor: MakeActor
) -> None:
    """No birth dates at all and everyone the same sex: the passes that block on them find
    nothing to learn from; the run still proposes the obvious pair, on names alone."""
    seed = Seeder(db, make_actor(Role.ANALYST))
    rng = random.Random(9)
    for _ in range(60):
        name = f"{rng.choice(GIVEN)} {rng.choice(FAMILY)} {rng.choice(FAMILY)}"
        seed.person("AMBER", names=[NameIn(value=name)], sex="male")
    a = seed.person("AMBER", names=[NameIn(value="Yahya Zakariya Qabbani")], sex="male").id
    b = seed.person("AMBER", names=[NameIn(value="Yehia Zakaria Kabbani")], sex="male").id
    with db.session() as s:
        resolve_persons(s)
    with db.session() as s:
        pairs = {frozenset((c.left_id, c.right_id)) for c in s.scalars(select(MatchCandidate))}
    assert frozenset((a, b)) in pairs


@pytest.mark.parametrize("n", [2, 3, 7, 20, 45])
def test_tiny_files_of_any_shape_never_break_the_engine(n: int) -> None:
    """Small case files are the common case in the field: whatever Splink cannot train on
    (no pairs in a pass, a field never agreeing, no birth dates at all), the run completes."""
    rng = random.Random(n)
    rows = []
    for i in range(n):
        name = f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}"
        birth = rng.choice([None, None, f"{rng.randint(1960, 1990)}-0{rng.randint(1, 9)}"])
        rows.append({"unique_id": f"p{i}", **_name_columns([name]), "birth": birth,
                     "sex": rng.choice(["male", None]), "nationality": "SY"})  # fmt: skip
    result = link(pd.DataFrame(rows), None, spec(0.9))
    assert set(result.clusters["record_id"]) == {r["unique_id"] for r in rows}
    for i in range(len(result.pairs)):
        assert [f.field for f in result.explain(i)] == [f.name for f in spec().fields]
