/** What the popup shows, computed without the DOM or `browser.*` so it can be tested directly. */
import type { TabState } from '../background/handler';
import { categoryName, levelName, t, type UiLanguage } from '../i18n';
import type { RiskLevel } from '../engine/taxonomy';
import { flaggedConversations, type ConversationMap } from '../storage/conversations';
import type { Settings } from '../storage/schema';
import { adapterFor } from '../sites';

export interface PopupModel {
  status: 'watching' | 'paused' | 'unsupported' | 'no-tab';
  statusText: string;
  host: string | null;
  current: { level: RiskLevel; text: string } | null;
  recent: Array<{ key: string; title: string; site: string; level: RiskLevel; levelText: string; reasons: string; flaggedCount: string }>;
  emptyText: string;
}

export function buildPopupModel(input: {
  language: UiLanguage;
  tabUrl: string | undefined;
  tabState: TabState | undefined;
  conversations: ConversationMap;
  settings: Settings;
  now: number;
}): PopupModel {
  const { language } = input;
  let url: URL | null = null;
  try {
    url = input.tabUrl ? new URL(input.tabUrl) : null;
  } catch {
    url = null;
  }
  let status: PopupModel['status'] = 'no-tab';
  if (url) {
    const supported = adapterFor(url) !== undefined || input.settings.watchedSites.includes(url.host);
    if (!supported) status = 'unsupported';
    else status = (input.settings.pausedSites[url.host] ?? 0) > input.now ? 'paused' : 'watching';
  }
  const statusKey = { watching: 'statusWatching', paused: 'statusPaused', unsupported: 'statusUnsupported', 'no-tab': 'statusNoTab' } as const;
  const current = input.tabState
    ? { level: input.tabState.risk.level, text: t(language, 'currentLevel', { level: levelName(language, input.tabState.risk.level) }) }
    : null;
  const recent = flaggedConversations(input.conversations)
    .slice(0, 10)
    .map((c) => ({
      key: c.key,
      title: c.title || c.key,
      site: c.site,
      level: c.risk.level,
      levelText: levelName(language, c.risk.level),
      reasons: c.risk.categories
        .slice(0, 3)
        .map((category) => categoryName(language, category))
        .join(', '),
      flaggedCount: t(language, 'messagesFlagged', { count: c.messages.filter((m) => m.findings.length > 0).length }),
    }));
  return { status, statusText: t(language, statusKey[status]), host: url?.host ?? null, current, recent, emptyText: t(language, 'recentEmpty') };
}
