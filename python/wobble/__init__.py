"""Wobble's web-agent environments for Gymnasium.

    import gymnasium, wobble
    env = gymnasium.make("wobble/airline-v0", task="book-flight", perturb="relabel:3")
    obs, info = env.reset(seed=1)

Every shipped site is registered as ``wobble/SITE-v0`` (its first task unless
``task=`` names another); a site file opens with
``gymnasium.make("wobble/site-file-v0", site_file="my-site.ron")``. Two modes:
``mode="rl"`` (candidate feature arrays and a mask; the action is a candidate
index) and ``mode="text"`` (BrowserGym's accessibility tree and action
strings). ``wobble.VecEnv(n, ...)`` steps n rl-mode environments at once in
Rust. ``wobble.train(...)`` trains Wobble's own policy (``wobble.training``),
and ``wobble.sweep`` plays the brittleness sweep in blocks; both can be
spread over many processes (``examples/ray_sweep.py``, ``examples/ray_train.py``).
``wobble.check("my-site.ron")`` checks a site file as ``wobble check`` does.
See ``python/README.md`` for the spaces and the info keys.
"""

from __future__ import annotations

from gymnasium.envs.registration import register, registry

from . import _wobble
from .check import check
from .envs import WobbleEnv
from .spaces import Unicode
from .training import train
from .vector import VecEnv

__all__ = ["WobbleEnv", "VecEnv", "Unicode", "sites", "env_ids", "train", "check"]


def sites() -> dict[str, list[str]]:
    """The shipped sites and their tasks, in the catalog's order."""
    return {site: list(tasks) for site, tasks in _wobble.shipped()}


def env_ids() -> list[str]:
    """The Gymnasium ids registered for the shipped sites."""
    return [f"wobble/{site}-v0" for site in sites()]


def _register() -> None:
    for site in sites():
        env_id = f"wobble/{site}-v0"
        if env_id not in registry:
            register(
                id=env_id,
                entry_point="wobble.envs:WobbleEnv",
                vector_entry_point="wobble.vector:VecEnv",
                kwargs={"site": site},
            )
    if "wobble/site-file-v0" not in registry:
        register(
            id="wobble/site-file-v0",
            entry_point="wobble.envs:WobbleEnv",
            vector_entry_point="wobble.vector:VecEnv",
        )


_register()
