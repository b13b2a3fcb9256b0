/**
 * A grammar check in the real extension: the content script bundles no engine and no sentence parser; it sends the
 * messages to the background, which analyses them with the full engine, so a message whose rule needs the parser
 * ("no you should …": is "no" a negation?) is decided there. No bundled rule has a grammar block today, so the rule
 * is imported in the options page, as a parent would.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { EXTENSION_DIR } from '../../scripts/support/extension-browser';
import { bannerText, eventually, expect, ROOT, storedConversations, test } from './fixtures';

const rule = `id: xx-skip-to-meet
title: Asks you to skip class or practice to meet
category: meeting
languages: [en]
weight: 5
patterns:
  - "(ditch|cut|bunk|skip) ~1 (class|classes|practice) ~3 (meet|see|come see) me"
grammar:
  not_negated: true
falsepositives:
  - saying you would never ask that
tests:
  match:
    - "cut practice to meet me"
    - "ditch class and come see me"
    - "skip classes tmrw to see me"
  no_match:
    - "I would never ask you to cut practice to meet me"
    - "see me after practice"
    - "class is cut short today"
`;

const expected = JSON.parse(readFileSync(resolve(ROOT, 'tests/fixtures/sites/telegram-k/expected.json'), 'utf8')) as { url: string };
const page = readFileSync(resolve(ROOT, 'tests/fixtures/sites/telegram-k/index.html'), 'utf8');

test('a message whose rule needs the sentence parser is analysed in the background and flagged', async ({ extension }) => {
  // The parser (compromise, recognisable by its tag names) and the engine are in the background only.
  const built = (file: string): string => readFileSync(resolve(EXTENSION_DIR, file), 'utf8');
  expect(built('background.js')).toContain('PhrasalVerb');
  expect(built('content-scripts/content.js')).not.toContain('PhrasalVerb');

  const options = await extension.context.newPage();
  await options.goto(`chrome-extension://${extension.extensionId}/options.html`);
  await options.getByTestId('rules-file').setInputFiles({ name: 'xx-skip-to-meet.yaml', mimeType: 'text/yaml', buffer: Buffer.from(rule) });
  await options.getByTestId('rules-import').click();
  await expect(options.getByTestId('status')).toContainText('Imported 1 rule');
  await options.close();

  await extension.context.route(`${new URL(expected.url).origin}/**`, (route) =>
    route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: route.request().resourceType() === 'document' ? page : '' }),
  );
  const chat = await extension.context.newPage();
  await chat.goto(expected.url);
  const key = 'telegram-k:-1001987654321';
  await eventually(async () => (await chat.locator('.bubble[data-mid]').count()) > 0);
  await chat.waitForTimeout(500);
  expect(await bannerText(chat)).toBeNull();

  // Two new messages arrive in the open (benign) conversation: a negated one, then a request.
  await chat.evaluate(() => {
    const group = document.querySelector('.bubbles-inner section.bubbles-date-group');
    for (const [mid, text] of [
      ['9101', 'I would never ask you to cut practice to meet me'],
      ['9102', 'no you should cut practice to meet me'],
    ]) {
      const bubble = document.createElement('div');
      bubble.className = 'bubble is-in';
      bubble.dataset.mid = mid;
      bubble.dataset.peerId = '-1001987654321';
      bubble.dataset.timestamp = String(Math.floor(Date.now() / 1000));
      bubble.innerHTML = '<div class="bubble-content-wrapper"><div class="bubble-content"><div class="message" dir="auto"><span class="translatable-message"></span><span class="time"><span class="i18n">09:00</span></span></div></div></div>';
      bubble.querySelector('.translatable-message')!.textContent = text;
      const holder = document.createElement('div');
      holder.className = 'bubbles-group';
      holder.append(bubble);
      group?.append(holder);
    }
  });

  expect(await eventually(() => bannerText(chat))).toContain('This chat shows signs of manipulation');
  const stored = await eventually(async () => {
    const conversation = (await storedConversations(extension))[key];
    return conversation?.messages.some((m) => m.id === '9102' && m.findings.length) ? conversation : null;
  });
  const request = stored.messages.find((m) => m.id === '9102');
  expect(request?.findings.map((f) => [f.ruleId, f.matched])).toEqual([['xx-skip-to-meet', 'cut practice to meet me']]);
  // The negated one is kept as context, with no finding.
  expect(stored.messages.find((m) => m.id === '9101')?.findings).toEqual([]);
  expect(stored.risk.alert).toBe(true);
});
