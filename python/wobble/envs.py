"""``WobbleEnv``: one Wobble task as a Gymnasium environment.

The work is done in Rust (``wobble._wobble.Env``); this class gives it
Gymnasium's shape: spaces, ``reset(seed=...)``, the five values of ``step``,
``render`` and Gymnasium's errors.
"""

from __future__ import annotations

import os
from typing import Any

import gymnasium as gym
import numpy as np
from gymnasium.error import ResetNeeded

from . import _wobble
from .spaces import Unicode

#: The keys of the text observation, in BrowserGym's names.
TEXT_KEYS = ("goal", "axtree_txt", "url", "focused_element_bid", "last_action", "last_action_error")

#: The largest episode seed (the engine's seeds are unsigned 64-bit).
MAX_SEED = 2**64 - 1


def _open_core(site, task, perturb, mode, site_file, features, max_candidates):
    """The Rust environment, with every argument checked and named in errors."""
    if mode not in ("rl", "text"):
        raise ValueError(f'mode must be "rl" or "text", got {mode!r}')
    for name, value in (("task", task), ("perturb", perturb), ("features", features)):
        if value is not None and not isinstance(value, str):
            raise ValueError(f"{name} must be a string, got {type(value).__name__}")
    if isinstance(max_candidates, bool) or not isinstance(max_candidates, (int, np.integer)):
        raise ValueError(f"max_candidates must be a whole number, got {max_candidates!r}")
    if site_file is not None:
        path = os.fspath(site_file)
        try:
            with open(path, encoding="utf-8") as f:
                text = f.read()
        except (OSError, UnicodeDecodeError) as e:
            raise ValueError(f"site_file {path!r}: cannot read it: {e}") from e
        return _wobble.Env(path, task, perturb, mode, site_text=text, features=features,
                           max_candidates=int(max_candidates))
    if not isinstance(site, str):
        raise ValueError(f"site must be a shipped site's name, got {site!r}")
    return _wobble.Env(site, task, perturb, mode, features=features,
                       max_candidates=int(max_candidates))


def rl_spaces(max_candidates: int) -> tuple[gym.spaces.Dict, gym.spaces.Discrete]:
    """The rl mode's observation and action spaces for this many candidate rows."""
    obs = gym.spaces.Dict({
        "candidates": gym.spaces.Box(-np.inf, np.inf, (max_candidates, _wobble.DENSE), np.float32),
        "tokens": gym.spaces.Box(0, _wobble.NO_TOKEN, (max_candidates, _wobble.TOKENS), np.int32),
        "state": gym.spaces.Box(0.0, 2.0, (_wobble.STATE,), np.float32),
        "action_mask": gym.spaces.MultiBinary(max_candidates),
    })
    return obs, gym.spaces.Discrete(max_candidates)


def text_spaces() -> tuple[gym.spaces.Dict, Unicode]:
    """The text mode's observation and action spaces."""
    return gym.spaces.Dict({key: Unicode() for key in TEXT_KEYS}), Unicode()


def rl_observation(candidates: bytes, tokens: bytes, state: bytes, mask: bytes, max_candidates: int):
    """The rl arrays from the bytes Rust wrote (no copy: the arrays read the bytes)."""
    return {
        "candidates": np.frombuffer(candidates, np.float32).reshape(max_candidates, _wobble.DENSE),
        "tokens": np.frombuffer(tokens, np.int32).reshape(max_candidates, _wobble.TOKENS),
        "state": np.frombuffer(state, np.float32),
        "action_mask": np.frombuffer(mask, np.int8),
    }


class WobbleEnv(gym.Env):
    """One task of one Wobble site.

    Args:
        site: a shipped site's name (``wobble.sites()`` lists them).
        task: the task's name (the site's first task when ``None``).
        perturb: a perturbation spec such as ``"relabel:3"`` or ``"popup:2,move:1"``.
        mode: ``"rl"`` or ``"text"``.
        site_file: a site file's path, instead of ``site``.
        features: the rl feature groups, e.g. ``"role,label,goal-match"``
            (the learned policy's default when ``None``).
        max_candidates: the rl arrays' rows and the action space's size.
        render_mode: ``"ansi"`` (``render()`` returns the accessibility tree) or ``None``.

    Episode seeds come only from ``reset(seed=...)``: a seeded reset plays that
    seed, each later reset without one plays the next seed; before any seed,
    a reset draws one from ``np_random``.
    """

    metadata = {"render_modes": ["ansi"], "render_fps": 4}

    def __init__(self, site: str = "airline", task: str | None = None, perturb: str | None = None,
                 mode: str = "rl", site_file: str | os.PathLike | None = None,
                 features: str | None = None, max_candidates: int = _wobble.DEFAULT_MAX_CANDIDATES,
                 render_mode: str | None = None):
        if render_mode is not None and render_mode not in self.metadata["render_modes"]:
            raise ValueError(f'render_mode must be "ansi" or None, got {render_mode!r}')
        self._core = _open_core(site, task, perturb, mode, site_file, features, max_candidates)
        self.mode = mode
        self.render_mode = render_mode
        self.max_candidates = self._core.max_candidates
        if mode == "rl":
            self.observation_space, self.action_space = rl_spaces(self.max_candidates)
        else:
            self.observation_space, self.action_space = text_spaces()
        self._next_seed: int | None = None
        self._running = False

    # ----- Gymnasium's API ---------------------------------------------------------------------

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None):
        super().reset(seed=seed)
        if options not in (None, {}):
            raise ValueError(f"options: reset takes no options, got {options!r}")
        if seed is not None:
            episode_seed = int(seed)
        elif self._next_seed is not None:
            episode_seed = self._next_seed
        else:
            episode_seed = int(self.np_random.integers(0, 2**63 - 1))
        if not 0 <= episode_seed <= MAX_SEED:
            raise ValueError(f"seed must be from 0 to 2**64 - 1, got {episode_seed}")
        self._next_seed = (episode_seed + 1) % (MAX_SEED + 1)
        self._core.reset(episode_seed)
        self._running = True
        return self._observation(), self._core.info()

    def step(self, action):
        if not self._running:
            raise ResetNeeded("step: the episode has ended or not started; call reset() first")
        if self.mode == "rl":
            reward, terminated, truncated = self._core.step_index(self._index(action))
        else:
            if not isinstance(action, str):
                raise TypeError(
                    f"action must be a string such as \"click('12')\", got {type(action).__name__}")
            reward, terminated, truncated = self._core.step_text(action)
        if terminated or truncated:
            self._running = False
        return self._observation(), float(reward), bool(terminated), bool(truncated), self._core.info()

    def render(self):
        if self.render_mode == "ansi":
            return self._core.text_obs()["axtree_txt"]
        return None

    def close(self):
        self._running = False

    # ----- helpers ------------------------------------------------------------------------------

    def _index(self, action) -> int:
        if isinstance(action, np.ndarray) and action.shape == ():
            action = action[()]
        if isinstance(action, (bool, np.bool_)) or not isinstance(action, (int, np.integer)):
            raise TypeError(
                f"action must be a whole number (a candidate index from 0 to {self.max_candidates - 1}), "
                f"got {action!r} of type {type(action).__name__}")
        return int(action)

    def _observation(self):
        if self.mode == "rl":
            return rl_observation(*self._core.rl_bytes(), self.max_candidates)
        return self._core.text_obs()

    @property
    def site(self) -> str:
        return self._core.site

    @property
    def task(self) -> str:
        return self._core.task

    @property
    def perturb(self) -> str:
        return self._core.perturb

    def __repr__(self) -> str:
        return f"<WobbleEnv {self.site}/{self.task} perturb={self.perturb!r} mode={self.mode}>"
