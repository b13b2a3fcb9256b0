/**
 * Untrusted text (message texts, names, titles, ids, file contents quoted in errors, a report's fields) made safe to
 * print on a terminal. A raw ESC or C1 byte lets a message move the cursor, set the window title, write the clipboard
 * (OSC 52) or paint "intact" over "CHANGED"; bidi controls reorder what is shown. Every print path of the CLI passes
 * such text through `terminalSafe`; the CLI's own colours are added afterwards.
 */

/** C0 controls (and DEL), C1 controls, bidi embeddings/overrides/isolates/marks, line and paragraph separators. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const UNSAFE = /[\u0000-\u001F\u007F-\u009F\u061C\u200E\u200F\u2028\u2029\u202A-\u202E\u2066-\u2069]/g;

function visible(char: string): string {
  const code = char.codePointAt(0)!;
  if (char === '\n' || char === '\r') return '⏎';
  if (char === '\t') return ' ';
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** The text with every control character replaced by a visible stand-in (`\x1b`, `\u202e`; ⏎ for a line break). */
export function terminalSafe(text: string): string {
  return text.replace(UNSAFE, visible);
}
