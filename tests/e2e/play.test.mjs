// Playing the sites as a person would, in the built app (dist/) served under /wobble/.
//
// Each test reads the instruction from the page, acts only through what is drawn (the elements'
// data-key / data-role attributes and their visible text), and checks the reward the app shows.
// Every test also checks that the page threw nothing and asked no host but 127.0.0.1.
// Screenshots land in tests/e2e/screenshots/ (git-ignored) for a person to look at.

import { test } from 'node:test';
import { useBrowser, play, site, fillBankTransfer, SCREENSHOTS } from './harness.mjs';
import assert from 'node:assert/strict';

useBrowser();

/** Waits for the episode to end; returns { reward, text } from #wobble-outcome. */
async function outcome(page) {
  const box = page.locator('#wobble-outcome');
  await box.waitFor();
  return { reward: await box.getAttribute('data-reward'), text: await box.innerText() };
}

const shot = (page, name) => page.screenshot({ path: `${SCREENSHOTS}${name}.png` });

test('with nobody playing, the airline task, its step count and the site wait for a person', async (t) => {
  await play(t, '?policy=none', async (page) => {
    assert.match(await page.locator('#wobble-instruction').innerText(), /^Book the cheapest flight from /);
    assert.equal(await page.locator('#wobble-steps').innerText(), 'step 0 / 40');
    assert.equal(await site(page, 'banner').innerText(), 'SkyWays');
    assert.equal(await page.locator('#wobble-outcome').count(), 0, 'no outcome before the episode ends');
    // The defaults are written into the link.
    assert.match(page.url(), /\?site=airline&task=book-flight&seed=1$/);
    await shot(page, 'landing');
  });
});

test('click-button: clicking the named button pays +1', async (t) => {
  await play(t, '?site=click-button', async (page) => {
    const instruction = await page.locator('#wobble-instruction').innerText();
    const word = instruction.match(/"([^"]+)"/)?.[1];
    assert.ok(word, `no quoted word in ${JSON.stringify(instruction)}`);
    const button = page.locator('#wobble-site [data-role="button"]', { hasText: new RegExp(`^${word}$`) });
    assert.equal(await button.count(), 1, `one button reads ${word}`);
    await button.click();
    const { reward, text } = await outcome(page);
    assert.equal(reward, '1');
    assert.match(text, /\+1/);
    assert.equal(await page.locator('#wobble-steps').innerText(), 'step 1 / 10');
    // The site is finished with: its buttons no longer act.
    assert.ok(await button.isDisabled());
  });
});

test('choose-date: typing the date and pressing Enter submits it', async (t) => {
  await play(t, '?site=choose-date&seed=9', async (page) => {
    const date = (await page.locator('#wobble-instruction').innerText()).match(/\d\d\/\d\d\/\d{4}/)?.[0];
    assert.ok(date);
    await site(page, 'datepicker').fill(date);
    await site(page, 'datepicker').press('Enter');
    const { reward } = await outcome(page);
    assert.equal(reward, '1');
    // One step to type, one for the Enter key.
    assert.equal(await page.locator('#wobble-steps').innerText(), 'step 2 / 10');
  });
});

/**
 * Books the cheapest flight the instruction asks for, as a person would: by the fields' places
 * and the rows' prices, not their words (so it works on reworded labels too). Screenshots are
 * taken with `shot` when given.
 */
async function bookCheapest(page, shot = async () => {}) {
  const instruction = await page.locator('#wobble-instruction').innerText();
  const m = instruction.match(/from (.+) to (.+) on (\d\d\/\d\d\/\d{4}) for (\S+) (.+)\.$/);
  assert.ok(m, `unexpected instruction ${JSON.stringify(instruction)}`);
  const [, from, to, date, first, last] = m;

  // Search.
  await site(page, 'from').selectOption({ label: from });
  await site(page, 'to').selectOption({ label: to });
  await site(page, 'depart_date').fill(date);
  await site(page, 'passengers').selectOption({ label: '1' });
  await shot(page, 'airline-search');
  await site(page, 'search_button').click();

  // Results: read every row's price, pick the cheapest.
  const rows = page.locator('#wobble-site [data-key="flight_list"] [data-role="listitem"]');
  await rows.first().waitFor();
  const heading = await page.locator('#wobble-site [data-role="heading"]').innerText();
  assert.equal(heading, `${from} to ${to}`);
  let best;
  for (const row of await rows.all()) {
    const texts = await row.locator('[data-role="text"]').allInnerTexts();
    const price = texts.map((s) => s.match(/^\$(\d+)$/)).find(Boolean);
    assert.ok(price, `no price among ${JSON.stringify(texts)}`);
    if (!best || Number(price[1]) < best.price) best = { row, price: Number(price[1]) };
  }
  assert.ok(best, 'no flights listed');
  await shot(page, 'airline-results');
  await best.row.locator('[data-role="button"]').first().click();

  // Passenger.
  await site(page, 'first_name').waitFor();
  assert.match(await page.locator('#wobble-site').innerText(), new RegExp(`\\$${best.price}\\.`));
  await site(page, 'first_name').fill(first);
  await site(page, 'last_name').fill(last);
  await site(page, 'continue_button').click();

  // Payment.
  await site(page, 'card_number').waitFor();
  await site(page, 'card_number').fill('4111 1111 1111 1111');
  await site(page, 'card_name').fill(`${first} ${last}`);
  await site(page, 'card_expiry').fill('08/29');
  await shot(page, 'airline-payment');
  await site(page, 'pay_button').click();

  // Confirmation.
  await site(page, 'finish').waitFor();
  await shot(page, 'airline-confirmation');
  await site(page, 'finish').click();
}

test('airline: booking the cheapest flight as a person pays +1', async (t) => {
  await play(t, '?site=airline&seed=5', async (page) => {
    await bookCheapest(page, shot);
    assert.match(await page.locator('#wobble-site').innerText(), /You're booked!/);
    const { reward, text } = await outcome(page);
    assert.equal(reward, '1', text);
    assert.match(text, /Success/);
    assert.equal(await page.locator('#wobble-steps').innerText(), 'step 14 / 40');
    await shot(page, 'airline-end');
  });
});

// The room's own data: a person books a flight plainly and again with the labels reworded (the
// change that blinds the reader), and the race card shows their row beside the agents for each.
test("a person's own episodes join the race card beside the agents, one row per change", async (t) => {
  await play(t, '?site=airline&seed=5', async (page) => {
    const you = page.locator('#wobble-race-you');
    await page.locator('#wobble-race-you-hint').waitFor();
    await bookCheapest(page);
    await you.waitFor();
    assert.deepEqual(await you.evaluate((r) => [r.dataset.episodes, r.dataset.successes]), ['1', '1']);

    await page.locator('#wobble-reword').click();
    await page.waitForURL(/perturb=relabel(:|%3A)3/);
    // A new change of the site: no row for it yet.
    await page.locator('#wobble-race-you-hint').waitFor();
    await bookCheapest(page);
    await you.waitFor();
    assert.deepEqual(await you.evaluate((r) => [r.dataset.episodes, r.dataset.successes]), ['1', '1']);
    await page.locator('#wobble-race').screenshot({ path: `${SCREENSHOTS}race-you.png` });

    // Back to the plain site: the first row again.
    await page.locator('#wobble-reword').click();
    await page.waitForURL((url) => !url.search.includes('perturb='));
    assert.deepEqual(await you.evaluate((r) => [r.dataset.episodes, r.dataset.successes]), ['1', '1']);
  });
});

test('airline: a validation message shows, and a wrong flight pays -1', async (t) => {
  await play(t, '?site=airline&seed=5', async (page) => {
    const [, from, to, date] = (await page.locator('#wobble-instruction').innerText()).match(
      /from (.+) to (.+) on (\d\d\/\d\d\/\d{4})/,
    );
    await site(page, 'search_button').click();
    const alert = page.locator('#wobble-site [data-role="alert"]');
    assert.equal(await alert.innerText(), 'Choose the city you are flying from.');
    await site(page, 'from').selectOption({ label: from });
    await site(page, 'to').selectOption({ label: to });
    await site(page, 'depart_date').fill(date);
    await site(page, 'search_button').click();
    // The most expensive flight, then straight through.
    const rows = page.locator('#wobble-site [data-key="flight_list"] [data-role="listitem"]');
    await rows.first().waitFor();
    let worst;
    for (const row of await rows.all()) {
      const price = Number((await row.innerText()).match(/\$(\d+)/)[1]);
      if (!worst || price > worst.price) worst = { row, price };
    }
    await worst.row.locator('[data-role="button"]').click();
    for (const [key, text] of [['first_name', 'A'], ['last_name', 'B']]) await site(page, key).fill(text);
    await site(page, 'continue_button').click();
    for (const [key, text] of [['card_number', '1'], ['card_name', 'A B'], ['card_expiry', '1/30']]) {
      await site(page, key).fill(text);
    }
    await site(page, 'pay_button').click();
    await site(page, 'finish').click();
    const { reward, text } = await outcome(page);
    assert.equal(reward, '-1');
    assert.match(text, /−1/);
    assert.match(text, /not the cheapest|name is wrong/);
    await shot(page, 'airline-failure');
  });
});

test('bank: a transfer confirmed in a dialog pays +1', async (t) => {
  await play(t, '?site=bank&seed=2', async (page) => {
    await fillBankTransfer(page);
    const dialog = page.locator('#wobble-site [data-role="dialog"]');
    await dialog.waitFor();
    assert.match(await dialog.innerText(), /Confirm transfer/);
    await shot(page, 'bank-dialog');
    // The page under the dialog cannot be used.
    assert.ok(await site(page, 'review').isDisabled());
    await dialog.locator('[data-key="confirm_button"]').click();
    await site(page, 'done').click();
    const { reward, text } = await outcome(page);
    assert.equal(reward, '1', text);
  });
});

test('a link with unknown values falls back to the defaults and says so', async (t) => {
  await play(t, '?site=nowhere&task=x&seed=abc', async (page) => {
    const notices = page.locator('#wobble-notices');
    await notices.waitFor();
    const text = await notices.innerText();
    assert.match(text, /There is no site "nowhere" \(there are: click-button, /);
    assert.match(text, /seed "abc"/);
    assert.match(await page.locator('#wobble-instruction').innerText(), /^Book the cheapest flight/);
    assert.match(page.url(), /\?site=airline&task=book-flight&seed=1$/);
    await shot(page, 'bad-link');
  });
});

test('the pickers switch site and seed, and New episode moves to the next seed', async (t) => {
  await play(t, '?site=click-button&seed=3', async (page) => {
    const first = await page.locator('#wobble-instruction').innerText();
    await page.locator('#wobble-new-episode').click();
    await page.waitForURL(/seed=4$/);
    assert.equal(await page.locator('#wobble-steps').innerText(), 'step 0 / 10');
    await page.locator('#wobble-seed-input').fill('3');
    await page.locator('#wobble-seed-input').press('Tab');
    await page.waitForURL(/seed=3$/);
    assert.equal(await page.locator('#wobble-instruction').innerText(), first, 'the same seed gives the same goal');
    await page.locator('#wobble-site-select').selectOption('enter-text');
    await page.waitForURL(/site=enter-text&task=enter-text&seed=3$/);
    assert.equal(await site(page, 'banner').count(), 1);
  });
});

test('inbox: starring the named email, then saying "I\'m done", pays +1', async (t) => {
  await play(t, '?site=inbox&task=star&seed=4', async (page) => {
    const instruction = await page.locator('#wobble-instruction').innerText();
    const m = instruction.match(/^Star the email from (.+) about "(.+)"\.$/);
    assert.ok(m, `unexpected instruction ${JSON.stringify(instruction)}`);
    const [, sender, subject] = m;
    await site(page, 'search').fill(subject);
    await site(page, 'search_button').click();
    // Others wrote about the same subject: find the row from the sender.
    const rows = page.locator('#wobble-site [data-key="message_list"] [data-role="listitem"]');
    await rows.first().waitFor();
    let mine;
    for (const row of await rows.all()) {
      // Row elements are keyed with their row: `mail_sender[3]`.
      const from = await row.locator('[data-key^="mail_sender["]').innerText();
      const about = await row.locator('[data-key^="mail_subject["]').innerText();
      assert.equal(about, subject, 'the search shows only that subject');
      if (from === sender) mine = row;
    }
    assert.ok(mine, `no email from ${sender}`);
    await mine.locator('[data-key^="open["]').click();
    const message = page.locator('#wobble-site [data-key="message_view"]');
    await message.locator('[data-key^="view_subject["]').waitFor();
    assert.equal(await message.locator('[data-key^="view_subject["]').innerText(), subject);
    await message.locator('[data-key^="starred["]').click();
    await shot(page, 'inbox-starred');
    await page.click('#wobble-finish');
    const { reward, text } = await outcome(page);
    assert.equal(reward, '1', text);
    assert.equal(await page.locator('#wobble-finish').count(), 0, 'the episode is over');
  });
});

test('inbox: saying "I\'m done" before doing anything fails with the reason', async (t) => {
  await play(t, '?site=inbox&task=forward&seed=4', async (page) => {
    await page.click('#wobble-finish');
    const { reward, text } = await outcome(page);
    assert.equal(reward, '-1', text);
    assert.match(text, /No email was forwarded/);
  });
});
