/**
 * The printable report: one self-contained HTML file (no scripts, no external resources, a print stylesheet) for a
 * parent or a police officer, in English or Vietnamese, with what to do next. "Save as PDF" from the print dialog.
 *
 * Message text, names, titles and addresses are untrusted: everything goes through `escapeHtml`, nothing else is
 * ever interpolated. Integrity: every message element carries its record hash (`data-sha256`, the same hash as in
 * the JSON and CSV exports), and `<script type="application/json" id="not-alone-integrity">` holds the hash of the
 * whole file (computed with the hash itself replaced by 64 zeros) and the list of records. Browsers do not run
 * `application/json` scripts.
 */
import { categoryName, helpLines, levelName, readerExplanation, siteName, t, type UiLanguage } from '../i18n';
import { encodeFindings, encodeRedactions, normaliseNewlines, sha256Hex, ZERO_HASH } from './integrity';
import { patternSummary } from '../i18n/script-text';
import { formatTime, highlightPieces, LEVEL_COLORS, stepMarks, timelineGeometry, type StepMark } from './format';
import { REPORT_SCHEMA_VERSION, type Report, type ReportConversation, type ReportMessage, type TimelinePoint } from './schema';
import type { RiskLevel, Sensitivity } from '../engine/taxonomy';

export const HTML_FORMAT = 'not-alone-report-html';
export const HTML_INTEGRITY_ID = 'not-alone-integrity';

export interface PrintableOptions {
  /** Overrides the report's language (labels only; messages are never translated). */
  language?: UiLanguage;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => HTML_ESCAPES[ch]);
}

/** The inverse of escapeHtml (only the entities it writes). */
export function unescapeHtml(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|#39);/g, (_, name: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[name] ?? '');
}

/** JSON that is safe inside a `<script>` element (no `</script>`, no `<!--`). */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A CSS string literal for untrusted text: everything but letters, digits and spaces as a hex escape (no `</style>`). */
function cssString(text: string): string {
  return '"' + [...text].map((ch) => (/^[\p{L}\p{N} ]$/u.test(ch) ? ch : `\\${ch.codePointAt(0)!.toString(16)} `)).join('') + '"';
}

/** A CSS `content` value for a template: `{page}` and `{pages}` become the page counters, the rest strings. */
function cssContent(template: string): string {
  return template
    .split(/(\{pages?\})/)
    .filter(Boolean)
    .map((part) => (part === '{page}' ? 'counter(page)' : part === '{pages}' ? 'counter(pages)' : cssString(part)))
    .join(' ');
}

/**
 * The printed page: a running header (case, when, which version) and "Page N of M" in the page margins. Chromium
 * (131+) draws @page margin boxes, and a page that defines them gets none of the browser's own header and footer
 * (which would print the tab's address).
 */
function pageStyle(report: Report, language: UiLanguage): string {
  const [first, ...rest] = report.conversations;
  const firstTitle = first ? first.title || first.key : t(language, 'printTitle');
  const title = rest.length ? t(language, 'printAndMore', { title: firstTitle, count: rest.length }) : firstTitle;
  const header = t(language, 'printRunningHeader', {
    title: [...title].length > 60 ? [...title].slice(0, 59).join('') + '…' : title,
    date: formatTime(report.generatedAt, language, report.timeZone),
    version: report.generator.version,
  });
  const box = 'font: 8pt system-ui, sans-serif; color: #4b5563;';
  return `@page { size: A4; margin: 18mm 12mm 16mm;
  @top-left { content: ${cssContent(header)}; ${box} }
  @bottom-right { content: ${cssContent(t(language, 'printPageNumber'))}; ${box} }
}`;
}

/** `not-alone-report-2025-07-01T12-00-00Z.json`: a safe, sortable file name. */
export function reportFileName(report: Pick<Report, 'generatedAt'>, extension: 'json' | 'csv' | 'html'): string {
  const stamp = report.generatedAt.replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
  return `not-alone-report-${stamp}.${extension}`;
}

/** The risk chart as an SVG string (numbers and escaped text only). */
export function timelineSvg(
  timeline: readonly TimelinePoint[],
  flaggedIndexes: ReadonlySet<number>,
  label: string,
  sensitivity: Sensitivity = 'balanced',
  levelLabel: (level: RiskLevel) => string = (level) => level,
  marks: readonly StepMark[] = [],
): string {
  const g = timelineGeometry(timeline, flaggedIndexes, { sensitivity, marks: marks.map((m) => m.messageIndex) });
  const parts = [
    `<svg class="timeline" role="img" aria-label="${escapeHtml(label)}" viewBox="0 0 ${g.width} ${g.height}" width="${g.width}" height="${g.height}" xmlns="http://www.w3.org/2000/svg">`,
    `<title>${escapeHtml(label)}</title>`,
    `<rect x="0" y="0" width="${g.width}" height="${g.height}" fill="#f9fafb" stroke="#e5e7eb"/>`,
    ...g.thresholds.map(
      (th) =>
        `<line x1="0" x2="${g.width}" y1="${th.y}" y2="${th.y}" stroke="${LEVEL_COLORS[th.level]}" stroke-dasharray="4 4" stroke-width="1" opacity="0.6"/>` +
        (th.label ? `<text x="${g.width - 4}" y="${Math.max(10, th.y - 2)}" text-anchor="end" font-size="9" fill="${LEVEL_COLORS[th.level]}">${escapeHtml(levelLabel(th.level))}</text>` : ''),
    ),
    `<polyline points="${g.points}" fill="none" stroke="#0f766e" stroke-width="2"/>`,
    ...g.dots.map((d) => `<circle cx="${d.x}" cy="${d.y}" r="4" fill="${LEVEL_COLORS[d.level]}"/>`),
    ...g.marks.map(
      (m, i) =>
        `<g class="step-mark" data-message-index="${m.messageIndex}"><title>${escapeHtml(marks[i].labels.join('; '))}</title>` +
        `<line x1="${m.x}" x2="${m.x}" y1="12" y2="${g.height}" stroke="${STEP_COLOR}" stroke-dasharray="2 3" stroke-width="1"/>` +
        `<text x="${m.x}" y="10" text-anchor="middle" font-size="9" font-weight="600" fill="${STEP_COLOR}">${escapeHtml(marks[i].numbers)}</text></g>`,
    ),
    '</svg>',
  ];
  return parts.join('');
}

/** Colour of the marks where a step of a known script first appeared (not a risk level colour). */
const STEP_COLOR = '#6d28d9';

const STYLE = `
:root { color-scheme: light; }
body { font: 11pt/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; color: #111827; margin: 0; }
main { max-width: 820px; margin: 0 auto; padding: 24px; }
h1 { font-size: 19pt; margin: 0 0 4px; color: #0f766e; }
h2 { font-size: 14pt; margin: 22px 0 8px; border-bottom: 1px solid #d1d5db; padding-bottom: 3px; }
h3 { font-size: 12pt; margin: 14px 0 6px; }
.muted { color: #4b5563; }
.small { font-size: 9pt; }
.notice { background: #f0fdfa; border-left: 4px solid #0f766e; padding: 8px 12px; }
.steps li { margin-bottom: 4px; }
table.facts { border-collapse: collapse; margin: 6px 0; }
table.facts th { text-align: left; font-weight: 600; padding: 2px 12px 2px 0; vertical-align: top; white-space: nowrap; }
table.facts td { padding: 2px 0; overflow-wrap: anywhere; }
.level { display: inline-block; border-radius: 999px; padding: 0 8px; color: #fff; font-weight: 600; font-size: 9.5pt; }
.level-none, .level-low { background: #6b7280; } .level-medium { background: #b45309; }
.level-high { background: #c2410c; } .level-critical { background: #b91c1c; }
ol.messages { list-style: none; padding: 0; margin: 0; }
li.msg { border-left: 3px solid #e5e7eb; padding: 4px 10px; margin: 6px 0; break-inside: avoid; }
li.msg.flagged { border-left-color: #d97706; background: #fffbeb; }
li.msg.self { margin-left: 28px; }
li.gap { color: #6b7280; font-style: italic; font-size: 9pt; margin: 4px 0; }
.meta { font-size: 9pt; color: #4b5563; }
.sender { font-weight: 600; color: #111827; }
p.text { margin: 2px 0; white-space: pre-wrap; overflow-wrap: anywhere; unicode-bidi: plaintext; }
mark { background: #fde68a; color: inherit; padding: 0 1px; }
.why { font-size: 9pt; color: #92400e; margin: 2px 0; }
.pattern { border: 2px solid #6d28d9; border-radius: 6px; padding: 6px 12px; margin: 6px 0 10px; break-inside: avoid; }
.pattern-headline { font-weight: 700; font-size: 12pt; margin: 2px 0 4px; }
.pattern h3 { margin: 6px 0 2px; font-size: 11pt; }
.pattern ol { margin: 2px 0; }
.step { font-size: 9pt; font-weight: 600; color: #6d28d9; margin: 2px 0; }
.identity-warning { border-left: 4px solid #b91c1c; background: #fef2f2; padding: 6px 10px; font-weight: 600; margin: 6px 0; }
.identity-note { border-left: 4px solid #6b7280; padding: 4px 10px; font-size: 9.5pt; margin: 6px 0; }
.picture { font-weight: 600; color: #7c2d12; }
.hash { font: 7.5pt/1.3 ui-monospace, "Cascadia Mono", Consolas, monospace; color: #6b7280; overflow-wrap: anywhere; }
code, .mono { font-family: ui-monospace, "Cascadia Mono", Consolas, monospace; overflow-wrap: anywhere; }
svg.timeline { max-width: 100%; height: auto; }
div.help { break-inside: avoid; }
.steps, .for-reader { break-inside: avoid; }
section.conversation { break-before: page; }
section.conversation:first-of-type { break-before: auto; }
@media print {
  main { padding: 0; max-width: none; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  a { color: inherit; text-decoration: none; }
}
`;

interface Ctx {
  language: UiLanguage;
  report: Report;
}

function fact(label: string, valueHtml: string): string {
  return `<tr><th scope="row">${escapeHtml(label)}</th><td>${valueHtml}</td></tr>`;
}

function levelBadge(ctx: Ctx, level: ReportConversation['level']): string {
  return `<span class="level level-${level}">${escapeHtml(levelName(ctx.language, level))}</span>`;
}

function time(ctx: Ctx, iso: string | null): string {
  return iso ? `<time datetime="${escapeHtml(iso)}">${escapeHtml(formatTime(iso, ctx.language, ctx.report.timeZone))}</time>` : '';
}

function senderLabel(ctx: Ctx, message: Pick<ReportMessage, 'from' | 'sender'>): string {
  const role = t(ctx.language, message.from === 'self' ? 'printSelf' : 'printOther');
  return message.sender ? `${message.sender} (${role})` : role;
}

/** Under which picture a message was read (a conversation shown with two pictures or more). */
function pictureText(ctx: Ctx, picture: number | null): string {
  return picture === null ? t(ctx.language, 'printReadWithoutPicture') : t(ctx.language, 'printReadUnderPicture', { number: picture });
}

/**
 * A conversation stored under its display name: the profile pictures it was shown with, and a warning when there
 * were two or more (another chat may have taken its name), or a note when there was none.
 */
function picturesHtml(ctx: Ctx, conversation: ReportConversation): string {
  const pictures = conversation.keyedByName?.pictures;
  if (!pictures) return '';
  const { language } = ctx;
  if (pictures.length === 0) return `<p class="identity-note">${escapeHtml(t(language, 'printNoPictures'))}</p>`;
  const items = pictures
    .map((p) => `<li>${escapeHtml(t(language, 'printPictureItem', { number: p.number, date: formatTime(p.firstSeen, language, ctx.report.timeZone), fingerprint: p.fingerprint }))}</li>`)
    .join('');
  const warning = pictures.length > 1 ? `<p class="identity-warning">${escapeHtml(t(language, 'printPicturesWarning', { count: pictures.length }))}</p>` : '';
  return `<div class="pictures">${warning}<h3>${escapeHtml(t(language, 'printPictures'))}</h3><ul>${items}</ul></div>`;
}

function messageHtml(ctx: Ctx, conversation: ReportConversation, message: ReportMessage, record: number, steps: readonly string[] = []): string {
  const attrs = [
    `class="msg ${message.from}${message.flagged ? ' flagged' : ''}"`,
    `data-record="${record}"`,
    `data-conversation="${escapeHtml(conversation.key)}"`,
    `data-index="${message.index}"`,
    `data-id="${escapeHtml(message.id)}"`,
    `data-from="${message.from}"`,
    message.sender !== null ? `data-sender="${escapeHtml(message.sender)}"` : '',
    message.sentAt ? `data-sent-at="${escapeHtml(message.sentAt)}"` : '',
    `data-seen-at="${escapeHtml(message.seenAt)}"`,
    `data-findings="${escapeHtml(encodeFindings(message.findings))}"`,
    `data-sha256="${message.sha256}"`,
    message.redactions ? `data-redactions="${escapeHtml(encodeRedactions(message.redactions))}"` : '',
    message.originalSha256 ? `data-original-sha256="${message.originalSha256}"` : '',
  ].filter(Boolean);
  const highlighted = (version: Pick<ReportMessage, 'text' | 'findings'>): string =>
    highlightPieces(version.text, version.findings)
      .map((piece) => (piece.finding ? `<mark data-category="${piece.finding.category}">${escapeHtml(piece.text)}</mark>` : escapeHtml(piece.text)))
      .join('');
  const text = highlighted(message);
  const excerpt = (original: ReportMessage['original'], length: number): string =>
    original
      ? `<p class="small muted">${escapeHtml(t(ctx.language, 'printExcerpt', { from: original.start + 1, to: original.start + length, length: original.length, sha256: original.sha256 }))}</p>`
      : '';
  // Later versions of the message (edited after it was stored): shown after the stored text, never instead of it.
  const edits = (message.edits ?? [])
    .map(
      (edit) =>
        `<p class="edited"><strong>${escapeHtml(t(ctx.language, 'printEdited', { date: formatTime(edit.seenAt, ctx.language, ctx.report.timeZone) }))}</strong>` +
        `${edit.picture !== undefined ? ` <span class="picture">${escapeHtml(pictureText(ctx, edit.picture))}</span>` : ''}</p><p class="edit-text">${highlighted(edit)}</p>${excerpt(edit.original, edit.text.length)}`,
    )
    .join('');
  const when = message.sentAt ? time(ctx, message.sentAt) : `<span>${escapeHtml(t(ctx.language, 'printNoTime'))}</span>`;
  const flaggedLabel = message.flagged ? ` · <strong>${escapeHtml(t(ctx.language, 'printFlagged'))}</strong>` : '';
  const pictureLabel = message.picture !== undefined ? ` · <span class="picture">${escapeHtml(pictureText(ctx, message.picture))}</span>` : '';
  const why = [...new Set([...message.findings, ...(message.edits ?? []).flatMap((e) => e.findings)].map((f) => f.category))]
    .map((c) => `<p class="why">${escapeHtml(categoryName(ctx.language, c))}: ${escapeHtml(readerExplanation(ctx.language, c))}</p>`)
    .join('');
  return (
    `<li ${attrs.join(' ')}>` +
    `<div class="meta"><span class="sender">${escapeHtml(senderLabel(ctx, message))}</span> · ${when}${flaggedLabel}${pictureLabel}</div>` +
    `<p class="text" data-field="text">${text}</p>${excerpt(message.original, message.text.length)}${edits}${why}` +
    steps.map((label) => `<p class="step">${escapeHtml(label)}</p>`).join('') +
    `<div class="hash">#${message.index} · ${escapeHtml(message.id)} · SHA-256 ${message.sha256}</div>` +
    (message.originalSha256 ? `<div class="hash redacted">${escapeHtml(t(ctx.language, 'printMessageRedacted', { hash: message.originalSha256 }))}</div>` : '') +
    '</li>'
  );
}

/** The known script the conversation follows: its name, then its advice in order, then the steps seen. */
function patternHtml(ctx: Ctx, conversation: ReportConversation, marks: readonly StepMark[]): string {
  const summary = conversation.pattern && patternSummary(ctx.language, conversation.pattern);
  if (!conversation.pattern || !summary) return '';
  const { language } = ctx;
  const advice = summary.advice.map((line) => `<li>${escapeHtml(line)}</li>`).join('');
  const steps = marks.flatMap((m) => m.labels.map((label) => `<li>${escapeHtml(label)} — #${m.messageIndex}</li>`)).join('');
  return (
    `<div class="pattern" data-script="${escapeHtml(conversation.pattern.script)}">` +
    `<p class="pattern-headline">${escapeHtml(summary.headline)}</p>` +
    `<h3>${escapeHtml(t(language, 'patternAdviceTitle'))}</h3><ol class="pattern-advice">${advice}</ol>` +
    (steps ? `<h3>${escapeHtml(t(language, 'patternStepsSeen'))}</h3><ul class="pattern-steps">${steps}</ul><p class="small muted">${escapeHtml(t(language, 'patternStepsMarked'))}</p>` : '') +
    '</div>'
  );
}

function conversationHtml(ctx: Ctx, conversation: ReportConversation, firstRecord: number): string {
  const { language } = ctx;
  const indexById = new Map(conversation.messages.map((m) => [m.id, m.index]));
  const marks = stepMarks(language, conversation.pattern, (id) => indexById.get(id));
  const stepsAt = new Map(marks.map((m) => [m.messageIndex, m.labels]));
  const flagged = new Set(conversation.messages.filter((m) => m.flagged).map((m) => m.index));
  const participants = conversation.participants
    .map((p) => `${escapeHtml(senderLabel(ctx, { from: p.role, sender: p.name }))} — ${escapeHtml(t(language, 'printMessageCount', { count: p.messageCount }))}`)
    .join('<br>');
  const categories = conversation.categories.map((c) => `<li><strong>${escapeHtml(categoryName(language, c))}</strong>: ${escapeHtml(readerExplanation(language, c))}</li>`).join('');
  const facts = [
    fact(t(language, 'printSite'), escapeHtml(siteName(language, conversation.site))),
    conversation.url ? fact(t(language, 'printAddress'), `<span class="mono">${escapeHtml(conversation.url)}</span>`) : '',
    fact(t(language, 'printParticipants'), participants),
    fact(t(language, 'printFirstSeen'), time(ctx, conversation.firstSeen)),
    fact(t(language, 'printLastUpdated'), time(ctx, conversation.lastUpdated)),
    fact(t(language, 'printLevel'), levelBadge(ctx, conversation.level) + (conversation.peakLevel !== conversation.level ? ` (${escapeHtml(t(language, 'printPeak', { level: levelName(language, conversation.peakLevel) }))})` : '')),
    conversation.savedByUser ? fact('', escapeHtml(t(language, 'printSavedByUser'))) : '',
    conversation.titles ? fact(t(language, 'printTitles'), conversation.titles.map((x) => `${escapeHtml(x.title)} (${time(ctx, x.at)})`).join('; ')) : '',
    conversation.notKept ? fact('', escapeHtml(t(language, 'printNotKept', { count: conversation.notKept.messages, date: formatTime(conversation.notKept.since, language, ctx.report.timeZone) }))) : '',
  ].join('');
  const chartLabel = t(language, 'printTimelineLabel', { count: conversation.timeline.length, level: levelName(language, conversation.peakLevel) });
  const items: string[] = [];
  let previous = -1;
  conversation.messages.forEach((message, i) => {
    if (message.index > previous + 1) items.push(`<li class="gap">${escapeHtml(t(language, 'printGap', { count: message.index - previous - 1 }))}</li>`);
    items.push(messageHtml(ctx, conversation, message, firstRecord + i, stepsAt.get(message.index)));
    previous = message.index;
  });
  if (conversation.storedMessageCount > previous + 1) items.push(`<li class="gap">${escapeHtml(t(language, 'printGap', { count: conversation.storedMessageCount - previous - 1 }))}</li>`);
  return (
    `<section class="conversation" data-conversation="${escapeHtml(conversation.key)}">` +
    `<h2>${escapeHtml(t(language, 'printConversation'))}: ${escapeHtml(conversation.title || conversation.key)}</h2>` +
    patternHtml(ctx, conversation, marks) +
    `<table class="facts">${facts}</table>` +
    picturesHtml(ctx, conversation) +
    (categories ? `<h3>${escapeHtml(t(language, 'printCategories'))}</h3><ul>${categories}</ul>` : '') +
    `<h3>${escapeHtml(t(language, 'printRiskOverTime'))}</h3>` +
    timelineSvg(conversation.timeline, flagged, chartLabel, ctx.report.settings.sensitivity, (level) => levelName(language, level), marks) +
    `<p class="small muted">${escapeHtml(chartLabel)}</p>` +
    `<h3>${escapeHtml(t(language, 'printMessages'))}</h3>` +
    `<p class="small muted">${escapeHtml(t(language, 'printHowToRead'))}</p>` +
    `<ol class="messages">${items.join('')}</ol>` +
    '</section>'
  );
}

function redactionText(ctx: Ctx): string {
  const r = ctx.report.settings.redaction;
  if (!r) return '';
  const { language } = ctx;
  const what = [
    r.ownName ? `${t(language, 'printRedactName')} (${t(language, r.nameScope === 'all' ? 'printRedactNameScopeAll' : 'printRedactNameScopeSelf')})` : '',
    r.phones ? t(language, 'printRedactPhones') : '',
    r.emails ? t(language, 'printRedactEmails') : '',
  ].filter(Boolean);
  const scope = r.phones || r.emails ? ` (${t(language, r.scope === 'all' ? 'printRedactScopeAll' : 'printRedactScopeSelf')})` : '';
  return `<p class="notice">${escapeHtml(t(language, 'printRedacted', { what: what.join(', ') + scope }))}</p>`;
}

function render(report: Report, language: UiLanguage, contentSha256: string): string {
  const ctx: Ctx = { language, report };
  const s = report.summary;
  const period = s.from && s.to ? `${time(ctx, s.from)} – ${time(ctx, s.to)}` : '';
  const summary = [
    fact(t(language, 'printSummaryConversations'), String(s.conversations)),
    fact(t(language, 'printSummaryMessages'), String(s.messages)),
    fact(t(language, 'printSummaryFlagged'), String(s.flaggedMessages)),
    fact(t(language, 'printSummaryHighest'), levelBadge(ctx, s.highestLevel)),
    period ? fact(t(language, 'printSummaryPeriod'), period) : '',
  ].join('');
  const steps = (['printNext1', 'printNext2', 'printNext3', 'printNext4', 'printNext5', 'printNext6', 'printNext7'] as const)
    .map((key) => `<li>${escapeHtml(t(language, key))}</li>`)
    .join('');
  const help = helpLines(language)
    .map((line) => `<li><strong>${escapeHtml(line.label)}</strong>${line.number ? ` — <span class="mono">${escapeHtml(line.number)}</span>` : ''}: ${escapeHtml(line.note)}</li>`)
    .join('');
  let record = 0;
  const conversations = report.conversations
    .map((conversation) => {
      const html = conversationHtml(ctx, conversation, record);
      record += conversation.messages.length;
      return html;
    })
    .join('');
  const integrity = {
    format: HTML_FORMAT,
    schemaVersion: REPORT_SCHEMA_VERSION,
    algorithm: 'SHA-256',
    generatedAt: report.generatedAt,
    contentSha256,
    records: report.conversations.flatMap((c) => c.messages.map((m) => ({ conversation: c.key, index: m.index, id: m.id, sha256: m.sha256 }))),
  };
  const generator = `Not Alone ${report.generator.version} (${report.generator.kind === 'cli' ? 'CLI' : t(language, 'printExtension')})`;
  return `<!doctype html>
<html lang="${language}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="${escapeHtml(generator)}">
<title>${escapeHtml(t(language, 'printTitle'))}</title>
<style>${STYLE}${pageStyle(report, language)}</style>
</head>
<body>
<main>
<header>
<h1>${escapeHtml(t(language, 'printTitle'))}</h1>
<p class="muted">${escapeHtml(t(language, 'printGenerated', { date: formatTime(report.generatedAt, language, report.timeZone), generator, zone: report.timeZone }))}</p>
<p class="small">${escapeHtml(t(language, 'printContentHash'))}: <code class="content-hash">${contentSha256}</code></p>
</header>
<p>${escapeHtml(t(language, 'printIntro'))}</p>
<p class="notice">${escapeHtml(t(language, 'printNotProof'))}</p>
${redactionText(ctx)}
<h2>${escapeHtml(t(language, 'printSummaryTitle'))}</h2>
<table class="facts">${summary}</table>
<h2>${escapeHtml(t(language, 'printNextTitle'))}</h2>
<ol class="steps">${steps}</ol>
<div class="help">
<h3>${escapeHtml(t(language, 'printHelpTitle'))}</h3>
<ul>${help}</ul>
</div>
<h2>${escapeHtml(t(language, 'printForPolice'))}</h2>
<div class="for-reader">
<p>${escapeHtml(t(language, 'printForPoliceText'))}</p>
<p class="verify-proves">${escapeHtml(t(language, 'verifyProves', { hash: contentSha256 }))}</p>
<p>${escapeHtml(t(language, 'printVerifyWhere'))}</p>
</div>
${conversations}
<footer><p class="small muted">${escapeHtml(t(language, 'printPrivacy'))}</p></footer>
</main>
<script type="application/json" id="${HTML_INTEGRITY_ID}">${scriptJson(integrity)}</script>
</body>
</html>
`;
}

export async function toPrintableHtml(report: Report, options: PrintableOptions = {}): Promise<string> {
  const language = options.language ?? report.language;
  const contentSha256 = await sha256Hex(normaliseNewlines(render(report, language, ZERO_HASH)));
  return render(report, language, contentSha256);
}
