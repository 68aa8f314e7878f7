"""Shared setup for unit tests.

The project is not installed into the virtualenv and there is no pytest ``pythonpath`` setting
yet, so the project root is put on ``sys.path`` here to make ``core``, ``pipelines``... importable
when running ``.venv/bin/pytest tests/unit`` from the root.
"""

from __future__ import annotations

import sys
from pathlib import Path

_ROOT = str(Path(__file__).resolve().parents[2])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)
