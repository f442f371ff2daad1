"""The brittleness sweep in blocks that any process can play.

``wobble sweep`` plays every cell of its grid (the unperturbed baseline, then
each perturbation kind at each severity) over the same evaluation seeds. Here
the grid is cut into blocks of seeds (``blocks``); any process plays a block
with ``play`` and hands back its episodes; ``report`` files them, checks they
cover the grid exactly, and returns the very table, CSV and JSON that
``wobble sweep`` gives for the same agents, episodes, seed and kinds: each
cell sums its episodes in seed order, whoever played them.

    from wobble import sweep
    for block in sweep.blocks("relabel,popup", episodes=100, size=25):
        episodes = sweep.play("bank", "transfer", "oracle", block)    # anywhere
    table, csv, json = sweep.report("bank", "transfer", [("oracle", "oracle")], ...)
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from . import _wobble

#: The first evaluation seed (``wobble sweep``'s default ``--seed``): training plays only seeds below.
EVALUATION_SEEDS_START = _wobble.EVALUATION_SEEDS_START


@dataclass(frozen=True)
class Block:
    """Episodes ``first .. first + count`` (their seeds) of one cell."""

    kind: str | None
    severity: int
    first: int
    count: int


@dataclass(frozen=True)
class Agent:
    """A sweep's agent: its name in the table, the policy as given
    (random, oracle, script, or a learned policy file's path) and, for a
    file, its content (read once by the driver, so workers need no files)."""

    name: str
    policy: str
    text: str | None = None

    @staticmethod
    def read(name: str, policy: str) -> "Agent":
        if policy.endswith(".json") or "/" in policy:
            with open(policy, encoding="utf-8") as f:
                return Agent(name, policy, f.read())
        return Agent(name, policy)


def read_site(site: str) -> tuple[str, str | None]:
    """``site`` as ``wobble sweep --site`` reads it: a shipped name, or a site
    file's path (it ends in ``.ron`` or has a ``/``) with its text."""
    if site.endswith(".ron") or "/" in site:
        with open(os.fspath(site), encoding="utf-8") as f:
            return site, f.read()
    return site, None


def blocks(kinds: str | None, episodes: int, seed: int = EVALUATION_SEEDS_START,
           size: int = 50) -> list[Block]:
    """The grid's blocks in grid order: ``episodes`` per cell from ``seed``, at most ``size`` each.
    ``kinds`` is a comma-separated list (all kinds when ``None``)."""
    _wobble.check_evaluation_seeds(seed, episodes)
    return [Block(*b) for b in _wobble.sweep_blocks(kinds, episodes, seed, size)]


def play(site: str, task: str | None, agent: Agent, seed: int, block: Block,
         site_text: str | None = None) -> list[tuple]:
    """Plays one block with the agent (seeded with the sweep's ``seed``, as
    ``wobble sweep`` seeds it): its episodes as (seed, return, success, steps, reason)."""
    player = _wobble.SweepPlayer(site, task, agent.policy, seed, site_text=site_text,
                                 policy_text=agent.text)
    return player.play(block.kind, block.severity, block.first, block.count)


def report(site: str, task: str | None, agents: list[Agent], episodes: int, seed: int,
           kinds: str | None, played: list[tuple[int, Block, list[tuple]]], matrix: bool,
           site_text: str | None = None) -> tuple[str, str, str]:
    """(table, csv, json) as ``wobble sweep`` writes them: with ``--agents`` when
    ``matrix``, else ``--policy`` (one agent). ``played`` holds (agent index, block,
    episodes). A block missing or given twice is a ``ValueError``."""
    rows = [(a, b.kind, b.severity, b.first, b.count, eps) for a, b, eps in played]
    return _wobble.sweep_report(site, task, [(a.name, a.policy) for a in agents], episodes,
                                seed, kinds, rows, matrix, site_text=site_text)
