/** Small helpers to read untrusted JSON with errors that name the field (`chats.list[2].messages[10].date`). */
import { ExportParseError } from './types';

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function fieldError(file: string, field: string, detail: string): ExportParseError {
  return new ExportParseError(file, detail, { field });
}

/** `value[key]` as an array; throws naming the field when it is not one. */
export function requireArray(file: string, value: JsonObject, key: string, path: string): unknown[] {
  const field = value[key];
  const where = path ? `${path}.${key}` : key;
  if (field === undefined) throw fieldError(file, where, `"${key}" is missing`);
  if (!Array.isArray(field)) throw fieldError(file, where, `"${key}" must be a list`);
  return field;
}

export function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** An id written as a string or a number. */
export function idString(value: unknown): string | undefined {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}
