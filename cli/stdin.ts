/**
 * All of standard input, synchronously. `readFileSync(0)` fails with EAGAIN when stdin is a non-blocking pipe (a
 * parent process that has not written everything yet); this waits for the data instead.
 */
import { readSync } from 'node:fs';

export function readStdinSync(fd = 0): Buffer {
  const chunks: Buffer[] = [];
  const buffer = Buffer.alloc(1 << 16);
  for (;;) {
    let n: number;
    try {
      n = readSync(fd, buffer, 0, buffer.length, null);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') {
        // Nothing to read yet: wait a moment without spinning the CPU.
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
        continue;
      }
      if (code === 'EOF') break;
      throw error;
    }
    if (n === 0) break;
    chunks.push(Buffer.from(buffer.subarray(0, n)));
  }
  return Buffer.concat(chunks);
}
