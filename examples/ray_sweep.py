#!/usr/bin/env python3
"""A brittleness sweep spread over a Ray cluster.

Agents x sites x perturbation kinds x severities x seed blocks, each block a
Ray task; the driver files the blocks and writes, per site, the same table,
CSV and JSON as ``wobble sweep`` with the same agents, episodes, seed and
kinds, whatever the number of workers.

    python examples/ray_sweep.py --site bank --site airline --agents random,oracle \\
        --kinds relabel,popup --episodes 200 --block 50 --out sweeps/
    python examples/ray_sweep.py --address auto ...       # an existing cluster (ray start --head)

Each site writes ``OUT/SITE.csv`` and ``OUT/SITE.json`` (the same bytes as
``wobble sweep --site SITE ... --csv OUT/SITE.csv --json OUT/SITE.json``).
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import ray

from wobble import sweep


@ray.remote
def play_block(site, site_text, task, agent, seed, block):
    return sweep.play(site, task, agent, seed, block, site_text=site_text)


def parse_agents(text: str) -> list[sweep.Agent]:
    agents = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        name, _, policy = part.partition("=")
        agents.append(sweep.Agent.read(name.strip(), (policy or name).strip()))
    if not agents:
        raise SystemExit("--agents: name at least one agent, e.g. reader=policies/airline.json")
    return agents


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    who = p.add_mutually_exclusive_group(required=True)
    who.add_argument("--policy", help="one policy (random, oracle, script or a policy file)")
    who.add_argument("--agents", help="NAME=POLICY,... as wobble sweep --agents takes them")
    p.add_argument("--site", action="append", required=True,
                   help="a shipped site or a site file; repeat for several")
    p.add_argument("--task", help="the task (each site's first when absent)")
    p.add_argument("--kinds", help="comma-separated perturbation kinds (all when absent)")
    p.add_argument("--episodes", type=int, default=100, help="episodes per cell")
    p.add_argument("--seed", type=int, default=sweep.EVALUATION_SEEDS_START, help="first seed")
    p.add_argument("--block", type=int, default=50, help="episodes per Ray task")
    p.add_argument("--out", default=".", help="folder for SITE.csv and SITE.json")
    p.add_argument("--address", help="an existing cluster's address (e.g. auto); else a local one")
    p.add_argument("--num-cpus", type=int, help="CPUs of the local cluster (default: all)")
    args = p.parse_args(argv)

    agents = parse_agents(args.agents) if args.agents else [sweep.Agent.read(args.policy, args.policy)]
    blocks = sweep.blocks(args.kinds, args.episodes, args.seed, args.block)
    sites = [sweep.read_site(s) for s in args.site]
    started = time.perf_counter()
    if args.address:
        ray.init(address=args.address, include_dashboard=False, log_to_driver=False)
    else:
        ray.init(num_cpus=args.num_cpus, include_dashboard=False, log_to_driver=False)
    try:
        futures = {}
        for s, (site, text) in enumerate(sites):
            for a, agent in enumerate(agents):
                for block in blocks:
                    futures[(s, a, block)] = play_block.remote(site, text, args.task, agent, args.seed, block)
        results = dict(zip(futures, ray.get(list(futures.values()))))
    finally:
        ray.shutdown()
    os.makedirs(args.out, exist_ok=True)
    for s, (site, text) in enumerate(sites):
        played = [(a, block, eps) for (si, a, block), eps in results.items() if si == s]
        table, csv, json = sweep.report(site, args.task, agents, args.episodes, args.seed,
                                        args.kinds, played, matrix=bool(args.agents), site_text=text)
        stem = os.path.splitext(os.path.basename(site))[0]
        with open(os.path.join(args.out, f"{stem}.csv"), "w", encoding="utf-8") as f:
            f.write(csv)
        with open(os.path.join(args.out, f"{stem}.json"), "w", encoding="utf-8") as f:
            f.write(json)
        sys.stdout.write(table)
    print(f"{len(futures)} blocks on Ray in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
