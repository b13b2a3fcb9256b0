/** The parent-PIN form used by the popup (pause), the report page (delete) and the options page (unlock). */
import { t, type UiLanguage } from '../i18n';
import { checkPin, PASSPHRASE_MAX, PinAttempts } from '../settings/pin';
import { storedPinAttempts } from '../settings/pin-attempts-store';
import type { PinLock } from '../storage/schema';
import { el, uid } from './dom';

const attempts = new PinAttempts(storedPinAttempts);

export interface PinPromptOptions {
  language: UiLanguage;
  lock: PinLock;
  /** What the PIN is for, e.g. "Enter the parent PIN to pause". */
  purpose: string;
  submitText: string;
  onSuccess(): void | Promise<void>;
  onCancel?(): void;
}

export function pinPrompt(options: PinPromptOptions): HTMLFormElement {
  const { language } = options;
  const form = el('form', { className: 'pin-prompt', testid: 'pin-prompt' });
  const input = el('input', {
    // A PIN or a passphrase (lib/settings/pin.ts).
    attrs: { type: 'password', autocomplete: 'off', maxlength: String(PASSPHRASE_MAX * 2), id: uid('pin'), 'aria-describedby': '' },
    testid: 'pin-input',
  });
  const error = el('p', { className: 'error', attrs: { role: 'alert' } });
  const errorId = uid('pin-error');
  error.id = errorId;
  input.setAttribute('aria-describedby', errorId);
  const submit = el('button', { text: options.submitText, className: 'primary', attrs: { type: 'submit' }, testid: 'pin-submit' });
  const actions = el('div', { className: 'actions' }, submit);
  if (options.onCancel) {
    const cancel = el('button', { text: t(language, 'pinCancel'), attrs: { type: 'button' } });
    cancel.addEventListener('click', () => options.onCancel?.());
    actions.append(cancel);
  }
  form.append(el('label', { text: options.purpose, attrs: { for: input.id } }), input, error, actions);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void (async () => {
      const wait = await attempts.waitMs();
      if (wait > 0) {
        error.textContent = t(language, 'pinWait', { seconds: Math.ceil(wait / 1000) });
        return;
      }
      submit.disabled = true;
      const ok = await checkPin(options.lock, input.value);
      await attempts.record(ok);
      submit.disabled = false;
      if (ok) {
        error.textContent = '';
        await options.onSuccess();
      } else {
        input.value = '';
        error.textContent = t(language, 'pinWrong');
        input.focus();
      }
    })();
  });
  queueMicrotask(() => input.focus());
  return form;
}
