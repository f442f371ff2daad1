"""Gymnasium spaces for the text mode.

Gymnasium's ``Text`` space only holds characters from a fixed set; pages and
language-model actions hold any Unicode. ``Unicode`` holds any string up to a
length, as BrowserGym's space of the same name does.
"""

from __future__ import annotations

import gymnasium as gym

#: The longest text an observation field or an action may be.
TEXT_MAX_LENGTH = 2**16


class Unicode(gym.spaces.Text):
    """Any Python string of at most ``max_length`` characters."""

    def __init__(self, max_length: int = TEXT_MAX_LENGTH, seed=None):
        super().__init__(max_length=max_length, min_length=0, seed=seed)

    def contains(self, x) -> bool:
        return isinstance(x, str) and len(x) <= self.max_length

    def __repr__(self) -> str:
        return f"Unicode({self.max_length})"

    def __eq__(self, other) -> bool:
        return isinstance(other, Unicode) and other.max_length == self.max_length
