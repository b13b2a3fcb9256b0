/**
 * Manipulation scripts as data (rules/scripts/*.yaml): every file is valid, and its own example conversations run
 * through the whole engine (bundled rules + the shipped scorer): a `match` conversation is named as the script with
 * at least the listed steps, a `no_match` look-alike is named as no script at all.
 */
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../lib/engine';
import { loadScripts, RulePackError } from '../../lib/engine/rule-loader';
import { compileScripts, leadingScript, stepsInMessage } from '../../lib/engine/scripts';
import { ConversationRiskTracker } from '../../lib/engine/risk';
import { loadBundledRules, loadBundledScripts, readScriptFiles } from '../../lib/node/rule-files';
import { loadShippedScorer } from '../../lib/node/scorer-file';
import type { Finding } from '../../lib/engine/types';
import { readFileSync } from 'node:fs';
import { scriptTextsSource } from '../../scripts/build-script-texts';
import { patternSummary } from '../../lib/i18n/script-text';

const scripts = loadBundledScripts();
const engine = createEngine(loadBundledRules(), { scorer: loadShippedScorer(), scripts });

function run(messages: ReadonlyArray<{ from: 'self' | 'other'; text: string }>) {
  const conversation = engine.conversation();
  messages.forEach((m, i) => conversation.add({ id: String(i), from: m.from, text: m.text }));
  return conversation.risk;
}

describe('bundled scripts', () => {
  it('are the three the issue names, each file named after its id', () => {
    expect(scripts.map((s) => s.id).sort()).toEqual(['grooming', 'online-kidnapping', 'sextortion']);
    for (const file of readScriptFiles()) expect(file.path).toMatch(/^rules[\\/]scripts[\\/][a-z-]+\.yaml$/);
  });

  for (const script of scripts) {
    describe(script.id, () => {
      for (const example of script.tests.match) {
        it(`names "${example.name}" as ${script.id} with steps ${example.steps.join(', ')}`, () => {
          const risk = run(example.messages);
          expect(risk.pattern?.script).toBe(script.id);
          const seen = risk.pattern!.steps.map((s) => s.step);
          expect(example.steps.filter((s) => !seen.includes(s))).toEqual([]);
          expect(risk.alert).toBe(true);
        });
      }
      for (const example of script.tests.no_match) {
        it(`does not name the look-alike "${example.name}"`, () => {
          const risk = run(example.messages);
          expect(risk.pattern).toBeUndefined();
          expect(risk.alert).toBe(false);
        });
      }
    });
  }
});

describe('script files', () => {
  const valid = readScriptFiles()[0];

  it('report every problem with the file and the field', () => {
    const broken = valid.text.replace(/named_after: \d+/, 'named_after: 99').replace(/key: true/g, 'key: false');
    try {
      loadScripts([{ path: 'rules/scripts/online-kidnapping.yaml', text: broken }]);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(RulePackError);
      const problems = (error as RulePackError).problems.join('\n');
      expect(problems).toContain('rules/scripts/online-kidnapping.yaml: named_after:');
      expect(problems).toContain('rules/scripts/online-kidnapping.yaml: steps: at least one step must be `key: true`');
    }
  });

  it('refuse malformed YAML and a file named unlike its id', () => {
    expect(() => loadScripts([{ path: 'rules/scripts/x.yaml', text: 'id: [' }])).toThrow(/x\.yaml: \(file\): not valid YAML/);
    expect(() => loadScripts([{ path: 'rules/scripts/other.yaml', text: valid.text }])).toThrow(/must equal the file name "other"/);
  });
});

describe('script progress', () => {
  const compiled = compileScripts(scripts);
  const finding = (category: Finding['category']): Finding => ({
    ruleId: `test-${category}`, category, language: 'en', weight: 3, start: 0, end: 1, matched: 'x', adviceKey: category, selfCompliance: false,
  });

  it('needs the step words as well as the category: a bank impersonation is not the fake-police step', () => {
    const ok = compiled.findIndex((s) => s.id === 'online-kidnapping');
    const police = stepsInMessage(compiled, 'I am an officer of the Ministry of Public Security', new Set(['impersonation']));
    const bank = stepsInMessage(compiled, 'hi this is your bank support team', new Set(['impersonation']));
    expect(police).toContainEqual([ok, 0]);
    expect(bank.filter(([s]) => s === ok)).toEqual([]);
  });

  it('matches step words with or without diacritics and in teencode', () => {
    const ok = compiled.findIndex((s) => s.id === 'online-kidnapping');
    for (const text of ['a là cán bộ công an', 'a la can bo cong an', 'VIEN KIEM SAT nhan dan']) {
      expect(stepsInMessage(compiled, text, new Set(['impersonation']))).toContainEqual([ok, 0]);
    }
  });

  it('names a script only after enough steps including a key one, and the risk rises with each step', () => {
    const tracker = new ConversationRiskTracker(undefined, compiled);
    tracker.add({ id: '1', from: 'other', text: "don't tell anyone" }, [finding('secrecy')]);
    tracker.add({ id: '2', from: 'other', text: 'sent you a gift card, you deserve it' }, [finding('gifts_flattery')]);
    expect(tracker.current.pattern).toBeUndefined();
    expect(tracker.followsScript).toBe(false);
    const before = tracker.current.score;
    const without = new ConversationRiskTracker(undefined, []);
    without.add({ id: '1', from: 'other', text: "don't tell anyone" }, [finding('secrecy')]);
    without.add({ id: '2', from: 'other', text: 'x' }, [finding('gifts_flattery')]);
    without.add({ id: '3', from: 'other', text: 'x' }, [finding('sexual')]);
    const after = tracker.add({ id: '3', from: 'other', text: 'send me a pic without your top' }, [finding('sexual')]);
    expect(after.pattern?.script).toBe('grooming');
    expect(tracker.followsScript).toBe(true);
    expect(after.pattern?.steps.map((s) => [s.step, s.messageId, s.from])).toEqual([
      ['secrecy', '1', 'other'],
      ['trust', '2', 'other'],
      ['sexual', '3', 'other'],
    ]);
    expect(after.score).toBeGreaterThan(before);
    expect(after.score).toBeGreaterThan(without.current.score);
  });

  it('counts the user disclosing a step, never the user only talking about one', () => {
    const disclosed = new ConversationRiskTracker(undefined, compiled);
    disclosed.add({ id: '1', from: 'self', text: 'a police officer called me about money laundering' }, [{ ...finding('impersonation'), evidence: 'disclosure' }, { ...finding('threat'), evidence: 'disclosure' }]);
    expect(disclosed.current.pattern?.script).toBe('online-kidnapping');
    const talk = new ConversationRiskTracker(undefined, compiled);
    talk.add({ id: '1', from: 'other', text: 'the police officer at school said scammers accuse you of money laundering' }, [{ ...finding('impersonation'), evidence: 'talk' }, { ...finding('threat'), evidence: 'talk' }]);
    expect(talk.current.pattern).toBeUndefined();
  });

  it("names a script from steps in two messages, or from the user's own account in one", () => {
    // One message from the other side, however many steps its words touch, is one piece of evidence.
    const tracker = new ConversationRiskTracker(undefined, compiled);
    const accused = tracker.add({ id: '1', from: 'other', text: 'I am a police officer, you are part of a money laundering case' }, [finding('impersonation'), finding('threat')]);
    expect(accused.pattern).toBeUndefined();
    const second = tracker.add({ id: '2', from: 'other', text: 'this is a secret investigation, do not tell your parents' }, [finding('secrecy')]);
    expect(second.pattern?.script).toBe('online-kidnapping');
    expect(new Set(second.pattern?.steps.map((step) => step.messageId))).toEqual(new Set(['1', '2']));
    // Its score has the step bonus only once the script is named.
    expect(second.score - accused.score).toBeGreaterThan(3);
  });

  it('picks the script with the largest share of its steps', () => {
    const seen = compiled.map(() => new Map<number, never>());
    expect(leadingScript(compiled, seen)).toBeUndefined();
  });
});

describe('script texts for the warning', () => {
  it('lib/i18n/script-texts.ts is generated from the current script files (npm run build:schema)', () => {
    expect(readFileSync(new URL('../../lib/i18n/script-texts.ts', import.meta.url), 'utf8')).toBe(scriptTextsSource());
  });

  it('lead with the named pattern, its progress, the steps seen and the advice that fits it, in both languages', () => {
    const risk = run(scripts.find((s) => s.id === 'online-kidnapping')!.tests.match[0].messages);
    const en = patternSummary('en', risk.pattern!)!;
    expect(en.headline).toBe(`This looks like the fake-police scam (online kidnapping): ${risk.pattern!.steps.length} of its 6 steps so far`);
    expect(en.steps[0]).toBe('someone posing as police, prosecutor or court');
    expect(en.advice[0]).toMatch(/^Real police, prosecutors and courts never investigate by phone or video call/);
    const vi = patternSummary('vi', risk.pattern!)!;
    expect(vi.headline).toContain('chiêu giả danh công an (bắt cóc online)');
    expect(vi.advice.join(' ')).toContain('113');
    expect(patternSummary('en', { script: 'from-a-newer-version', steps: [], total: 3 })).toBeUndefined();
  });
});
