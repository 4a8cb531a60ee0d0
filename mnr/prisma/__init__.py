"""PRISMA 2020: each box once (boxes.py), the flow numbers (counts.py), the PRISMA2020
package's CSV template, the diagram and the table for people."""
