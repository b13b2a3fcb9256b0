/**
 * Issue 12 point 5 with the real extension: the demo's fake-police conversation follows a known script, and the banner,
 * the popup and the report page lead with its name and the advice that fits it, before the warning signs, in English and in
 * Vietnamese.
 */
import type { Locator } from '@playwright/test';
import { pointPopupAt } from '../../scripts/screenshots';
import { bannerText, eventually, expect, storedConversations, test } from './fixtures';

const KEY = 'demo:vi-fake-police';
const HEADLINE = 'This looks like the fake-police scam';
const FIRST_ADVICE = 'Real police, prosecutors and courts never investigate by phone or video call';
const HEADLINE_VI = 'Cuộc trò chuyện này giống chiêu giả danh công an';
const FIRST_ADVICE_VI = 'Công an, viện kiểm sát, tòa án thật không bao giờ làm việc qua điện thoại hay cuộc gọi video';

/** Where each of `texts` first appears in the element's visible text (-1: absent). */
async function positions(locator: Locator, texts: string[]): Promise<number[]> {
  const text = await locator.innerText();
  return texts.map((t) => text.indexOf(t));
}

test('the popup and the report page lead the fake-police conversation with the named pattern and its advice', async ({ extension, demo }) => {
  const chat = await extension.context.newPage();
  await chat.goto(demo.url);
  const conversation = await eventually(async () => {
    const c = (await storedConversations(extension))[KEY];
    return c?.risk.pattern?.steps.length === 6 ? c : null;
  }, 20_000);
  expect(conversation.risk.pattern?.script).toBe('online-kidnapping');
  // The in-page warning names the pattern, then its advice, before the words that triggered it.
  const banner = await eventually(async () => {
    const text = await bannerText(chat);
    return text?.includes(HEADLINE) ? text : null;
  });
  expect(banner.indexOf(FIRST_ADVICE)).toBeGreaterThan(banner.indexOf(HEADLINE));
  expect(banner.indexOf('Words that raised this')).toBeGreaterThan(banner.indexOf(FIRST_ADVICE));
  const base = `chrome-extension://${extension.extensionId}`;

  // The popup, opened over the chat tab: the level, then the pattern and the first advice, then the warning signs.
  const popup = await extension.context.newPage();
  await pointPopupAt(popup, demo.url);
  await popup.goto(`${base}/popup.html`);
  await expect(popup.getByTestId('pattern-headline')).toHaveText(`${HEADLINE} (online kidnapping): 6 of its 6 steps so far`);
  await expect(popup.getByTestId('pattern-advice').locator('li').first()).toContainText(FIRST_ADVICE);
  const [level, headline, advice, signs] = await positions(popup.locator('#app'), ['This conversation:', HEADLINE, FIRST_ADVICE, 'posing as an authority']);
  expect(level).toBeGreaterThanOrEqual(0);
  expect(headline).toBeGreaterThan(level);
  expect(advice).toBeGreaterThan(headline);
  expect(signs).toBeGreaterThan(advice);

  // The report page: the conversation view opens with the pattern and its advice, before its facts and signs.
  const report = await extension.context.newPage();
  await report.goto(`${base}/report.html#c=${encodeURIComponent(KEY)}`);
  const view = report.getByTestId('conversation-view');
  await expect(view.getByTestId('pattern-headline')).toContainText(HEADLINE);
  const [title, viewHeadline, viewAdvice, site, viewSigns] = await positions(view, ['Cán bộ Minh (CA quận)', HEADLINE, FIRST_ADVICE, 'Site', 'posing as an authority']);
  expect(viewHeadline).toBeGreaterThan(title);
  expect(viewAdvice).toBeGreaterThan(viewHeadline);
  expect(site).toBeGreaterThan(viewAdvice);
  expect(viewSigns).toBeGreaterThan(viewAdvice);
  // Each step is marked on the risk chart and labelled at its message.
  await expect(view.locator('svg.timeline g.step-mark')).not.toHaveCount(0);
  await expect(view.getByTestId('step-label').first()).toContainText('Step 1:');

  // In Vietnamese.
  await extension.serviceWorker.evaluate(async () => {
    const { settings } = await chrome.storage.local.get('settings');
    await chrome.storage.local.set({ settings: { ...(settings as object), uiLanguage: 'vi' } });
  });
  await popup.reload();
  await expect(popup.getByTestId('pattern-headline')).toContainText(HEADLINE_VI);
  await expect(popup.getByTestId('pattern-advice').locator('li').first()).toContainText(FIRST_ADVICE_VI);
  await report.reload();
  await expect(report.getByTestId('conversation-view').getByTestId('pattern-headline')).toContainText(HEADLINE_VI);
});
