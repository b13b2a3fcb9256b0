/**
 * The report page: everything Not Alone stored, readable by the teen at any time (a parent PIN never hides it),
 * filters, a conversation view with highlights and a risk chart, exports (JSON, CSV, printable HTML), checking an
 * exported file, and deleting. Message text is untrusted: it is only ever set with textContent.
 */
import { browser } from 'wxt/browser';
import { CATEGORY_IDS, RISK_LEVELS, type CategoryId, type RiskLevel } from '../../lib/engine/taxonomy';
import { categoryExplanation, categoryName, dismissalName, levelName, pickLanguage, siteName, t, type StringKey, type UiLanguage } from '../../lib/i18n';
import { button, download, el, labelled, svg, uid } from '../../lib/popup/dom';
import { pinPrompt } from '../../lib/popup/pin-prompt';
import {
  buildReport,
  defaultTimeZone,
  filterConversations,
  findingsOnlyTracker,
  formatTime,
  highlightPieces,
  isoTime,
  ownNames,
  reportFileName,
  riskTimeline,
  selectContext,
  timelineGeometry,
  toCsv,
  toJson,
  toPrintableHtml,
  verifyReport,
  type ConversationFilter,
  type Report,
  type VerifyProblem,
} from '../../lib/report';
import { LEVEL_COLORS, stepMarks, type StepMark } from '../../lib/report/format';
import { patternSummary } from '../../lib/i18n/script-text';
import { allFindings, isFlagged, jsonSize, STORAGE_CAP_BYTES, type ConversationMap } from '../../lib/storage/conversations';
import { keyedByName, numberedPictures, pictureNumber } from '../../lib/storage/pictures';
import { deleteDismissals, loadConversations, loadDismissals, loadPinLock, loadSettings } from '../../lib/storage/items';
import type { Dismissals, PinLock, Settings, StoredConversation, StoredMessage } from '../../lib/storage/schema';
import { MAX_TIMELINE_KEYS, type DeleteConversations, type ProtocolResponse, type RiskTimelines } from '../../lib/protocol';
import type { TimelinePoint } from '../../lib/report/schema';

interface PageState {
  language: UiLanguage;
  settings: Settings;
  conversations: ConversationMap;
  problems: string[];
  dismissals: Dismissals;
  lock: PinLock | null;
  filter: ConversationFilter;
  /** Context messages around each flagged message; null shows every stored message. */
  context: number | null;
  selected: Set<string>;
  open: string | null;
  exportLanguage: UiLanguage;
  /** `nameAll`: also hide the name in the other person's messages (changes their words: only when chosen). */
  redact: { name: boolean; names: string; nameAll: boolean; numbers: boolean; scope: 'self' | 'all' };
  status: string;
  /**
   * Risk timelines worked out by the background's engine (script steps and the context model included), by
   * conversation key; `null` when it could not give one. Emptied whenever the stored data or settings are read again.
   */
  timelines: Map<string, TimelinePoint[] | null>;
}

let state!: PageState;
const timeZone = defaultTimeZone();

const tr = (key: Parameters<typeof t>[1], values?: Record<string, string | number>) => t(state.language, key, values);
const when = (ms: number | undefined) => formatTime(isoTime(ms), state.language, timeZone);

function parseDate(value: string, endOfDay: boolean): number | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return null;
  const [y, m, d] = value.split('-').map(Number);
  return endOfDay ? new Date(y, m - 1, d, 23, 59, 59, 999).getTime() : new Date(y, m - 1, d).getTime();
}

function dateValue(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '';
  const date = new Date(ms);
  return `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;
}

async function load(): Promise<void> {
  const [{ value: settings }, { value: conversations, problems }, { value: dismissals }, { lock }] = await Promise.all([
    loadSettings(),
    loadConversations(),
    loadDismissals(),
    loadPinLock(),
  ]);
  const language = settings.uiLanguage === 'auto' ? pickLanguage(navigator.languages) : settings.uiLanguage;
  const previous = state as PageState | undefined;
  state = {
    language,
    settings,
    conversations,
    problems,
    dismissals,
    lock,
    filter: previous?.filter ?? { level: 'flagged' },
    context: previous ? previous.context : settings.contextMessages,
    selected: previous?.selected ?? new Set(),
    open: previous?.open ?? null,
    exportLanguage: previous?.exportLanguage ?? language,
    redact: previous?.redact ?? { name: false, names: ownNames(Object.values(conversations)).join(', '), nameAll: false, numbers: false, scope: 'self' },
    status: previous?.status ?? '',
    timelines: new Map(),
  };
  for (const key of [...state.selected]) if (!conversations[key]) state.selected.delete(key);
  if (state.open && !conversations[state.open]) state.open = null;
  document.documentElement.lang = language;
  document.title = tr('reportTitle');
}

function visible(): StoredConversation[] {
  return filterConversations(Object.values(state.conversations), state.filter);
}

// ---------------------------------------------------------------------------------------------------------------
// Filters and list

function filtersSection(): HTMLElement {
  const sites = [...new Set(Object.values(state.conversations).map((c) => c.site))].sort();
  const site = el('select', { testid: 'filter-site' }, el('option', { text: tr('reportAllSites'), attrs: { value: '' } }), ...sites.map((s) => el('option', { text: siteName(state.language, s), attrs: { value: s } })));
  site.value = state.filter.site ?? '';
  const level = el(
    'select',
    { testid: 'filter-level' },
    el('option', { text: tr('reportLevelFlagged'), attrs: { value: 'flagged' } }),
    el('option', { text: tr('reportLevelAll'), attrs: { value: 'all' } }),
    ...RISK_LEVELS.filter((l) => l !== 'none').map((l) => el('option', { text: tr('reportLevelAtLeast', { level: levelName(state.language, l) }), attrs: { value: l } })),
  );
  level.value = state.filter.level ?? 'flagged';
  const category = el(
    'select',
    { testid: 'filter-category' },
    el('option', { text: tr('reportAllCategories'), attrs: { value: '' } }),
    ...CATEGORY_IDS.map((c) => el('option', { text: categoryName(state.language, c), attrs: { value: c } })),
  );
  category.value = state.filter.category ?? '';
  const from = el('input', { attrs: { type: 'date' }, testid: 'filter-from' });
  from.value = dateValue(state.filter.from);
  const to = el('input', { attrs: { type: 'date' }, testid: 'filter-to' });
  to.value = dateValue(state.filter.to);
  const apply = () => {
    const next: ConversationFilter = {
      site: site.value,
      level: level.value as ConversationFilter['level'],
      category: category.value as CategoryId | '',
      from: parseDate(from.value, false),
      to: parseDate(to.value, true),
    };
    if (JSON.stringify(next) === JSON.stringify(state.filter)) return;
    state.filter = next;
    draw();
  };
  for (const control of [site, level, category]) control.addEventListener('change', apply);
  // A date field changes on every typed digit ("2" in the year is the year 0002): redrawing then cut the list and
  // threw the typing away. Dates apply when the field is left, on Enter, or after a pause on a plausible date.
  for (const date of [from, to]) {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const later = () => {
      clearTimeout(timer);
      const year = Number(date.value.slice(0, 4));
      if (date.value === '' || (year >= 1970 && year <= 9999)) timer = setTimeout(apply, 1500);
    };
    date.addEventListener('change', later);
    date.addEventListener('keydown', (event) => {
      if (event.key !== 'Enter') return;
      clearTimeout(timer);
      apply();
    });
    date.addEventListener('blur', () => {
      clearTimeout(timer);
      apply();
    });
  }
  const reset = button(tr('reportResetFilters'), () => {
    state.filter = { level: 'flagged' };
    draw();
  }, 'link');
  return el(
    'section',
    { className: 'filters', attrs: { 'aria-labelledby': 'filters-title' } },
    el('h2', { text: tr('reportFilters'), attrs: { id: 'filters-title' } }),
    el('div', { className: 'filter-grid' }, labelled(tr('reportSite'), site), labelled(tr('levelLabel'), level), labelled(tr('reportCategory'), category), labelled(tr('reportFrom'), from), labelled(tr('reportTo'), to)),
    reset,
  );
}

function listSection(list: StoredConversation[]): HTMLElement {
  const section = el('section', { className: 'list', attrs: { 'aria-labelledby': 'list-title' } }, el('h2', { text: tr('reportConversations', { count: list.length }), attrs: { id: 'list-title' } }));
  // Say when the filters (other than the level choice) leave conversations out, instead of shortening the list silently.
  const hidden = filterConversations(Object.values(state.conversations), { level: state.filter.level }).length - list.length;
  if (hidden > 0) section.append(el('p', { text: tr('reportHiddenByFilters', { count: hidden }), className: 'hint', testid: 'hidden-by-filters' }));
  if (list.length === 0) {
    section.append(el('p', { text: Object.keys(state.conversations).length ? tr('reportNoMatch') : tr('reportEmpty'), className: 'empty', testid: 'report-empty' }));
    return section;
  }
  const all = el('input', { attrs: { type: 'checkbox' }, testid: 'select-all' });
  all.checked = list.every((c) => state.selected.has(c.key));
  all.addEventListener('change', () => {
    for (const c of list) {
      if (all.checked) state.selected.add(c.key);
      else state.selected.delete(c.key);
    }
    draw();
  });
  all.id = uid('select-all');
  section.append(el('div', { className: 'select-all' }, all, el('label', { text: tr('reportSelectAll'), attrs: { for: all.id } })));
  const ul = el('ul', { testid: 'conversation-list' });
  for (const conversation of list) {
    const check = el('input', { attrs: { type: 'checkbox', 'aria-label': tr('reportSelectForExport', { title: conversation.title || conversation.key }) } });
    check.dataset.focus = `select:${conversation.key}`;
    check.checked = state.selected.has(conversation.key);
    check.addEventListener('change', () => {
      if (check.checked) state.selected.add(conversation.key);
      else state.selected.delete(conversation.key);
      draw();
    });
    const flagged = conversation.messages.filter(isFlagged).length;
    const open = el(
      'button',
      { className: 'open', attrs: { type: 'button', 'aria-current': String(state.open === conversation.key) } },
      el('span', { text: conversation.title || conversation.key, className: 'title' }),
      el('span', { text: levelName(state.language, conversation.risk.level), className: `level level-${conversation.risk.level}` }),
      el('span', { text: conversation.risk.categories.slice(0, 3).map((c) => categoryName(state.language, c)).join(', '), className: 'reasons' }),
      el('span', { text: `${tr('messagesFlagged', { count: flagged })} · ${siteName(state.language, conversation.site)} · ${when(conversation.updatedAt)}`, className: 'meta' }),
    );
    open.dataset.focus = `open:${conversation.key}`;
    open.addEventListener('click', () => {
      state.open = conversation.key;
      history.replaceState(null, '', `#c=${encodeURIComponent(conversation.key)}`);
      draw();
      document.getElementById('conversation-view')?.focus();
    });
    const li = el('li', {}, check, open);
    li.dataset.conversation = conversation.key;
    ul.append(li);
  }
  section.append(ul);
  return section;
}

// ---------------------------------------------------------------------------------------------------------------
// Conversation view

/**
 * Ask the background for the risk timelines of these conversations (those not asked for yet). Where it cannot give
 * one, the page falls back to the timeline of the stored findings alone (`timelineOf`).
 */
async function fetchTimelines(keys: readonly string[]): Promise<void> {
  const missing = keys.filter((key) => !state.timelines.has(key));
  for (let start = 0; start < missing.length; start += MAX_TIMELINE_KEYS) {
    const batch = missing.slice(start, start + MAX_TIMELINE_KEYS);
    const asked = state.timelines;
    for (const key of batch) asked.set(key, null);
    const message: RiskTimelines = { type: 'risk-timelines', keys: batch, sensitivity: state.settings.sensitivity };
    const response = await browser.runtime.sendMessage<RiskTimelines, ProtocolResponse | undefined>(message).catch(() => undefined);
    if (response?.ok && 'timelines' in response) for (const [key, points] of Object.entries(response.timelines)) asked.set(key, points);
  }
}

function timelineOf(conversation: StoredConversation): TimelinePoint[] {
  return state.timelines.get(conversation.key) ?? riskTimeline(conversation, findingsOnlyTracker(state.settings.sensitivity));
}

function timelineChart(conversation: StoredConversation, marks: readonly StepMark[]): SVGSVGElement {
  const points = timelineOf(conversation);
  const flagged = new Set(conversation.messages.flatMap((m, i) => (isFlagged(m) ? [i] : [])));
  const g = timelineGeometry(points, flagged, { sensitivity: state.settings.sensitivity, width: 560, height: 130, marks: marks.map((m) => m.messageIndex) });
  const peak = points.reduce<RiskLevel>((top, p) => (RISK_LEVELS.indexOf(p.level) > RISK_LEVELS.indexOf(top) ? p.level : top), 'none');
  const label = tr('printTimelineLabel', { count: points.length, level: levelName(state.language, peak) });
  const chart = svg('svg', { viewBox: `0 0 ${g.width} ${g.height}`, role: 'img', 'aria-label': label, class: 'timeline' });
  const title = svg('title', {});
  title.textContent = label;
  chart.append(title, svg('rect', { x: 0, y: 0, width: g.width, height: g.height, class: 'chart-bg' }));
  for (const th of g.thresholds) {
    chart.append(svg('line', { x1: 0, x2: g.width, y1: th.y, y2: th.y, stroke: LEVEL_COLORS[th.level], 'stroke-dasharray': '4 4', opacity: 0.6 }));
    if (!th.label) continue;
    const name = svg('text', { x: g.width - 4, y: Math.max(10, th.y - 2), 'text-anchor': 'end', 'font-size': 10, fill: LEVEL_COLORS[th.level] });
    name.textContent = levelName(state.language, th.level);
    chart.append(name);
  }
  chart.append(svg('polyline', { points: g.points, fill: 'none', class: 'chart-line', 'stroke-width': 2 }));
  for (const dot of g.dots) chart.append(svg('circle', { cx: dot.x, cy: dot.y, r: 4, fill: LEVEL_COLORS[dot.level] }));
  g.marks.forEach((mark, i) => {
    // Where a step of the known script first appeared: a numbered line, its step names as the tooltip.
    const group = svg('g', { class: 'step-mark', 'data-message-index': mark.messageIndex });
    const tip = svg('title', {});
    tip.textContent = marks[i].labels.join('; ');
    const number = svg('text', { x: mark.x, y: 10, 'text-anchor': 'middle', 'font-size': 10, 'font-weight': 600, class: 'step-number' });
    number.textContent = marks[i].numbers;
    group.append(tip, svg('line', { x1: mark.x, x2: mark.x, y1: 12, y2: g.height, class: 'step-line', 'stroke-dasharray': '2 3' }), number);
    chart.append(group);
  });
  return chart;
}

/** The known script the conversation follows: its name, its advice in order, the steps seen; null without one. */
function patternPanel(conversation: StoredConversation, marks: readonly StepMark[]): HTMLElement | null {
  const summary = conversation.risk.pattern && patternSummary(state.language, conversation.risk.pattern);
  if (!summary) return null;
  const panel = el(
    'div',
    { className: 'pattern', testid: 'pattern' },
    el('p', { text: summary.headline, className: 'pattern-headline', testid: 'pattern-headline' }),
    el('h3', tr('patternAdviceTitle')),
    el('ol', { className: 'pattern-advice', testid: 'pattern-advice' }, ...summary.advice.map((line) => el('li', line))),
  );
  const steps = marks.flatMap((m) => m.labels);
  if (steps.length) {
    panel.append(el('h3', tr('patternStepsSeen')), el('ul', { className: 'pattern-steps', testid: 'pattern-steps' }, ...steps.map((label) => el('li', label))), el('p', { text: tr('patternStepsMarked'), className: 'hint' }));
  }
  return panel;
}

function fact(label: string, value: Node | string): HTMLElement[] {
  return [el('dt', label), el('dd', {}, value)];
}

function participantsText(conversation: StoredConversation): string {
  const self = new Set<string>();
  const other = new Set<string>();
  for (const m of conversation.messages) (m.from === 'self' ? self : other).add(m.sender?.trim() ?? '');
  const you = tr('reportYou');
  const selfNames = [...self].filter(Boolean);
  return [selfNames.length ? `${selfNames.join(', ')} (${you})` : you, ...[...new Set([...other].map((n) => n || tr('reportThem')))]].join(', ');
}

function contextControl(): HTMLElement {
  const context = el('input', { attrs: { type: 'number', min: '0', max: '50', step: '1' }, testid: 'context' });
  context.value = state.context === null ? '' : String(state.context);
  context.disabled = state.context === null;
  const everything = el('input', { attrs: { type: 'checkbox' }, testid: 'context-all' });
  everything.checked = state.context === null;
  everything.id = uid('context-all');
  context.addEventListener('change', () => {
    const value = Math.max(0, Math.min(50, Math.round(Number(context.value) || 0)));
    state.context = value;
    draw();
  });
  everything.addEventListener('change', () => {
    state.context = everything.checked ? null : state.settings.contextMessages;
    draw();
  });

  return el('div', { className: 'context-control' }, labelled(tr('reportContext'), context), el('div', { className: 'check' }, everything, el('label', { text: tr('reportContextAll'), attrs: { for: everything.id } })));
}

function conversationView(conversation: StoredConversation | undefined): HTMLElement {
  // Not aria-live: the view is redrawn on every change and would be read out whole each time; opening a
  // conversation moves the focus to it instead.
  const view = el('section', { className: 'view', attrs: { id: 'conversation-view', tabindex: '-1', 'aria-label': tr('reportConversationView') }, testid: 'conversation-view' });
  if (!conversation) {
    view.append(el('p', { text: tr('reportPickOne'), className: 'empty' }));
    return view;
  }
  const { language } = state;
  const facts = el(
    'dl',
    { className: 'facts' },
    ...fact(tr('printSite'), siteName(language, conversation.site)),
    ...(conversation.url ? fact(tr('printAddress'), el('span', { text: conversation.url, className: 'mono' })) : []),
    ...fact(tr('printParticipants'), participantsText(conversation)),
    ...fact(tr('printFirstSeen'), when(conversation.firstSeen)),
    ...fact(tr('printLastUpdated'), when(conversation.updatedAt)),
    ...fact(tr('levelLabel'), el('span', { text: levelName(language, conversation.risk.level), className: `level level-${conversation.risk.level}` })),
  );
  if (conversation.saved) facts.append(...fact(tr('reportSaved'), conversation.savedAt ? tr('reportSavedOn', { date: when(conversation.savedAt) }) : tr('reportSavedYes')));
  const dismissed = state.dismissals[conversation.key] ?? [];
  if (dismissed.length) {
    facts.append(...fact(tr('reportDismissed'), dismissed.map((d) => tr('reportDismissedOn', { date: when(d.at), how: dismissalName(language, d.kind), level: levelName(language, d.level) })).join('; ')));
  }
  if ((conversation.titles?.length ?? 0) > 1) facts.append(...fact(tr('printTitles'), conversation.titles!.map((t) => `${t.title} (${when(t.at)})`).join('; ')));
  if (conversation.overBudget) facts.append(...fact('', tr('printNotKept', { count: conversation.overBudget.messages, date: when(conversation.overBudget.since) })));
  // A chat stored under its name (no chat id on the page): the pictures it was shown with; two or more, a warning.
  const pictures = keyedByName(conversation.key) ? numberedPictures(conversation) : null;
  if (pictures?.length) facts.append(...fact(tr('printPictures'), pictures.map((p, i) => tr('printPictureItem', { number: i + 1, date: when(p.at), fingerprint: p.fingerprint })).join('; ')));
  const identityNote =
    pictures?.length === 0
      ? el('p', { text: tr('printNoPictures'), className: 'notice', testid: 'pictures-note' })
      : pictures && pictures.length > 1
        ? el('p', { text: tr('printPicturesWarning', { count: pictures.length }), className: 'notice identity-warning', testid: 'pictures-warning' })
        : null;
  const pictureLabel = (fingerprint: string | undefined): HTMLElement | null => {
    if (!pictures || pictures.length < 2) return null;
    const number = pictureNumber(pictures, fingerprint);
    return el('span', { text: number === null ? tr('printReadWithoutPicture') : tr('printReadUnderPicture', { number }), className: 'picture', testid: 'picture-label' });
  };
  const indexById = new Map(conversation.messages.map((m, i) => [m.id, i]));
  const marks = stepMarks(language, conversation.risk.pattern, (id) => indexById.get(id));
  const stepsAt = new Map(marks.map((m) => [m.messageIndex, m.labels]));
  const header = el('header', {}, el('h2', { text: conversation.title || conversation.key, className: 'title' }), patternPanel(conversation, marks), facts);
  if (identityNote) header.append(identityNote);
  if (conversation.risk.categories.length) {
    header.append(
      el(
        'ul',
        { className: 'why-list' },
        ...conversation.risk.categories.map((c) => el('li', {}, el('strong', categoryName(language, c) + ': '), categoryExplanation(language, c))),
      ),
    );
  }
  const chart = el('figure', { className: 'chart' }, timelineChart(conversation, marks), el('figcaption', tr('printRiskOverTime')));

  const indexes = selectContext(conversation.messages, state.context);
  const list = el('ol', { className: 'messages', testid: 'messages' });
  let previous = -1;
  const gap = (count: number) => el('li', { text: tr('printGap', { count }), className: 'gap' });
  for (const index of indexes) {
    if (index > previous + 1) list.append(gap(index - previous - 1));
    previous = index;
    const message = conversation.messages[index];
    const versionText = (version: Pick<StoredMessage, 'text' | 'findings'>): HTMLElement => {
      const text = el('p', { className: 'text' });
      for (const piece of highlightPieces(version.text, version.findings)) {
        if (piece.finding) text.append(el('mark', { text: piece.text, attrs: { title: categoryName(language, piece.finding.category) } }));
        else text.append(document.createTextNode(piece.text));
      }
      return text;
    };
    const sender = message.sender?.trim() || (message.from === 'self' ? tr('reportYou') : tr('reportThem'));
    const li = el(
      'li',
      { className: `message ${message.from}${isFlagged(message) ? ' flagged' : ''}` },
      el('div', { className: 'meta' }, el('span', { text: sender, className: 'sender' }), ` · ${message.ts !== undefined ? when(message.ts) : tr('printNoTime')}`),
      versionText(message),
    );
    const picture = pictureLabel(message.picture);
    if (picture) li.firstElementChild!.append(' · ', picture);
    li.dataset.messageId = message.id;
    // Every later version under the same id: an edit never replaces what was stored, and is itself evidence.
    for (const edit of message.edits ?? []) {
      const edited = el('p', { text: tr('printEdited', { date: when(edit.seenAt) }), className: 'edited' });
      const editPicture = pictureLabel(edit.picture);
      if (editPicture) edited.append(' ', editPicture);
      li.append(edited, versionText(edit));
    }
    for (const category of new Set(allFindings(message).map((f) => f.category))) {
      li.append(el('p', { text: `${categoryName(language, category)}: ${categoryExplanation(language, category)}`, className: 'why' }));
    }
    for (const label of stepsAt.get(index) ?? []) li.append(el('p', { text: label, className: 'step', testid: 'step-label' }));
    list.append(li);
  }
  if (conversation.messages.length > previous + 1) list.append(gap(conversation.messages.length - previous - 1));

  const remove = button(tr('reportDeleteOne'), () => confirmDelete([conversation.key]), 'danger', 'delete-one');
  view.append(header, chart, el('h3', tr('printMessages')), contextControl(), list, el('div', { className: 'actions' }, remove));
  return view;
}

// ---------------------------------------------------------------------------------------------------------------
// Export and verify

function selectedConversations(): StoredConversation[] {
  return visible().filter((c) => state.selected.has(c.key));
}

async function makeReport(): Promise<Report | null> {
  const conversations = selectedConversations();
  if (conversations.length === 0) {
    state.status = tr('reportSelectFirst');
    draw();
    return null;
  }
  const { redact } = state;
  await fetchTimelines(conversations.map((c) => c.key));
  const timelines = new Map(conversations.map((c) => [c.key, timelineOf(c)]));
  return buildReport(conversations, {
    timelines,
    language: state.exportLanguage,
    generator: 'extension',
    generatorVersion: browser.runtime.getManifest().version,
    contextMessages: state.context,
    sensitivity: state.settings.sensitivity,
    timeZone,
    redaction:
      redact.name || redact.numbers
        ? {
            ownNames: redact.name ? redact.names.split(',').map((n) => n.trim()) : [],
            nameScope: redact.nameAll ? 'all' : 'self',
            phones: redact.numbers,
            emails: redact.numbers,
            scope: redact.scope,
          }
        : null,
  });
}

async function exportAs(kind: 'json' | 'csv' | 'html' | 'print'): Promise<void> {
  const report = await makeReport();
  if (!report) return;
  if (kind === 'json') {
    const name = reportFileName(report, 'json');
    download(name, await toJson(report), 'application/json');
    state.status = tr('reportExported', { file: name, hash: report.integrity.contentSha256 });
  } else if (kind === 'csv') {
    const name = reportFileName(report, 'csv');
    download(name, await toCsv(report), 'text/csv;charset=utf-8');
    state.status = tr('reportExportedFile', { file: name });
  } else {
    const html = await toPrintableHtml(report);
    if (kind === 'html') {
      const name = reportFileName(report, 'html');
      download(name, html, 'text/html;charset=utf-8');
      state.status = tr('reportExportedFile', { file: name });
    } else {
      const url = URL.createObjectURL(new Blob([html], { type: 'text/html;charset=utf-8' }));
      window.open(url, '_blank', 'noopener');
      setTimeout(() => URL.revokeObjectURL(url), 120_000);
      state.status = tr('reportPrintHint');
    }
  }
  draw();
}

function exportSection(): HTMLElement {
  const count = selectedConversations().length;
  const exportButtons = [
    button(tr('reportExportJson'), () => exportAs('json'), undefined, 'export-json'),
    button(tr('reportExportCsv'), () => exportAs('csv'), undefined, 'export-csv'),
    button(tr('reportExportHtml'), () => exportAs('html'), undefined, 'export-html'),
    button(tr('reportOpenPrintable'), () => exportAs('print'), 'primary', 'open-printable'),
  ];
  // Nothing selected, nothing to export: say so instead of offering buttons that only answer with an error.
  for (const control of exportButtons) control.disabled = count === 0;
  const language = el('select', { testid: 'export-language' }, el('option', { text: 'English', attrs: { value: 'en', lang: 'en' } }), el('option', { text: 'Tiếng Việt', attrs: { value: 'vi', lang: 'vi' } }));
  language.value = state.exportLanguage;
  language.addEventListener('change', () => (state.exportLanguage = language.value as UiLanguage));

  const name = el('input', { attrs: { type: 'checkbox' }, testid: 'redact-name' });
  name.checked = state.redact.name;
  name.id = uid('redact-name');
  const names = el('input', { attrs: { type: 'text', autocomplete: 'off' }, testid: 'redact-names' });
  names.value = state.redact.names;
  names.addEventListener('input', () => (state.redact.names = names.value));
  name.addEventListener('change', () => (state.redact.name = name.checked));
  const nameAll = el('input', { attrs: { type: 'checkbox' }, testid: 'redact-name-all' });
  nameAll.checked = state.redact.nameAll;
  nameAll.id = uid('redact-name-all');
  nameAll.addEventListener('change', () => (state.redact.nameAll = nameAll.checked));
  const numbers = el('input', { attrs: { type: 'checkbox' }, testid: 'redact-numbers' });
  numbers.checked = state.redact.numbers;
  numbers.id = uid('redact-numbers');
  numbers.addEventListener('change', () => (state.redact.numbers = numbers.checked));
  const scopeName = uid('scope');
  const scope = (value: 'self' | 'all', label: string) => {
    const radio = el('input', { attrs: { type: 'radio', name: scopeName, value } });
    radio.checked = state.redact.scope === value;
    radio.id = uid('scope');
    radio.addEventListener('change', () => (state.redact.scope = value));
    return el('div', { className: 'check' }, radio, el('label', { text: label, attrs: { for: radio.id } }));
  };

  const redaction = el(
    'fieldset',
    { className: 'redaction' },
    el('legend', tr('reportRedactTitle')),
    el('div', { className: 'check' }, name, el('label', { text: tr('reportRedactName'), attrs: { for: name.id } })),
    labelled(tr('reportRedactNames'), names, tr('reportRedactNamesHint')),
    el('div', { className: 'check' }, nameAll, el('label', { text: tr('reportRedactNameAll'), attrs: { for: nameAll.id } })),
    el('div', { className: 'check' }, numbers, el('label', { text: tr('reportRedactNumbers'), attrs: { for: numbers.id } })),
    scope('self', tr('reportRedactScopeSelf')),
    scope('all', tr('reportRedactScopeAll')),
    el('p', { text: tr('reportRedactEvidenceNote'), className: 'hint' }),
  );

  return el(
    'section',
    { className: 'export', attrs: { 'aria-labelledby': 'export-title' } },
    el('h2', { text: tr('reportExportTitle'), attrs: { id: 'export-title' } }),
    el('p', { text: tr('reportSelectedCount', { count }), testid: 'selected-count' }),
    el('p', { text: state.context === null ? tr('reportExportContextAll') : tr('reportExportContext', { count: state.context }), className: 'hint' }),
    labelled(tr('reportExportLanguage'), language),
    redaction,
    el('div', { className: 'actions' }, ...exportButtons),
    el('p', { text: tr('reportExportPrivacy'), className: 'hint' }),
  );
}

const PROBLEM_TEXT: Record<NonNullable<VerifyProblem['kind']>, StringKey> = {
  changed: 'verifyProblemChanged',
  'not-report': 'verifyProblemNotReport',
  newer: 'verifyProblemNewer',
  missing: 'verifyProblemMissing',
  'cut-short': 'verifyProblemCutShort',
  count: 'verifyProblemCount',
  invalid: 'verifyProblemInvalid',
};

/** A verify problem in the user's language: where, then what (the English message and field paths are for the CLI). */
function problemText(problem: VerifyProblem): string {
  const where = problem.messageId !== undefined ? tr('verifyWhereMessage', { id: problem.messageId }) : tr('verifyWhereFile');
  return `${where} ${tr(PROBLEM_TEXT[problem.kind ?? 'invalid'])}`;
}

function verifySection(): HTMLElement {
  const input = el('input', { attrs: { type: 'file', accept: '.json,.csv,.html,.htm' }, testid: 'verify-file' });
  const output = el('div', { className: 'verify-result', attrs: { role: 'status' }, testid: 'verify-result' });
  input.addEventListener('change', () => {
    void (async () => {
      const file = input.files?.[0];
      if (!file) return;
      const result = await verifyReport(await file.text(), file.name);
      const lines = [...new Set(result.problems.map(problemText))];
      output.replaceChildren(
        el('p', { text: result.ok ? tr('reportVerifyOk', { count: result.records }) : tr('reportVerifyChanged'), className: result.ok ? 'ok' : 'error' }),
        ...(result.contentSha256 ? [el('p', { text: `SHA-256: ${result.contentSha256}`, className: 'mono hint' })] : []),
        ...(result.ok && result.contentSha256 ? [el('p', { text: tr('verifyProves', { hash: result.contentSha256 }), testid: 'verify-proves' })] : []),
        el('ul', {}, ...lines.slice(0, 50).map((line) => el('li', { text: line }))),
      );
    })();
  });
  return el(
    'section',
    { className: 'verify', attrs: { 'aria-labelledby': 'verify-title' } },
    el('h2', { text: tr('reportVerifyTitle'), attrs: { id: 'verify-title' } }),
    el('p', { text: tr('reportVerifyIntro'), className: 'hint' }),
    labelled(tr('reportVerifyChoose'), input),
    output,
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Deleting

function confirmDelete(keys: string[] | 'all'): void {
  const dialog = el('dialog', { className: 'confirm', testid: 'confirm-delete', attrs: { 'aria-labelledby': 'confirm-title' } });
  // Back to the button that opened the dialog when it closes (Escape included), or to the page heading when that
  // button went with what was deleted; otherwise the focus fell to the page body.
  const opener = focusKey(document.activeElement);
  const close = () => {
    dialog.close();
    dialog.remove();
    restoreFocus(opener);
  };
  const doDelete = async () => {
    const message: DeleteConversations = { type: 'delete-conversations', keys };
    const response = await browser.runtime.sendMessage<DeleteConversations, ProtocolResponse | undefined>(message);
    if (!response?.ok) {
      state.status = tr('reportDeleteFailed');
    } else {
      await deleteDismissals(keys);
      state.status = keys === 'all' ? tr('reportDeletedAll') : tr('reportDeletedOne');
      if (keys === 'all' || (state.open && keys.includes(state.open))) state.open = null;
    }
    close();
    await load();
    draw();
  };
  const title = keys === 'all' ? tr('reportDeleteAllTitle') : tr('reportDeleteOneTitle');
  dialog.append(el('h2', { text: title, attrs: { id: 'confirm-title' } }), el('p', tr('reportDeleteWarning')));
  if (state.lock) {
    dialog.append(pinPrompt({ language: state.language, lock: state.lock, purpose: tr('pinToDelete'), submitText: tr('reportDeleteConfirm'), onSuccess: doDelete, onCancel: close }));
  } else {
    const cancel = button(tr('pinCancel'), close, undefined, 'cancel-delete');
    dialog.append(el('div', { className: 'actions' }, button(tr('reportDeleteConfirm'), doDelete, 'danger', 'confirm-delete-button'), cancel));
    queueMicrotask(() => cancel.focus());
  }
  dialog.addEventListener('cancel', (event) => {
    event.preventDefault();
    close();
  });
  document.body.append(dialog);
  dialog.showModal();
}

// ---------------------------------------------------------------------------------------------------------------

function storageNote(): HTMLElement {
  const used = jsonSize(state.conversations);
  const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(bytes < 1024 * 1024 ? 2 : 1);
  const text = tr('reportStorage', { used: mb(used), cap: mb(STORAGE_CAP_BYTES), days: state.settings.retentionDays });
  const note = el('p', { text, className: 'hint' });
  if (used > STORAGE_CAP_BYTES) note.append(el('strong', ' ' + tr('reportStorageFull')));
  return note;
}

function draw(): void {
  const app = document.getElementById('app');
  if (!app) return;
  // Redrawing replaces the controls: keep the keyboard focus where it was.
  const focused = focusKey(document.activeElement);
  const list = visible();
  if (!state.open && list.length) state.open = list[0].key;
  const open = state.open;
  if (open && state.conversations[open] && !state.timelines.has(open)) {
    // Drawn now from the stored findings, again once the background's timeline arrives.
    const asked = state.timelines;
    void fetchTimelines([open]).then(() => {
      if (state.timelines === asked && state.open === open && asked.get(open)) draw();
    });
  }
  const header = el(
    'header',
    { className: 'page-header' },
    el('h1', tr('reportTitle')),
    el('p', { text: tr('reportIntro'), className: 'intro' }),
    el('p', {}, el('a', { text: tr('popupSettings'), attrs: { href: browser.runtime.getURL('/options.html') } })),
  );
  const notices: HTMLElement[] = [];
  if (state.problems.length) notices.push(el('div', { className: 'notice' }, el('p', tr('reportProblems')), el('ul', {}, ...state.problems.map((p) => el('li', p)))));
  if (state.lock) notices.push(el('p', { text: tr('reportLockedNote'), className: 'notice' }));
  const status = el('p', { text: state.status, className: 'status', testid: 'status' });
  const layout = el(
    'div',
    { className: 'layout' },
    el('div', { className: 'sidebar' }, filtersSection(), listSection(list), exportSection()),
    conversationView(state.open ? state.conversations[state.open] : undefined),
  );
  const nothingStored = Object.keys(state.conversations).length === 0;
  const deleteAll = button(tr('reportDeleteAll'), () => confirmDelete('all'), 'danger', 'delete-all');
  deleteAll.disabled = nothingStored;
  const footer = el(
    'footer',
    {},
    verifySection(),
    el(
      'section',
      { className: 'danger-zone', attrs: { 'aria-labelledby': 'delete-title' } },
      el('h2', { text: tr('reportDeleteAllTitle'), attrs: { id: 'delete-title' } }),
      storageNote(),
      deleteAll,
      nothingStored ? el('p', { text: tr('reportNothingStored'), className: 'hint', testid: 'nothing-stored' }) : null,
    ),
    el('p', { text: tr('privacyNote'), className: 'hint' }),
  );
  app.replaceChildren(header, ...notices, status, layout, footer);
  restoreFocus(focused);
  const live = document.getElementById('live');
  if (live && live.textContent !== state.status) live.textContent = state.status;
}

/** How to find a control again after a redraw: its test id, or `data-focus` for controls repeated per conversation. */
function focusKey(element: Element | null): string | null {
  if (!(element instanceof HTMLElement) || element === document.body) return null;
  const key = element.dataset.testid ?? element.dataset.focus;
  return key ? key : null;
}

function restoreFocus(key: string | null): void {
  if (key === null || document.querySelector('dialog[open]')) return;
  const escaped = CSS.escape(key);
  const target = document.querySelector<HTMLElement>(`#app [data-testid="${escaped}"], #app [data-focus="${escaped}"]`);
  if (target && !(target as HTMLButtonElement).disabled) {
    if (target !== document.activeElement) target.focus();
    return;
  }
  // The control went away (what it was about was deleted) or cannot take the focus: the heading, not the page body.
  const heading = document.querySelector<HTMLElement>('#app h1');
  if (heading) {
    heading.tabIndex = -1;
    heading.focus();
  }
}

void (async () => {
  await load();
  const match = /^#c=(.+)$/.exec(location.hash);
  if (match) {
    const key = decodeURIComponent(match[1]);
    if (state.conversations[key]) state.open = key;
  }
  // Everything shown starts selected for export: the teen decides what to leave out.
  for (const c of visible()) state.selected.add(c.key);
  draw();
  // Stay current while chats are open in other tabs.
  browser.storage.onChanged.addListener((changes, area) => {
    if (area === 'local' && ('conversations' in changes || 'dismissals' in changes || 'settings' in changes || 'pin-lock' in changes)) {
      void load().then(draw);
    }
  });
})();
