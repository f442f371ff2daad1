"""Training from Python: here, through a remote that plays the episodes in
other workers, and on a local Ray cluster; all give `wobble train`'s weights."""

import json
import subprocess
import sys

import pytest

from helpers import ROOT, wobble_bin

import wobble
from wobble import training

SETTINGS = dict(episodes=48, warm_start=16, perturb="relabel:2,popup:1", seed=3)
ARGS = ["--site", "login-user", "--episodes", "48", "--warm-start", "16",
        "--perturb", "relabel:2,popup:1", "--seed", "3"]


def without_command(text):
    policy = json.loads(text)
    policy["provenance"].pop("command")
    return policy


def test_episodes_played_by_other_workers_give_the_same_weights():
    here = wobble.train("login-user", **SETTINGS)
    workers = [training.worker("login-user") for _ in range(3)]
    calls = []

    def remote(requests):
        calls.append(len(requests))
        return [workers[i % 3].play(r) for i, r in enumerate(requests)]

    there = wobble.train("login-user", remote=remote, parts=3, **SETTINGS)
    assert there == here
    assert calls and max(calls) == 3


def test_a_failing_remote_stops_training_with_its_reason():
    def broken(requests):
        return [b"nonsense" for _ in requests]

    with pytest.raises(RuntimeError, match="training result"):
        wobble.train("login-user", remote=broken, **SETTINGS)

    def raising(requests):
        raise OSError("the cluster went away")

    with pytest.raises(RuntimeError, match="the cluster went away"):
        wobble.train("login-user", remote=raising, **SETTINGS)
    with pytest.raises(ValueError, match="algo"):
        wobble.train("login-user", algo="sarsa")
    with pytest.raises(ValueError, match="perturb"):
        wobble.train("login-user", perturb="wobble:9")
    with pytest.raises(ValueError, match="training request"):
        training.worker("login-user").play(b"not a request")


def test_python_training_writes_what_wobble_train_writes(tmp_path):
    out = tmp_path / "cli.json"
    subprocess.run([wobble_bin(), "train", *ARGS, "--eval", "0", "--quiet", "--out", out], check=True)
    assert without_command(wobble.train("login-user", **SETTINGS)) == without_command(out.read_text())


@pytest.mark.ray
def test_ray_training_on_two_workers_equals_wobble_train_on_two_threads(tmp_path):
    cli, ray_out = tmp_path / "cli.json", tmp_path / "ray.json"
    subprocess.run([wobble_bin(), "train", *ARGS, "--threads", "2", "--eval", "0", "--quiet",
                    "--out", cli], check=True)
    subprocess.run([sys.executable, str(ROOT / "examples" / "ray_train.py"), *ARGS,
                    "--workers", "2", "--num-cpus", "2", "--out", str(ray_out)],
                   check=True, capture_output=True)
    assert without_command(ray_out.read_text()) == without_command(cli.read_text())
