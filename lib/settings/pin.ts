/**
 * The parental PIN. A PIN is derived with PBKDF2-SHA-256 (WebCrypto) and a random salt; only the salt, the iteration
 * count and the derived key are stored, never the PIN. It guards changing settings, pausing and deleting evidence;
 * it never hides anything from the teen (the report and the settings stay readable).
 *
 * A 4-12 digit PIN is a speed bump for a family computer, not protection against someone with the browser's developer
 * tools: the point is that changes are deliberate and visible, not secret.
 */
import type { PinLock } from '../storage/schema';

export const PIN_PATTERN = /^\d{4,12}$/;
/** OWASP's 2023 recommendation for PBKDF2-HMAC-SHA256. */
export const PIN_ITERATIONS = 600_000;
/** Wrong PINs in a row before the page waits, and how long (ms). */
export const MAX_ATTEMPTS = 5;
export const LOCKOUT_MS = 30_000;

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

async function derive(pin: string, salt: Uint8Array<ArrayBuffer>, iterations: number): Promise<Uint8Array> {
  const key = await globalThis.crypto.subtle.importKey('raw', new TextEncoder().encode(pin), 'PBKDF2', false, ['deriveBits']);
  const bits = await globalThis.crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, key, 256);
  return new Uint8Array(bits);
}

export function isValidPin(pin: string): boolean {
  return PIN_PATTERN.test(pin);
}

export async function createPinLock(pin: string, options: { iterations?: number; now?: number } = {}): Promise<PinLock> {
  if (!isValidPin(pin)) throw new Error('a PIN is 4 to 12 digits');
  const salt = globalThis.crypto.getRandomValues(new Uint8Array(16));
  const iterations = options.iterations ?? PIN_ITERATIONS;
  return {
    algorithm: 'PBKDF2-SHA-256',
    iterations,
    salt: toBase64(salt),
    hash: toBase64(await derive(pin, salt, iterations)),
    createdAt: options.now ?? Date.now(),
  };
}

/** Whether `pin` is the PIN of `lock` (compared in constant time). */
export async function checkPin(lock: PinLock, pin: string): Promise<boolean> {
  if (!isValidPin(pin)) return false;
  const expected = fromBase64(lock.hash);
  const actual = await derive(pin, fromBase64(lock.salt), lock.iterations);
  if (expected.length !== actual.length) return false;
  let diff = 0;
  for (let i = 0; i < expected.length; i++) diff |= expected[i] ^ actual[i];
  return diff === 0;
}

/** Counts wrong PINs on one page and asks it to wait after MAX_ATTEMPTS in a row. */
export class PinAttempts {
  private failures = 0;
  private until = 0;

  constructor(private readonly now: () => number = () => Date.now()) {}

  /** Milliseconds to wait before the next try (0: go ahead). */
  waitMs(): number {
    return Math.max(0, this.until - this.now());
  }

  record(ok: boolean): void {
    if (ok) {
      this.failures = 0;
      return;
    }
    this.failures++;
    if (this.failures >= MAX_ATTEMPTS) {
      this.failures = 0;
      this.until = this.now() + LOCKOUT_MS;
    }
  }
}
