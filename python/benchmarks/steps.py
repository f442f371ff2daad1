"""Steps per second from Python: one rl-mode environment, one text-mode
environment, and the native batch of 64 on 1 and 2 threads, all playing
uniformly random legal candidates (text mode: random clicks on listed ids)
with automatic resets.

    target/py/bin/python python/benchmarks/steps.py [--site airline] [--seconds 2] [--json]

``--json`` prints one object: the site and steps per second under ``rl_single``,
``text_single``, ``batch64_1thread`` and ``batch64_2threads`` (the native
example ``cargo run --release -p wobble-gym --example steps -- --json`` uses the same keys).
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np

import wobble


def single_rl(site: str, seconds: float) -> float:
    env = wobble.WobbleEnv(site)
    rng = np.random.default_rng(0)
    obs, _ = env.reset(seed=1)
    steps, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        legal = int(obs["action_mask"].sum())
        obs, _, terminated, truncated, _ = env.step(int(rng.integers(legal)))
        if terminated or truncated:
            obs, _ = env.reset()
        steps += 1
    return steps / (time.perf_counter() - start)


def single_text(site: str, seconds: float) -> float:
    env = wobble.WobbleEnv(site, mode="text")
    rng = np.random.default_rng(0)
    obs, _ = env.reset(seed=1)
    steps, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        ids = [line.split("]")[0].lstrip("\t[") for line in obs["axtree_txt"].splitlines()
               if line.lstrip("\t").startswith("[")]
        obs, _, terminated, truncated, _ = env.step(f"click('{ids[rng.integers(len(ids))]}')")
        if terminated or truncated:
            obs, _ = env.reset()
        steps += 1
    return steps / (time.perf_counter() - start)


def batch(site: str, seconds: float, n: int, threads: int) -> float:
    envs = wobble.VecEnv(n, site=site, threads=threads)
    rng = np.random.default_rng(0)
    obs, _ = envs.reset(seed=1)
    steps, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        legal = np.maximum(obs["action_mask"].sum(axis=1), 1)
        actions = (rng.integers(0, 1 << 30, n) % legal).astype(np.int64)
        obs, *_ = envs.step(actions)
        steps += n
    return steps / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", default="airline")
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    rates = {
        "rl_single": single_rl(args.site, args.seconds),
        "text_single": single_text(args.site, args.seconds),
        "batch64_1thread": batch(args.site, args.seconds, 64, 1),
        "batch64_2threads": batch(args.site, args.seconds, 64, 2),
    }
    if args.json:
        print(json.dumps({"site": args.site, **rates}))
    else:
        for name, rate in rates.items():
            print(f"python_{name:21} {rate:12,.0f} steps/s")


if __name__ == "__main__":
    main()
