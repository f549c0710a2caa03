"""Case documentation: events, acts, persons, organisations, sources, consent, interventions."""
