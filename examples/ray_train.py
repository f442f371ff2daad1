#!/usr/bin/env python3
"""Wobble's own PPO trained with episodes played by Ray actors.

Each actor holds an environment of the task (``wobble.training.worker``);
every batch, the driver sends each actor the current weights and its share
of the batch's episodes (seeds and perturbations), and learns from what
comes back in episode order. The policy file equals what ``wobble train``
writes for the same settings, on any number of workers (but for the
recorded command).

    python examples/ray_train.py --site airline --episodes 2000 --warm-start 300 \\
        --workers 4 --out airline.json
    python examples/ray_train.py --address auto --workers 16 ...    # an existing cluster
"""

from __future__ import annotations

import argparse
import sys
import time

import ray

import wobble
from wobble import training


@ray.remote
class EpisodeActor:
    """An environment of the task that plays training requests."""

    def __init__(self, site, task, site_file):
        self.worker = training.worker(site, task, site_file=site_file)

    def play(self, request: bytes) -> bytes:
        return self.worker.play(request)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--site", default="airline", help="a shipped site")
    p.add_argument("--site-file", help="a site file instead")
    p.add_argument("--task")
    p.add_argument("--algo", default="ppo")
    p.add_argument("--features", default=wobble._wobble.DEFAULT_FEATURES)
    p.add_argument("--perturb", help="perturbations drawn per training episode")
    p.add_argument("--episodes", type=int, default=2000)
    p.add_argument("--warm-start", type=int, default=0)
    p.add_argument("--no-shaping", action="store_true")
    p.add_argument("--hidden", type=int, default=16)
    p.add_argument("--lr", type=float, default=3e-3)
    p.add_argument("--batch", type=int, default=16)
    p.add_argument("--gamma", type=float, default=1.0)
    p.add_argument("--entropy", type=float, default=0.02)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--workers", type=int, default=2, help="Ray actors playing episodes")
    p.add_argument("--out", required=True, help="where to write the policy (JSON)")
    p.add_argument("--address", help="an existing cluster's address (e.g. auto); else a local one")
    p.add_argument("--num-cpus", type=int, help="CPUs of the local cluster (default: all)")
    args = p.parse_args(argv)
    if args.workers < 1:
        raise SystemExit("--workers must be at least 1")

    started = time.perf_counter()
    if args.address:
        ray.init(address=args.address, include_dashboard=False, log_to_driver=False)
    else:
        ray.init(num_cpus=args.num_cpus, include_dashboard=False, log_to_driver=False)
    try:
        actors = [EpisodeActor.remote(args.site, args.task, args.site_file) for _ in range(args.workers)]

        def remote(requests):
            return ray.get([actors[i % len(actors)].play.remote(r) for i, r in enumerate(requests)])

        policy = wobble.train(
            args.site, args.task, site_file=args.site_file, remote=remote, parts=args.workers,
            command=" ".join(["python", *sys.argv]), algo=args.algo, features=args.features,
            perturb=args.perturb, episodes=args.episodes, warm_start=args.warm_start,
            shaping=not args.no_shaping, hidden=args.hidden, lr=args.lr, batch=args.batch,
            gamma=args.gamma, entropy=args.entropy, seed=args.seed)
    finally:
        ray.shutdown()
    with open(args.out, "w", encoding="utf-8") as f:
        f.write(policy)
    episodes = args.episodes + args.warm_start
    seconds = time.perf_counter() - started
    print(f"trained {episodes} episodes on {args.workers} Ray workers in {seconds:.1f} s; wrote {args.out}",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
