// A small scripted agent for Wobble's JavaScript module, in plain JavaScript with no imports.
//
// It knows nothing of any site's element ids: at every step it reads the observation (the same
// object shapes as the agent protocol, docs/agent-protocol.md) and decides from what is shown,
// like a person following the instruction:
//
//   1. a text field whose label names a goal field ("Username", "Amount ($)") and does not hold
//      that value yet: type the value;
//   2. a select with an option equal to a goal value ("Travel Fund"), not yet chosen: choose it;
//   3. otherwise: click the button or link the goal names ("Apply" when the goal's `target` is
//      Apply), else the one whose words best move the task on ("Sign in", "Transfer money",
//      "Review transfer", "Confirm", "Done"), leaving out clicks that just changed nothing on
//      this screen.
//
// Because it goes by the words on the page, rewording them (`perturb: 'relabel:3'`) breaks it,
// while moving them (`move:3`) does not. The page (index.html) and the Node tests
// (tests/js/env.test.mjs) both run it:
//
//   const env = new WobbleEnv('bank', 'transfer', { seed: 1 });
//   const agent = new Agent();
//   let obs = env.reset();
//   for (;;) {
//     const { action, why } = agent.choose(obs);
//     const result = env.step(action);
//     agent.saw(obs, action, result.observation);
//     obs = result.observation;
//     if (result.terminated || result.truncated) break;
//   }
//
// or simply `runEpisode(env)`.

const TEXT_ROLES = new Set(['textbox', 'password', 'number', 'date']);
/** Words on buttons that move a task forward, and words on those that do not. */
const FORWARD = new Set(['sign', 'log', 'login', 'transfer', 'send', 'review', 'confirm', 'submit',
  'continue', 'next', 'done', 'ok', 'agree', 'accept', 'pay']);
const BACKWARD = new Set(['cancel', 'back', 'out', 'options', 'abort', 'subscribe']);

/** The lower-case words of a text. */
export function words(text) {
  return new Set(text.toLowerCase().match(/[a-z0-9]+/g) ?? []);
}

/** The goal field a text field's label names, if any. */
function goalFieldFor(label, goal) {
  const labelWords = words(label);
  return Object.keys(goal).find((name) => labelWords.has(name.toLowerCase()));
}

/** Whether a text field already holds `value` (a password shows one dot per character). */
function holds(element, value) {
  if (element.role === 'password') return (element.value ?? '').length === value.length;
  return element.value === value;
}

/** The observation text without its step counter: what an action can change. */
function screen(obs) {
  return obs.text.split('\n').filter((line) => !line.startsWith('page: ')).join('\n');
}

/** A label-reading agent; one per episode (or call `forget()` between episodes). */
export class Agent {
  constructor() {
    /** Ids of elements whose click changed nothing on the current screen. */
    this.useless = new Set();
  }

  forget() {
    this.useless.clear();
  }

  /** The next action for this observation, and why (a few words for people). */
  choose(obs) {
    const { goal } = obs;
    const usable = obs.elements.filter((e) => e.usable && !this.useless.has(e.id));
    for (const e of usable) {
      if (!TEXT_ROLES.has(e.role)) continue;
      const name = goalFieldFor(e.label, goal);
      if (name !== undefined && !holds(e, goal[name])) {
        return { action: { kind: 'type', id: e.id, text: goal[name] }, why: `type "${goal[name]}" into "${e.label}"` };
      }
    }
    const values = new Set(Object.values(goal));
    for (const e of usable) {
      if (e.role !== 'select') continue;
      const wanted = e.options.find((o) => values.has(o));
      if (wanted !== undefined && e.value !== wanted) {
        return { action: { kind: 'select', id: e.id, option: wanted }, why: `choose "${wanted}" in "${e.label}"` };
      }
    }
    const instruction = words(obs.instruction);
    let best = null;
    let bestScore = -Infinity;
    for (const e of usable) {
      if (e.role !== 'button' && e.role !== 'link') continue;
      let score = e.role === 'button' ? 1 : 0;
      if (values.has(e.label)) score += 10;
      for (const w of words(e.label)) {
        if (FORWARD.has(w)) score += 2;
        if (instruction.has(w)) score += 1;
        if (BACKWARD.has(w)) score -= 3;
      }
      if (score > bestScore) {
        best = e;
        bestScore = score;
      }
    }
    if (best) return { action: { kind: 'click', id: best.id }, why: `click "${best.label}"` };
    return { action: { kind: 'finish' }, why: 'nothing left to do: finish' };
  }

  /** Learns from one step: a click that left the screen as it was is not tried again there. */
  saw(before, action, after) {
    if (screen(after) === screen(before)) {
      if (action.id !== undefined) this.useless.add(action.id);
    } else {
      this.useless.clear();
    }
  }
}

/**
 * Plays one episode of `env` from a reset (at `seed`, or the next one) with a fresh agent.
 * `onStep({ action, why, result })` is called after each step. Returns the last step result.
 */
export function runEpisode(env, { seed, onStep } = {}) {
  const agent = new Agent();
  let obs = env.reset(seed);
  for (;;) {
    const { action, why } = agent.choose(obs);
    const result = env.step(action);
    agent.saw(obs, action, result.observation);
    onStep?.({ action, why, result });
    obs = result.observation;
    if (result.terminated || result.truncated) return result;
  }
}
