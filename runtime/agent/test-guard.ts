/**
 * The faked-green guard: in a task whose goal is to make failing tests pass, an edit that
 * deletes or weakens a test (fewer assertions, a skip or an only added, the file deleted) is
 * refused with the reason — unless the task itself asks to change the tests.
 */

/** "make the tests pass", "fix the failing test", "tests are red", "get npm test green" … */
const GREEN_GOAL = [
  /\b(make|get)\b[^.\n]{0,60}\b(tests?|specs?|suite|checks?)\b[^.\n]{0,30}\b(pass|green|succeed|work)/i,
  /\bfix\b[^.\n]{0,40}\b(failing|broken|red)\b[^.\n]{0,30}\b(tests?|specs?|suite)\b/i,
  /\b(tests?|specs?|suite)\b[^.\n]{0,30}\b(fail|fails|failing|failed|red|broken)\b/i,
  /\bfailing (tests?|specs?)\b/i,
];

/** The task asks for the tests themselves to change: "update the test", "the assertion is wrong" … */
const CHANGE_TESTS = [
  /\b(update|change|modify|rewrite|edit|remove|delete|skip|adjust|correct|replace|relax|loosen)\s+(the\s+|this\s+|that\s+|these\s+|those\s+|a\s+|an\s+)?([\w./-]+\s+)?(tests?|assertions?|specs?|expectations?)\b/i,
  /\b(tests?|assertions?|specs?|expectations?)\b[^.\n]{0,30}\b(is|are)\s+(wrong|outdated|incorrect|stale|obsolete)\b/i,
];

export function wantsGreenTests(task: string): boolean {
  return GREEN_GOAL.some((re) => re.test(task));
}

export function asksToChangeTests(task: string): boolean {
  return CHANGE_TESTS.some((re) => re.test(task));
}

/** Files that hold tests by the common conventions of JS/TS, Python, Go, Ruby, Rust and Java. */
export function isTestFile(path: string): boolean {
  const p = path.replace(/\\/g, '/');
  return /(^|\/)(tests?|__tests__|spec|specs)\//.test(p)
    || /\.(test|spec)\.[cm]?[jt]sx?$/.test(p)
    || /(^|\/)test\.[cm]?[jt]s$/.test(p)
    || /(^|\/)test_[^/]*\.py$/.test(p)
    || /_test\.(py|go)$/.test(p)
    || /_spec\.rb$/.test(p)
    || /Tests?\.(java|kt|cs)$/.test(p);
}

/** Assertion calls: assert*, expect(…), t.is/equal/deepEqual/ok/true/false/throws, should, self.assert*, Go's t.Error/Fatal. */
const ASSERTION = /\b(assert\w*(\.\w+)?\s*\(|expect\s*\(|should\b|t\.(is|not|equal|deepEqual|ok|true|false|throws|snapshot)\s*\(|self\.assert\w*|t\.(Error|Errorf|Fatal|Fatalf)\s*\()/g;
/** Markers that switch tests off or focus on some (so the rest never run). */
const DISABLER = /(\.(skip|only|todo)\s*\(|\bx(it|describe|test)\s*\(|\bf(it|describe)\s*\(|@pytest\.mark\.(skip|skipif|xfail)|@unittest\.skip|\bpytest\.skip\s*\(|\bt\.Skip\w*\s*\(|\{\s*skip\s*:\s*true|#\[ignore\]|@(Ignore|Disabled)\b)/g;

const count = (text: string, re: RegExp) => (text.match(re) ?? []).length;

/**
 * Why the change of one test file from `before` to `after` (undefined: deleted) weakens it, or
 * undefined when it does not. Adding tests, assertions or code around them is fine.
 */
export function weakening(before: string, after: string | undefined): string | undefined {
  if (after === undefined) return 'it deletes the test file';
  const disabled = count(after, DISABLER) - count(before, DISABLER);
  if (disabled > 0) return `it adds ${disabled === 1 ? 'a skip/only marker' : `${disabled} skip/only markers`}, so tests stop running`;
  const lost = count(before, ASSERTION) - count(after, ASSERTION);
  if (lost > 0) return `it removes ${lost === 1 ? 'an assertion' : `${lost} assertions`}`;
  if (before.trim() && !after.trim()) return 'it empties the test file';
  return undefined;
}

/** A shell command that deletes or moves away a test file (`rm test/a.test.js`, `git rm …`, `mv …`). */
export function shellRemovesTest(command: string): string | undefined {
  for (const part of command.split(/&&|\|\||;|\n/)) {
    const words = part.trim().split(/\s+/);
    const verb = words[0] === 'git' ? words[1] : words[0];
    if (!verb || !['rm', 'unlink', 'mv'].includes(verb)) continue;
    const targets = words.slice(words[0] === 'git' ? 2 : 1).filter((w) => !w.startsWith('-'));
    // `mv a b`: only the source goes away.
    const gone = verb === 'mv' ? targets.slice(0, -1) : targets;
    const test = gone.find((w) => isTestFile(w.replace(/^['"]|['"]$/g, '')));
    if (test) return test;
  }
  return undefined;
}

/** What the model is told when an edit is refused. */
export function refusal(file: string, why: string): string {
  return `Refused: this edit of ${file} would make the tests pass by weakening them (${why}). The task is to make the failing tests pass by fixing the code under test; the change was not made. If a test really is wrong, say so in your answer instead.`;
}
