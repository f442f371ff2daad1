"""Training Wobble's own learned policy from Python, here or on many machines.

``train`` takes ``wobble train``'s settings by name and returns the policy
file's JSON (the same bytes as ``wobble train`` writes for the same
settings, but for the recorded command). With ``remote``, every batch's
episodes are played wherever ``remote`` sends them: it gets a list of
request bytes and returns one result per request, each from
``EpisodeWorker.play``. The driver keeps the weights and learns from the
results in episode order, so they equal training on one machine with any
number of threads.
"""

from __future__ import annotations

import os
from typing import Callable

from . import _wobble

EpisodeWorker = _wobble.EpisodeWorker


def _site(site: str, site_file) -> tuple[str, str | None]:
    if site_file is None:
        return site, None
    path = os.fspath(site_file)
    try:
        with open(path, encoding="utf-8") as f:
            return path, f.read()
    except (OSError, UnicodeDecodeError) as e:
        raise ValueError(f"site_file {path!r}: cannot read it: {e}") from e


def train(site: str = "airline", task: str | None = None, *, site_file=None,
          remote: Callable[[list[bytes]], list[bytes]] | None = None, parts: int = 1,
          command: str | None = None, **settings) -> str:
    """Trains a policy; returns its JSON. ``settings``: algo, features, perturb,
    episodes, warm_start, shaping, hidden, lr, batch, gamma, entropy, seed, threads."""
    name, text = _site(site, site_file)
    return _wobble.train(name, task, site_text=text, remote=remote, parts=parts, command=command,
                         **settings)


def worker(site: str = "airline", task: str | None = None, *, site_file=None) -> EpisodeWorker:
    """Something that plays ``train``'s requests for this site's task."""
    name, text = _site(site, site_file)
    return EpisodeWorker(name, task, text)
