"""The citation network in figures: references parsed and matched (per source), citations
between works, outside publications, the most cited papers, citations between traditions,
and traditions suggested for untagged works. `mnr network` prints it or writes it as JSON.
"""

from __future__ import annotations

from typing import Any

from mnr.citations.network import Network, suggest_traditions, tradition_matrix
from mnr.citations.seminal import rows, seminal
from mnr.library import Library
from mnr.project import Settings
from mnr.synthesis.studies import studies


def summary(library: Library, settings: Settings, network: Network, top: int
            ) -> dict[str, Any]:
    """The network's figures as plain data, with the ``top`` most cited papers and
    traditions suggested for the untagged works at the last screening stage."""
    assessed = {s.work_id for s in studies(library, settings, assessed=True)}
    return {
        "works": sum(1 for n in network.nodes if n.startswith("W")),
        "citing_works": network.citing_works,
        "cited_references": network.references,
        "matched_to_works": network.matched,
        "share_matched": round(network.matched / network.references, 4)
        if network.references else None,
        "by_source": [{"source": s.source, "references": s.references, "matched": s.matched}
                      for s in network.sources],
        "edges_between_works": network.work_edges,
        "outside_publications": sum(1 for n in network.nodes if n.startswith("X")),
        "edges": network.graph.number_of_edges(),
        "top": rows(seminal(network)[:top]),
        "tradition_matrix": {a: dict(b) for a, b in tradition_matrix(network).items()},
        "suggested_traditions": [
            {"work": s.node.node, "label": s.node.label, "tradition": s.tradition,
             "tagged_in_community": s.tagged, "community_works": s.community}
            for s in suggest_traditions(network, assessed)],
    }
