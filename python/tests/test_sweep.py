"""The sweep in blocks gives `wobble sweep`'s very output, in this process
and spread over a local Ray cluster of one or two workers."""

import subprocess
import sys

import pytest
from helpers import ROOT, wobble_bin

from wobble import sweep


def cli_sweep(tmp_path, *args):
    csv, json = tmp_path / "cli.csv", tmp_path / "cli.json"
    table = subprocess.run([wobble_bin(), "sweep", *args, "--csv", csv, "--json", json],
                           check=True, capture_output=True, text=True).stdout
    return table, csv.read_text(), json.read_text()


def test_blocks_in_any_order_give_the_policy_sweep(tmp_path):
    args = ["--site", "bank", "--policy", "oracle", "--kinds", "relabel,move", "--episodes", "9"]
    expected = cli_sweep(tmp_path, *args)
    agent = sweep.Agent.read("oracle", "oracle")
    blocks = sweep.blocks("relabel,move", 9, size=4)
    played = [(0, b, sweep.play("bank", None, agent, sweep.EVALUATION_SEEDS_START, b))
              for b in reversed(blocks)]
    got = sweep.report("bank", None, [agent], 9, sweep.EVALUATION_SEEDS_START, "relabel,move",
                       played, matrix=False)
    assert got == expected


def test_missing_or_doubled_blocks_are_refused():
    agent = sweep.Agent.read("random", "random")
    blocks = sweep.blocks("relabel", 6, size=3)
    played = [(0, b, sweep.play("bank", None, agent, sweep.EVALUATION_SEEDS_START, b)) for b in blocks]
    with pytest.raises(ValueError, match="relabel:2"):
        sweep.report("bank", None, [agent], 6, sweep.EVALUATION_SEEDS_START, "relabel",
                     [p for p in played if p[1] != blocks[4]], matrix=False)
    with pytest.raises(ValueError, match="not seeds"):
        sweep.report("bank", None, [agent], 6, sweep.EVALUATION_SEEDS_START, "relabel",
                     played + played[:1], matrix=False)
    with pytest.raises(ValueError, match="training seed"):
        sweep.blocks("relabel", 6, seed=5)
    with pytest.raises(ValueError, match="unknown kind"):
        sweep.blocks("wobble", 6)


@pytest.mark.ray
@pytest.mark.parametrize("workers", [1, 2])
def test_the_ray_sweep_equals_wobble_sweep_on_any_number_of_workers(tmp_path, workers):
    grid = ["--agents", "random,oracle", "--kinds", "relabel,popup", "--episodes", "10"]
    table, csv, json = cli_sweep(tmp_path, "--site", "click-button", *grid)
    out = tmp_path / f"ray{workers}"
    run = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "ray_sweep.py"), "--site", "click-button", *grid,
         "--block", "4", "--num-cpus", str(workers), "--out", str(out)],
        check=True, capture_output=True, text=True)
    assert run.stdout == table
    assert (out / "click-button.csv").read_text() == csv
    assert (out / "click-button.json").read_text() == json
