"""Screening: decisions, stages, conflicts and agreement between reviewers."""
