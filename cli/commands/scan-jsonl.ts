/**
 * `not-alone scan --format jsonl --jsonl FILE`: the machine mode external evaluation depends on. The contract:
 *   in:  one JSON object a line {"id", "conversation"?, "from"?: "self"|"other", "text", "ts"?: ISO-8601},
 *        each conversation's messages in time order;
 *   out: one JSON object a line, per input line, in input order: {"id", "conversation", "flagged", "categories",
 *        "rules", "level", "alert"}.
 * Every line is validated before anything is printed: a malformed line is an error naming it, exit code 2.
 */
import { readFileSync } from 'node:fs';
import { readStdinSync } from '../stdin';
import { z } from 'zod';
import type { ConversationAnalyzer, Engine } from '../../lib/engine';
import { CliError } from '../errors';

export const JsonlInputSchema = z.object({
  id: z.string({ error: '"id" must be a string' }),
  conversation: z.string({ error: '"conversation" must be a string' }).optional(),
  from: z.enum(['self', 'other'], { error: '"from" must be "self" or "other"' }).optional(),
  text: z.string({ error: '"text" must be a string' }),
  ts: z
    .string({ error: '"ts" must be an ISO-8601 string' })
    .refine((value) => !Number.isNaN(Date.parse(value)), '"ts" is not a valid ISO-8601 date')
    .optional(),
});
export type JsonlInput = z.infer<typeof JsonlInputSchema>;

export interface JsonlOutput {
  id: string;
  conversation: string;
  flagged: boolean;
  categories: string[];
  rules: string[];
  level: string;
  alert: boolean;
}

export const DEFAULT_CONVERSATION = 'default';

/** Parse and validate JSONL text; blank lines are skipped. Throws CliError naming the first bad line. */
export function parseJsonl(text: string, source: string): JsonlInput[] {
  const rows: JsonlInput[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/^\uFEFF/, '');
    if (!line.trim()) continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new CliError(`${source}:${i + 1}: not valid JSON (${(error as Error).message})`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new CliError(`${source}:${i + 1}: expected a JSON object`);
    }
    const parsed = JsonlInputSchema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue.path.length ? `"${issue.path.join('.')}"` : 'the object';
      const missing = issue.path.length > 0 && (value as Record<string, unknown>)[String(issue.path[0])] === undefined;
      const message = missing ? `${field} is required` : issue.message;
      throw new CliError(`${source}:${i + 1}: ${message}`);
    }
    rows.push(parsed.data);
  }
  return rows;
}

/** Analyse rows in input order, one tracker per conversation. */
export function* scanRows(engine: Engine, rows: Iterable<JsonlInput>): Generator<JsonlOutput> {
  const conversations = new Map<string, ConversationAnalyzer>();
  for (const row of rows) {
    const key = row.conversation ?? DEFAULT_CONVERSATION;
    let analyzer = conversations.get(key);
    if (!analyzer) {
      analyzer = engine.conversation();
      conversations.set(key, analyzer);
    }
    const result = analyzer.add({ id: row.id, from: row.from ?? 'other', text: row.text, ts: row.ts ? Date.parse(row.ts) : undefined });
    yield {
      id: row.id,
      conversation: key,
      flagged: result.flagged,
      categories: [...new Set(result.findings.map((f) => f.category))],
      rules: result.findings.map((f) => f.ruleId),
      level: result.risk.level,
      alert: result.risk.alert,
    };
  }
}

export function readInput(file: string): string {
  try {
    return file === '-' ? readStdinSync().toString('utf8') : readFileSync(file, 'utf8');
  } catch (error) {
    throw new CliError(`${file}: cannot read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}

export function runScanJsonl(engine: Engine, file: string, write: (chunk: string) => void): void {
  const rows = parseJsonl(readInput(file), file === '-' ? '<stdin>' : file);
  let buffer = '';
  for (const output of scanRows(engine, rows)) {
    buffer += JSON.stringify(output) + '\n';
    if (buffer.length > 65_536) {
      write(buffer);
      buffer = '';
    }
  }
  if (buffer) write(buffer);
}
