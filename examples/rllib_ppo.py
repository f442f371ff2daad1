#!/usr/bin/env python3
"""RLlib's PPO (PyTorch) on a Wobble task, for users who bring their own trainer.

The environment is Wobble's rl mode: each legal candidate action is a row of
features and the action is a row's index. Two models:

- ``--model candidates`` (default): a small PyTorch module that scores each
  row with one shared network and masks the illegal rows (``action_mask``),
  as Wobble's own policy does; the value reads the mean of the legal rows.
- ``--model mlp``: RLlib's default network over the observation flattened
  into one vector; it does not read the mask, so a masked index only lets a
  step pass, and it must learn the same scoring once per row position.

    pip install ./python "ray[rllib]" torch
    python examples/rllib_ppo.py --site click-button --iterations 10

Prints one line per iteration: the mean return of the last episodes RLlib
sampled (+1 success, -1 failure) and how many episodes the iteration played.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import sys

import gymnasium as gym
import ray
import torch
from ray.rllib.algorithms.ppo import PPOConfig
from ray.rllib.core.columns import Columns
from ray.rllib.core.rl_module.apis import ValueFunctionAPI
from ray.rllib.core.rl_module.rl_module import RLModuleSpec
from ray.rllib.core.rl_module.torch import TorchRLModule
from ray.tune.registry import register_env
from torch import nn

import wobble


class CandidateScorer(TorchRLModule, ValueFunctionAPI):
    """Scores every candidate row with one network; masked rows get no probability."""

    def setup(self):
        dense = self.observation_space["candidates"].shape[1]
        state = self.observation_space["state"].shape[0]
        hidden = self.model_config.get("hidden", 64)
        self.score = nn.Sequential(nn.Linear(dense, hidden), nn.Tanh(), nn.Linear(hidden, 1))
        self.value = nn.Sequential(nn.Linear(dense + state, hidden), nn.Tanh(), nn.Linear(hidden, 1))

    def _forward(self, batch, **kwargs):
        obs = batch[Columns.OBS]
        logits = self.score(obs["candidates"]).squeeze(-1)
        legal = obs["action_mask"] > 0
        return {Columns.ACTION_DIST_INPUTS: logits.masked_fill(~legal, -1e9)}

    def compute_values(self, batch, embeddings=None):
        obs = batch[Columns.OBS]
        legal = (obs["action_mask"] > 0).float().unsqueeze(-1)
        pooled = (obs["candidates"] * legal).sum(1) / legal.sum(1).clamp(min=1.0)
        return self.value(torch.cat([pooled, obs["state"]], dim=-1)).squeeze(-1)


def make_env(config):
    env = wobble.WobbleEnv(config["site"], task=config.get("task"), perturb=config.get("perturb"),
                           max_candidates=config["max_candidates"])
    return gym.wrappers.FlattenObservation(env) if config["model"] == "mlp" else env


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--site", default="click-button")
    p.add_argument("--task")
    p.add_argument("--perturb")
    p.add_argument("--model", choices=["candidates", "mlp"], default="candidates")
    p.add_argument("--max-candidates", type=int, default=16,
                   help="candidate rows (the action space); enough for the small sites")
    p.add_argument("--iterations", type=int, default=10)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--num-cpus", type=int, help="CPUs of the local cluster (default: all)")
    p.add_argument("--record", help="also write the run (command, versions, returns) to this JSON file")
    args = p.parse_args(argv)

    ray.init(num_cpus=args.num_cpus, include_dashboard=False, log_to_driver=False)
    register_env("wobble", make_env)
    config = (
        PPOConfig()
        .environment("wobble", env_config={"site": args.site, "task": args.task,
                                           "perturb": args.perturb, "model": args.model,
                                           "max_candidates": args.max_candidates})
        .framework("torch")
        .env_runners(num_env_runners=1)
        .training(train_batch_size_per_learner=1000, minibatch_size=128, num_epochs=10, lr=1e-3)
        .debugging(seed=args.seed)
    )
    if args.model == "candidates":
        config = config.rl_module(rl_module_spec=RLModuleSpec(module_class=CandidateScorer))
    algo = config.build_algo()
    returns = []
    try:
        for i in range(1, args.iterations + 1):
            result = algo.train()
            runners = result.get("env_runners", {})
            returns.append(float(runners.get("episode_return_mean", float("nan"))))
            print(f"iteration {i}: mean return {returns[-1]:+.3f} "
                  f"over {runners.get('num_episodes', 0)} episodes", flush=True)
    finally:
        algo.stop()
        ray.shutdown()
    if args.record:
        run = {
            "command": " ".join(["python", "examples/rllib_ppo.py", *sys.argv[1:]]),
            "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d"),
            "model": args.model,
            "site": args.site,
            "ray": ray.__version__,
            "torch": torch.__version__,
            "cpus": os.cpu_count(),
            "mean_returns": returns,
        }
        with open(args.record, "w", encoding="utf-8") as f:
            json.dump(run, f, indent=1)
            f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
