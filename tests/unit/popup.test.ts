/** What the popup shows for the current tab (lib/popup/model.ts). */
import { describe, expect, it } from 'vitest';
import { buildPopupModel } from '../../lib/popup/model';
import { PAUSED_FOREVER } from '../../lib/settings/sites';
import { patternHost, withdrawnChatSites } from '../../lib/sites/hosts';
import { DEFAULT_SETTINGS, type Settings } from '../../lib/storage/schema';
import { fakePolice, fakePoliceWithPattern } from '../fixtures/report/conversations';

const NOW = Date.UTC(2025, 6, 1, 12);
const base = {
  language: 'en' as const,
  tabUrl: 'http://127.0.0.1:8080/demo/',
  tabState: undefined,
  conversations: { [fakePolice.key]: fakePolice },
  settings: DEFAULT_SETTINGS,
  now: NOW,
  timeZone: 'UTC',
};
const withSettings = (settings: Partial<Settings>) => ({ ...base, settings: { ...DEFAULT_SETTINGS, ...settings } });

describe('popup model', () => {
  it('shows a watched chat, its level and recent flagged conversations with reasons', () => {
    const model = buildPopupModel({ ...base, tabState: { conversationKey: fakePolice.key, risk: fakePolice.risk } });
    expect(model).toMatchObject({ status: 'watching', canPause: true, canResume: false, canWatch: false, needsPin: false, lockText: null });
    expect(model.current).toMatchObject({ level: 'critical', levelText: 'danger' });
    expect(model.recent).toHaveLength(1);
    expect(model.recent[0]).toMatchObject({ key: fakePolice.key, level: 'critical', reasons: 'posing as an authority, asking for secrecy, asking for money' });
    expect(model.recent[0].flaggedCount).toBe('3 flagged messages');
    // The app's name, not the internal site id (issue 13, point 4).
    expect(model.recent[0].site).toBe('Not Alone demo chat');
  });

  it('says when messages of the open conversation were not checked completely (issue 15, point 2)', () => {
    const state = { conversationKey: fakePolice.key, risk: fakePolice.risk };
    expect(buildPopupModel({ ...base, tabState: state }).truncatedText).toBeNull();
    const model = buildPopupModel({ ...base, tabState: { ...state, truncated: 3 } });
    expect(model.truncatedText).toBe('Messages here not checked completely: 3 (too long, or imported rules too slow). Warning signs in them may be missed.');
    expect(buildPopupModel({ ...base, language: 'vi', tabState: { ...state, truncated: 3 } }).truncatedText).toMatch(/^Số tin nhắn ở đây chưa được kiểm tra hết: 3/);
  });

  it('says when warning signs were seen but the conversation as a whole reads as ordinary (the context gate)', () => {
    const held = { ...fakePolice.risk, level: 'low' as const, alert: false, ordinaryContext: 0.04 };
    expect(buildPopupModel({ ...base, tabState: { conversationKey: fakePolice.key, risk: fakePolice.risk } }).ordinaryContextText).toBeNull();
    const model = buildPopupModel({ ...base, tabState: { conversationKey: fakePolice.key, risk: held } });
    expect(model.ordinaryContextText).toMatch(/^Some messages here look like warning signs, but the conversation as a whole reads like an ordinary one/);
    expect(buildPopupModel({ ...base, language: 'vi', tabState: { conversationKey: fakePolice.key, risk: held } }).ordinaryContextText).toMatch(/^Vài tin nhắn ở đây giống dấu hiệu nguy hiểm/);
  });

  it('says when the open chat, known only by its name, was shown with two different pictures (issue 15, point 7)', () => {
    const key = 'whatsapp:name:Mẹ';
    const message = (id: string, seenAt: number, picture: string) => ({ ...fakePolice.messages[0], id, seenAt, picture });
    const conversation = { ...fakePolice, key, site: 'whatsapp', title: 'Mẹ', messages: [message('a', NOW - 2, 'aaaaaaaaaaaaaaaa')] };
    const input = { ...base, tabUrl: 'https://web.whatsapp.com/', tabState: { conversationKey: key, risk: fakePolice.risk }, conversations: { [key]: conversation } };
    expect(buildPopupModel(input).picturesText).toBeNull();
    const taken = { ...conversation, messages: [...conversation.messages, message('b', NOW - 1, 'bbbbbbbbbbbbbbbb')] };
    const model = buildPopupModel({ ...input, conversations: { [key]: taken } });
    expect(model.picturesText).toBe('This chat was shown with 2 different profile pictures under this name: someone may have taken its name. The report shows which messages came under which picture.');
    expect(buildPopupModel({ ...input, language: 'vi', conversations: { [key]: taken } }).picturesText).toMatch(/^Cuộc trò chuyện này đã hiện 2 ảnh đại diện khác nhau/);
  });

  it('says scanning is off when the browser\'s site access was withdrawn, not "No chat open" (issue 15, point 6)', async () => {
    // Without access the browser hides the tab's address from the extension.
    const hidden = { ...base, tabUrl: undefined };
    expect(buildPopupModel(hidden)).toMatchObject({ status: 'no-tab', statusText: 'No chat open', accessText: null, canRestoreAccess: false });
    const withdrawn = await withdrawnChatSites((pattern) => Promise.resolve(!['web.whatsapp.com', 'discord.com'].includes(patternHost(pattern))));
    expect(withdrawn).toEqual(['https://web.whatsapp.com/*', 'https://discord.com/channels/*']);
    const model = buildPopupModel({ ...hidden, withdrawnHosts: withdrawn.map(patternHost) });
    expect(model).toMatchObject({ status: 'no-access', statusText: 'Scanning is off: site access was withdrawn', canRestoreAccess: true });
    expect(model.accessText).toMatch(/withdrawn in the browser.*: web\.whatsapp\.com, discord\.com\. To turn checking back on, press “Allow again”/);
    expect(buildPopupModel({ ...hidden, language: 'vi', withdrawnHosts: ['web.whatsapp.com'] }).statusText).toBe('Đã ngừng kiểm tra: quyền truy cập trang đã bị thu hồi');
  });

  it('leads the open conversation with the named pattern, then the script advice in order, then the steps seen', () => {
    const model = buildPopupModel({ ...base, tabState: { conversationKey: fakePolice.key, risk: fakePoliceWithPattern.risk } });
    const pattern = model.current?.pattern;
    expect(pattern?.headline).toBe('This looks like the fake-police scam (online kidnapping): 3 of its 6 steps so far');
    expect(pattern?.advice).toHaveLength(3);
    expect(pattern?.advice[0]).toMatch(/^Real police, prosecutors and courts never investigate by phone or video call/);
    expect(pattern?.advice[1]).toMatch(/^Hang up/);
    expect(pattern?.advice[2]).toMatch(/113/);
    expect(pattern?.steps).toEqual([
      'someone posing as police, prosecutor or court',
      'a demand to keep it secret, even from your family',
      'money ("a safe account", proving you are clean, ransom to the family)',
    ]);
    const vi = buildPopupModel({ ...base, language: 'vi', tabState: { conversationKey: fakePolice.key, risk: fakePoliceWithPattern.risk } });
    expect(vi.current?.pattern?.headline).toBe('Cuộc trò chuyện này giống chiêu giả danh công an (bắt cóc online): đã có 3 trên 6 bước');
    expect(vi.current?.pattern?.advice[1]).toMatch(/^Tắt máy/);
  });

  it('shows no pattern for a conversation that follows no known script', () => {
    const model = buildPopupModel({ ...base, tabState: { conversationKey: fakePolice.key, risk: fakePolice.risk } });
    expect(model.current).toMatchObject({ level: 'critical', pattern: null });
    // A script this build does not know (stored by a newer version) is left out rather than shown as an id.
    const unknown = { ...fakePoliceWithPattern.risk, pattern: { ...fakePoliceWithPattern.risk.pattern!, script: 'from-the-future' } };
    expect(buildPopupModel({ ...base, tabState: { conversationKey: fakePolice.key, risk: unknown } }).current?.pattern).toBeNull();
  });

  it('shows a pause with its end, and a site switched off in the settings', () => {
    const paused = buildPopupModel(withSettings({ pausedSites: { '127.0.0.1:8080': NOW + 3_600_000 } }));
    expect(paused).toMatchObject({ status: 'paused', canPause: false, canResume: true, current: null });
    expect(paused.pausedText).toBe('Paused until 1 Jul 2025, 13:00');
    const off = buildPopupModel(withSettings({ pausedSites: { '127.0.0.1:8080': PAUSED_FOREVER } }));
    expect(off.pausedText).toBe('Switched off for this site in the settings');
  });

  it('offers "Watch this site" on https pages no adapter covers, and not elsewhere', () => {
    expect(buildPopupModel({ ...base, tabUrl: 'https://chat.example.org/room/1' })).toMatchObject({ status: 'unsupported', canWatch: true, origin: 'https://chat.example.org' });
    expect(buildPopupModel({ ...base, tabUrl: 'http://chat.example.org/' }).canWatch).toBe(false);
    expect(buildPopupModel({ ...base, tabUrl: 'chrome://extensions/' })).toMatchObject({ status: 'no-tab', canWatch: false });
    expect(buildPopupModel({ ...withSettings({ watchedSites: ['chat.example.org'] }), tabUrl: 'https://chat.example.org/' }).status).toBe('watching');
  });

  it('asks for the parent PIN to pause, and says so; a policy lock removes pausing', () => {
    const pin = buildPopupModel({ ...base, pinLocked: true });
    expect(pin).toMatchObject({ canPause: true, needsPin: true });
    expect(pin.lockText).toMatch(/parent PIN/);
    const policy = buildPopupModel({ ...base, pinLocked: true, policyLocked: true });
    expect(policy).toMatchObject({ canPause: false, needsPin: false });
    expect(policy.lockText).toMatch(/administrator/);
  });

  it('speaks Vietnamese', () => {
    const model = buildPopupModel({ ...base, language: 'vi' });
    expect(model.statusText).toBe('Đang để ý các dấu hiệu đáng lo trong cuộc trò chuyện này');
    expect(model.recent[0].levelText).toBe('nguy hiểm');
  });
});
