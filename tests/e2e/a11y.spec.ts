/**
 * Accessibility: axe-core (devDependency, pinned) on every page of the extension (popup, report, settings, welcome,
 * printable report) and on the in-page banner, in English and Vietnamese, in the light and the dark colour scheme:
 * no violation of WCAG 2.2 A/AA (contrast, names, labels, 24 px targets…) nor of axe's best practices.
 *
 * axe is injected with `page.evaluate(axe.source)`: it runs through the DevTools protocol, so the extension pages'
 * Content Security Policy (script-src 'self') does not block it. The banner lives in a closed shadow root with its
 * words as generated content, which axe cannot read; it is checked in a test build of lib/content/banner.ts (bundled
 * here with Vite) that renders the same banner, same styles, with an open shadow root and text nodes (`inspectable`).
 */
import type { Page } from '@playwright/test';
import axe from 'axe-core';
import { resolve } from 'node:path';
import { build, type Rollup } from 'vite';
import type { showBanner } from '../../lib/content/banner';
import { pointPopupAt } from '../../scripts/screenshots';
import type { ExtensionBrowser } from '../../scripts/support/extension-browser';
import { eventually, expect, ROOT, storedConversations, test } from './fixtures';

const KEY = 'demo:vi-fake-police';
const LANGUAGES = ['en', 'vi'] as const;
const SCHEMES = ['light', 'dark'] as const;
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];

interface Violation {
  where: string;
  rule: string;
  impact: string | null | undefined;
  targets: string[];
  summary: string;
}

async function axeViolations(page: Page, where: string): Promise<Violation[]> {
  await page.evaluate(axe.source);
  const results = await page.evaluate(async (tags) => {
    const w = window as unknown as { axe: typeof axe };
    return w.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
  }, TAGS);
  return results.violations.map((v) => ({
    where,
    rule: v.id,
    impact: v.impact,
    targets: v.nodes.slice(0, 5).map((n) => JSON.stringify(n.target)),
    summary: v.nodes[0]?.failureSummary?.split('\n').slice(0, 3).join(' ') ?? v.help,
  }));
}

async function setLanguage(extension: ExtensionBrowser, uiLanguage: string): Promise<void> {
  await extension.serviceWorker.evaluate(async (language) => {
    const { settings } = await chrome.storage.local.get('settings');
    await chrome.storage.local.set({ settings: { ...(settings as object | undefined), uiLanguage: language } });
  }, uiLanguage);
}

test('the extension pages have no axe violations in both languages and both colour schemes', async ({ extension, demo }) => {
  test.setTimeout(240_000);
  const chat = await extension.context.newPage();
  await chat.goto(demo.url);
  await eventually(async () => (await storedConversations(extension))[KEY]?.risk.alert, 15_000);
  const base = `chrome-extension://${extension.extensionId}`;
  const violations: Violation[] = [];

  for (const language of LANGUAGES) {
    await setLanguage(extension, language);
    for (const scheme of SCHEMES) {
      const at = (name: string): string => `${name} (${language}, ${scheme})`;
      const open = async (url: string, width = 1200): Promise<Page> => {
        const page = await extension.context.newPage();
        await page.emulateMedia({ colorScheme: scheme });
        await page.setViewportSize({ width, height: 900 });
        if (url.includes('popup.html')) await pointPopupAt(page, demo.url);
        await page.goto(url);
        return page;
      };

      const popup = await open(`${base}/popup.html`, 360);
      await popup.locator('[data-testid="recent"] li[data-conversation]').first().waitFor();
      violations.push(...(await axeViolations(popup, at('popup'))));
      await popup.close();

      const options = await open(`${base}/options.html`);
      await options.getByTestId('settings-form').waitFor();
      violations.push(...(await axeViolations(options, at('settings'))));
      await options.close();

      const welcome = await open(`${base}/welcome.html`);
      await welcome.getByTestId('path-teen').click();
      await welcome.getByTestId('teen-path').waitFor();
      violations.push(...(await axeViolations(welcome, at('welcome'))));
      await welcome.close();

      const report = await open(`${base}/report.html#c=${encodeURIComponent(KEY)}`);
      await report.locator('[data-testid="messages"] .message').first().waitFor();
      violations.push(...(await axeViolations(report, at('report'))));
      await report.getByTestId('export-language').selectOption(language);
      const [printable] = await Promise.all([extension.context.waitForEvent('page', { timeout: 15_000 }), report.getByTestId('open-printable').click()]);
      await printable.emulateMedia({ colorScheme: scheme });
      await printable.locator('li.msg.flagged').first().waitFor();
      violations.push(...(await axeViolations(printable, at('printable report'))));
      await printable.close();
      await report.close();
    }
  }
  expect(violations).toEqual([]);
});

/** lib/content/banner.ts bundled for a plain page (an IIFE exposing `NotAloneBanner.showBanner`). */
async function bannerBundle(): Promise<string> {
  const result = await build({
    configFile: false,
    logLevel: 'silent',
    build: { write: false, minify: false, lib: { entry: resolve(ROOT, 'lib/content/banner.ts'), formats: ['iife'], name: 'NotAloneBanner' } },
  });
  const outputs = (Array.isArray(result) ? result : [result]) as Rollup.RollupOutput[];
  return outputs[0].output[0].code;
}

test('the banner has no axe violations in both languages and both colour schemes, expanded, at danger and made smaller', async ({ extension }) => {
  test.setTimeout(120_000);
  const code = await bannerBundle();
  const violations: Violation[] = [];
  for (const language of LANGUAGES) {
    for (const scheme of SCHEMES) {
      for (const state of ['warning', 'danger with help open', 'smaller'] as const) {
        const page = await extension.context.newPage();
        await page.emulateMedia({ colorScheme: scheme });
        await page.setContent(`<!doctype html><html lang="${language}"><head><title>Chat</title></head><body><main><h1>Chat</h1><p>…</p></main></body></html>`);
        await page.addScriptTag({ content: code });
        await page.evaluate(
          ({ language, state }) => {
            const api = (window as unknown as { NotAloneBanner: { showBanner: typeof showBanner } }).NotAloneBanner;
            const finding = (matched: string, category: 'impersonation' | 'secrecy' | 'money') => ({
              ruleId: `r-${category}`, category, language, weight: 3, start: 0, end: matched.length, matched, adviceKey: category, selfCompliance: false,
            });
            const handle = api.showBanner(document, {
              language,
              risk: { level: state === 'warning' ? 'high' : 'critical', score: 9, alert: true, categories: ['impersonation', 'secrecy'], reasons: [] },
              findings: [finding('Tôi là cán bộ công an', 'impersonation'), finding('không được nói với ai', 'secrecy'), finding('chuyển tiền', 'money')],
              onDismiss: () => undefined,
              onSave: () => undefined,
              inspectable: true,
            });
            const root = handle.host.shadowRoot!;
            if (state === 'danger with help open') root.querySelector<HTMLButtonElement>('button[aria-controls="na-help"]')!.click();
            if (state === 'smaller') root.querySelector<HTMLButtonElement>('button.minimise')!.click();
          },
          { language, state },
        );
        violations.push(...(await axeViolations(page, `banner ${state} (${language}, ${scheme})`)));
        await page.close();
      }
    }
  }
  expect(violations).toEqual([]);
});
