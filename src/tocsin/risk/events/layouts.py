"""The CSV layouts Tocsin reads event data from, as a registry of column mappings.

Each layout maps its source columns onto the common table with SQL expressions that DuckDB
runs over the whole file at once; the file is read as text, so a bad value is caught by a
check (naming the column and the line) instead of failing the read. A new layout is a new
entry in LAYOUTS. The rules for civilians and perpetrators are in docs/risk-events.md.
"""

from __future__ import annotations

from dataclasses import dataclass

from tocsin.core.errors import FieldProblem, ValidationFailed
from tocsin.risk.events.models import Perpetrator


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _text(col: str) -> str:
    return f"nullif(trim({quote(col)}), '')"


def _date(col: str, formats: tuple[str, ...]) -> str:
    listed = ", ".join(f"'{f}'" for f in formats)
    return f"try_strptime({_text(col)}, [{listed}])::DATE"


def _number(col: str, sql_type: str) -> str:
    return f"try_cast({_text(col)} AS {sql_type})"


@dataclass(frozen=True)
class Check:
    """A value the import refuses: ``bad`` is true on the stage row, ``raw`` the text read."""

    column: str
    bad: str
    raw: str
    message: str  # may name the value as {value}


@dataclass(frozen=True)
class Layout:
    name: str
    dataset: str  # the `dataset` column of rows read with this layout
    title: str
    signature: frozenset[str]  # columns that identify the layout from a header
    required: tuple[str, ...]
    optional: tuple[str, ...]
    stage: dict[str, str]  # stage column -> SQL over the source columns (all text)
    checks: tuple[Check, ...]

    def columns_in(self, header: list[str]) -> dict[str, str]:
        """Layout column -> the header's own spelling; refuses a header missing a required one."""
        by_lower = {h.strip().lower(): h for h in header}
        missing = [c for c in self.required if c not in by_lower]
        if missing:
            raise ValidationFailed(
                f"the file lacks {len(missing)} column(s) the {self.title} layout needs",
                [
                    FieldProblem(c, f"required column missing from the header ({self.title})")
                    for c in missing
                ],
            )
        return {c: by_lower[c] for c in (*self.required, *self.optional) if c in by_lower}


# Stage columns every layout fills; checks add their own raw columns.
STAGE_COLUMNS = (
    "source_id", "event_date", "date_precision", "country_num", "gw", "country_name", "admin1",
    "admin2", "latitude", "longitude", "event_type", "sub_event_type", "against_civilians",
    "perpetrator", "actor", "fatalities", "source_updated",
)

_P = Perpetrator


def _coordinate_checks() -> tuple[Check, ...]:
    return tuple(
        Check(
            col,
            f"raw_{col} IS NOT NULL AND ({col} IS NULL OR abs({col}) > {limit})",
            f"raw_{col}",
            f"{{value}} is not a {col} in decimal degrees (-{limit} to {limit})",
        )
        for col, limit in (("latitude", 90), ("longitude", 180))
    )


def _common_checks(id_col: str, date_col: str, date_hint: str) -> tuple[Check, ...]:
    return (
        Check(id_col, "source_id IS NULL", "source_id", "the event has no id"),
        Check(
            date_col,
            "event_date IS NULL",
            "raw_date",
            f"cannot read {{value}} as a date (expected {date_hint})",
        ),
        Check(
            "fatalities" if id_col == "event_id_cnty" else "best",
            "raw_fatalities IS NOT NULL"
            " AND coalesce(try_cast(raw_fatalities AS INTEGER) < 0, true)",
            "raw_fatalities",
            "{value} is not a whole number of deaths",
        ),
        *_coordinate_checks(),
    )


_ACLED_FORMATS = ("%Y-%m-%d", "%d %B %Y", "%d-%B-%Y", "%d %b %Y", "%d-%b-%Y", "%Y/%m/%d")
_ACLED_INTER = (
    # Codes before 2024 were digits, later exports spell them out: both are read.
    (_P.STATE_FORCES, ("1", "state forces")),
    (_P.REBELS, ("2", "rebel group", "rebel groups")),
    (_P.MILITIAS, ("3", "4", "political militia", "political militias", "identity militia",
                   "identity militias")),
)


def _acled_perpetrator() -> str:
    whens = " ".join(
        "WHEN lower(trim(inter1)) IN (" + ", ".join(f"'{c}'" for c in codes) + f") THEN '{p}'"
        for p, codes in _ACLED_INTER
    )
    return f"CASE {whens} ELSE '{_P.OTHER}' END"


ACLED = Layout(
    name="acled",
    dataset="acled",
    title="ACLED",
    signature=frozenset({"event_id_cnty", "event_type", "inter1"}),
    required=("event_id_cnty", "event_date", "event_type", "inter1", "country", "fatalities"),
    optional=(
        "time_precision", "sub_event_type", "actor1", "civilian_targeting", "iso", "admin1",
        "admin2", "latitude", "longitude", "timestamp",
    ),
    stage={
        "source_id": _text("event_id_cnty"),
        "raw_date": _text("event_date"),
        "event_date": _date("event_date", _ACLED_FORMATS),
        "date_precision": "CASE trim(time_precision) WHEN '1' THEN 'day' WHEN '2' THEN 'week'"
        " WHEN '3' THEN 'month' END",
        "country_num": f"coalesce({_number('iso', 'INTEGER')}, -1)",
        "gw": "-1",
        "country_name": f"coalesce({_text('country')}, '')",
        "admin1": _text("admin1"),
        "admin2": _text("admin2"),
        "raw_latitude": _text("latitude"),
        "latitude": _number("latitude", "DOUBLE"),
        "raw_longitude": _text("longitude"),
        "longitude": _number("longitude", "DOUBLE"),
        "event_type": _text("event_type"),
        "sub_event_type": _text("sub_event_type"),
        "against_civilians": "coalesce(lower(trim(event_type)) = 'violence against civilians'"
        " OR lower(trim(civilian_targeting)) = 'civilian targeting', false)",
        "perpetrator": _acled_perpetrator(),
        "actor": _text("actor1"),
        "raw_fatalities": _text("fatalities"),
        "fatalities": f"coalesce({_number('fatalities', 'INTEGER')}, 0)",
        "source_updated": f"epoch_ms({_number('timestamp', 'BIGINT')} * 1000)",
    },
    checks=_common_checks("event_id_cnty", "event_date", "YYYY-MM-DD or '15 January 2024'"),
)

_UCDP_FORMATS = ("%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M:%S.%g", "%Y-%m-%dT%H:%M:%S")
_UCDP_TYPES = "CASE trim(type_of_violence) WHEN '1' THEN 'state-based' WHEN '2' THEN 'non-state'"
_UCDP_TYPES += " WHEN '3' THEN 'one-sided' END"

UCDP = Layout(
    name="ucdp",
    dataset="ucdp",
    title="UCDP GED",
    signature=frozenset({"type_of_violence", "best", "side_a"}),
    required=("id", "type_of_violence", "side_a", "country", "date_start", "best"),
    optional=("date_prec", "country_id", "adm_1", "adm_2", "latitude", "longitude",
              "conflict_name"),
    stage={
        "source_id": _text("id"),
        "raw_date": _text("date_start"),
        "event_date": _date("date_start", _UCDP_FORMATS),
        # 1 exact day; 2 within 2-6 days and 3 a known week; 4 a month; 5 a year.
        "date_precision": "CASE trim(date_prec) WHEN '1' THEN 'day' WHEN '2' THEN 'week'"
        " WHEN '3' THEN 'week' WHEN '4' THEN 'month' WHEN '5' THEN 'year' END",
        "country_num": "-1",
        "gw": f"coalesce({_number('country_id', 'INTEGER')}, -1)",
        "country_name": f"coalesce({_text('country')}, '')",
        "admin1": _text("adm_1"),
        "admin2": _text("adm_2"),
        "raw_latitude": _text("latitude"),
        "latitude": _number("latitude", "DOUBLE"),
        "raw_longitude": _text("longitude"),
        "longitude": _number("longitude", "DOUBLE"),
        "raw_violence": _text("type_of_violence"),
        "event_type": _UCDP_TYPES,
        "sub_event_type": _text("conflict_name"),
        "against_civilians": "coalesce(trim(type_of_violence) = '3', false)",
        "perpetrator": f"CASE WHEN lower(trim(side_a)) LIKE 'government of%' THEN"
        f" '{_P.STATE_FORCES}' WHEN {_text('side_a')} IS NULL THEN '{_P.OTHER}'"
        f" ELSE '{_P.NON_STATE}' END",
        "actor": _text("side_a"),
        "raw_fatalities": _text("best"),
        "fatalities": f"coalesce({_number('best', 'INTEGER')}, 0)",
        "source_updated": "NULL::TIMESTAMP",
    },
    checks=(
        *_common_checks("id", "date_start", "YYYY-MM-DD, optionally with a time"),
        Check(
            "type_of_violence",
            "event_type IS NULL",
            "raw_violence",
            "{value} is not a UCDP type of violence (1, 2 or 3)",
        ),
    ),
)

LAYOUTS: dict[str, Layout] = {layout.name: layout for layout in (ACLED, UCDP)}


def detect(header: list[str]) -> Layout:
    names = {h.strip().lower() for h in header}
    for layout in LAYOUTS.values():
        if layout.signature <= names:
            return layout
    raise ValidationFailed.on(
        "layout",
        "the header matches no known layout ("
        + ", ".join(f"{lay.title}: {', '.join(sorted(lay.signature))}" for lay in LAYOUTS.values())
        + "); give --layout to see which columns are missing",
    )


def get_layout(name: str, header: list[str]) -> Layout:
    if name == "auto":
        return detect(header)
    if name not in LAYOUTS:
        raise ValidationFailed.on(
            "layout", f"unknown layout {name!r}; use auto or one of {', '.join(LAYOUTS)}"
        )
    return LAYOUTS[name]
