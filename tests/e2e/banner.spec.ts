/**
 * The in-page warning on the demo chat with the real extension: its words cannot be found by the page's
 * `window.find()`, it does not cover the chat's message box or Send button, Alt+Shift+N reaches it from the chat, and
 * closing it with Escape is recorded and shown on the report page as what it was, not as "I'm OK".
 */
import { bannerText, eventually, expect, test } from './fixtures';

const KEY = 'demo:vi-fake-police';

test('the banner hides from window.find(), leaves the composer free, answers Alt+Shift+N, and records how it was closed', async ({ extension, demo }) => {
  const chat = await extension.context.newPage();
  await chat.goto(demo.url);
  const text = await eventually(() => bannerText(chat), 15_000);
  expect(text).toContain('This chat shows signs of manipulation');

  // A page script probing for the warning's words finds nothing (the chat's own words are still found in the chat).
  const found = await chat.evaluate(() => {
    const probe = (words: string): boolean => {
      getSelection()?.removeAllRanges();
      // Non-standard (not in the DOM typings), but every Chromium and Firefox page has it.
      return (window as unknown as { find(text: string): boolean }).find(words);
    };
    return { title: probe('signs of manipulation'), shortcut: probe('Alt+Shift+N'), chat: probe('bí mật điều tra') };
  });
  expect(found).toEqual({ title: false, shortcut: false, chat: true });

  // The message box and Send button stay reachable: nothing of ours is on top of them.
  const covered = await chat.evaluate(() =>
    ['#try-text', '#try button[type="submit"]'].map((selector) => {
      const box = document.querySelector(selector)!.getBoundingClientRect();
      const points = [
        [box.left + 2, box.top + 2],
        [box.right - 2, box.bottom - 2],
        [box.left + box.width / 2, box.top + box.height / 2],
      ];
      return points.some(([x, y]) => document.elementFromPoint(x, y)?.tagName.toLowerCase() === 'not-alone-banner');
    }),
  );
  expect(covered).toEqual([false, false]);

  // From the chat's message box, Alt+Shift+N moves the focus into the warning; Escape then closes it.
  await chat.locator('#try-text').focus();
  await chat.keyboard.press('Alt+Shift+KeyN');
  expect(await chat.evaluate(() => document.activeElement?.tagName.toLowerCase())).toBe('not-alone-banner');
  await chat.keyboard.press('Escape');
  await eventually(async () => (await bannerText(chat)) === null);

  const dismissals = await eventually(() =>
    extension.serviceWorker.evaluate(async (key) => ((await chrome.storage.local.get('dismissals')).dismissals as Record<string, unknown[]> | undefined)?.[key], KEY),
  );
  expect(dismissals).toEqual([expect.objectContaining({ kind: 'escape' })]);
  const report = await extension.context.newPage();
  await report.goto(`chrome-extension://${extension.extensionId}/report.html#c=${encodeURIComponent(KEY)}`);
  await expect(report.locator('dl.facts')).toContainText('closed with Escape');
  await expect(report.locator('dl.facts')).not.toContainText('I’m OK');
});
