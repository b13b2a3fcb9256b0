/**
 * Profile pictures of conversations keyed by their display name (issue 15, point 7). WhatsApp's current DOM and Zalo
 * show no chat id, so a chat is stored under its name (`NAME_ID_PREFIX`): a partner who renames themselves to the
 * exact name of another chat of the user's ("Mẹ") is stored in that chat's record, and the title history cannot show
 * it. The adapters read the header's picture address (lib/sites/dom.ts `avatarAddress`); the background keeps only
 * a fingerprint of it (`pictureFingerprint`), on the conversation (`pictures`, when each was first seen) and on each
 * message read under it (`picture`). A record shown with two pictures or more is said so in every report and its
 * messages are marked by picture; nothing is split, so a picture that appears late (lazy loading) loses nothing.
 * Pure: no DOM, no `browser.*`.
 */
import { sha256Hex } from '../hash';
import { NAME_ID_PREFIX } from '../sites/types';
import { MAX_PICTURES, type PictureSeen, type StoredConversation } from './schema';

/** Hex digits of the SHA-256 kept as a picture's fingerprint (64 bits: no one can make another picture match). */
const FINGERPRINT_DIGITS = 16;

/** The fingerprint of a picture's address: never the address itself, which can carry the CDN's tokens. */
export async function pictureFingerprint(address: string): Promise<string> {
  return (await sha256Hex(address)).slice(0, FINGERPRINT_DIGITS);
}

/**
 * Whether a conversation key (`<site>:<id>`) names a chat read from a page by its display name rather than an id
 * (not a chat read from an export file: `<format>-export:<file>`, lib/exports/scan.ts).
 */
export function keyedByName(key: string): boolean {
  const colon = key.indexOf(':');
  return colon > 0 && !key.slice(0, colon).endsWith('-export') && key.startsWith(NAME_ID_PREFIX, colon + 1);
}

/** The pictures a conversation was shown with, with `picture` added when it is new (the first ones always kept). */
export function pictureHistory(previous: readonly PictureSeen[] | undefined, picture: string | undefined, now: number): PictureSeen[] {
  const pictures = [...(previous ?? [])];
  if (picture && !pictures.some((p) => p.fingerprint === picture)) pictures.push({ fingerprint: picture, at: now });
  // Past the cap the latest stays too; the messages still carry their own fingerprints (`numberedPictures`).
  while (pictures.length > MAX_PICTURES) pictures.splice(MAX_PICTURES - 1, 1);
  return pictures;
}

/**
 * Every picture a name-keyed conversation was shown with, numbered from 1 in the order first seen: the recorded
 * ones and any that only its messages (or their edits) still name. Empty for a conversation keyed by an id.
 */
export function numberedPictures(conversation: Pick<StoredConversation, 'key' | 'pictures' | 'messages'>): PictureSeen[] {
  if (!keyedByName(conversation.key)) return [];
  const firstSeen = new Map<string, number>();
  const see = (fingerprint: string | undefined, at: number): void => {
    if (fingerprint && at < (firstSeen.get(fingerprint) ?? Infinity)) firstSeen.set(fingerprint, at);
  };
  for (const p of conversation.pictures ?? []) see(p.fingerprint, p.at);
  for (const m of conversation.messages) {
    see(m.picture, m.seenAt);
    for (const edit of m.edits ?? []) see(edit.picture, edit.seenAt);
  }
  return [...firstSeen].map(([fingerprint, at]) => ({ fingerprint, at })).sort((a, b) => a.at - b.at || (a.fingerprint < b.fingerprint ? -1 : 1));
}

/** The number (1-based) of a message's picture among `pictures`, or null when none was shown when it was read. */
export function pictureNumber(pictures: readonly PictureSeen[], fingerprint: string | undefined): number | null {
  const at = fingerprint ? pictures.findIndex((p) => p.fingerprint === fingerprint) : -1;
  return at >= 0 ? at + 1 : null;
}
