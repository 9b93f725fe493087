"""Schemas for the data gate: pandera (YAML or Python) and Great Expectations 1.x suites.

``load.py`` detects and loads a schema, ``pandera_engine.py`` and ``ge_engine.py`` validate a frame
lazily into engine-neutral :class:`~mlgate.schema.findings.Finding` objects, ``builtin.py`` holds the
dataset checks that need no schema, and ``infer.py`` writes a starting schema from data.
"""

from __future__ import annotations
