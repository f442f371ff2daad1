#!/usr/bin/env python3
"""A scripted agent that does Harbor Bank's money transfer through `wobble agent`.

It speaks Wobble's agent protocol (JSON lines on stdin and stdout, see
docs/agent-protocol.md) and uses the Python standard library only. It knows
nothing of the bank's element ids: at every step it reads the observation
and decides from what is shown, like a person following the instruction:

  1. a text field whose label names a goal field ("Username", "Amount ($)")
     and does not hold that value yet: type the value;
  2. a select with an option equal to a goal value ("Travel Fund"), not yet
     chosen: choose it;
  3. otherwise: click the button or link whose words best move the task on
     ("Sign in", "Transfer money", "Review transfer", "Confirm", "Done"),
     leaving out actions that just changed nothing on this screen.

Because it goes by the words on the page, rewording them breaks it: compare
`--perturb relabel:3` with `--perturb move:3`.

    python3 examples/python_agent.py                        # seeds 1 to 5
    python3 examples/python_agent.py --seed 40 --episodes 3 --verbose
    WOBBLE_BIN=path/to/wobble python3 examples/python_agent.py

The `wobble` binary is --wobble PATH, else $WOBBLE_BIN, else
target/release/wobble in this repository, else `wobble` on the PATH. Prints
one line per episode and exits 0 when every episode earned reward +1.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys

PROTOCOL = "wobble-agent"
VERSION = 2

TEXT_ROLES = {"textbox", "password", "number", "date"}
# Words on buttons that move a task forward, and words on those that do not.
FORWARD = {"sign", "log", "login", "transfer", "send", "review", "confirm",
           "submit", "continue", "next", "done", "ok", "agree", "accept", "pay"}
BACKWARD = {"cancel", "back", "out", "options", "abort", "subscribe"}


class ProtocolError(Exception):
    """The session replied with an error, or not at all."""


class Wobble:
    """One `wobble agent` process: send a request, read its reply."""

    def __init__(self, binary, site, task, seed, perturb=None):
        cmd = [binary, "agent", "--site", site, "--task", task, "--seed", str(seed)]
        if perturb:
            cmd += ["--perturb", perturb]
        self.proc = subprocess.Popen(
            cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            text=True, encoding="utf-8", bufsize=1)
        self.hello = self._read()
        if self.hello.get("protocol") != PROTOCOL or self.hello.get("version") != VERSION:
            raise ProtocolError(f"expected {PROTOCOL} version {VERSION}, got {self.hello}")

    def _read(self):
        line = self.proc.stdout.readline()
        if not line:
            code = self.proc.wait()
            raise ProtocolError(f"wobble agent ended (exit status {code})")
        return json.loads(line)

    def request(self, req):
        self.proc.stdin.write(json.dumps(req) + "\n")
        self.proc.stdin.flush()
        reply = self._read()
        if reply["type"] == "error":
            raise ProtocolError(reply["message"])
        return reply

    def reset(self, seed=None):
        return self.request({"op": "reset"} if seed is None else {"op": "reset", "seed": seed})

    def step(self, action):
        return self.request({"op": "step", "action": action})

    def close(self):
        try:
            self.request({"op": "close"})
        finally:
            self.proc.stdin.close()
            self.proc.wait()


def words(text):
    return set(re.findall(r"[a-z0-9]+", text.lower()))


def goal_field_for(label, goal):
    """The goal field a text field's label names, if any."""
    label_words = words(label)
    for name in goal:
        if name.lower() in label_words:
            return name
    return None


def holds(element, value):
    """Whether a text field already holds `value` (a password shows as dots)."""
    if element["role"] == "password":
        return len(element.get("value", "")) == len(value)
    return element.get("value") == value


def screen(obs):
    """The observation text without its step counter: what an action can change."""
    return "\n".join(l for l in obs["text"].splitlines() if not l.startswith("page: "))


def choose(obs, useless):
    """The next action for this observation, and why; `useless` holds the
    clicks that changed nothing on this screen."""
    goal = obs["goal"]
    usable = [e for e in obs["elements"] if e["usable"] and e["id"] not in useless]
    for e in usable:
        if e["role"] in TEXT_ROLES:
            name = goal_field_for(e["label"], goal)
            if name and not holds(e, goal[name]):
                return ({"kind": "type", "id": e["id"], "text": goal[name]},
                        f"type {goal[name]!r} into {e['label']!r}")
    for e in usable:
        if e["role"] == "select":
            wanted = [o for o in e["options"] if o in goal.values()]
            if wanted and e.get("value") != wanted[0]:
                return ({"kind": "select", "id": e["id"], "option": wanted[0]},
                        f"choose {wanted[0]!r} in {e['label']!r}")
    instruction = words(obs["instruction"])
    best, best_score = None, None
    for e in usable:
        if e["role"] not in ("button", "link"):
            continue
        w = words(e["label"])
        score = 2 * len(w & FORWARD) + len(w & instruction) - 3 * len(w & BACKWARD)
        if e["role"] == "button":
            score += 1
        if best_score is None or score > best_score:
            best, best_score = e, score
    if best is not None:
        return {"kind": "click", "id": best["id"]}, f"click {best['label']!r}"
    return {"kind": "finish"}, "nothing left to do: finish"


def play(wobble, verbose):
    """One episode from a reset; returns the last step reply."""
    obs = wobble.reset()
    if verbose:
        print(f"  {obs['instruction']}")
    useless = set()
    while True:
        action, why = choose(obs, useless)
        reply = wobble.step(action)
        before, obs = obs, reply["observation"]
        if screen(obs) == screen(before):
            useless.add(action.get("id"))
        else:
            useless.clear()
        if verbose:
            print(f"  step {obs['step']}: {why} -> {json.dumps(action)}")
        if reply["terminated"] or reply["truncated"]:
            return reply


def find_binary(given):
    if given:
        return given
    if os.environ.get("WOBBLE_BIN"):
        return os.environ["WOBBLE_BIN"]
    here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "target", "release", "wobble")
    if os.path.exists(here):
        return here
    return shutil.which("wobble") or "wobble"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wobble", help="path to the wobble binary (default: $WOBBLE_BIN, then target/release/wobble)")
    parser.add_argument("--site", default="bank")
    parser.add_argument("--task", default="transfer")
    parser.add_argument("--seed", type=int, default=1, help="seed of the first episode; the next ones count up")
    parser.add_argument("--episodes", type=int, default=5)
    parser.add_argument("--perturb", help="perturbations, e.g. relabel:3 or move:3")
    parser.add_argument("--verbose", action="store_true", help="print every action")
    args = parser.parse_args()

    try:
        wobble = Wobble(find_binary(args.wobble), args.site, args.task, args.seed, args.perturb)
    except (OSError, ProtocolError) as e:
        print(f"error: cannot start wobble agent: {e}", file=sys.stderr)
        return 2
    solved = 0
    try:
        for _ in range(args.episodes):
            reply = play(wobble, args.verbose)
            obs = reply["observation"]
            reward = reply["reward"]
            solved += reward == 1
            print(f"seed {obs['seed']}: reward {reward:+g} in {obs['step']} steps: {reply['reason']}", flush=True)
        wobble.close()
    except ProtocolError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print(f"solved {solved}/{args.episodes}")
    return 0 if solved == args.episodes else 1


if __name__ == "__main__":
    sys.exit(main())
