"""Entity networks: who is named with whom in the articles that match.

Nodes are the most frequent entities of the chosen facets among the matches; an edge joins
two that are named in the same article, weighted by how many matching articles name both,
with its lift against chance (how many times more often they appear together than if
they were independent among the matches). A query and filters scope the graph. Counting
reads the facet columns: one pass per node over its matching documents, then one matrix
product for every pair.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from index import Facet
from search.counting.facets import FacetColumn
from search.results import FrozenMap

#: Facets whose values are nodes unless told otherwise.
NETWORK_FACETS: tuple[Facet, ...] = (Facet.PEOPLE, Facet.ORGANIZATIONS)
#: Fewest shared articles an edge needs unless told otherwise.
DEFAULT_MIN_WEIGHT = 2
#: Most nodes unless told otherwise, and at most.
DEFAULT_TOP_NODES = 200
MAX_TOP_NODES = 2_000
#: Documents per block of the co-mention product (at most 2,000 nodes: 16 MB a block).
_BLOCK_ROWS = 2_048


@dataclass(frozen=True, slots=True)
class Node:
    """An entity of the network: named in ``articles`` matching articles."""

    facet: str
    value: str
    articles: int

    @property
    def id(self) -> str:
        """``facet:value``, unique in a network."""
        return f"{self.facet}:{self.value}"

    def to_dict(self) -> dict[str, Any]:
        """JSON form ``{"id", "facet", "value", "articles"}``."""
        return {"id": self.id, "facet": self.facet, "value": self.value,
                "articles": self.articles}


@dataclass(frozen=True, slots=True)
class Edge:
    """Two nodes (by id) named together in ``weight`` matching articles; ``lift`` is
    ``weight`` over what chance would give."""

    source: str
    target: str
    weight: int
    lift: float

    def to_dict(self) -> dict[str, Any]:
        """JSON form ``{"source", "target", "weight", "lift"}``."""
        return {"source": self.source, "target": self.target, "weight": self.weight,
                "lift": round(self.lift, 3)}


@dataclass(frozen=True, slots=True)
class NetworkResult:
    """The co-mention network of the ``total`` articles matching ``query`` and ``filters``:
    nodes by articles (then name), edges by weight (then names)."""

    query: str
    total: int
    facets: tuple[str, ...]
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    filters: Mapping[str, tuple[str, ...]]

    def __post_init__(self) -> None:
        object.__setattr__(self, "filters", FrozenMap(self.filters))

    def to_dict(self) -> dict[str, Any]:
        """JSON form ``{query, total, facets, filters, nodes, edges}``."""
        return {"query": self.query, "total": self.total, "facets": list(self.facets),
                "filters": {k: list(v) for k, v in self.filters.items()},
                "nodes": [n.to_dict() for n in self.nodes],
                "edges": [e.to_dict() for e in self.edges]}

    def to_graph(self) -> Any:
        """The network as a ``networkx.Graph`` (node attributes ``label``, ``facet``,
        ``articles``; edge attributes ``weight``, ``lift``)."""
        # networkx takes about 0.2 s to import: only what writes graph files needs it.
        import networkx as nx

        graph = nx.Graph(query=self.query, total=self.total)
        for node in self.nodes:
            graph.add_node(node.id, label=node.value, facet=node.facet,
                           articles=node.articles)
        for edge in self.edges:
            graph.add_edge(edge.source, edge.target, weight=edge.weight,
                           lift=round(edge.lift, 3))
        return graph

    def write(self, fmt: str) -> str:
        """The network as ``gexf`` or ``graphml`` (Gephi, yEd, Cytoscape open both), ``json``
        or ``csv`` (one edge per row) text."""
        if fmt == "csv":
            out = io.StringIO()
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(["source", "target", "weight", "lift"])
            for edge in self.edges:
                writer.writerow([edge.source, edge.target, edge.weight, round(edge.lift, 3)])
            return out.getvalue()
        if fmt == "json":
            return json.dumps(self.to_dict(), ensure_ascii=False, indent=1) + "\n"
        import networkx as nx  # slow to import, see to_graph

        lines = nx.generate_gexf(self.to_graph()) if fmt == "gexf" else \
            nx.generate_graphml(self.to_graph())
        return "\n".join(lines) + "\n"


def build_network(mask: np.ndarray, columns: Mapping[Facet, FacetColumn],
                  facets: Iterable[Facet], *, min_weight: int = DEFAULT_MIN_WEIGHT,
                  top: int = DEFAULT_TOP_NODES) -> tuple[tuple[Node, ...], tuple[Edge, ...]]:
    """Nodes and edges of the co-mention network of the documents of ``mask``.

    The ``top`` values most often named (over the chosen facets together) are the
    candidates; pairs named together in at least ``min_weight`` documents are edges; nodes
    left without an edge are dropped.
    """
    total = int(np.count_nonzero(mask))
    candidates: list[tuple[int, str, Facet, int]] = []
    for facet in facets:
        column = columns[facet]
        tally = column.tally(column.counts(mask), top)
        candidates.extend((int(n), column.values[i], facet, int(i))
                          for i, n in zip(tally.ids.tolist(), tally.counts.tolist(),
                                          strict=True))
    candidates.sort(key=lambda c: (-c[0], c[1].casefold(), c[2].value))
    chosen = candidates[:top]
    if len(chosen) < 2 or not total:
        return (), ()
    docs = np.flatnonzero(mask)
    # Which matching document (row) names which node (column).
    rows_of, cols_of = [], []
    for col, (_, _, facet, entity) in enumerate(chosen):
        found = columns[facet].docs_of([entity])
        rows = np.searchsorted(docs, found)
        inside = rows < len(docs)
        inside[inside] = docs[rows[inside]] == found[inside]
        rows_of.append(rows[inside])
        cols_of.append(np.full(int(inside.sum()), col, dtype=np.int64))
    rows, cols = np.concatenate(rows_of), np.concatenate(cols_of)
    # Documents x nodes, a block of rows at a time, as floats so that a matrix product
    # counts every pair (exact: counts stay far below 2**24) in bounded memory.
    pairs = np.zeros((len(chosen), len(chosen)), dtype=np.int64)
    for start in range(0, len(docs), _BLOCK_ROWS):
        inside = (rows >= start) & (rows < start + _BLOCK_ROWS)
        block = np.zeros((min(_BLOCK_ROWS, len(docs) - start), len(chosen)), dtype=np.float32)
        block[rows[inside] - start, cols[inside]] = 1.0
        pairs += (block.T @ block).astype(np.int64)
    counts = np.diag(pairs).copy()
    upper = np.triu(pairs, k=1)
    first, second = np.nonzero(upper >= max(1, min_weight))
    weights = upper[first, second]
    lifts = weights * total / (counts[first] * counts[second])
    nodes = [Node(f.value, v, int(counts[i])) for i, (_, v, f, _) in enumerate(chosen)]
    edges = [Edge(nodes[a].id, nodes[b].id, int(w), float(lift))
             for a, b, w, lift in zip(first.tolist(), second.tolist(), weights.tolist(),
                                      lifts.tolist(), strict=True)]
    edges.sort(key=lambda e: (-e.weight, e.source, e.target))
    linked = {e.source for e in edges} | {e.target for e in edges}
    return tuple(n for n in nodes if n.id in linked), tuple(edges)
