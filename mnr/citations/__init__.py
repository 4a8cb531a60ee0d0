"""Cited references: parsed from every export style and matched to the library's works."""
