"""Ontology documentation by pyLODE (3.3), as alike as pyLODE allows for the same ontology.

pyLODE walks rdflib's graph in insertion order and hashes terms: here blank nodes take
their RDFC-1.0 labels, triples go in sorted, and the child runs with a fixed hash
seed. One order is still pyLODE's own: it gathers the members of an owl:intersectionOf
or owl:unionOf in a set of HTML elements (`_setclass_html`), so "A and B" may read
"B and A" from one run to the next; the release's other files are byte-reproducible.
Run as `python -m partnergraph.ontology_docs ONTOLOGY.ttl OUT.html`.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Identifier

from .errors import PartnergraphError

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def _rdflib(term: object) -> Identifier:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    assert isinstance(term, ox.Literal)
    if term.language:
        return Literal(term.value, lang=term.language)
    datatype = term.datatype.value
    return Literal(term.value, datatype=None if datatype == XSD_STRING else URIRef(datatype))


def canonical_graph(ontology: Path) -> Graph:
    """The ontology with canonical blank-node labels and the file's own prefixes."""
    dataset = ox.Dataset(ox.parse(path=ontology, format=ox.RdfFormat.TURTLE))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    graph = Graph()
    for prefix, namespace in Graph().parse(ontology, format="turtle").namespaces():
        graph.bind(prefix, namespace, override=True)
    for quad in sorted(dataset, key=str):  # a Dataset's own order changes from run to run
        graph.add((_rdflib(quad.subject), _rdflib(quad.predicate), _rdflib(quad.object)))
    return graph


def document(ontology: Path, out: Path) -> None:
    """Write pyLODE's page in a child process with a fixed hash seed."""
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    command = [sys.executable, "-m", "partnergraph.ontology_docs", str(ontology), str(out)]
    result = subprocess.run(command, capture_output=True, text=True, env=env)
    if result.returncode != 0:
        tail = (result.stderr.strip().splitlines() or ["no message"])[-1]
        raise PartnergraphError(f"pyLODE could not document {ontology}: {tail}")


def main(ontology: str, out: str) -> None:
    logging.disable(logging.CRITICAL)  # pyLODE logs at INFO and asyncio at DEBUG on the root logger
    from pylode import OntPub

    OntPub(canonical_graph(Path(ontology)), sort_subjects=True).make_html(destination=Path(out))


if __name__ == "__main__":
    main(*sys.argv[1:3])
