/** What the popup shows, computed without the DOM or `browser.*` so it can be tested directly. */
import type { TabState } from '../storage/schema';
import { categoryName, levelName, siteName, t, type UiLanguage } from '../i18n';
import { patternSummary, type PatternSummary } from '../i18n/script-text';
import type { RiskLevel } from '../engine/taxonomy';
import { isoTime } from '../report/build';
import { formatTime } from '../report/format';
import { PAUSED_FOREVER } from '../settings/sites';
import { flaggedConversations, isFlagged, type ConversationMap } from '../storage/conversations';
import { keyedByName, numberedPictures } from '../storage/pictures';
import type { Settings, StoredConversation } from '../storage/schema';
import { adapterForPage } from '../sites';
import { watchPattern } from '../extension/watch-site';

export interface PopupModel {
  /** 'no-access': the page cannot be seen because the browser's site access for chat sites was withdrawn. */
  status: 'watching' | 'paused' | 'unsupported' | 'no-tab' | 'no-access';
  statusText: string;
  /** "Paused until 15:30" or "Switched off in the settings", when paused. */
  pausedText: string | null;
  host: string | null;
  /** The page's origin, for "Watch this site" (https pages only). */
  origin: string | null;
  /**
   * The open conversation. `pattern`: the known script it follows (headline, the script's advice, the steps seen so
   * far), shown first under the level; null when it follows none.
   */
  current: { level: RiskLevel; levelText: string; text: string; pattern: PatternSummary | null } | null;
  /** "3 messages here could not be checked completely…", when the open conversation's analysis was cut short. */
  truncatedText: string | null;
  /** Warning signs were seen, but the conversation as a whole reads as ordinary (the context gate held the warning). */
  ordinaryContextText: string | null;
  /**
   * "This chat was shown with 2 different profile pictures…", when the open conversation is stored under its name and
   * its header showed more than one picture (another chat may have taken its name: lib/storage/pictures.ts).
   */
  picturesText: string | null;
  recent: Array<{ key: string; title: string; site: string; level: RiskLevel; levelText: string; reasons: string; flaggedCount: string; when: string }>;
  emptyText: string;
  /** Pause / resume is offered (a parent PIN may still be asked for). */
  canPause: boolean;
  canResume: boolean;
  /** "Watch this site" is offered: an https page (plain host name) no adapter or earlier choice covers. */
  canWatch: boolean;
  /** Pausing and resuming need the parent PIN. */
  needsPin: boolean;
  /** Shown whenever something is locked, so the teen always knows. */
  lockText: string | null;
  /** Which chat sites lost their access and how to restore it, when any did. */
  accessText: string | null;
  /** "Allow again" is offered (asks the browser for the withdrawn sites' access back). */
  canRestoreAccess: boolean;
}

function picturesNote(language: UiLanguage, conversation: StoredConversation | undefined): string | null {
  if (!conversation || !keyedByName(conversation.key)) return null;
  const count = numberedPictures(conversation).length;
  return count > 1 ? t(language, 'popupPictures', { count }) : null;
}

export function buildPopupModel(input: {
  language: UiLanguage;
  tabUrl: string | undefined;
  tabState: TabState | undefined;
  conversations: ConversationMap;
  settings: Settings;
  now: number;
  /** A parent PIN is set. */
  pinLocked?: boolean;
  /** The administrator's policy locks the settings (no pausing at all). */
  policyLocked?: boolean;
  /**
   * Chat sites (hosts) whose access the user withdrew in the browser (site access "On click" or removed): the
   * extension cannot see their pages, so it cannot even tell the tab is a chat.
   */
  withdrawnHosts?: readonly string[];
  timeZone?: string;
}): PopupModel {
  const { language } = input;
  const timeZone = input.timeZone ?? 'UTC';
  let url: URL | null = null;
  try {
    url = input.tabUrl ? new URL(input.tabUrl) : null;
  } catch {
    url = null;
  }
  if (url && url.protocol !== 'http:' && url.protocol !== 'https:') url = null;
  let status: PopupModel['status'] = 'no-tab';
  let pausedText: string | null = null;
  if (url) {
    const supported = adapterForPage(url, input.settings.watchedSites) !== undefined;
    const pausedUntil = input.settings.pausedSites[url.host] ?? 0;
    if (!supported) status = 'unsupported';
    else if (pausedUntil > input.now) {
      status = 'paused';
      pausedText =
        pausedUntil >= PAUSED_FOREVER
          ? t(language, 'popupSwitchedOff')
          : t(language, 'popupPausedUntil', { time: formatTime(isoTime(pausedUntil), language, timeZone) });
    } else status = 'watching';
  }
  const withdrawn = input.withdrawnHosts ?? [];
  // Without site access the browser hides the tab's address: "No chat open" would be a false reassurance.
  if (!url && withdrawn.length > 0) status = 'no-access';
  const statusKey = { watching: 'statusWatching', paused: 'statusPaused', unsupported: 'statusUnsupported', 'no-tab': 'statusNoTab', 'no-access': 'statusNoAccess' } as const;
  const current =
    input.tabState && status === 'watching'
      ? {
          level: input.tabState.risk.level,
          levelText: levelName(language, input.tabState.risk.level),
          text: t(language, 'currentLevel', { level: levelName(language, input.tabState.risk.level) }),
          pattern: (input.tabState.risk.pattern && patternSummary(language, input.tabState.risk.pattern)) ?? null,
        }
      : null;
  const recent = flaggedConversations(input.conversations)
    .slice(0, 10)
    .map((c) => ({
      key: c.key,
      title: c.title || c.key,
      site: siteName(language, c.site),
      level: c.risk.level,
      levelText: levelName(language, c.risk.level),
      reasons: c.risk.categories
        .slice(0, 3)
        .map((category) => categoryName(language, category))
        .join(', '),
      flaggedCount: t(language, 'messagesFlagged', { count: c.messages.filter(isFlagged).length }),
      when: formatTime(isoTime(c.updatedAt), language, timeZone),
    }));
  const policyLocked = input.policyLocked ?? false;
  const needsPin = (input.pinLocked ?? false) && !policyLocked;
  const lockText = policyLocked ? t(language, 'popupPolicyLocked') : needsPin ? t(language, 'popupPinLocked') : null;
  return {
    status,
    statusText: t(language, statusKey[status]),
    pausedText,
    host: url?.host ?? null,
    origin: url?.origin ?? null,
    current,
    ordinaryContextText: current && input.tabState?.risk.ordinaryContext !== undefined ? t(language, 'popupOrdinaryContext') : null,
    truncatedText: current && input.tabState?.truncated ? t(language, 'popupTruncated', { count: input.tabState.truncated }) : null,
    picturesText: current ? picturesNote(language, input.conversations[input.tabState!.conversationKey]) : null,
    recent,
    emptyText: t(language, 'recentEmpty'),
    canPause: status === 'watching' && !policyLocked,
    canResume: status === 'paused' && !policyLocked,
    canWatch: status === 'unsupported' && url !== null && watchPattern(url.origin) !== null && !policyLocked,
    needsPin,
    lockText,
    accessText: withdrawn.length ? t(language, 'popupAccessWithdrawn', { sites: withdrawn.join(', ') }) : null,
    canRestoreAccess: withdrawn.length > 0,
  };
}
