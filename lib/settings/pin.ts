/**
 * The parental PIN. A PIN is derived with PBKDF2-SHA-256 (WebCrypto) and a random salt; only the salt, the iteration
 * count and the derived key are stored, never the PIN. It guards changing settings, pausing and deleting evidence;
 * it never hides anything from the teen (the report and the settings stay readable).
 *
 * A PIN is a speed bump for a family computer, not protection against someone with the browser's developer tools:
 * the point is that changes are deliberate and visible, not secret. Whoever can read the stored hash can search every
 * PIN offline (a 4-digit PIN falls in under an hour on one core, a 6-digit one in days, a passphrase far later): new
 * PINs are 6-12 digits or a passphrase; older 4-5 digit PINs still work, with advice to change them
 * (docs/threat-model.md).
 */
import type { PinLock } from '../storage/schema';

/** Any PIN a lock may hold: 4-12 digits (4 and 5 from before longer PINs were asked for) or a passphrase. */
export const PIN_PATTERN = /^\d{4,12}$/;
/** A new PIN: 6-12 digits. */
export const NEW_PIN_PATTERN = /^\d{6,12}$/;
/** A passphrase: 8-64 characters, not only digits, not only spaces. */
export const PASSPHRASE_MIN = 8;
export const PASSPHRASE_MAX = 64;
/** What a new lock records as its shortest allowed PIN (`PinLock.minLength`); older locks have none. */
export const NEW_PIN_MIN_LENGTH = 6;
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

function isPassphrase(pin: string): boolean {
  const length = [...pin].length;
  return length >= PASSPHRASE_MIN && length <= PASSPHRASE_MAX && !/^\d+$/.test(pin) && pin.trim() !== '';
}

/** Whether a lock could hold this PIN (what `checkPin` accepts to try). */
export function isValidPin(pin: string): boolean {
  return PIN_PATTERN.test(pin) || isPassphrase(pin);
}

/** Whether this is acceptable as a new PIN: 6-12 digits, or a passphrase of 8-64 characters. */
export function isValidNewPin(pin: string): boolean {
  return NEW_PIN_PATTERN.test(pin) || isPassphrase(pin);
}

/** A lock set before new PINs had to be 6 digits or more: its PIN may be 4 or 5 digits (the options page says so). */
export function mayBeShortPin(lock: PinLock): boolean {
  return (lock.minLength ?? 0) < NEW_PIN_MIN_LENGTH;
}

export async function createPinLock(pin: string, options: { iterations?: number; now?: number } = {}): Promise<PinLock> {
  if (!isValidNewPin(pin)) throw new Error('a new PIN is 6 to 12 digits or a passphrase of 8 to 64 characters');
  const salt = globalThis.crypto.getRandomValues(new Uint8Array(16));
  const iterations = options.iterations ?? PIN_ITERATIONS;
  return {
    algorithm: 'PBKDF2-SHA-256',
    iterations,
    salt: toBase64(salt),
    hash: toBase64(await derive(pin, salt, iterations)),
    createdAt: options.now ?? Date.now(),
    minLength: NEW_PIN_MIN_LENGTH,
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

/** Longest wait after wrong PINs: each lockout in a row doubles the wait, up to this. */
export const MAX_LOCKOUT_MS = 60 * 60_000;

/** Wrong PINs counted across pages and reloads (`local:pin-attempts`, lib/settings/pin-attempts-store.ts). */
export interface AttemptsState {
  /** Wrong PINs in a row since the last lockout. */
  failures: number;
  /** No PIN is checked before this time (ms). */
  until: number;
  /** Lockouts in a row (each doubles the wait). */
  lockouts: number;
}

export interface AttemptsStore {
  load(): Promise<unknown>;
  save(state: AttemptsState): Promise<void>;
}

function readAttempts(raw: unknown): AttemptsState {
  const value = raw as Partial<AttemptsState> | null;
  const count = (n: unknown): number => (typeof n === 'number' && Number.isFinite(n) && n >= 0 ? n : 0);
  return { failures: count(value?.failures), until: count(value?.until), lockouts: count(value?.lockouts) };
}

/**
 * Counts wrong PINs and makes every extension page wait after MAX_ATTEMPTS in a row. The count lives in extension
 * storage, not in the page: reloading the page or opening another one does not reset it.
 */
export class PinAttempts {
  constructor(
    private readonly store: AttemptsStore,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** Milliseconds to wait before the next try (0: go ahead). */
  async waitMs(): Promise<number> {
    const { until } = readAttempts(await this.store.load());
    return Math.max(0, until - this.now());
  }

  async record(ok: boolean): Promise<void> {
    if (ok) {
      await this.store.save({ failures: 0, until: 0, lockouts: 0 });
      return;
    }
    const state = readAttempts(await this.store.load());
    state.failures++;
    if (state.failures >= MAX_ATTEMPTS) {
      state.failures = 0;
      state.until = this.now() + Math.min(MAX_LOCKOUT_MS, LOCKOUT_MS * 2 ** Math.min(state.lockouts, 16));
      state.lockouts++;
    }
    await this.store.save(state);
  }
}
