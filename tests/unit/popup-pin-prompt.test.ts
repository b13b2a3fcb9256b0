// @vitest-environment happy-dom
/** The parent-PIN form shared by the popup, the report page and the options page. */
import { describe, expect, it, vi } from 'vitest';
import { pinPrompt } from '../../lib/popup/pin-prompt';
import { createPinLock } from '../../lib/settings/pin';

async function settle(check: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !check(); i++) await new Promise((done) => setTimeout(done, 20));
}

describe('pinPrompt', () => {
  it('is labelled, rejects a wrong PIN with a message and accepts the right one', async () => {
    const lock = await createPinLock('246813', { iterations: 100_000 });
    const onSuccess = vi.fn();
    const form = pinPrompt({ language: 'en', lock, purpose: 'Parent PIN to pause', submitText: 'Pause', onSuccess });
    document.body.append(form);
    const input = form.querySelector('input')!;
    expect(form.querySelector(`label[for="${input.id}"]`)?.textContent).toBe('Parent PIN to pause');
    expect(input.type).toBe('password');

    input.value = '1111';
    form.requestSubmit();
    const error = form.querySelector('[role="alert"]')!;
    await settle(() => error.textContent !== '');
    expect(error.textContent).toBe('That PIN is not right. Try again.');
    expect(onSuccess).not.toHaveBeenCalled();

    input.value = '246813';
    form.requestSubmit();
    await settle(() => onSuccess.mock.calls.length > 0);
    expect(onSuccess).toHaveBeenCalledOnce();
  });

  it('shows text as text: nothing in the purpose becomes HTML', async () => {
    const lock = await createPinLock('246813', { iterations: 100_000 });
    const form = pinPrompt({ language: 'vi', lock, purpose: '<img src=x>', submitText: 'OK', onSuccess: () => undefined, onCancel: () => undefined });
    expect(form.querySelector('img')).toBeNull();
    expect(form.querySelector('label')?.textContent).toBe('<img src=x>');
    expect([...form.querySelectorAll('button')].map((b) => b.textContent)).toEqual(['OK', 'Huỷ']);
  });
});
