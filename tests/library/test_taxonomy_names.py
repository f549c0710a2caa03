"""Every label of the taxonomy has a name in each language of the pages, and a bad names table
is refused with its place named."""

from __future__ import annotations

import tomllib
from importlib import resources

import pytest

from tocsin.core.errors import ValidationFailed
from tocsin.library.classify.taxonomy import load_taxonomy, parse_taxonomy
from tocsin.web.i18n import LANGUAGES


def test_every_label_is_named_in_every_language() -> None:
    for dimension in load_taxonomy().dimensions:
        for label in dimension.labels:
            for lang in LANGUAGES:
                if lang != "en":
                    assert label.name_in(lang) != label.name, (dimension.code, label.code, lang)


def test_a_names_table_that_is_not_one_is_refused() -> None:
    raw = resources.files("tocsin.library").joinpath("taxonomy.toml").read_bytes()
    data = tomllib.loads(raw.decode("utf-8"))
    data["actor"]["state"]["names"] = {"fr": ""}
    with pytest.raises(ValidationFailed) as refused:
        parse_taxonomy(data)
    assert [e.field for e in refused.value.errors] == ["actor.state.names"]
