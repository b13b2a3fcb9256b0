/**
 * SHA-256 through WebCrypto (`globalThis.crypto.subtle`, the same in browsers, the service worker and Node 20). Shared
 * by storage (the hash of a long message's whole text), the background (message fingerprints) and the report
 * (integrity hashes). No DOM, no `browser.*`.
 */
export async function sha256Hex(text: string): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}
