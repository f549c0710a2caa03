"""Case-insensitive "contains" that is fast on both backends.

PostgreSQL's lower() folds every script. SQLite's LIKE already ignores ASCII case natively, so
for ASCII text it needs no function at all; only text with other letters goes through
``unicode_lower`` (a Python function registered in tocsin.core.db), which costs a call per row.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, ColumnElement
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import BindParameter


class Contains(ColumnElement[bool]):
    """``column`` contains ``text``, ignoring case; % and _ in ``text`` are literal."""

    type = Boolean()
    inherit_cache = True

    def __init__(self, column: Any, text: str) -> None:
        self.column = column
        self.ascii = text.isascii()
        escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        self.pattern: BindParameter[str] = BindParameter(None, f"%{escaped.lower()}%", unique=True)


@compiles(Contains)
def _default(element: Contains, compiler: SQLCompiler, **kw: Any) -> str:
    column = compiler.process(element.column, **kw)
    pattern = compiler.process(element.pattern, **kw)
    return f"lower({column}) LIKE {pattern} ESCAPE '\\'"


@compiles(Contains, "sqlite")
def _sqlite(element: Contains, compiler: SQLCompiler, **kw: Any) -> str:
    column = compiler.process(element.column, **kw)
    pattern = compiler.process(element.pattern, **kw)
    if element.ascii:
        return f"{column} LIKE {pattern} ESCAPE '\\'"
    return f"unicode_lower({column}) LIKE {pattern} ESCAPE '\\'"


class ContainsExact(ColumnElement[bool]):
    """``column`` contains ``text`` with case respected (SQLite's LIKE would ignore it)."""

    type = Boolean()
    inherit_cache = True

    def __init__(self, column: Any, text: str) -> None:
        self.column = column
        self.text: BindParameter[str] = BindParameter(None, text, unique=True)


@compiles(ContainsExact)
def _exact_default(element: ContainsExact, compiler: SQLCompiler, **kw: Any) -> str:
    column, text = compiler.process(element.column, **kw), compiler.process(element.text, **kw)
    return f"strpos({column}, {text}) > 0"


@compiles(ContainsExact, "sqlite")
def _exact_sqlite(element: ContainsExact, compiler: SQLCompiler, **kw: Any) -> str:
    column, text = compiler.process(element.column, **kw), compiler.process(element.text, **kw)
    return f"instr({column}, {text}) > 0"
