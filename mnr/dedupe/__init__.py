"""Deduplication: group imported records into works, one per publication.

``normalise`` and ``match`` find candidate pairs, ``cluster`` turns accepted
pairs and human decisions into groups, and ``works`` stores the groups in the
library and keeps every earlier human decision as a constraint.
"""
