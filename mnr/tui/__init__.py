"""The terminal face of mnr (Textual). Only this package imports Textual.

``app.py`` holds the apps, ``screens/`` one module per screen, ``widgets/`` the parts
screens are built from, ``mnr.tcss`` the styles. Screens call the same steps as the CLI
(``mnr.review``, ``mnr.screening``, ``mnr.dedupe``, ``mnr.synthesis``, ``mnr.prisma``),
never SQL, and catch the core's own errors (``mnr.errors``); slow core calls run in
thread workers.
"""
