"""Figures in the README that come from recorded runs are the runs' own:
the RLlib block is rendered from `docs/rllib/*.json`, which
`examples/rllib_ppo.py --record` writes. `WOBBLE_BLESS=1` rewrites the block."""

import json
import os

from helpers import ROOT

BEGIN, END = "<!-- rllib:begin -->\n", "<!-- rllib:end -->"
MODELS = [("candidates", "candidate scorer (masked)"), ("mlp", "RLlib's default MLP (flattened)")]


def render() -> str:
    runs = {m: json.loads((ROOT / "docs" / "rllib" / f"{m}.json").read_text()) for m, _ in MODELS}
    rows = max(len(r["mean_returns"]) for r in runs.values())
    lines = ["| iteration | " + " | ".join(name for _, name in MODELS) + " |",
             "|---|" + "---|" * len(MODELS)]
    for i in range(rows):
        cells = []
        for m, _ in MODELS:
            returns = runs[m]["mean_returns"]
            cells.append(f"{returns[i]:+.2f}" if i < len(returns) else "")
        lines.append(f"| {i + 1} | " + " | ".join(cells) + " |")
    first = runs[MODELS[0][0]]
    lines.append("")
    lines.append(f"Mean return over RLlib's window of recent episodes, per iteration of 1,000 steps, on "
                 f"{first['site']} (Ray {first['ray']}, PyTorch {first['torch']}, "
                 f"{first['cpus']} cores, {first['date']}), from:")
    lines.append("")
    lines.append("```sh")
    lines.extend(runs[m]["command"] for m, _ in MODELS)
    lines.append("```")
    return "\n".join(lines) + "\n"


def test_the_readme_shows_the_recorded_rllib_runs():
    path = ROOT / "README.md"
    text = path.read_text()
    assert BEGIN in text and END in text, "the README has no RLlib block"
    head, rest = text.split(BEGIN, 1)
    current, tail = rest.split(END, 1)
    wanted = render()
    if os.environ.get("WOBBLE_BLESS"):
        path.write_text(head + BEGIN + wanted + END + tail)
        return
    assert current == wanted, ("the README's RLlib block is not what docs/rllib/*.json say: "
                               "WOBBLE_BLESS=1 target/py/bin/python -m pytest python/tests/test_docs.py")
