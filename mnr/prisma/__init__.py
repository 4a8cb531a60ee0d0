"""PRISMA 2020: the flow numbers, the PRISMA2020 package's CSV template, the diagram."""
