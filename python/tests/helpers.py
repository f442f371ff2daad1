"""What the tests share: the repository's root and the command line they compare with."""

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def wobble_bin() -> str:
    """The `wobble` command line (`cargo xtask test` sets WOBBLE_BIN; under CI it must)."""
    path = os.environ.get("WOBBLE_BIN")
    if not path:
        if os.environ.get("CI"):
            pytest.fail("WOBBLE_BIN must name the wobble command line (cargo xtask test sets it)")
        pytest.skip("WOBBLE_BIN is not set")
    return path
