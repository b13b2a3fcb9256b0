/**
 * Where wrong PIN attempts are counted: extension storage (`local:pin-attempts`), shared by the popup, the options
 * page and the report page, so that reloading a page does not reset the lockout (lib/settings/pin.ts PinAttempts).
 */
import { storage } from 'wxt/utils/storage';
import type { AttemptsState, AttemptsStore } from './pin';

const pinAttemptsItem = storage.defineItem<AttemptsState | null>('local:pin-attempts', { fallback: null });

export const storedPinAttempts: AttemptsStore = {
  load: () => pinAttemptsItem.getValue(),
  save: (state) => pinAttemptsItem.setValue(state),
};
