"""Cross-check: entity resolution, incident linking, corroboration and screening."""
