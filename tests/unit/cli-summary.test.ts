/** The CLI's per-conversation summary (cli/summary.ts) says when the context model held a warning back. */
import { describe, expect, it } from 'vitest';
import { renderConversation, style } from '../../cli/summary';
import type { ScannedConversation } from '../../lib/exports/scan';
import { fakePolice } from '../fixtures/report/conversations';

function scanned(finalRisk: ScannedConversation['finalRisk']): ScannedConversation {
  return {
    info: { format: 'whatsapp', file: 'chat.txt', id: '', title: 'Mia', participants: [], kind: 'personal' },
    self: undefined,
    stored: { ...fakePolice, risk: finalRisk },
    finalRisk,
    peakAt: undefined,
    messageCount: 12,
    flaggedCount: 2,
    skipped: 0,
    truncatedCount: 0,
    top: [],
  };
}

describe('CLI conversation summary', () => {
  const held = { ...fakePolice.risk, level: 'low' as const, alert: false, ordinaryContext: 0.04 };

  it('says when warning signs were seen in a conversation that reads as ordinary', () => {
    expect(renderConversation(scanned(held), style(false))).toContain('Some messages look like warning signs, but the conversation as a whole reads like an ordinary one: no warning.');
  });

  it('says nothing of the kind otherwise', () => {
    expect(renderConversation(scanned(fakePolice.risk), style(false))).not.toContain('reads like an ordinary one');
  });
});
