/**
 * Validating custom rule files before they are imported (pure). Same schema as the bundled rules
 * (lib/engine/rule-schema.ts, rules/README.md), the bundled macros available, every rule's own examples run, and the
 * whole set compiled together with the bundled rules. Any problem stops the import and nothing changes; every
 * problem is listed as `file: field: what is wrong`.
 */
import { CompiledRuleSet, measureWork } from '../engine/matcher';
import { checkRuleExamples } from '../engine/rule-examples';
import { loadRulePack, RulePackError, type RuleFile } from '../engine/rule-loader';
import type { Rule, RulePack } from '../engine/rule-schema';
import { sha256Hex } from '../report/integrity';
import { MAX_CUSTOM_RULES, type CustomRules } from '../storage/custom-rules';

export const MAX_RULE_FILE_BYTES = 256 * 1024;
export const MAX_RULE_FILES = 50;

/**
 * Ordinary chat, English and Vietnamese, full of the words every chat uses: what an imported rule file's matching
 * cost is measured on at import time. Fixed, so the measure is the same on every machine and every run.
 */
export const IMPORT_COST_SAMPLE: readonly string[] = [
  'hey are you coming to the game tonight? me and the others will be there at 7',
  "i don't know, i have to ask my mom first and she is not home yet",
  'did you do the math homework? i am stuck on the last one and the teacher said it is due tomorrow',
  "lol that video was so funny, send it to the group chat, they will love it",
  'can you call me when you get home? i want to tell you about what happened at school today',
  "it's ok, we can go another day. what about saturday, are you free in the afternoon?",
  'you know the new kid in our class? he is really nice and he plays the same game as us',
  "my phone is almost dead, i'll text you later when i charge it",
  'if you want we can study together at the library, it is quiet there and they have wifi',
  "thanks for the help with the project, you are the best! see you on monday",
  'the bus was late again so i missed the first class, the teacher was not happy with me',
  'what do you want for your birthday? we are thinking about a cake and a movie with the family',
  'em ơi mai đi học nhớ mang sách toán nhé, cô bảo kiểm tra đấy',
  'anh ơi tối nay mình đi ăn không, em đói quá rồi',
  'ko biết nữa, để mình hỏi mẹ đã rồi trả lời bạn sau nha',
  'hôm nay trường mình được nghỉ sớm nên mình về nhà chơi game với em trai',
  'bạn làm bài tập tiếng anh chưa, cho mình xem với, mình không hiểu câu cuối',
  'chị ơi cuối tuần này cả nhà mình về quê thăm ông bà, chị có đi không',
  'tớ vừa xem phim đó rồi, hay lắm, bạn nên xem đi, có gì mai kể tiếp nhé',
  'mình đang ở thư viện với mấy bạn trong lớp, làm xong bài là về ngay',
  'ok vậy hẹn gặp lại ở lớp học thêm nhé, nhớ đến đúng giờ đó',
  'bố mẹ mình đi làm về muộn nên tối nay mình tự nấu cơm, bạn có muốn qua ăn cùng không',
];

/**
 * Most matching work imported rules may do on `IMPORT_COST_SAMPLE` (`matchWork` units), as a multiple of what all
 * bundled rules do there (3,784 units in December 2026), and at least `MIN_IMPORT_WORK`. Rules that work more would
 * slow every chat down, and at run time they would run out of their time budget and be cut short
 * (lib/engine/matcher.ts). A pattern anchored on a word ordinary chat seldom uses costs nothing here; one anchored
 * on "you" without gaps costs a few hundred.
 */
export const MAX_IMPORT_WORK_PER_BUNDLED = 2;
export const MIN_IMPORT_WORK = 20_000;

export interface ImportedFile {
  name: string;
  text: string;
  /** Size in bytes as the file picker reported it. */
  size: number;
}

export type ImportResult = { ok: true; value: CustomRules } | { ok: false; problems: string[] };

export async function validateCustomRuleFiles(files: readonly ImportedFile[], bundled: RulePack, now: number = Date.now()): Promise<ImportResult> {
  const problems: string[] = [];
  if (files.length === 0) return { ok: false, problems: ['(no file): choose at least one rule file (.yaml, .yml or .json)'] };
  if (files.length > MAX_RULE_FILES) return { ok: false, problems: [`(files): at most ${MAX_RULE_FILES} files can be imported at once`] };
  for (const file of files) {
    if (file.size > MAX_RULE_FILE_BYTES) problems.push(`${file.name}: (file): is ${Math.ceil(file.size / 1024)} KB; a rule file can be at most ${MAX_RULE_FILE_BYTES / 1024} KB`);
    else if (!/\.(ya?ml|json)$/i.test(file.name)) problems.push(`${file.name}: (file): a rule file ends in .yaml, .yml or .json`);
    else if (file.name.startsWith('_')) problems.push(`${file.name}: (file): macro files cannot be imported; rules can use the bundled macros`);
  }
  if (problems.length) return { ok: false, problems };

  // The bundled macros, as macro files the loader understands, so custom rules can use {macro} references.
  const macroFiles: RuleFile[] = (['en', 'vi'] as const).map((language) => ({ path: `bundled/${language}/_macros.json`, text: JSON.stringify(bundled.macros[language]) }));
  let pack: RulePack;
  try {
    pack = loadRulePack([...macroFiles, ...files.map((file) => ({ path: file.name, text: file.text }))]);
  } catch (error) {
    if (error instanceof RulePackError) return { ok: false, problems: error.problems };
    return { ok: false, problems: [`(files): ${(error as Error).message}`] };
  }
  const fileOf = new Map<string, string>();
  for (const file of files) fileOf.set(file.name.replace(/\.(ya?ml|json)$/i, ''), file.name);
  const bundledIds = new Set(bundled.rules.map((rule) => rule.id));
  for (const rule of pack.rules) {
    if (bundledIds.has(rule.id)) problems.push(`${fileOf.get(rule.id) ?? rule.id}: id: "${rule.id}" is already a bundled rule; choose another id (and file name)`);
  }
  if (pack.rules.length === 0) problems.push('(files): the files hold no rules');
  if (pack.rules.length > MAX_CUSTOM_RULES) problems.push(`(files): at most ${MAX_CUSTOM_RULES} custom rules`);
  for (const failure of checkRuleExamples(pack)) {
    const field = failure.kind === 'match' ? 'tests.match' : 'tests.no_match';
    const what = failure.kind === 'match' ? 'is not matched by the rule' : 'is matched by the rule but should not be';
    problems.push(`${fileOf.get(failure.ruleId) ?? failure.ruleId}: ${field}: "${failure.example}" ${what}`);
  }
  if (problems.length) return { ok: false, problems };
  // Patterns compiled already (loadRulePack); what is left to check is what matching them would cost.
  const costly = importCostProblems(bundled, pack, fileOf);
  if (costly.length) return { ok: false, problems: costly };
  const rules: Rule[] = pack.rules;
  return {
    ok: true,
    value: {
      importedAt: now,
      files: await Promise.all(
        files.map(async (file) => ({
          name: file.name,
          sha256: await sha256Hex(file.text),
          ruleIds: rules.filter((rule) => fileOf.get(rule.id) === file.name).map((rule) => rule.id),
        })),
      ),
      rules,
    },
  };
}

/** The bundled rules' matching work on `IMPORT_COST_SAMPLE`, per bundled pack (compiling it takes ~100 ms). */
const bundledWork = new WeakMap<RulePack, number>();

/** Why the imported rules cost too much to match on ordinary chat (none when they do not). */
function importCostProblems(bundled: RulePack, imported: RulePack, fileOf: ReadonlyMap<string, string>): string[] {
  let baseline = bundledWork.get(bundled);
  if (baseline === undefined) {
    baseline = measureWork(new CompiledRuleSet(bundled), IMPORT_COST_SAMPLE).work;
    bundledWork.set(bundled, baseline);
  }
  const allowed = Math.max(MIN_IMPORT_WORK, Math.round(baseline * MAX_IMPORT_WORK_PER_BUNDLED));
  const compiled = new CompiledRuleSet(imported, undefined, { importedRuleIds: imported.rules.map((rule) => rule.id) });
  const measured = measureWork(compiled, IMPORT_COST_SAMPLE, allowed);
  if (!measured.capped && measured.work <= allowed) return [];
  const total = measured.capped ? `over ${allowed.toLocaleString('en')}` : measured.work.toLocaleString('en');
  return measured.byRule
    .filter((entry) => entry.work > 0)
    .slice(0, 5)
    .map(
      (entry) =>
        `${fileOf.get(entry.ruleId) ?? entry.ruleId}: patterns: too costly to match: on a fixed sample of ordinary chat the imported rules do ${total} units of ` +
        `matching work (this rule ${entry.work.toLocaleString('en')}); at most ${allowed.toLocaleString('en')} are allowed, and all bundled rules together do ` +
        `${baseline.toLocaleString('en')}. Anchor each pattern on a word ordinary chat seldom uses, and use fewer gaps and optional groups`,
    );
}
