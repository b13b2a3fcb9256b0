/**
 * Tiny DOM helpers for the extension pages (popup, report, options). Text is always set with textContent: chat text,
 * names and titles are untrusted and never become HTML.
 */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  options: { text?: string; className?: string; attrs?: Record<string, string>; testid?: string } | string = {},
  ...children: Array<Node | string | null | undefined | false>
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  const opts = typeof options === 'string' ? { text: options } : options;
  if (opts.text !== undefined) node.textContent = opts.text;
  if (opts.className) node.className = opts.className;
  if (opts.testid) node.dataset.testid = opts.testid;
  for (const [name, value] of Object.entries(opts.attrs ?? {})) node.setAttribute(name, value);
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    node.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return node;
}

export function button(text: string, onClick: () => void | Promise<void>, className?: string, testid?: string): HTMLButtonElement {
  const node = el('button', { text, className, testid, attrs: { type: 'button' } });
  node.addEventListener('click', () => void onClick());
  return node;
}

/**
 * Ask before an action that cannot be undone or weakens a protection: a modal dialog with the consequence spelled out,
 * the action and Cancel (Escape cancels too). Focus goes to Cancel, the safe choice.
 */
export function confirmDialog(options: { title: string; text: string; confirmText: string; cancelText: string; testid: string; onConfirm: () => void | Promise<void> }): void {
  const titleId = uid('confirm-title');
  const dialog = el('dialog', { className: 'confirm', testid: options.testid, attrs: { 'aria-labelledby': titleId } });
  const close = (): void => {
    dialog.close();
    dialog.remove();
  };
  const cancel = button(options.cancelText, close, undefined, `${options.testid}-cancel`);
  const confirm = button(options.confirmText, async () => {
    close();
    await options.onConfirm();
  }, 'danger', `${options.testid}-button`);
  dialog.append(el('h2', { text: options.title, attrs: { id: titleId } }), el('p', options.text), el('div', { className: 'actions' }, confirm, cancel));
  dialog.addEventListener('cancel', () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
  cancel.focus();
}

let ids = 0;
/** A unique id for label/input pairs. */
export function uid(prefix: string): string {
  ids++;
  return `${prefix}-${ids}`;
}

/** A labelled input; returns the wrapper and the input. */
export function labelled<T extends HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>(label: string, control: T, hint?: string): HTMLElement {
  control.id ||= uid('field');
  const wrapper = el('div', { className: 'field' }, el('label', { text: label, attrs: { for: control.id } }), control);
  if (hint) {
    const hintId = uid('hint');
    wrapper.append(el('p', { text: hint, className: 'hint', attrs: { id: hintId } }));
    control.setAttribute('aria-describedby', hintId);
  }
  return wrapper;
}

/** Trigger a download of `text` as a file (extension pages may create blob: URLs). */
export function download(fileName: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = el('a', { attrs: { href: url, download: fileName } });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export const SVG_NS = 'http://www.w3.org/2000/svg';

export function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, String(value));
  return node;
}
