"""mnr: a literature review manager for meta-narrative and systematic reviews."""

__version__ = "0.1.0"
