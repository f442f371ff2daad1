#!/usr/bin/env bash
# Rebuilds every shipped policy with the command documented in README.md
# (one line each; training is deterministic, so the files come out the same).
# Run from the repository root after `cargo build --release -p wobble-cli`.
set -euo pipefail
W=./target/release/wobble
# These policies were trained with libm's tanh as the hidden activation (their files name none,
# which reads as tanh); new training defaults to the rational activation, so ask for tanh here.
train() { "$W" train "$@" --activation tanh --seed 1 --quiet --eval 0; }
train --site airline --episodes 2000 --warm-start 300 --out policies/airline.json
train --site airline --episodes 2000 --warm-start 300 \
  --perturb "relabel:3@0.5,lazy:3@0.5,popup:3@0.5,move:3@0.5" --out policies/airline-randomized.json
for site in click-button enter-text login-user choose-list click-checkboxes choose-date bank; do
  train --site "$site" --episodes 500 --warm-start 200 --out "policies/$site.json"
done
train --site aurora --episodes 2500 --warm-start 200 --out policies/aurora.json
train --site tax --task file-return --episodes 500 --warm-start 200 --out policies/tax.file-return.json
train --site tax --task file-itemized --episodes 500 --warm-start 200 --out policies/tax.file-itemized.json
train --site shop --task buy --episodes 1500 --warm-start 200 --out policies/shop.buy.json
train --site shop --task buy-cheapest --episodes 500 --warm-start 200 --out policies/shop.buy-cheapest.json
for task in forward star delete star-and-forward; do
  train --site inbox --task "$task" --episodes 500 --warm-start 200 --out "policies/inbox.$task.json"
done
for task in merge-green request-changes rerun-failed; do
  train --site coding --task "$task" --episodes 500 --warm-start 200 --out "policies/coding.$task.json"
done
# The screen agents: pixels only (see README.md, "Agents that see the screen").
screen() { "$W" train "$@" --features screen --hidden 32 --activation tanh --seed 1 --quiet --eval 0; }
screen --site airline --episodes 3000 --warm-start 300 --out policies/airline-screen.json
for site in click-button login-user; do
  screen --site "$site" --episodes 1000 --warm-start 200 --out "policies/$site-screen.json"
done
screen --site airline --episodes 3000 --warm-start 300 --perturb font:3@0.5,move:3@0.5 --out policies/airline-screen-randomized.json
