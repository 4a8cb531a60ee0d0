"""The terminal face of mnr (Textual). Only this package imports Textual.

Screens call the same core functions as the CLI (``mnr.dedupe``, ``mnr.library``)
and never write SQL; slow core calls run in thread workers.
"""
