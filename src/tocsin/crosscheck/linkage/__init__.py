"""Record linkage: link two record sets or deduplicate one, explain every pair, cluster.

Generic over the records: a :class:`LinkSpec` says which fields to compare and how candidate
pairs are found; the name layer and other derivations plug in through ``FieldSpec.derive``.
"""

from tocsin.crosscheck.linkage.engine import link
from tocsin.crosscheck.linkage.result import Feature, Level, LinkResult
from tocsin.crosscheck.linkage.spec import KINDS, FieldSpec, Kind, LinkSpec, per_value

__all__ = [
    "KINDS",
    "Feature",
    "FieldSpec",
    "Kind",
    "Level",
    "LinkResult",
    "LinkSpec",
    "link",
    "per_value",
]
