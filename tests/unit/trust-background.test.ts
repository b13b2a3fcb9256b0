/**
 * Trust, point 6: the background treats content-script messages as untrusted (docs/threat-model.md, "A compromised
 * or confused content script"). Every message is validated with zod against lib/protocol.ts, unknown types and
 * extra fields are refused, sizes are bounded, the sender is checked, no key can reach Object.prototype, and a page
 * cannot make the background store a risk it did not compute itself.
 * (tests/unit/background-handler.test.ts covers the normal flow; this file is the hostile side.)
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createMessageHandler, type BackgroundDeps, type MessageSender } from '../../lib/background/handler';
import { MAX_MESSAGE_CHARS, MAX_MESSAGES_PER_REQUEST, MAX_REQUEST_CHARS, ProtocolMessageSchema, type AnalyzeMessages } from '../../lib/protocol';
import type { ConversationMap } from '../../lib/storage/conversations';
import { parseConversations } from '../../lib/storage/parse';
import { fakeEngine } from './fake-engine';

const EXTENSION_ID = 'our-extension';
const EXTENSION_PAGES = 'chrome-extension://our-extension/';

function setup(initial: ConversationMap = {}) {
  let stored: ConversationMap = initial;
  let writes = 0;
  const injected: Array<[number, number]> = [];
  const analysed: string[] = [];
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
    analysis: {
      engineInputs: () => Promise.resolve({ settings: { sensitivity: 'balanced', disabledCategories: [], languages: ['en', 'vi'], contextMessages: 5 }, customRules: [] }),
      createEngine: () => fakeEngine({ flag: 'secret', ruleId: 'en-secrecy', weight: 3, analysed }),
    },
  };
  return { handle: createMessageHandler(deps), stored: () => stored, writes: () => writes, injected, analysed };
}

const message = { id: 'm1', from: 'other' as const, text: "this is our secret, don't tell your parents", ts: 1_749_000_000_000, sender: 'Jay' };
const request: AnalyzeMessages = {
  type: 'analyze-messages',
  scanId: 'scan-1',
  seq: 0,
  conversation: { key: 'demo:x', site: 'demo', title: 'X', url: 'http://127.0.0.1/demo/' },
  messages: [message],
};
const risk = { level: 'critical' as const, score: 99, alert: true, categories: ['secrecy' as const], reasons: [] };
const contentScript: MessageSender = { id: EXTENSION_ID, tab: { id: 7 }, url: 'http://127.0.0.1:8080/demo/', frameId: 0 };
const reportPage: MessageSender = { id: EXTENSION_ID, tab: { id: 8 }, url: `${EXTENSION_PAGES}report.html`, frameId: 0 };

/** A JSON round trip, as runtime messaging does: `__proto__` arrives as an own property, like from a hostile sender. */
const wire = (value: unknown): unknown => JSON.parse(JSON.stringify(value)) as unknown;
const withRaw = (json: string): unknown => JSON.parse(json) as unknown;

describe('background: who may send', () => {
  it('drops messages from another extension, from outside a tab, and with no sender id', async () => {
    for (const sender of [{ ...contentScript, id: 'other-extension' }, { id: EXTENSION_ID }, { tab: { id: 7 } }, {}] as MessageSender[]) {
      const { handle, writes, analysed } = setup();
      expect(await handle(request, sender)).toMatchObject({ ok: false });
      expect(writes()).toBe(0);
      expect(analysed).toEqual([]);
    }
  });

  it('lets only extension pages delete evidence, never a content script in a chat page', async () => {
    const { handle, stored } = setup();
    await handle(request, contentScript);
    const deleteAll = { type: 'delete-conversations', keys: 'all' };
    expect(await handle(deleteAll, contentScript)).toEqual({ ok: false, error: 'not allowed from this sender' });
    // A page whose address merely contains the extension's address is not an extension page.
    expect(await handle(deleteAll, { ...contentScript, url: `http://evil.example/?${EXTENSION_PAGES}` })).toMatchObject({ ok: false });
    expect(Object.keys(stored())).toEqual(['demo:x']);
    expect(await handle(deleteAll, reportPage)).toEqual({ ok: true });
    expect(stored()).toEqual({});
  });

  it('analyses only for the extension\'s own content scripts in a tab, and never for an extension page', async () => {
    const { handle, analysed } = setup();
    expect(await handle(request, contentScript)).toMatchObject({ ok: true, analysis: { warn: true } });
    expect(analysed).toEqual([message.text]);
  });

  it('starts the chat content script only for a frame whose own address is a chat page', async () => {
    const { handle, injected } = setup();
    expect(await handle({ type: 'start-content-script' }, { ...contentScript, url: 'https://evil.example/demo/' })).toMatchObject({ ok: false });
    expect(await handle({ type: 'start-content-script', url: 'https://web.whatsapp.com/' }, { ...contentScript, url: 'https://evil.example/' })).toMatchObject({ ok: false });
    expect(injected).toEqual([]);
  });
});

describe('background: what may be sent', () => {
  const withMessage = (change: Record<string, unknown>): unknown => ({ ...request, messages: [{ ...message, ...change }] });
  const hostile: Array<[string, unknown]> = [
    ['nothing', undefined],
    ['null', null],
    ['a string', 'analyze-messages'],
    ['a number', 42],
    ['an array', [request]],
    ['no type', { ...request, type: undefined }],
    ['an unknown type', { type: 'delete-everything' }],
    ['a type that is not a string', { ...request, type: ['analyze-messages'] }],
    ['an extra top-level field', { ...request, extra: 1 }],
    ['a risk of its own (the background computes it)', { ...request, risk }],
    ['the old scan report, risk and findings included', { type: 'scan-report', conversation: request.conversation, messages: [{ ...message, findings: [], seenAt: 1 }], risk }],
    ['the old parse request', { type: 'parse-sentences', texts: ['keep it between us'] }],
    ['too many messages', { ...request, messages: Array.from({ length: MAX_MESSAGES_PER_REQUEST + 1 }, (_, i) => ({ ...message, id: `m${i}` })) }],
    ['a message text over the limit', withMessage({ text: 'x'.repeat(MAX_MESSAGE_CHARS + 1) })],
    [
      'more text in one request than allowed',
      { ...request, messages: Array.from({ length: Math.ceil(MAX_REQUEST_CHARS / MAX_MESSAGE_CHARS) + 1 }, (_, i) => ({ ...message, id: `m${i}`, text: 'x'.repeat(MAX_MESSAGE_CHARS) })) },
    ],
    ['findings of its own', withMessage({ findings: [] })],
    ['an extra message field', withMessage({ seenAt: 1 })],
    ['an empty message id', withMessage({ id: '' })],
    ['a message id over the limit', withMessage({ id: 'i'.repeat(301) })],
    ['a sender over the limit', withMessage({ sender: 's'.repeat(301) })],
    ['a direction that is neither self nor other', withMessage({ from: 'system' })],
    ['a time that is not a number', withMessage({ ts: '2026-05-10' })],
    ['a text that is not a string', withMessage({ text: { toString: 'x' } })],
    ['messages that are not a list', { ...request, messages: message }],
    ['a key over the limit', { ...request, conversation: { ...request.conversation, key: 'demo:' + 'k'.repeat(400) } }],
    ['a title over the limit', { ...request, conversation: { ...request.conversation, title: 't'.repeat(301) } }],
    ['no scan id', { ...request, scanId: '' }],
    ['a scan id over the limit', { ...request, scanId: 's'.repeat(65) }],
    ['a scan id that is not a string', { ...request, scanId: 7 }],
    ['a negative sequence number', { ...request, seq: -1 }],
    ['a fractional sequence number', { ...request, seq: 1.5 }],
    ['a sequence number that is not a number', { ...request, seq: '0' }],
    ['a save for a key over the limit', { type: 'save-for-report', conversationKey: 'demo:' + 'k'.repeat(400) }],
    ['a shown conversation with a risk of its own', { type: 'conversation-shown', conversationKey: 'demo:x', risk }],
    ['a delete of too many keys', { type: 'delete-conversations', keys: Array.from({ length: 10_001 }, (_, i) => `demo:${i}`) }],
  ];

  it.each(hostile)('refuses %s, analyses and stores nothing', async (_label, payload) => {
    const { handle, writes, analysed } = setup();
    expect(await handle(payload, contentScript)).toMatchObject({ ok: false });
    expect(writes()).toBe(0);
    expect(analysed).toEqual([]);
  });

  it('analyses a request at the size limits', async () => {
    const { handle, analysed } = setup();
    const full = { ...request, messages: Array.from({ length: MAX_MESSAGES_PER_REQUEST }, (_, i) => ({ ...message, id: `m${i}`, text: `message ${i}` })) };
    expect(await handle(full, contentScript)).toMatchObject({ ok: true });
    const count = MAX_REQUEST_CHARS / MAX_MESSAGE_CHARS;
    const heavy = { ...request, seq: 1, messages: Array.from({ length: count }, (_, i) => ({ ...message, id: `h${i}`, text: `${i}`.padEnd(MAX_MESSAGE_CHARS, 'x') })) };
    expect(await handle(heavy, contentScript)).toMatchObject({ ok: true });
    expect(analysed).toHaveLength(MAX_MESSAGES_PER_REQUEST + count);
  });

  it('stores only what it computed: the risk and findings of its own analysis', async () => {
    const { handle, stored } = setup();
    await handle({ ...request, messages: [{ ...message, text: 'hello there' }] }, contentScript);
    expect(stored()['demo:x']).toBeUndefined();
    await handle({ ...request, seq: 1, messages: [message] }, contentScript);
    const conversation = stored()['demo:x'];
    expect(conversation.risk.level).toBe('high');
    expect(conversation.messages.find((m) => m.id === 'm1')?.findings.map((f) => f.matched)).toEqual(['secret']);
  });

  it('refuses NaN and Infinity where numbers are expected (they would not survive storage)', () => {
    // Runtime messaging is JSON, so these cannot arrive; the schema refuses them anyway.
    expect(ProtocolMessageSchema.safeParse({ ...request, seq: Number.NaN }).success).toBe(false);
    expect(ProtocolMessageSchema.safeParse({ ...request, seq: Number.POSITIVE_INFINITY }).success).toBe(false);
    expect(ProtocolMessageSchema.safeParse({ ...request, messages: [{ ...message, ts: Number.POSITIVE_INFINITY }] }).success).toBe(false);
    expect(ProtocolMessageSchema.safeParse({ ...request, messages: [{ ...message, ts: Number.NaN }] }).success).toBe(false);
  });

  it('refuses conversation keys that name Object.prototype members or have no site', async () => {
    for (const key of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'no-site-prefix', ':x']) {
      const { handle, writes } = setup();
      const scan = wire({ ...request, conversation: { ...request.conversation, key } });
      expect(await handle(scan, contentScript), key).toMatchObject({ ok: false });
      expect(await handle({ type: 'save-for-report', conversationKey: key }, contentScript), key).toMatchObject({ ok: false });
      expect(await handle({ type: 'conversation-shown', conversationKey: key }, contentScript), key).toMatchObject({ ok: false });
      expect(writes(), key).toBe(0);
    }
  });

  it('refuses a request whose key belongs to another site than it says', async () => {
    const { handle, writes } = setup();
    expect(await handle({ ...request, conversation: { ...request.conversation, key: 'whatsapp:x' } }, contentScript)).toMatchObject({ ok: false });
    expect(writes()).toBe(0);
  });

  it('never lets a payload pollute Object.prototype or smuggle fields into storage', async () => {
    const { handle, stored } = setup();
    const payload = withRaw(
      JSON.stringify(request).replace('"id":"m1"', '"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},"id":"m1"'),
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
    const fields = fc.constantFrom('type', 'scanId', 'seq', 'conversation', 'messages', 'risk', 'key', 'keys', 'conversationKey', '__proto__', 'constructor');
    const payload = fc.oneof(
      fc.jsonValue(),
      fc.dictionary(fields, fc.jsonValue()),
      // A valid request with one field replaced by something random.
      fc.tuple(fc.constantFrom('conversation', 'messages', 'scanId', 'seq', 'type'), fc.jsonValue()).map(([field, value]) => ({ ...request, [field]: value })),
      fc.tuple(fc.constantFrom(...Object.keys(message)), fc.jsonValue()).map(([field, value]) => ({ ...request, messages: [{ ...message, [field]: value }] })),
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
