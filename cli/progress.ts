/**
 * A one-line progress bar on stderr, only when stderr is a terminal (never in pipes, files or tests). Redraws at most
 * ten times a second and clears itself when done.
 */
export interface Progress {
  /** `done` of `total` units (bytes) for `label`; `count` is shown as messages so far. */
  update(label: string, done: number, total: number, count?: number): void;
  clear(): void;
}

export const NO_PROGRESS: Progress = { update: () => undefined, clear: () => undefined };

export function terminalProgress(write: (s: string) => void, columns = 80, now: () => number = () => Date.now()): Progress {
  let last = 0;
  let shown = false;
  return {
    update(label, done, total, count) {
      const t = now();
      if (t - last < 100 && done < total) return;
      last = t;
      const ratio = total > 0 ? Math.min(1, done / total) : 0;
      const width = 24;
      const filled = Math.round(ratio * width);
      const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
      const tail = count !== undefined ? ` ${count.toLocaleString('en-US')} messages` : '';
      const room = Math.max(10, columns - width - tail.length - 10);
      const name = label.length > room ? '…' + label.slice(label.length - room + 1) : label;
      write(`\r\x1b[2K${bar} ${String(Math.round(ratio * 100)).padStart(3)}% ${name}${tail}`);
      shown = true;
    },
    clear() {
      if (shown) write('\r\x1b[2K');
      shown = false;
    },
  };
}
