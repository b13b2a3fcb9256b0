/**
 * Settings: sensitivity, warning-sign categories, languages, sites, retention, display language, the parental PIN,
 * custom rule files, and what an administrator set through browser policy. Everything stays visible to the teen;
 * a PIN (or the policy) only makes the controls read-only.
 */
import pack from 'virtual:not-alone-rules';
import { browser } from 'wxt/browser';
import { CATEGORY_IDS, LANGUAGES, SENSITIVITIES, type CategoryId, type Language, type Sensitivity } from '../../lib/engine/taxonomy';
import { categoryExplanation, categoryName, pickLanguage, t, type UiLanguage } from '../../lib/i18n';
import { button, confirmDialog, el, labelled, uid } from '../../lib/popup/dom';
import { pinPrompt } from '../../lib/popup/pin-prompt';
import { defaultTimeZone, formatTime, isoTime } from '../../lib/report';
import { MAX_RULE_FILE_BYTES, validateCustomRuleFiles, type ImportedFile } from '../../lib/settings/custom-rules';
import { createPinLock, isValidNewPin, mayBeShortPin } from '../../lib/settings/pin';
import { managedFields, type Policy, type PolicySettingField } from '../../lib/settings/policy';
import { activePauses, chatSiteHosts, PAUSED_FOREVER, siteState } from '../../lib/settings/sites';
import { stopWatchingSite } from '../../lib/extension/watch-site';
import { loadCustomRuleSet, saveCustomRules, type CustomRules } from '../../lib/storage/custom-rules';
import { loadPinLock, loadPolicy, loadUserSettings, savePinLock, saveSettings } from '../../lib/storage/items';
import { SettingsSchema, type PinLock, type Settings } from '../../lib/storage/schema';

interface PageState {
  language: UiLanguage;
  saved: Settings;
  draft: Settings;
  policy: Policy;
  policyProblems: string[];
  settingsProblems: string[];
  lock: PinLock | null;
  lockUnreadable: boolean;
  /** The PIN was entered on this page (forgotten when the page closes or "Lock now" is pressed). */
  unlocked: boolean;
  custom: CustomRules | null;
  customProblems: string[];
  importProblems: string[];
  status: string;
  /** The browser lets Not Alone into private (incognito) windows. */
  incognitoAllowed: boolean;
}

let state!: PageState;
const timeZone = defaultTimeZone();
const tr = (key: Parameters<typeof t>[1], values?: Record<string, string | number>) => t(state.language, key, values);
const LANGUAGE_NAMES: Record<Language, string> = { en: 'English', vi: 'Tiếng Việt' };

async function load(): Promise<void> {
  const [{ value: saved, problems: settingsProblems }, { value: policy, problems: policyProblems }, { lock, unreadable }, custom] = await Promise.all([
    loadUserSettings(),
    loadPolicy(),
    loadPinLock(),
    loadCustomRuleSet(),
  ]);
  const incognitoAllowed = await browser.extension.isAllowedIncognitoAccess().catch(() => false);
  const uiLanguage = policy.uiLanguage ?? saved.uiLanguage;
  const language = uiLanguage === 'auto' ? pickLanguage(navigator.languages) : uiLanguage;
  const previous = state as PageState | undefined;
  state = {
    language,
    saved,
    draft: structuredClone(saved),
    policy,
    policyProblems,
    settingsProblems,
    lock,
    lockUnreadable: unreadable,
    unlocked: previous?.unlocked ?? false,
    custom: custom.value,
    customProblems: custom.problems,
    importProblems: previous?.importProblems ?? [],
    status: previous?.status ?? '',
    incognitoAllowed,
  };
  document.documentElement.lang = language;
  document.title = tr('optTitle');
}

/** Settings can be changed now: no administrator lock, and no PIN or the PIN was entered. */
function editable(): boolean {
  return state.policy.lockSettings !== true && (state.lock === null || state.unlocked);
}

function managed(field: PolicySettingField): boolean {
  return managedFields(state.policy).has(field);
}

function disabledFor(field?: PolicySettingField): boolean {
  return !editable() || (field !== undefined && managed(field));
}

function managedNote(field: PolicySettingField): HTMLElement | null {
  return managed(field) ? el('p', { text: tr('optManagedField'), className: 'hint managed' }) : null;
}

// ---------------------------------------------------------------------------------------------------------------

function lockPanel(): HTMLElement {
  const panel = el('section', { className: 'lock-panel', testid: 'lock-status', attrs: { 'aria-labelledby': 'lock-title' } });
  panel.append(el('h2', { text: tr('optLockTitle'), attrs: { id: 'lock-title' } }));
  if (state.policy.lockSettings) {
    panel.dataset.state = 'policy';
    panel.append(el('p', tr('optPolicyLocked')));
  } else if (state.lock && !state.unlocked) {
    panel.dataset.state = 'locked';
    panel.append(
      el('p', tr('optLocked')),
      pinPrompt({
        language: state.language,
        lock: state.lock,
        purpose: tr('pinToChange'),
        submitText: tr('optUnlock'),
        onSuccess: () => {
          state.unlocked = true;
          state.status = tr('optUnlocked');
          draw();
        },
      }),
    );
  } else if (state.lock) {
    panel.dataset.state = 'unlocked';
    panel.append(
      el('p', tr('optUnlockedNote')),
      button(tr('optLockNow'), () => {
        state.unlocked = false;
        state.status = '';
        draw();
      }, undefined, 'lock-now'),
    );
  } else {
    panel.dataset.state = 'none';
    panel.append(el('p', tr('optNoPin')));
  }
  if (state.lockUnreadable) panel.append(el('p', { text: tr('optLockUnreadable'), className: 'notice' }));
  panel.append(el('p', { text: tr('optTeenCanSee'), className: 'hint' }));
  return panel;
}

function radioGroup<T extends string>(legend: string, name: string, values: readonly T[], current: T, label: (v: T) => string, hint: ((v: T) => string) | null, onChange: (v: T) => void, disabled: boolean): HTMLFieldSetElement {
  const fieldset = el('fieldset', {}, el('legend', legend));
  fieldset.disabled = disabled;
  for (const value of values) {
    const radio = el('input', { attrs: { type: 'radio', name, value, id: uid(name) } });
    radio.checked = value === current;
    radio.addEventListener('change', () => radio.checked && onChange(value));
    const text = el('label', { attrs: { for: radio.id } }, el('strong', label(value)));
    if (hint) text.append(el('span', { text: ' — ' + hint(value), className: 'hint-inline' }));
    fieldset.append(el('div', { className: 'check' }, radio, text));
  }
  return fieldset;
}

function detectionSection(): HTMLElement {
  const { draft } = state;
  const sensitivity = radioGroup<Sensitivity>(
    tr('optSensitivity'),
    'sensitivity',
    SENSITIVITIES,
    draft.sensitivity,
    (v) => tr(v === 'cautious' ? 'optSensCautious' : v === 'balanced' ? 'optSensBalanced' : 'optSensRelaxed'),
    (v) => tr(v === 'cautious' ? 'optSensCautiousHint' : v === 'balanced' ? 'optSensBalancedHint' : 'optSensRelaxedHint'),
    (v) => (state.draft.sensitivity = v),
    disabledFor('sensitivity'),
  );
  sensitivity.dataset.testid = 'sensitivity';
  const note = managedNote('sensitivity');
  if (note) sensitivity.append(note);

  const categories = el('fieldset', { testid: 'categories' }, el('legend', tr('optCategories')), el('p', { text: tr('optCategoriesHint'), className: 'hint' }));
  categories.disabled = disabledFor('disabledCategories');
  const grid = el('div', { className: 'category-grid' });
  for (const category of CATEGORY_IDS) {
    const box = el('input', { attrs: { type: 'checkbox', value: category, id: uid('category') } });
    box.checked = !draft.disabledCategories.includes(category);
    box.addEventListener('change', () => {
      const off = new Set<CategoryId>(state.draft.disabledCategories);
      if (box.checked) off.delete(category);
      else off.add(category);
      state.draft.disabledCategories = CATEGORY_IDS.filter((c) => off.has(c));
    });
    grid.append(el('div', { className: 'check' }, box, el('label', { attrs: { for: box.id } }, el('strong', categoryName(state.language, category)), el('span', { text: categoryExplanation(state.language, category), className: 'hint block' }))));
  }
  categories.append(grid);
  const categoriesNote = managedNote('disabledCategories');
  if (categoriesNote) categories.append(categoriesNote);

  const languages = el('fieldset', { testid: 'languages' }, el('legend', tr('optLanguages')), el('p', { text: tr('optLanguagesHint'), className: 'hint' }));
  languages.disabled = disabledFor('languages');
  for (const language of LANGUAGES) {
    const box = el('input', { attrs: { type: 'checkbox', value: language, id: uid('language') } });
    box.checked = draft.languages.includes(language);
    box.addEventListener('change', () => {
      const on = new Set<Language>(state.draft.languages);
      if (box.checked) on.add(language);
      else on.delete(language);
      state.draft.languages = LANGUAGES.filter((l) => on.has(l));
    });
    languages.append(el('div', { className: 'check' }, box, el('label', { text: LANGUAGE_NAMES[language], attrs: { for: box.id, lang: language } })));
  }
  const languagesNote = managedNote('languages');
  if (languagesNote) languages.append(languagesNote);

  return el('section', { attrs: { 'aria-labelledby': 'detection-title' } }, el('h2', { text: tr('optDetection'), attrs: { id: 'detection-title' } }), sensitivity, categories, languages);
}

function sitesSection(): HTMLElement {
  const now = Date.now();
  const disabled = disabledFor();
  const chat = el('fieldset', { testid: 'sites' }, el('legend', tr('optChatSites')));
  chat.disabled = disabled;
  for (const host of chatSiteHosts()) {
    const box = el('input', { attrs: { type: 'checkbox', id: uid('site') } });
    const current = siteState(state.draft, host, now);
    box.checked = current.kind !== 'off';
    box.addEventListener('change', () => {
      const paused = { ...state.draft.pausedSites };
      if (box.checked) delete paused[host];
      else paused[host] = PAUSED_FOREVER;
      state.draft.pausedSites = paused;
    });
    const extra = current.kind === 'paused' ? ` (${tr('optPausedUntil', { time: formatTime(isoTime(current.until), state.language, timeZone) })})` : '';
    chat.append(el('div', { className: 'check' }, box, el('label', { text: host + extra, attrs: { for: box.id } })));
  }

  const watched = el('fieldset', { testid: 'watched-sites' }, el('legend', tr('optWatchedSites')), el('p', { text: tr('optWatchedHint'), className: 'hint' }));
  watched.disabled = disabledFor('watchedSites');
  const policySites = new Set(state.policy.watchedSites ?? []);
  const hosts = [...new Set([...state.draft.watchedSites, ...policySites])];
  if (hosts.length === 0) watched.append(el('p', { text: tr('optNoWatchedSites'), className: 'hint' }));
  for (const host of hosts) {
    const row = el('div', { className: 'row' }, el('span', { text: host, className: 'mono' }));
    if (policySites.has(host)) row.append(el('span', { text: tr('optManagedField'), className: 'hint' }));
    else
      row.append(
        button(tr('optRemove'), async () => {
          if (!editable()) return;
          // Gives the site permission back; the background then stops the content script there.
          await stopWatchingSite(`https://${host}`);
          state.status = tr('optWatchRemoved', { host });
          await load();
          draw();
        }, 'link'),
      );
    watched.append(row);
  }
  const pausedHosts = Object.entries(activePauses(state.draft.pausedSites, now)).filter(([host, until]) => until < PAUSED_FOREVER && !chatSiteHosts().includes(host));
  if (pausedHosts.length) {
    watched.append(el('h3', tr('optPausedSites')));
    for (const [host, until] of pausedHosts) {
      watched.append(
        el(
          'div',
          { className: 'row' },
          el('span', { text: `${host} (${tr('optPausedUntil', { time: formatTime(isoTime(until), state.language, timeZone) })})` }),
          button(tr('resume'), () => {
            const paused = { ...state.draft.pausedSites };
            delete paused[host];
            state.draft.pausedSites = paused;
            draw();
          }, 'link'),
        ),
      );
    }
  }
  return el('section', { attrs: { 'aria-labelledby': 'sites-title' } }, el('h2', { text: tr('optSites'), attrs: { id: 'sites-title' } }), chat, watched);
}

function storageSection(): HTMLElement {
  const retention = el('select', { testid: 'retention' });
  const choices = [...new Set([7, 14, 30, 90, 180, 365, state.draft.retentionDays])].sort((a, b) => a - b);
  for (const days of choices) retention.append(el('option', { text: tr('optDays', { days }), attrs: { value: String(days) } }));
  retention.value = String(state.draft.retentionDays);
  retention.disabled = disabledFor('retentionDays');
  retention.addEventListener('change', () => (state.draft.retentionDays = Number(retention.value)));

  const context = el('input', { attrs: { type: 'number', min: '0', max: '50', step: '1' }, testid: 'context-messages' });
  context.value = String(state.draft.contextMessages);
  context.disabled = disabledFor('contextMessages');
  context.addEventListener('change', () => (state.draft.contextMessages = Math.max(0, Math.min(50, Math.round(Number(context.value) || 0)))));

  const ui = el(
    'select',
    { testid: 'ui-language' },
    el('option', { text: tr('optUiAuto'), attrs: { value: 'auto' } }),
    el('option', { text: 'English', attrs: { value: 'en', lang: 'en' } }),
    el('option', { text: 'Tiếng Việt', attrs: { value: 'vi', lang: 'vi' } }),
  );
  ui.value = state.draft.uiLanguage;
  ui.disabled = disabledFor('uiLanguage');
  ui.addEventListener('change', () => (state.draft.uiLanguage = ui.value as Settings['uiLanguage']));

  return el(
    'section',
    { attrs: { 'aria-labelledby': 'storage-title' } },
    el('h2', { text: tr('optStorage'), attrs: { id: 'storage-title' } }),
    labelled(tr('optRetention'), retention, tr('optRetentionHint')),
    managedNote('retentionDays'),
    labelled(tr('optContext'), context, tr('optContextHint')),
    managedNote('contextMessages'),
    labelled(tr('optUiLanguage'), ui),
    managedNote('uiLanguage'),
  );
}

async function save(): Promise<void> {
  // The controls are read-only when locked; this check keeps a stray event from writing anyway.
  if (!editable()) {
    state.status = tr('optLockedCannotSave');
    draw();
    return;
  }
  const parsed = SettingsSchema.safeParse(state.draft);
  if (!parsed.success) {
    state.status = state.draft.languages.length === 0 ? tr('optNeedLanguage') : tr('optInvalid');
    draw();
    return;
  }
  await saveSettings(parsed.data);
  state.status = tr('optSaved');
  await load();
  draw();
}

// ---------------------------------------------------------------------------------------------------------------

function pinSection(): HTMLElement {
  const section = el('section', { attrs: { 'aria-labelledby': 'pin-title', id: 'pin' }, testid: 'pin-section' }, el('h2', { text: tr('optPinTitle'), attrs: { id: 'pin-title' } }), el('p', { text: tr('optPinIntro'), className: 'hint' }));
  if (state.lock && mayBeShortPin(state.lock)) section.append(el('p', { text: tr('optPinShort'), className: 'hint', testid: 'pin-short' }));
  if (state.policy.lockSettings) {
    section.append(el('p', { text: tr('optPolicyLocked'), className: 'hint' }));
    return section;
  }
  if (state.lock && !state.unlocked) {
    section.append(el('p', { text: tr('optPinUnlockFirst'), className: 'hint' }));
    return section;
  }
  const first = el('input', { attrs: { type: 'password', autocomplete: 'new-password', maxlength: '128' }, testid: 'new-pin' });
  const second = el('input', { attrs: { type: 'password', autocomplete: 'new-password', maxlength: '128' }, testid: 'repeat-pin' });
  const error = el('p', { className: 'error', attrs: { role: 'alert' } });
  const form = el('form', { className: 'pin-form' }, labelled(tr('optNewPin'), first, tr('optPinRule')), labelled(tr('optRepeatPin'), second), error);
  const submit = el('button', { text: state.lock ? tr('optChangePin') : tr('optSetPin'), className: 'primary', attrs: { type: 'submit' }, testid: 'set-pin' });
  form.append(el('div', { className: 'actions' }, submit));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void (async () => {
      if (!isValidNewPin(first.value)) {
        error.textContent = tr('optPinRule');
        return;
      }
      if (first.value !== second.value) {
        error.textContent = tr('optPinMismatch');
        return;
      }
      submit.disabled = true;
      const hadLock = state.lock !== null;
      await savePinLock(await createPinLock(first.value));
      state.unlocked = true;
      state.status = hadLock ? tr('optPinChanged') : tr('optPinSet');
      await load();
      draw();
      // The pressed button was disabled while saving, which sends focus to the page body: bring it back.
      focusTestId('set-pin');
    })();
  });
  section.append(form);
  if (state.lock) {
    section.append(
      // Removing the PIN unlocks everything for anyone: asked again, with what it means.
      button(tr('optRemovePin'), () =>
        confirmDialog({
          title: tr('optRemovePinTitle'),
          text: tr('optRemovePinWarning'),
          confirmText: tr('optRemovePin'),
          cancelText: tr('pinCancel'),
          testid: 'confirm-remove-pin',
          onConfirm: async () => {
            await savePinLock(null);
            state.unlocked = false;
            state.status = tr('optPinRemoved');
            await load();
            draw();
            focusTestId('set-pin');
          },
        }), 'danger', 'remove-pin'),
    );
  }
  section.append(el('p', { text: tr('optForgotPin'), className: 'hint' }));
  return section;
}

function customRulesSection(): HTMLElement {
  const section = el('section', { attrs: { 'aria-labelledby': 'rules-title' }, testid: 'custom-rules' }, el('h2', { text: tr('optRulesTitle'), attrs: { id: 'rules-title' } }), el('p', { text: tr('optRulesIntro', { kb: MAX_RULE_FILE_BYTES / 1024 }), className: 'hint' }));
  const allowed = state.policy.allowCustomRules !== false;
  if (state.custom && state.custom.rules.length) {
    section.append(
      el('p', { text: tr('optRulesCurrent', { count: state.custom.rules.length, date: formatTime(isoTime(state.custom.importedAt), state.language, timeZone) }) }),
      el('ul', {}, ...state.custom.files.map((f) => el('li', {}, el('span', { text: f.name, className: 'mono' }), el('span', { text: ` (${f.ruleIds.join(', ')}) · SHA-256 ${f.sha256.slice(0, 16)}…`, className: 'hint' })))),
    );
  } else section.append(el('p', { text: tr('optRulesNone'), className: 'hint' }));
  for (const problem of state.customProblems) section.append(el('p', { text: problem, className: 'notice' }));
  if (!allowed) {
    section.append(el('p', { text: tr('optRulesPolicyOff'), className: 'hint' }));
    return section;
  }
  const input = el('input', { attrs: { type: 'file', accept: '.yaml,.yml,.json', multiple: '' }, testid: 'rules-file' });
  input.disabled = !editable();
  const importButton = button(tr('optRulesImport'), async () => {
    if (!editable()) return;
    const files = [...(input.files ?? [])];
    const read: ImportedFile[] = [];
    for (const file of files) {
      // Never read a file over the limit into memory.
      read.push({ name: file.name, size: file.size, text: file.size > MAX_RULE_FILE_BYTES ? '' : await file.text() });
    }
    const result = await validateCustomRuleFiles(read, pack);
    if (!result.ok) {
      state.importProblems = result.problems;
      state.status = tr('optRulesRejected');
    } else {
      await saveCustomRules(result.value);
      state.importProblems = [];
      state.status = tr('optRulesImported', { count: result.value.rules.length });
    }
    await load();
    draw();
  }, 'primary', 'rules-import');
  importButton.disabled = !editable();
  section.append(labelled(tr('optRulesChoose'), input), el('div', { className: 'actions' }, importButton));
  if (state.custom) {
    const remove = button(tr('optRulesRemove'), async () => {
      if (!editable()) return;
      await saveCustomRules(null);
      state.status = tr('optRulesRemoved');
      await load();
      draw();
    }, 'danger', 'rules-remove');
    remove.disabled = !editable();
    section.querySelector('.actions')?.append(remove);
  }
  if (state.importProblems.length) {
    section.append(
      el(
        'div',
        { className: 'import-problems', attrs: { role: 'alert' }, testid: 'import-problems' },
        el('p', { text: tr('optRulesProblems'), className: 'error' }),
        el('ul', {}, ...state.importProblems.slice(0, 100).map((p) => el('li', { text: p, className: 'mono' }))),
      ),
    );
  }
  return section;
}

function adminSection(): HTMLElement {
  const section = el(
    'section',
    { attrs: { 'aria-labelledby': 'admin-title', id: 'admin' }, testid: 'admin' },
    el('h2', { text: tr('optAdminTitle'), attrs: { id: 'admin-title' } }),
    el('p', { text: tr('optAdminIntro'), className: 'hint' }),
    // The schema ships with the extension: a link that works offline, unlike a path in the source repository.
    el('p', { className: 'hint' }, el('a', { text: tr('optAdminSchema'), attrs: { href: browser.runtime.getURL('/managed-schema.json'), target: '_blank' }, testid: 'admin-schema' })),
  );
  const fields = [...managedFields(state.policy)];
  if (fields.length || state.policy.lockSettings !== undefined || state.policy.allowCustomRules !== undefined) {
    const items = fields.map((field) => el('li', { text: field, className: 'mono' }));
    if (state.policy.lockSettings) items.push(el('li', { text: 'lockSettings', className: 'mono' }));
    if (state.policy.allowCustomRules === false) items.push(el('li', { text: 'allowCustomRules: false', className: 'mono' }));
    section.append(el('p', tr('optAdminActive')), el('ul', {}, ...items));
  } else section.append(el('p', { text: tr('optAdminNone'), className: 'hint' }));
  for (const problem of state.policyProblems) section.append(el('p', { text: problem, className: 'notice' }));
  return section;
}

function focusTestId(testid: string): void {
  document.querySelector<HTMLElement>(`[data-testid="${testid}"]`)?.focus();
}

function draw(): void {
  const app = document.getElementById('app');
  if (!app) return;
  const focused = document.activeElement instanceof HTMLElement ? document.activeElement.dataset.testid : undefined;
  const problems = state.settingsProblems.length ? [el('div', { className: 'notice' }, ...state.settingsProblems.map((p) => el('p', p)))] : [];
  const saveButton = el('button', { text: tr('optSave'), className: 'primary', attrs: { type: 'submit' }, testid: 'save' });
  saveButton.disabled = !editable();
  const form = el('form', { className: 'settings-form', testid: 'settings-form' }, detectionSection(), sitesSection(), storageSection(), el('div', { className: 'actions sticky' }, saveButton, el('span', { text: tr('optReloadNote'), className: 'hint' })));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void save();
  });
  app.replaceChildren(
    el(
      'header',
      { className: 'page-header' },
      el('h1', tr('optTitle')),
      el('p', { text: tr('optIntro'), className: 'intro' }),
      el('p', {}, el('a', { text: tr('openReport'), attrs: { href: browser.runtime.getURL('/report.html') } })),
      el('p', { text: tr(state.incognitoAllowed ? 'optIncognitoOn' : 'optIncognitoOff'), className: 'hint', testid: 'incognito' }),
    ),
    ...problems,
    lockPanel(),
    el('p', { text: state.status, className: 'status', attrs: { role: 'status' }, testid: 'status' }),
    form,
    pinSection(),
    customRulesSection(),
    adminSection(),
    el('p', { text: tr('privacyNote'), className: 'hint' }),
  );
  if (focused) app.querySelector<HTMLElement>(`[data-testid="${focused}"]`)?.focus();
}

void (async () => {
  await load();
  draw();
  // The welcome page's parent path (options.html#pin) lands in the PIN form, ready to type.
  if (location.hash === '#pin') {
    const target = document.querySelector<HTMLElement>('[data-testid="new-pin"]') ?? document.getElementById('pin');
    target?.scrollIntoView({ block: 'center' });
    target?.focus();
  }
  browser.storage.onChanged.addListener((changes, area) => {
    // Another tab changed the lock or the settings: show the truth rather than a stale form.
    if ((area === 'local' && ('pin-lock' in changes || 'settings' in changes || 'custom-rules' in changes)) || area === 'managed') {
      void load().then(draw);
    }
  });
})();
