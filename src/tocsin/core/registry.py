"""Import every capability's tables so the metadata (and Alembic) sees the whole schema."""

from __future__ import annotations

from sqlalchemy import MetaData

from tocsin.core.db import Base


def load_models() -> MetaData:
    import tocsin.alerts.delivery_models
    import tocsin.alerts.escalation_models
    import tocsin.alerts.models
    import tocsin.alerts.rule_models
    import tocsin.cases.models
    import tocsin.core.models
    import tocsin.crosscheck.models
    import tocsin.crosscheck.watchlists.models
    import tocsin.library.store.models
    import tocsin.response.commitments.models
    import tocsin.response.plans.models
    import tocsin.risk.forecast_tables
    import tocsin.risk.models
    import tocsin.vault.models  # noqa: F401

    return Base.metadata
