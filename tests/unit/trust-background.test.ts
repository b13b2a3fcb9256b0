/**
 * Trust, point 6: the background treats content-script messages as untrusted (docs/threat-model.md, "A compromised
 * or confused content script"). Every message is validated with zod against lib/protocol.ts, unknown types and
 * extra fields are refused, sizes are bounded, the sender is checked, and no key can reach Object.prototype.
 * (tests/unit/background-handler.test.ts covers the normal flow; this file is the hostile side.)
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createMessageHandler, type BackgroundDeps, type MessageSender } from '../../lib/background/handler';
import { MAX_MESSAGES_PER_REPORT, MAX_PARSE_TEXT_CHARS, MAX_PARSE_TEXTS, ProtocolMessageSchema, type ScanReport } from '../../lib/protocol';
import type { ConversationMap } from '../../lib/storage/conversations';
import { parseConversations } from '../../lib/storage/parse';
import { MAX_TEXT } from '../../lib/storage/schema';

const EXTENSION_ID = 'our-extension';
const EXTENSION_PAGES = 'chrome-extension://our-extension/';

function setup(initial: ConversationMap = {}) {
  let stored: ConversationMap = initial;
  let writes = 0;
  const injected: Array<[number, number]> = [];
  const parsed: string[] = [];
  const deps: BackgroundDeps = {
    extensionId: EXTENSION_ID,
    extensionPageUrl: EXTENSION_PAGES,
    loadConversations: () => Promise.resolve(stored),
    saveConversations: (c) => {
      stored = c;
      writes++;
      return Promise.resolve();
    },
    retentionDays: () => Promise.resolve(30),
    setBadge: () => Promise.resolve(),
    setTabState: () => Promise.resolve(),
    now: () => 1_750_000_000_000,
    startContentScript: (tabId, frameId) => {
      injected.push([tabId, frameId]);
      return Promise.resolve();
    },
    // A stand-in parser (the real one is tests/unit/background-handler.test.ts's): this file checks what reaches it.
    parseSentences: (text) => {
      parsed.push(text);
      return [{ start: 0, end: text.length, isQuestion: false, clauses: [{ start: 0, end: text.length }], negations: [] }];
    },
  };
  return { handle: createMessageHandler(deps), stored: () => stored, writes: () => writes, injected, parsed };
}

const risk = { level: 'high' as const, score: 11, alert: true, categories: ['secrecy' as const], reasons: [] };
const finding = {
  ruleId: 'en-secrecy', category: 'secrecy' as const, language: 'en' as const, weight: 3, start: 0, end: 5, matched: "don't",
  adviceKey: 'secrecy', selfCompliance: false,
};
const message = { id: 'm1', from: 'other' as const, text: "don't tell your parents", findings: [finding], seenAt: 1 };
const report: ScanReport = {
  type: 'scan-report',
  conversation: { key: 'demo:x', site: 'demo', title: 'X', url: 'http://127.0.0.1/demo/' },
  messages: [message],
  risk,
};
const contentScript: MessageSender = { id: EXTENSION_ID, tab: { id: 7 }, url: 'http://127.0.0.1:8080/demo/', frameId: 0 };
const reportPage: MessageSender = { id: EXTENSION_ID, tab: { id: 8 }, url: `${EXTENSION_PAGES}report.html`, frameId: 0 };

/** A JSON round trip, as runtime messaging does: `__proto__` arrives as an own property, like from a hostile sender. */
const wire = (value: unknown): unknown => JSON.parse(JSON.stringify(value)) as unknown;
const withRaw = (json: string): unknown => JSON.parse(json) as unknown;

describe('background: who may send', () => {
  it('drops messages from another extension, from outside a tab, and with no sender id', async () => {
    for (const sender of [{ ...contentScript, id: 'other-extension' }, { id: EXTENSION_ID }, { tab: { id: 7 } }, {}] as MessageSender[]) {
      const { handle, writes } = setup();
      expect(await handle(report, sender)).toMatchObject({ ok: false });
      expect(writes()).toBe(0);
    }
  });

  it('lets only extension pages delete evidence, never a content script in a chat page', async () => {
    const { handle, stored } = setup();
    await handle(report, contentScript);
    const deleteAll = { type: 'delete-conversations', keys: 'all' };
    expect(await handle(deleteAll, contentScript)).toEqual({ ok: false, error: 'not allowed from this sender' });
    // A page whose address merely contains the extension's address is not an extension page.
    expect(await handle(deleteAll, { ...contentScript, url: `http://evil.example/?${EXTENSION_PAGES}` })).toMatchObject({ ok: false });
    expect(Object.keys(stored())).toEqual(['demo:x']);
    expect(await handle(deleteAll, reportPage)).toEqual({ ok: true });
    expect(stored()).toEqual({});
  });

  it('parses sentences only for the extension\'s own content scripts in a tab', async () => {
    const request = { type: 'parse-sentences', texts: ['keep it between us'] };
    for (const sender of [{ ...contentScript, id: 'other-extension' }, { id: EXTENSION_ID }, { tab: { id: 7 } }, {}] as MessageSender[]) {
      const { handle, parsed } = setup();
      expect(await handle(request, sender)).toMatchObject({ ok: false });
      expect(parsed).toEqual([]);
    }
    const { handle, parsed } = setup();
    expect(await handle(request, contentScript)).toMatchObject({ ok: true, sentences: [[{ start: 0, end: 18 }]] });
    expect(parsed).toEqual(['keep it between us']);
  });

  it('starts the chat content script only for a frame whose own address is a chat page', async () => {
    const { handle, injected } = setup();
    expect(await handle({ type: 'start-content-script' }, { ...contentScript, url: 'https://evil.example/demo/' })).toMatchObject({ ok: false });
    expect(await handle({ type: 'start-content-script', url: 'https://web.whatsapp.com/' }, { ...contentScript, url: 'https://evil.example/' })).toMatchObject({ ok: false });
    expect(injected).toEqual([]);
  });
});

describe('background: what may be sent', () => {
  const hostile: Array<[string, unknown]> = [
    ['nothing', undefined],
    ['null', null],
    ['a string', 'scan-report'],
    ['a number', 42],
    ['an array', [report]],
    ['no type', { ...report, type: undefined }],
    ['an unknown type', { type: 'delete-everything' }],
    ['a type that is not a string', { ...report, type: ['scan-report'] }],
    ['an extra top-level field', { ...report, extra: 1 }],
    ['too many messages', { ...report, messages: Array.from({ length: MAX_MESSAGES_PER_REPORT + 1 }, (_, i) => ({ ...message, id: `m${i}` })) }],
    ['a message text over the limit', { ...report, messages: [{ ...message, text: 'x'.repeat(MAX_TEXT + 1) }] }],
    ['too many findings', { ...report, messages: [{ ...message, findings: Array.from({ length: 101 }, () => finding) }] }],
    ['too many reasons', { ...report, risk: { ...risk, reasons: Array.from({ length: 51 }, () => ({ category: 'secrecy', ruleId: 'r', messageId: 'm1', matched: 'x', from: 'other', contribution: 1 })) } }],
    ['an unknown risk level', { ...report, risk: { ...risk, level: 'apocalyptic' } }],
    ['an unknown category', { ...report, messages: [{ ...message, findings: [{ ...finding, category: 'admin' }] }] }],
    ['a negative offset', { ...report, messages: [{ ...message, findings: [{ ...finding, start: -1 }] }] }],
    ['a fractional offset', { ...report, messages: [{ ...message, findings: [{ ...finding, end: 1.5 }] }] }],
    ['a weight out of range', { ...report, messages: [{ ...message, findings: [{ ...finding, weight: 1e9 }] }] }],
    ['a key over the limit', { ...report, conversation: { ...report.conversation, key: 'demo:' + 'k'.repeat(400) } }],
    ['an empty message id', { ...report, messages: [{ ...message, id: '' }] }],
    ['a direction that is neither self nor other', { ...report, messages: [{ ...message, from: 'system' }] }],
    ['a score that is not a number', { ...report, risk: { ...risk, score: '11' } }],
    ['a save for a key over the limit', { type: 'save-for-report', conversationKey: 'demo:' + 'k'.repeat(400) }],
    ['a delete of too many keys', { type: 'delete-conversations', keys: Array.from({ length: 10_001 }, (_, i) => `demo:${i}`) }],
    ['a parse of no texts', { type: 'parse-sentences', texts: [] }],
    ['a parse of too many texts', { type: 'parse-sentences', texts: Array.from({ length: MAX_PARSE_TEXTS + 1 }, (_, i) => `text ${i}`) }],
    ['a parse of a text over the limit', { type: 'parse-sentences', texts: ['x'.repeat(MAX_PARSE_TEXT_CHARS + 1)] }],
    ['a parse of an empty text', { type: 'parse-sentences', texts: [''] }],
    ['a parse of something that is not text', { type: 'parse-sentences', texts: [{ text: 'hi' }] }],
    ['a parse of one text, not a list', { type: 'parse-sentences', texts: 'hi' }],
    ['a parse with an extra field', { type: 'parse-sentences', texts: ['hi'], store: true }],
  ];

  it.each(hostile)('refuses %s and stores nothing', async (_label, payload) => {
    const { handle, writes, parsed } = setup();
    expect(await handle(payload, contentScript)).toMatchObject({ ok: false });
    expect(writes()).toBe(0);
    expect(parsed).toEqual([]);
  });

  it('answers a parse at the size limit, and an error (not a crash) when the parser throws', async () => {
    const { handle, parsed, writes } = setup();
    const texts = Array.from({ length: MAX_PARSE_TEXTS }, () => 'x'.repeat(MAX_PARSE_TEXT_CHARS));
    const answer = await handle({ type: 'parse-sentences', texts }, contentScript);
    expect(answer.ok && 'sentences' in answer ? answer.sentences.length : 0).toBe(MAX_PARSE_TEXTS);
    expect(parsed).toHaveLength(MAX_PARSE_TEXTS);
    expect(writes()).toBe(0);
    const failing = createMessageHandler({
      extensionId: EXTENSION_ID,
      loadConversations: () => Promise.resolve({}),
      saveConversations: () => Promise.resolve(),
      retentionDays: () => Promise.resolve(30),
      setBadge: () => Promise.resolve(),
      setTabState: () => Promise.resolve(),
      now: () => 0,
      parseSentences: () => {
        throw new RangeError('Maximum call stack size exceeded');
      },
    });
    expect(await failing({ type: 'parse-sentences', texts: ['hi'] }, contentScript)).toEqual({ ok: false, error: 'not parsed: Maximum call stack size exceeded' });
  });

  it('refuses NaN and Infinity where numbers are expected (they would not survive storage)', () => {
    // Runtime messaging is JSON, so these cannot arrive; the schema refuses them anyway.
    expect(ProtocolMessageSchema.safeParse({ ...report, risk: { ...risk, score: Number.NaN } }).success).toBe(false);
    expect(ProtocolMessageSchema.safeParse({ ...report, messages: [{ ...message, seenAt: Number.POSITIVE_INFINITY }] }).success).toBe(false);
  });

  it('refuses conversation keys that name Object.prototype members or have no site', async () => {
    for (const key of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'no-site-prefix', ':x']) {
      const { handle, writes } = setup();
      const scan = wire({ ...report, conversation: { ...report.conversation, key } });
      expect(await handle(scan, contentScript), key).toMatchObject({ ok: false });
      expect(await handle({ type: 'save-for-report', conversationKey: key }, contentScript), key).toMatchObject({ ok: false });
      expect(await handle({ type: 'conversation-shown', conversationKey: key, risk }, contentScript), key).toMatchObject({ ok: false });
      expect(writes(), key).toBe(0);
    }
  });

  it('refuses a report whose key belongs to another site than it says', async () => {
    const { handle, writes } = setup();
    expect(await handle({ ...report, conversation: { ...report.conversation, key: 'whatsapp:x' } }, contentScript)).toMatchObject({ ok: false });
    expect(writes()).toBe(0);
  });

  it('never lets a payload pollute Object.prototype or smuggle fields into storage', async () => {
    const { handle, stored } = setup();
    const payload = withRaw(
      JSON.stringify(report).replace('"id":"m1"', '"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},"id":"m1"'),
    );
    const result = await handle(payload, contentScript);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
    if (result.ok) {
      const saved = stored()['demo:x'].messages[0] as unknown as Record<string, unknown>;
      expect(Object.keys(saved)).not.toContain('constructor');
      expect(Object.keys(saved)).not.toContain('__proto__');
      expect(saved.polluted).toBeUndefined();
    }
  });

  it('answers any JSON value without throwing, and stores only what validates (property)', async () => {
    const fields = fc.constantFrom('type', 'conversation', 'messages', 'risk', 'key', 'keys', 'conversationKey', '__proto__', 'constructor');
    const payload = fc.oneof(
      fc.jsonValue(),
      fc.dictionary(fields, fc.jsonValue()),
      // A valid report with one field replaced by something random.
      fc.tuple(fc.constantFrom('conversation', 'messages', 'risk', 'type'), fc.jsonValue()).map(([field, value]) => ({ ...report, [field]: value })),
      fc.tuple(fc.constantFrom(...Object.keys(message)), fc.jsonValue()).map(([field, value]) => ({ ...report, messages: [{ ...message, [field]: value }] })),
    );
    await fc.assert(
      fc.asyncProperty(payload, async (value) => {
        const { handle, stored } = setup();
        const answer = await handle(wire(value), contentScript);
        expect(typeof answer.ok).toBe('boolean');
        // Whatever was stored reads back as valid conversations, with nothing set aside.
        const reread = parseConversations(wire(stored()));
        expect(reread.problems).toEqual([]);
        expect(Object.keys(reread.value)).toEqual(Object.keys(stored()));
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      }),
      { numRuns: 300 },
    );
  });
});
