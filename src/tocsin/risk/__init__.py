"""Atrocity risk: framework, assessments, statistical forecast, event data."""
