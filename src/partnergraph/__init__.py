"""partnergraph: the research literature on partnership working as an evidence graph.

The public API is what a script needs to build a project and ask it questions; the
CLI is assembled from the same functions.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("partnergraph")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"

from .build import BuildReport, build, load_sources
from .errors import InputError, PartnergraphError, QueryError, SourceProblem, StoreError
from .project import Project
from .queries import find_query, named_queries, run_query
from .stores import QueryResult, Store, Term, open_store

__all__ = [
    "BuildReport",
    "InputError",
    "PartnergraphError",
    "Project",
    "QueryError",
    "QueryResult",
    "SourceProblem",
    "Store",
    "StoreError",
    "Term",
    "__version__",
    "build",
    "find_query",
    "load_sources",
    "named_queries",
    "open_store",
    "run_query",
]
