// The JavaScript module in Node: the package `cargo xtask js` built into crates/js/pkg/ (this file
// builds nothing). It opens every shipped site, lets the example agent (examples/js/agent.mjs)
// earn +1 on click-button and the bank, checks that the same seed gives the same observations,
// that the page build (pkg/web) and the Node build (pkg/node) agree, that the objects are the
// agent protocol's (byte for byte the replies of `wobble agent`, when that binary is built), and
// that every kind of bad input throws an Error that says what is wrong.
//
//   cargo xtask js && node --test tests/js/

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Agent, runEpisode } from '../../examples/js/agent.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PKG = `${ROOT}crates/js/pkg`;
if (!existsSync(`${PKG}/node/wobble_js.js`) || !existsSync(`${PKG}/web/wobble_js.js`)) {
  throw new Error(`${PKG} has no built module: run \`cargo xtask js\` first`);
}
const { WobbleEnv } = createRequire(import.meta.url)(`${PKG}/node/wobble_js.js`);

/** The keys of an observation, in the agent protocol's order. */
const OBSERVATION_KEYS = ['type', 'site', 'task', 'seed', 'step', 'step_limit', 'page', 'done', 'viewport',
  'scroll_y', 'instruction', 'goal', 'text', 'elements', 'actions'];

/** Runs `body(env)` on a new environment (of the class `Env`) and frees it afterwards. */
function withEnv(args, body, Env = WobbleEnv) {
  const env = new Env(...args);
  try {
    return body(env);
  } finally {
    env.free();
  }
}

/** Every observation of one episode played by the example agent, and the actions taken. */
function transcript(env, seed) {
  const observations = [];
  const actions = [];
  const agent = new Agent();
  let obs = env.reset(seed);
  observations.push(obs);
  while (!obs.done) {
    const { action } = agent.choose(obs);
    actions.push(action);
    const result = env.step(action);
    agent.saw(obs, action, result.observation);
    obs = result.observation;
    observations.push(obs);
  }
  return { observations, actions };
}

test('sites() lists every shipped site, and each opens, resets and steps', () => {
  const sites = WobbleEnv.sites();
  assert.ok(sites.length >= 8, JSON.stringify(sites));
  assert.deepEqual(
    ['click-button', 'login-user', 'airline', 'bank'].filter((s) => !sites.some((i) => i.site === s)),
    [],
  );
  for (const { site, title, description, tasks } of sites) {
    assert.ok(title && description && tasks.length > 0, site);
    withEnv([site], (env) => {
      assert.equal(env.site, site);
      assert.equal(env.task, tasks[0]);
      assert.equal(env.perturb, '');
      assert.equal(env.protocolVersion, 2);
      const obs = env.reset();
      assert.deepEqual(Object.keys(obs), OBSERVATION_KEYS, site);
      assert.equal(obs.type, 'observation');
      assert.equal(obs.seed, 1, 'the default first seed');
      assert.equal(obs.step, 0);
      assert.ok(obs.text.startsWith(`instruction: ${obs.instruction}\n`), obs.text);
      assert.ok(obs.elements.length > 0 && obs.actions.length > 0, site);
      assert.deepEqual(env.actions(), obs.actions);
      assert.deepEqual(env.observation(), obs);
      const result = env.step(obs.actions[0]);
      assert.deepEqual(Object.keys(result), ['type', 'reward', 'terminated', 'truncated', 'reason', 'observation']);
      assert.equal(result.observation.step, 1);
    });
  }
});

test('the example agent earns +1 on click-button and on the bank transfer', () => {
  for (const [site, task] of [['click-button', 'click-button'], ['bank', 'transfer']]) {
    withEnv([site, task, { seed: 1 }], (env) => {
      for (let episode = 0; episode < 5; episode++) {
        const steps = [];
        const last = runEpisode(env, { onStep: (s) => steps.push(s.why) });
        assert.equal(last.reward, 1, `${site} seed ${last.observation.seed}: ${last.reason}\n${steps.join('\n')}`);
        assert.equal(last.terminated, true);
        assert.equal(last.reason, 'the task was done');
        assert.equal(last.observation.seed, 1 + episode, 'resets without a seed count up');
        assert.deepEqual(last.observation.actions, []);
        assert.match(last.observation.text, /done: reward 1 \(the task was done\)\n$/);
      }
    });
  }
});

test('rewording the labels breaks the agent; the changes are listed in words', () => {
  withEnv(['bank', 'transfer', { seed: 1, perturb: 'relabel:3' }], (env) => {
    assert.equal(env.perturb, 'relabel:3');
    let solved = 0;
    for (let episode = 0; episode < 5; episode++) solved += runEpisode(env).reward === 1;
    assert.ok(solved < 5, `solved ${solved}/5 despite reworded labels`);
    const changes = env.changes();
    assert.ok(changes.some((c) => c.kind === 'relabel' && c.applied && c.text.length > 0), JSON.stringify(changes));
  });
});

test('the same seed gives the same observations; another seed another goal', () => {
  const a = withEnv(['bank', 'transfer'], (env) => transcript(env, 7));
  const b = withEnv(['bank', 'transfer', { perturb: '' }], (env) => transcript(env, 7));
  assert.deepEqual(b, a);
  assert.ok(a.observations.length > 5);
  withEnv(['bank', 'transfer'], (env) => {
    const first = env.reset(7);
    env.step(first.actions[0]);
    assert.deepEqual(env.reset(7), first, 'a reset starts over');
    assert.deepEqual(env.reset(7n), first, 'a BigInt seed is the same seed');
    const other = env.reset(8);
    assert.notDeepEqual(other.goal, first.goal);
  });
});

test('the page build (pkg/web) gives the same objects as the Node build', async () => {
  const web = await import(`${PKG}/web/wobble_js.js`);
  web.initSync({ module: readFileSync(`${PKG}/web/wobble_js_bg.wasm`) });
  const args = ['airline', null, { seed: 3, perturb: 'popup:2,move:3' }];
  const fromWeb = withEnv(args, (env) => transcript(env), web.WobbleEnv);
  const fromNode = withEnv(args, (env) => transcript(env));
  assert.deepEqual(fromWeb, fromNode);
});

test('a site given as RON text runs like the shipped one', () => {
  const text = readFileSync(`${ROOT}sites/login-user.ron`, 'utf8');
  const byText = WobbleEnv.fromSiteText(text, undefined, { seed: 3 });
  try {
    const byName = withEnv(['login-user', null, { seed: 3 }], (env) => transcript(env));
    assert.deepEqual(transcript(byText), byName);
  } finally {
    byText.free();
  }
});

test('observations and step results are the agent protocol replies of `wobble agent`', (t) => {
  const bin = process.env.WOBBLE_BIN ?? `${ROOT}target/release/wobble`;
  if (!existsSync(bin)) {
    // Under CI the comparison is part of what must pass: a missing binary is a failure.
    if (process.env.CI) assert.fail(`no ${bin}: build it with cargo build --release -p wobble-cli`);
    t.skip(`no ${bin} (cargo build --release -p wobble-cli)`);
    return;
  }
  const { observations, actions } = withEnv(['bank', 'transfer', { perturb: 'popup:3' }], (env) => transcript(env, 4));
  const requests = [{ op: 'reset', seed: 4 }, ...actions.map((action) => ({ op: 'step', action }))];
  const run = spawnSync(bin, ['agent', '--site', 'bank', '--task', 'transfer', '--perturb', 'popup:3'], {
    input: requests.map((r) => JSON.stringify(r) + '\n').join(''),
    encoding: 'utf8',
  });
  assert.equal(run.status, 0, run.stderr);
  const replies = run.stdout.trim().split('\n').map((line) => JSON.parse(line));
  assert.equal(replies[0].type, 'hello');
  assert.deepEqual(replies[1], observations[0]);
  assert.deepEqual(replies.slice(2).map((r) => r.observation), observations.slice(1));
  assert.equal(replies.at(-1).reward, 1);
});

/** Asserts that `fn` throws an Error whose message matches `pattern`. */
function throwsError(fn, pattern) {
  assert.throws(fn, (e) => {
    assert.ok(e instanceof Error, `not an Error: ${e}`);
    assert.match(e.message, pattern);
    return true;
  });
}

test('bad input throws an Error that says what is wrong, and changes nothing', () => {
  throwsError(() => new WobbleEnv('nope'), /^new WobbleEnv: no site is named "nope"; the sites are: click-button, /);
  throwsError(() => new WobbleEnv(42), /^new WobbleEnv: the site must be a site's name \(a string\), got 42/);
  throwsError(() => new WobbleEnv('bank', 'rob'), /^new WobbleEnv: site "bank" has no task "rob"; its tasks are: transfer/);
  throwsError(() => new WobbleEnv('bank', 7), /the task must be a task's name/);
  throwsError(() => new WobbleEnv('bank', null, { perturb: 'wobble:9' }), /^new WobbleEnv: perturb "wobble:9": /);
  throwsError(() => new WobbleEnv('bank', null, { perturb: 3 }), /options.perturb must be a spec/);
  throwsError(() => new WobbleEnv('bank', null, { sed: 1 }), /unknown option "sed"; the options are "seed" and "perturb"/);
  throwsError(() => new WobbleEnv('bank', null, 'fast'), /the options must be an object/);
  throwsError(() => new WobbleEnv('bank', null, { seed: -1 }), /options.seed: a seed must be a whole number/);
  throwsError(() => WobbleEnv.fromSiteText('Site(name: "x", pages: oops'), /^WobbleEnv.fromSiteText: site.ron:1:\d+: /);
  throwsError(() => WobbleEnv.fromSiteText(null), /the site must be a site file's text/);

  withEnv(['login-user', null, { seed: 3 }], (env) => {
    throwsError(() => env.step({ kind: 'finish' }), /^step: no episode has started; call reset\(\) first$/);
    throwsError(() => env.observation(), /^observation: no episode has started/);
    throwsError(() => env.actions(), /^actions: no episode has started/);
    throwsError(() => env.reset(1.5), /^reset: a seed must be a whole number/);
    throwsError(() => env.reset('3'), /^reset: a seed must be a whole number \(or a BigInt\), got "3"/);
    throwsError(() => env.reset(-1n), /^reset: a seed must be from 0 to 18446744073709551615, got -1n/);
    const obs = env.reset();
    const field = obs.elements.find((e) => e.role === 'textbox');
    const cyclic = { kind: 'click' };
    cyclic.self = cyclic;
    const bad = [
      [undefined, /^step: no action was given/],
      ['click', /^step: "action" must be an object such as \{"kind":"click","id":3\}, got "click"/],
      [null, /"action" must be an object/],
      [{ kind: 'jump' }, /unknown action kind "jump"; expected one of click, click_at, type/],
      [{ id: 3 }, /the action has no "kind"/],
      [{ kind: 'click' }, /a click action needs "id"/],
      [{ kind: 'click', id: 9999 }, /^step: action.id: no element 9999 is shown now \(page "login"\)/],
      [{ kind: 'click', id: -1 }, /action.id must be an element id/],
      [{ kind: 'click', id: 1n }, /the action cannot be read as JSON: .*BigInt/],
      [cyclic, /the action cannot be read as JSON/],
      [{ kind: 'click', id: field.id, now: true }, /unknown field "now" in a click action/],
      [{ kind: 'type', id: field.id, goal: 'nope' }, /no goal field "nope"; its goal fields are "username", "password"/],
      [{ kind: 'type', id: field.id }, /exactly one of "text"/],
      [{ kind: 'select', id: field.id, option: 0 }, /has no options to select/],
      [{ kind: 'key', key: 'space' }, /action.key must be "enter", "tab" or "escape"/],
      [{ kind: 'scroll', dy: NaN }, /action.dy must be a number of CSS pixels, got null/],
      [{ kind: 'click_at', x: 1 }, /a click_at action needs "y"/],
    ];
    for (const [action, pattern] of bad) throwsError(() => env.step(action), pattern);
    assert.deepEqual(env.observation(), obs, 'errors changed nothing');
    const end = env.step({ kind: 'finish' });
    assert.equal(end.reward, -1);
    throwsError(
      () => env.step({ kind: 'finish' }),
      /^step: the episode is over \(reward -1: .+\); call reset\(\) to start a new one$/,
    );
    assert.equal(env.reset().seed, 4, 'the environment still works after errors');
  });
});
