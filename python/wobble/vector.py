"""``VecEnv``: n rl-mode environments of one task stepped at once in Rust.

One ``step`` call steps every environment (on ``threads`` threads, with the
interpreter's lock released) and hands back the arrays of all of them. It is a
Gymnasium ``VectorEnv`` with the default ``next_step`` autoreset: the step
after an episode ended starts the next one (reward 0) instead of acting.
Seeds match Gymnasium's own vector environments: ``reset(seed=s)`` gives
environment ``i`` seed ``s + i``; its later episodes play ``s + i + n``,
``s + i + 2n``, ... so no two episodes of a batch share a seed.
"""

from __future__ import annotations

import os

import gymnasium as gym
import numpy as np
from gymnasium.vector import AutoresetMode, VectorEnv
from gymnasium.vector.utils import batch_space

from . import _wobble
from .envs import MAX_SEED, _open_core, rl_spaces


class VecEnv(VectorEnv):
    """``num_envs`` environments of one task (arguments as ``WobbleEnv``'s, rl mode).

    ``threads`` splits the batch over that many threads; the numbers are the
    same whatever it is.
    """

    metadata = {"autoreset_mode": AutoresetMode.NEXT_STEP, "render_modes": []}

    def __init__(self, num_envs: int, site: str = "airline", task: str | None = None,
                 perturb: str | None = None, site_file: str | os.PathLike | None = None,
                 features: str | None = None, max_candidates: int = _wobble.DEFAULT_MAX_CANDIDATES,
                 threads: int = 1, mode: str = "rl", **unused):
        if mode != "rl":
            raise ValueError(f'VecEnv steps mode "rl" only; got mode={mode!r} '
                             '(use gymnasium.make_vec(..., vectorization_mode="sync") for text)')
        if unused.pop("render_mode", None) is not None or unused:
            raise ValueError(f"VecEnv takes no arguments {sorted(unused) or ['render_mode']}")
        for name, value in (("num_envs", num_envs), ("threads", threads)):
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
                raise ValueError(f"{name} must be a whole number of at least 1, got {value!r}")
        core = _open_core(site, task, perturb, "rl", site_file, features, max_candidates)
        self._batch = _wobble.Batch(core, int(num_envs), threads=int(threads))
        self.num_envs = int(num_envs)
        self.max_candidates = core.max_candidates
        self.site, self.task, self.perturb = core.site, core.task, core.perturb
        self.single_observation_space, self.single_action_space = rl_spaces(self.max_candidates)
        self.observation_space = batch_space(self.single_observation_space, self.num_envs)
        self.action_space = gym.spaces.MultiDiscrete(np.full(self.num_envs, self.max_candidates))
        self._next_seed: int | None = None
        self._started = False

    def reset(self, *, seed: int | list[int] | None = None, options: dict | None = None):
        if options not in (None, {}):
            raise ValueError(f"options: reset takes no options, got {options!r}")
        if isinstance(seed, (list, tuple)):
            if len(seed) != self.num_envs or any(s != seed[0] + i for i, s in enumerate(seed)):
                raise ValueError("seed: a list of seeds must be consecutive (s, s + 1, ...), "
                                 f"one per environment; got {seed!r}")
            seed = seed[0]
        if seed is not None:
            self._np_random, _ = gym.utils.seeding.np_random(int(seed))
            start = int(seed)
        elif self._next_seed is not None:
            start = self._next_seed
        else:
            start = int(self.np_random.integers(0, 2**63 - 1))
        if not 0 <= start <= MAX_SEED - self.num_envs:
            raise ValueError(f"seed must be from 0 to 2**64 - 1 - num_envs, got {start}")
        self._next_seed = start + self.num_envs
        self._batch.reset(start)
        self._started = True
        obs, *_ = self._arrays()
        return obs, {}

    def step(self, actions):
        if not self._started:
            raise gym.error.ResetNeeded("step: call reset() first")
        actions = np.asarray(actions)
        if actions.shape != (self.num_envs,) or not np.issubdtype(actions.dtype, np.integer):
            raise TypeError(f"actions must be {self.num_envs} whole numbers (candidate indices), "
                            f"got shape {actions.shape} of {actions.dtype}")
        self._batch.step(actions.astype(np.int64).tolist())
        obs, rewards, terminated, truncated, raw, illegal = self._arrays()
        ended = terminated | truncated
        infos = {"raw_reward": raw, "_raw_reward": ended, "illegal_action": illegal,
                 "_illegal_action": np.ones(self.num_envs, bool)}
        return obs, rewards.astype(np.float64), terminated, truncated, infos

    def _arrays(self):
        (candidates, tokens, state, mask, rewards, terminated, truncated, raw,
         illegal) = self._batch.arrays()
        n, m = self.num_envs, self.max_candidates
        obs = {
            "candidates": np.frombuffer(candidates, np.float32).reshape(n, m, _wobble.DENSE),
            "tokens": np.frombuffer(tokens, np.int32).reshape(n, m, _wobble.TOKENS),
            "state": np.frombuffer(state, np.float32).reshape(n, _wobble.STATE),
            "action_mask": np.frombuffer(mask, np.int8).reshape(n, m),
        }
        return (obs, np.frombuffer(rewards, np.float32), np.frombuffer(terminated, np.bool_),
                np.frombuffer(truncated, np.bool_), np.frombuffer(raw, np.float32),
                np.frombuffer(illegal, np.bool_))

    def close_extras(self, **kwargs):
        self._batch = None
