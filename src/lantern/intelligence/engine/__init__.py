"""The intelligence analysis engine: graph, network functions, alert rules (no database).

docs/intelligence-engine.md describes it. Django code feeds :meth:`AnalysisGraph.build`
from the database; ``lantern alerts evaluate`` feeds it from files (:mod:`.files`).
"""

from lantern.intelligence.engine.graph import AnalysisGraph
from lantern.intelligence.engine.model import (
    Alert,
    CoOffending,
    Entity,
    Hotspot,
    Link,
    Path,
    Subgraph,
)
from lantern.intelligence.engine.rules import affected_subjects, evaluate

__all__ = [
    "Alert",
    "AnalysisGraph",
    "CoOffending",
    "Entity",
    "Hotspot",
    "Link",
    "Path",
    "Subgraph",
    "affected_subjects",
    "evaluate",
]
