"""Checking a site file from Python, as ``wobble check`` does.

``wobble.check("my-site.ron")`` (a path, or the file's text) compiles the
site, then plays every task with the oracle on ``seeds`` seeds, unperturbed
and under every kind of perturbation at ``severity``, checking lockstep
determinism, layout, solvability and unambiguous goals. It returns the report
as a dict: ``passed``, ``tasks``, ``cells`` (the oracle's results per task and
perturbation) and ``findings`` (each with its ``stage``, ``task``,
``perturbation``, ``seed``, the recipe ``step`` at fault with its ``line``, and
the ``message``). A file that does not compile raises ``ValueError`` whose
message starts ``PATH:LINE:COLUMN:``. The code is the command line's and the
page's (``wobble_policy::check``).
"""

from __future__ import annotations

import json
import os

from . import _wobble

__all__ = ["check"]


def check(site: str | os.PathLike, *, seeds: int = 20, severity: int = 3) -> dict:
    """Checks a site file (a path ending in ``.ron``, or the file's text)."""
    if isinstance(site, os.PathLike) or (isinstance(site, str) and site.endswith(".ron") and "\n" not in site):
        path = os.fspath(site)
        with open(path, encoding="utf-8") as f:
            text = f.read()
    elif isinstance(site, str):
        path, text = "site.ron", site
    else:
        raise TypeError(f"site: expected a path or the file's text, got {type(site).__name__}")
    if isinstance(seeds, bool) or not isinstance(seeds, int) or seeds < 0:
        raise ValueError(f"seeds: expected a whole number from 0, got {seeds!r}")
    report = json.loads(_wobble.check_site(text, path, seeds, severity))
    report["passed"] = all(cell["findings"] == 0 for cell in report["cells"])
    return report
