"""Run mnr as ``python -m mnr``."""

from mnr.cli import main

main()
