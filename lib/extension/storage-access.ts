/**
 * Keep `storage.local` (the stored evidence, the settings, the PIN lock's hash) away from content scripts. A content
 * script runs inside a chat page we do not control; by default it can read all of `storage.local`, so a flaw in it
 * (or in the browser's isolation of it) would expose every stored conversation. Chrome (102+) lets the extension
 * restrict an area to its own pages and worker (`setAccessLevel`); the content script asks the background for what it
 * needs instead (lib/content/storage.ts). Firefox has no such switch: there the content script simply does not use it.
 */
export interface AccessLevelArea {
  setAccessLevel?(options: { accessLevel: 'TRUSTED_CONTEXTS' | 'TRUSTED_AND_UNTRUSTED_CONTEXTS' }): Promise<void> | void;
}

export type AccessResult = 'restricted' | 'unsupported' | 'failed';

export async function restrictToExtension(area: AccessLevelArea | undefined): Promise<AccessResult> {
  if (typeof area?.setAccessLevel !== 'function') return 'unsupported';
  try {
    await area.setAccessLevel({ accessLevel: 'TRUSTED_CONTEXTS' });
    return 'restricted';
  } catch {
    return 'failed';
  }
}

/** The browser's own `storage.local` (the `chrome` namespace: the polyfill does not wrap `setAccessLevel`). */
export function nativeLocalStorageArea(): AccessLevelArea | undefined {
  return (globalThis as { chrome?: { storage?: { local?: AccessLevelArea } } }).chrome?.storage?.local;
}
