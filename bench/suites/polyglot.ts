import type { BenchTask } from './types.js';

const task = (t: Omit<BenchTask, 'suite'>): BenchTask => ({ suite: 'polyglot', ...t });

/** Nineteen small tasks across Python, JavaScript, TypeScript, Bash, Markdown and JSON. */
export const POLYGLOT_TASKS: BenchTask[] = [
  // ---------- Python ----------
  task({
    id: 'py-fizzbuzz',
    language: 'python',
    prompt: 'Create fizzbuzz.py that prints the numbers 1 to 15, one per line, with Fizz for multiples of 3, Buzz for multiples of 5 and FizzBuzz for multiples of both.',
    files: {},
    check: "test \"$(python3 fizzbuzz.py | tr '\\n' ' ')\" = '1 2 Fizz 4 Buzz Fizz 7 8 Fizz Buzz 11 Fizz 13 14 FizzBuzz '",
    solution: [
      {
        tool: 'write_file',
        args: {
          path: 'fizzbuzz.py',
          content:
            'for n in range(1, 16):\n    if n % 15 == 0:\n        print("FizzBuzz")\n    elif n % 3 == 0:\n        print("Fizz")\n    elif n % 5 == 0:\n        print("Buzz")\n    else:\n        print(n)\n',
        },
      },
      { tool: 'bash', args: { command: 'python3 fizzbuzz.py' } },
    ],
    answer: 'Created fizzbuzz.py.',
  }),
  task({
    id: 'py-fix-mean',
    language: 'python',
    prompt: 'The tests in test_stats.py fail. Fix mean() in stats.py.',
    files: {
      'stats.py': 'def mean(values):\n    if not values:\n        return 0.0\n    return sum(values) / (len(values) - 1)\n',
      'test_stats.py': 'from stats import mean\n\nassert mean([2, 4, 6]) == 4\nassert mean([]) == 0.0\nassert mean([5]) == 5\nprint("ok")\n',
    },
    check: 'python3 test_stats.py',
    solution: [
      { tool: 'read_file', args: { path: 'stats.py' } },
      { tool: 'bash', args: { command: 'python3 test_stats.py' }, expect: 'any' },
      { tool: 'patch', args: { path: 'stats.py', search: '    return sum(values) / (len(values) - 1)', replace: '    return sum(values) / len(values)' } },
      { tool: 'bash', args: { command: 'python3 test_stats.py' } },
    ],
    answer: 'mean() divided by len - 1; it now divides by len and the tests pass.',
  }),
  task({
    id: 'py-cli-flag',
    language: 'python',
    prompt: 'Add a --shout flag to cli.py that prints the greeting in upper case.',
    files: {
      'cli.py':
        'import argparse\n\n\ndef main():\n    parser = argparse.ArgumentParser()\n    parser.add_argument("--name", default="world")\n    args = parser.parse_args()\n    message = f"hello {args.name}"\n    print(message)\n\n\nif __name__ == "__main__":\n    main()\n',
    },
    check: "test \"$(python3 cli.py --name bob --shout)\" = 'HELLO BOB' && test \"$(python3 cli.py --name bob)\" = 'hello bob'",
    solution: [
      { tool: 'read_file', args: { path: 'cli.py' } },
      {
        tool: 'patch',
        args: {
          path: 'cli.py',
          search: '    parser.add_argument("--name", default="world")\n    args = parser.parse_args()\n    message = f"hello {args.name}"\n',
          replace:
            '    parser.add_argument("--name", default="world")\n    parser.add_argument("--shout", action="store_true")\n    args = parser.parse_args()\n    message = f"hello {args.name}"\n    if args.shout:\n        message = message.upper()\n',
        },
      },
      { tool: 'bash', args: { command: 'python3 cli.py --name bob --shout' } },
    ],
    answer: 'Added --shout to cli.py.',
  }),
  task({
    id: 'py-rename-function',
    language: 'python',
    prompt: 'Rename the function calc in utils.py to square, and update every caller.',
    files: {
      'utils.py': 'def calc(x):\n    return x * x\n',
      'main.py': 'from utils import calc\n\nprint(calc(7))\n',
    },
    check: "test \"$(python3 main.py)\" = 49 && ! grep -q calc utils.py main.py",
    solution: [
      { tool: 'search', args: { pattern: 'calc' } },
      { tool: 'read_file', args: { path: 'utils.py' } },
      { tool: 'patch', args: { path: 'utils.py', search: 'def calc(x):', replace: 'def square(x):' } },
      { tool: 'read_file', args: { path: 'main.py' } },
      { tool: 'patch', args: { path: 'main.py', search: 'from utils import calc\n\nprint(calc(7))', replace: 'from utils import square\n\nprint(square(7))' } },
      { tool: 'bash', args: { command: 'python3 main.py' } },
    ],
    answer: 'Renamed calc to square in utils.py and main.py.',
  }),
  // ---------- JavaScript ----------
  task({
    id: 'js-numeric-sort',
    language: 'javascript',
    prompt: 'sortNumbers in sort.js sorts [10, 9, 1] as [1, 10, 9]. Make it sort numerically.',
    files: { 'sort.js': 'function sortNumbers(values) {\n  return [...values].sort();\n}\n\nmodule.exports = { sortNumbers };\n' },
    check: "node -e \"const { sortNumbers } = require('./sort.js'); process.exit(sortNumbers([10, 9, 1, 100]).join() === '1,9,10,100' ? 0 : 1)\"",
    solution: [
      { tool: 'read_file', args: { path: 'sort.js' } },
      { tool: 'patch', args: { path: 'sort.js', search: '  return [...values].sort();', replace: '  return [...values].sort((a, b) => a - b);' } },
      { tool: 'bash', args: { command: "node -e \"console.log(require('./sort.js').sortNumbers([10, 9, 1]))\"" } },
    ],
    answer: 'sort.js now sorts with a numeric comparator.',
  }),
  task({
    id: 'js-slugify',
    language: 'javascript',
    prompt: 'Create slugify.js exporting slugify(text): lower case, runs of non-alphanumeric characters become one "-", no leading or trailing "-". test.js must pass.',
    files: {
      'test.js':
        "const assert = require('node:assert');\nconst { slugify } = require('./slugify.js');\nassert.strictEqual(slugify('Hello World'), 'hello-world');\nassert.strictEqual(slugify('  Small  Models, Big Jobs! '), 'small-models-big-jobs');\nassert.strictEqual(slugify('a--b'), 'a-b');\nconsole.log('ok');\n",
    },
    check: 'node test.js',
    solution: [
      { tool: 'read_file', args: { path: 'test.js' } },
      {
        tool: 'write_file',
        args: {
          path: 'slugify.js',
          content: "function slugify(text) {\n  return text\n    .toLowerCase()\n    .replace(/[^a-z0-9]+/g, '-')\n    .replace(/^-+|-+$/g, '');\n}\n\nmodule.exports = { slugify };\n",
        },
      },
      { tool: 'bash', args: { command: 'node test.js' } },
    ],
    answer: 'Created slugify.js; test.js passes.',
  }),
  task({
    id: 'js-counter-bug',
    language: 'javascript',
    prompt: 'Counter.increment in counter.js does not change the count. Fix it so test.js passes.',
    files: {
      'counter.js': 'class Counter {\n  constructor() {\n    this.count = 0;\n  }\n\n  increment() {\n    this.count + 1;\n    return this;\n  }\n}\n\nmodule.exports = { Counter };\n',
      'test.js': "const assert = require('node:assert');\nconst { Counter } = require('./counter.js');\nconst c = new Counter();\nc.increment().increment();\nassert.strictEqual(c.count, 2);\nconsole.log('ok');\n",
    },
    check: 'node test.js',
    solution: [
      { tool: 'read_file', args: { path: 'counter.js' } },
      { tool: 'patch', args: { path: 'counter.js', search: '  increment() {\n    this.count + 1;\n    return this;\n  }', replace: '  increment() {\n    this.count += 1;\n    return this;\n  }' } },
      { tool: 'bash', args: { command: 'node test.js' } },
    ],
    answer: 'increment() now adds to this.count.',
  }),
  task({
    id: 'js-default-param',
    language: 'javascript',
    prompt: "greet() in greet.js prints 'Hello, undefined' when called without a name. Default the name to 'stranger'.",
    files: { 'greet.js': "function greet(name) {\n  return 'Hello, ' + name;\n}\n\nmodule.exports = { greet };\n" },
    check: "node -e \"const { greet } = require('./greet.js'); process.exit(greet() === 'Hello, stranger' && greet('Ann') === 'Hello, Ann' ? 0 : 1)\"",
    solution: [
      { tool: 'read_file', args: { path: 'greet.js' } },
      { tool: 'patch', args: { path: 'greet.js', search: 'function greet(name) {', replace: "function greet(name = 'stranger') {" } },
      { tool: 'bash', args: { command: "node -e \"console.log(require('./greet.js').greet())\"" } },
    ],
    answer: "greet() now defaults the name to 'stranger'.",
  }),
  // ---------- TypeScript (run with tsx) ----------
  task({
    id: 'ts-interface-field',
    language: 'typescript',
    prompt: "Add a numeric age field to the User interface in user.ts and make describe() return '<name> (<age>)'. check.ts must pass (run it with tsx check.ts).",
    files: {
      'user.ts': 'export interface User {\n  name: string;\n}\n\nexport function describe(user: User): string {\n  return user.name;\n}\n',
      'check.ts': "import { describe } from './user';\n\nif (describe({ name: 'Ada', age: 36 }) !== 'Ada (36)') {\n  console.error('wrong: ' + describe({ name: 'Ada', age: 36 }));\n  process.exit(1);\n}\nconsole.log('ok');\n",
    },
    check: "tsx check.ts && grep -q 'age: number' user.ts",
    solution: [
      { tool: 'read_file', args: { path: 'user.ts' } },
      {
        tool: 'patch',
        args: {
          path: 'user.ts',
          search: 'export interface User {\n  name: string;\n}\n\nexport function describe(user: User): string {\n  return user.name;\n}',
          replace: 'export interface User {\n  name: string;\n  age: number;\n}\n\nexport function describe(user: User): string {\n  return `${user.name} (${user.age})`;\n}',
        },
      },
      { tool: 'bash', args: { command: 'tsx check.ts' } },
    ],
    answer: 'User has an age field and describe() shows it.',
  }),
  task({
    id: 'ts-sum-empty',
    language: 'typescript',
    prompt: 'sum([]) in sum.ts throws. Make it return 0 for an empty array (check.ts, run with tsx, must pass).',
    files: {
      'sum.ts': 'export function sum(values: number[]): number {\n  return values.reduce((total, value) => total + value);\n}\n',
      'check.ts': "import { sum } from './sum';\n\nif (sum([]) !== 0 || sum([1, 2, 3]) !== 6) process.exit(1);\nconsole.log('ok');\n",
    },
    check: 'tsx check.ts',
    solution: [
      { tool: 'read_file', args: { path: 'sum.ts' } },
      { tool: 'patch', args: { path: 'sum.ts', search: '  return values.reduce((total, value) => total + value);', replace: '  return values.reduce((total, value) => total + value, 0);' } },
      { tool: 'bash', args: { command: 'tsx check.ts' } },
    ],
    answer: 'reduce now starts from 0.',
  }),
  task({
    id: 'ts-capitalize',
    language: 'typescript',
    prompt: 'Create strings.ts exporting capitalize(text: string): string, which upper-cases the first letter and leaves the rest as is.',
    files: {},
    check: "tsx -e \"import { capitalize } from './strings.ts'; process.exit(capitalize('hello world') === 'Hello world' && capitalize('') === '' ? 0 : 1)\"",
    solution: [
      {
        tool: 'write_file',
        args: { path: 'strings.ts', content: 'export function capitalize(text: string): string {\n  return text.charAt(0).toUpperCase() + text.slice(1);\n}\n' },
      },
      { tool: 'bash', args: { command: "tsx -e \"import { capitalize } from './strings.ts'; console.log(capitalize('hello'))\"" } },
    ],
    answer: 'Created strings.ts with capitalize().',
  }),
  // ---------- Bash ----------
  task({
    id: 'sh-count-lines',
    language: 'bash',
    prompt: 'Create count.sh: `bash count.sh FILE` prints only the number of lines in FILE.',
    files: { 'sample.txt': 'one\ntwo\nthree\n' },
    check: "printf 'a\\nb\\nc\\nd\\n' > four.txt && test \"$(bash count.sh four.txt)\" = 4",
    solution: [
      { tool: 'write_file', args: { path: 'count.sh', content: '#!/usr/bin/env bash\nwc -l < "$1" | tr -d \' \'\n' } },
      { tool: 'bash', args: { command: 'bash count.sh sample.txt' } },
    ],
    answer: 'Created count.sh.',
  }),
  task({
    id: 'sh-quote-paths',
    language: 'bash',
    prompt: 'backup.sh breaks on file names with spaces. Fix it.',
    files: { 'backup.sh': '#!/usr/bin/env bash\nset -e\nsrc=$1\ncp $src $src.bak\necho "backed up $src"\n' },
    check: "echo data > 'my notes.txt' && bash backup.sh 'my notes.txt' && test -f 'my notes.txt.bak'",
    solution: [
      { tool: 'read_file', args: { path: 'backup.sh' } },
      { tool: 'patch', args: { path: 'backup.sh', search: 'src=$1\ncp $src $src.bak', replace: 'src="$1"\ncp "$src" "$src.bak"' } },
      { tool: 'bash', args: { command: "echo x > 'a b.txt' && bash backup.sh 'a b.txt' && ls" } },
    ],
    answer: 'backup.sh now quotes its paths.',
  }),
  task({
    id: 'sh-exit-code',
    language: 'bash',
    prompt: 'Create check_config.sh: it prints OK and exits 0 when config.json exists in the current folder, otherwise prints MISSING and exits 1.',
    files: {},
    check: "test \"$(bash check_config.sh)\" = MISSING && ! bash check_config.sh >/dev/null && echo '{}' > config.json && test \"$(bash check_config.sh)\" = OK",
    solution: [
      {
        tool: 'write_file',
        args: { path: 'check_config.sh', content: '#!/usr/bin/env bash\nif [ -f config.json ]; then\n  echo OK\nelse\n  echo MISSING\n  exit 1\nfi\n' },
      },
      { tool: 'bash', args: { command: 'bash check_config.sh' }, expect: 'any' },
    ],
    answer: 'Created check_config.sh.',
  }),
  // ---------- Markdown ----------
  task({
    id: 'md-install-section',
    language: 'markdown',
    prompt: 'Add an "## Installation" section to README.md, right after the title, telling the reader to run `npm install`.',
    files: { 'README.md': '# demo\n\nA small demo project.\n\n## Usage\n\nRun `node index.js`.\n' },
    check: "grep -q '^## Installation' README.md && grep -q 'npm install' README.md && grep -q '^## Usage' README.md",
    solution: [
      { tool: 'read_file', args: { path: 'README.md' } },
      { tool: 'patch', args: { path: 'README.md', search: '# demo\n', replace: '# demo\n\n## Installation\n\nRun `npm install`.\n' } },
    ],
    answer: 'README.md has an Installation section.',
  }),
  task({
    id: 'md-table-row',
    language: 'markdown',
    prompt: 'Add a row for jq ("JSON processor", version 1.7) to the table in TOOLS.md, keeping the table valid.',
    files: { 'TOOLS.md': '# Tools\n\n| tool | purpose | version |\n|---|---|---|\n| git | version control | 2.43 |\n| curl | HTTP client | 8.5 |\n' },
    check: "grep -qE '^\\| *jq *\\| *JSON processor *\\| *1\\.7 *\\|$' TOOLS.md && test \"$(grep -c '^|' TOOLS.md)\" = 5",
    solution: [
      { tool: 'read_file', args: { path: 'TOOLS.md' } },
      { tool: 'patch', args: { path: 'TOOLS.md', search: '| curl | HTTP client | 8.5 |', replace: '| curl | HTTP client | 8.5 |\n| jq | JSON processor | 1.7 |' } },
    ],
    answer: 'Added jq to TOOLS.md.',
  }),
  // ---------- JSON ----------
  task({
    id: 'json-add-dependency',
    language: 'json',
    prompt: 'Add lodash ^4.17.21 to the dependencies in package.json (do not install anything).',
    files: { 'package.json': '{\n  "name": "demo",\n  "version": "1.0.0",\n  "dependencies": {\n    "chalk": "^5.3.0"\n  }\n}\n' },
    check: "node -e \"const p = require('./package.json'); process.exit(p.dependencies.lodash === '^4.17.21' && p.dependencies.chalk === '^5.3.0' ? 0 : 1)\"",
    solution: [
      { tool: 'read_file', args: { path: 'package.json' } },
      { tool: 'patch', args: { path: 'package.json', search: '    "chalk": "^5.3.0"\n', replace: '    "chalk": "^5.3.0",\n    "lodash": "^4.17.21"\n' } },
      { tool: 'bash', args: { command: "node -e \"console.log(require('./package.json').dependencies)\"" } },
    ],
    answer: 'lodash is in the dependencies.',
  }),
  task({
    id: 'json-fix-syntax',
    language: 'json',
    prompt: 'data.json does not parse. Make it valid JSON without changing any value.',
    files: { 'data.json': '{\n  "users": [\n    {"name": "ann", "admin": true},\n    {"name": "bob", "admin": false},\n  ],\n  "count": 2,\n}\n' },
    check: "python3 -c \"import json; d = json.load(open('data.json')); exit(0 if d['count'] == 2 and [u['name'] for u in d['users']] == ['ann', 'bob'] else 1)\"",
    solution: [
      { tool: 'read_file', args: { path: 'data.json' } },
      {
        tool: 'write_file',
        args: { path: 'data.json', content: '{\n  "users": [\n    {"name": "ann", "admin": true},\n    {"name": "bob", "admin": false}\n  ],\n  "count": 2\n}\n' },
      },
      { tool: 'bash', args: { command: 'python3 -m json.tool data.json' } },
    ],
    answer: 'Removed the trailing commas from data.json.',
  }),
  task({
    id: 'json-tsconfig-strict',
    language: 'json',
    prompt: 'Turn on strict mode in tsconfig.json (compilerOptions.strict) and set target to ES2022.',
    files: { 'tsconfig.json': '{\n  "compilerOptions": {\n    "target": "ES2017",\n    "module": "commonjs",\n    "strict": false\n  }\n}\n' },
    check: "node -e \"const c = require('./tsconfig.json').compilerOptions; process.exit(c.strict === true && c.target === 'ES2022' && c.module === 'commonjs' ? 0 : 1)\"",
    solution: [
      { tool: 'read_file', args: { path: 'tsconfig.json' } },
      {
        tool: 'patch',
        args: { path: 'tsconfig.json', search: '    "target": "ES2017",\n    "module": "commonjs",\n    "strict": false', replace: '    "target": "ES2022",\n    "module": "commonjs",\n    "strict": true' },
      },
    ],
    answer: 'tsconfig.json is strict and targets ES2022.',
  }),
];
