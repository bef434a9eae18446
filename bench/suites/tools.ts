import type { BenchTask } from './types.js';

const task = (t: Omit<BenchTask, 'suite'>): BenchTask => ({ suite: 'tools', ...t });

/** A 300-line application log with 17 ERROR lines: long enough that reading it costs real context. */
function applicationLog(): string {
  const lines: string[] = [];
  for (let i = 0; i < 300; i++) {
    const minute = String(Math.floor(i / 6)).padStart(2, '0');
    const second = String((i * 10) % 60).padStart(2, '0');
    const level = i % 18 === 7 ? 'ERROR' : i % 5 === 0 ? 'WARN' : 'INFO';
    const what = level === 'ERROR' ? `payment ${1000 + i} failed: gateway timeout` : level === 'WARN' ? `slow response from inventory (${200 + i} ms)` : `handled request ${i} for /api/items/${i % 37}`;
    lines.push(`2026-11-02T10:${minute}:${second}Z ${level} ${what}`);
  }
  return `${lines.join('\n')}\n`;
}

/** A 200-line HTTP client with one constant deep inside. */
function bigClient(): string {
  const out = ["'use strict';", '', '// A tiny HTTP client with retries (benchmark fixture).', ''];
  for (let i = 0; i < 40; i++) {
    out.push(`function helper${i}(value) {`, `  return String(value).padStart(${i + 2}, '0');`, '}', '');
  }
  out.push('const MAX_RETRIES = 2;', '', 'function retries() {', '  return MAX_RETRIES;', '}', '', 'module.exports = { retries, MAX_RETRIES };');
  return `${out.join('\n')}\n`;
}

/** Ten multi-step tasks: find things, read several files, edit, run, verify. */
export const TOOL_TASKS: BenchTask[] = [
  task({
    id: 'tools-find-and-fix',
    language: 'python',
    prompt: 'parse_price("$12.34") should return 1234 (cents) but the tests in tests/test_price.py fail. Find parse_price in this project and fix it.',
    files: {
      'shop/__init__.py': '',
      'shop/cart.py': 'from shop.money import parse_price\n\n\ndef total(prices):\n    return sum(parse_price(p) for p in prices)\n',
      'shop/money.py': 'def parse_price(text):\n    amount = text.strip().lstrip("$")\n    return int(float(amount) * 10)\n',
      'tests/test_price.py': 'import sys\nsys.path.insert(0, ".")\nfrom shop.money import parse_price\n\nassert parse_price("$12.34") == 1234, parse_price("$12.34")\nassert parse_price("0.5") == 50\nprint("ok")\n',
    },
    check: 'python3 tests/test_price.py',
    solution: [
      { tool: 'search', args: { pattern: 'def parse_price' } },
      { tool: 'read_file', args: { path: 'shop/money.py' } },
      { tool: 'bash', args: { command: 'python3 tests/test_price.py' }, expect: 'any' },
      { tool: 'patch', args: { path: 'shop/money.py', search: '    return int(float(amount) * 10)', replace: '    return round(float(amount) * 100)' } },
      { tool: 'bash', args: { command: 'python3 tests/test_price.py' } },
    ],
    answer: 'parse_price multiplied by 10 instead of 100; fixed in shop/money.py.',
  }),
  task({
    id: 'tools-rename-across-files',
    language: 'javascript',
    prompt: 'Rename the function fetchUser to loadUser everywhere in this project (definition and all callers).',
    files: {
      'lib/users.js': "function fetchUser(id) {\n  return { id, name: 'user' + id };\n}\n\nmodule.exports = { fetchUser };\n",
      'lib/profile.js': "const { fetchUser } = require('./users.js');\n\nfunction profile(id) {\n  return fetchUser(id).name;\n}\n\nmodule.exports = { profile };\n",
      'index.js': "const { fetchUser } = require('./lib/users.js');\nconst { profile } = require('./lib/profile.js');\n\nconsole.log(fetchUser(1).name, profile(2));\n",
    },
    check: "test \"$(node index.js)\" = 'user1 user2' && ! grep -rq fetchUser lib index.js",
    solution: [
      { tool: 'search', args: { pattern: 'fetchUser' } },
      { tool: 'read_file', args: { path: 'lib/users.js' } },
      { tool: 'patch', args: { path: 'lib/users.js', search: 'function fetchUser(id) {', replace: 'function loadUser(id) {' } },
      { tool: 'patch', args: { path: 'lib/users.js', search: 'module.exports = { fetchUser };', replace: 'module.exports = { loadUser };' } },
      { tool: 'read_file', args: { path: 'lib/profile.js' } },
      {
        tool: 'patch',
        args: { path: 'lib/profile.js', search: "const { fetchUser } = require('./users.js');", replace: "const { loadUser } = require('./users.js');" },
      },
      { tool: 'patch', args: { path: 'lib/profile.js', search: '  return fetchUser(id).name;', replace: '  return loadUser(id).name;' } },
      { tool: 'read_file', args: { path: 'index.js' } },
      {
        tool: 'patch',
        args: {
          path: 'index.js',
          search: "const { fetchUser } = require('./lib/users.js');",
          replace: "const { loadUser } = require('./lib/users.js');",
        },
      },
      { tool: 'patch', args: { path: 'index.js', search: 'console.log(fetchUser(1).name, profile(2));', replace: 'console.log(loadUser(1).name, profile(2));' } },
      { tool: 'bash', args: { command: 'node index.js && grep -rn fetchUser lib index.js || true' } },
    ],
    answer: 'Renamed fetchUser to loadUser in lib/users.js, lib/profile.js and index.js.',
  }),
  task({
    id: 'tools-log-summary',
    language: 'mixed',
    prompt: 'Look at app.log and write the number of ERROR lines in it (just the number) to errors.txt.',
    files: { 'app.log': applicationLog() },
    check: "test \"$(tr -d ' \\n' < errors.txt)\" = \"$(grep -c ' ERROR ' app.log)\"",
    solution: [
      { tool: 'read_file', args: { path: 'app.log' } },
      { tool: 'bash', args: { command: "grep -c ' ERROR ' app.log" } },
      { tool: 'write_file', args: { path: 'errors.txt', content: '17\n' } },
    ],
    answer: 'app.log has 17 ERROR lines; errors.txt says so.',
  }),
  task({
    id: 'tools-ini-to-json',
    language: 'json',
    prompt: 'Convert settings.ini into settings.json: one object per section, values as strings.',
    files: { 'settings.ini': '[server]\nhost = 127.0.0.1\nport = 8080\n\n[database]\nname = shop\nuser = admin\n' },
    check:
      "python3 -c \"import json; d = json.load(open('settings.json')); exit(0 if d == {'server': {'host': '127.0.0.1', 'port': '8080'}, 'database': {'name': 'shop', 'user': 'admin'}} else 1)\"",
    solution: [
      { tool: 'read_file', args: { path: 'settings.ini' } },
      {
        tool: 'write_file',
        args: {
          path: 'settings.json',
          content: '{\n  "server": { "host": "127.0.0.1", "port": "8080" },\n  "database": { "name": "shop", "user": "admin" }\n}\n',
        },
      },
      { tool: 'bash', args: { command: 'python3 -m json.tool settings.json' } },
    ],
    answer: 'Wrote settings.json with the server and database sections.',
  }),
  task({
    id: 'tools-failing-test',
    language: 'javascript',
    prompt: 'npm test fails in this project. Find out why and fix the code (not the test).',
    files: {
      'package.json': '{\n  "name": "cart",\n  "private": true,\n  "scripts": { "test": "node test/cart.test.js" }\n}\n',
      'src/cart.js': 'function addItem(cart, item) {\n  return { ...cart, items: cart.items.concat(item), total: cart.total + item.price * item.qty };\n}\n\nfunction removeItem(cart, name) {\n  const item = cart.items.find((i) => i.name === name);\n  if (!item) return cart;\n  return { items: cart.items.filter((i) => i.name !== name), total: cart.total - item.price };\n}\n\nmodule.exports = { addItem, removeItem };\n',
      'test/cart.test.js':
        "const assert = require('node:assert');\nconst { addItem, removeItem } = require('../src/cart.js');\nlet cart = { items: [], total: 0 };\ncart = addItem(cart, { name: 'pen', price: 2, qty: 3 });\ncart = addItem(cart, { name: 'ink', price: 5, qty: 1 });\ncart = removeItem(cart, 'pen');\nassert.strictEqual(cart.total, 5);\nconsole.log('ok');\n",
    },
    check: 'node test/cart.test.js && grep -q "strictEqual(cart.total, 5)" test/cart.test.js',
    solution: [
      { tool: 'bash', args: { command: 'npm test' }, expect: 'any' },
      { tool: 'read_file', args: { path: 'src/cart.js' } },
      {
        tool: 'patch',
        args: {
          path: 'src/cart.js',
          search: '  return { items: cart.items.filter((i) => i.name !== name), total: cart.total - item.price };',
          replace: '  return { items: cart.items.filter((i) => i.name !== name), total: cart.total - item.price * item.qty };',
        },
      },
      { tool: 'bash', args: { command: 'npm test' } },
    ],
    answer: 'removeItem forgot the quantity; fixed in src/cart.js, npm test passes.',
  }),
  task({
    id: 'tools-list-python-files',
    language: 'mixed',
    prompt: 'Write the paths of all .py files under src/ (relative to the project root, e.g. src/app.py), sorted, one per line, to files.txt.',
    files: {
      'src/app.py': 'print("app")\n',
      'src/util/strings.py': '',
      'src/util/numbers.py': '',
      'src/util/README.md': '# util\n',
      'src/web/server.py': '',
      'scripts/deploy.py': '',
    },
    check: "diff <(find src -name '*.py' | LC_ALL=C sort) files.txt",
    solution: [
      { tool: 'find_files', args: { pattern: '*.py', path: 'src' } },
      { tool: 'write_file', args: { path: 'files.txt', content: 'src/app.py\nsrc/util/numbers.py\nsrc/util/strings.py\nsrc/web/server.py\n' } },
      { tool: 'bash', args: { command: 'cat files.txt' } },
    ],
    answer: 'files.txt lists the four .py files under src/.',
  }),
  task({
    id: 'tools-inventory-method',
    language: 'python',
    prompt: 'Add a remove_item(name) method to Inventory in inventory.py that removes the item (no error if it is missing), and a test for it at the end of test_inventory.py.',
    files: {
      'inventory.py': 'class Inventory:\n    def __init__(self):\n        self.items = {}\n\n    def add_item(self, name, qty=1):\n        self.items[name] = self.items.get(name, 0) + qty\n        return self\n',
      'test_inventory.py': 'from inventory import Inventory\n\ninv = Inventory().add_item("apple", 2)\nassert inv.items == {"apple": 2}\n',
    },
    check:
      "python3 test_inventory.py && grep -q remove_item test_inventory.py && python3 -c \"from inventory import Inventory; i = Inventory().add_item('a'); i.remove_item('a'); i.remove_item('zzz'); exit(0 if i.items == {} else 1)\"",
    solution: [
      { tool: 'read_file', args: { path: 'inventory.py' } },
      {
        tool: 'patch',
        args: {
          path: 'inventory.py',
          search: '    def add_item(self, name, qty=1):\n        self.items[name] = self.items.get(name, 0) + qty\n        return self\n',
          replace:
            '    def add_item(self, name, qty=1):\n        self.items[name] = self.items.get(name, 0) + qty\n        return self\n\n    def remove_item(self, name):\n        self.items.pop(name, None)\n        return self\n',
        },
      },
      { tool: 'read_file', args: { path: 'test_inventory.py' } },
      {
        tool: 'patch',
        args: {
          path: 'test_inventory.py',
          search: 'assert inv.items == {"apple": 2}\n',
          replace: 'assert inv.items == {"apple": 2}\n\ninv.remove_item("apple").remove_item("pear")\nassert inv.items == {}\n',
        },
      },
      { tool: 'bash', args: { command: 'python3 test_inventory.py' } },
    ],
    answer: 'Added Inventory.remove_item and a test.',
  }),
  task({
    id: 'tools-word-frequency',
    language: 'bash',
    prompt: 'Create wordfreq.sh: `bash wordfreq.sh FILE` prints the 3 most frequent words of FILE (lower-cased), one per line, most frequent first. Try it on poem.txt.',
    files: { 'poem.txt': 'The cat and the dog.\nThe dog and THE bird!\nA bird, a cat, a dog, the end.\n' },
    check: "printf 'x y z\\nz y z\\nq z\\n' > t.txt && test \"$(bash wordfreq.sh t.txt | tr '\\n' ' ')\" = 'z y q ' -o \"$(bash wordfreq.sh t.txt | tr '\\n' ' ')\" = 'z y x '",
    solution: [
      { tool: 'read_file', args: { path: 'poem.txt' } },
      {
        tool: 'write_file',
        args: {
          path: 'wordfreq.sh',
          content: "#!/usr/bin/env bash\ntr '[:upper:]' '[:lower:]' < \"$1\" | tr -cs 'a-z' '\\n' | grep -v '^$' | sort | uniq -c | sort -k1,1nr -k2 | head -3 | awk '{print $2}'\n",
        },
      },
      { tool: 'bash', args: { command: 'bash wordfreq.sh poem.txt' } },
    ],
    answer: 'Created wordfreq.sh; on poem.txt it prints the, dog, a.',
  }),
  task({
    id: 'tools-fix-import',
    language: 'python',
    prompt: 'python3 main.py crashes with an ImportError. Fix main.py.',
    files: {
      'main.py': 'from helpers import slugify\n\nprint(slugify("Hello Small Models"))\n',
      'helpers.py': 'def shout(text):\n    return text.upper()\n',
      'text_utils.py': 'def slugify(text):\n    return "-".join(text.lower().split())\n',
    },
    check: "test \"$(python3 main.py)\" = 'hello-small-models'",
    solution: [
      { tool: 'bash', args: { command: 'python3 main.py' }, expect: 'any' },
      { tool: 'search', args: { pattern: 'def slugify' } },
      { tool: 'read_file', args: { path: 'main.py' } },
      { tool: 'patch', args: { path: 'main.py', search: 'from helpers import slugify', replace: 'from text_utils import slugify' } },
      { tool: 'bash', args: { command: 'python3 main.py' } },
    ],
    answer: 'slugify lives in text_utils.py; main.py imports it from there now.',
  }),
  task({
    id: 'tools-big-file-constant',
    language: 'javascript',
    prompt: 'Set MAX_RETRIES to 5 in client.js.',
    files: { 'client.js': bigClient() },
    check: "node -e \"process.exit(require('./client.js').retries() === 5 ? 0 : 1)\"",
    solution: [
      { tool: 'read_file', args: { path: 'client.js' } },
      { tool: 'search', args: { pattern: 'MAX_RETRIES', path: 'client.js' } },
      { tool: 'patch', args: { path: 'client.js', search: 'const MAX_RETRIES = 2;', replace: 'const MAX_RETRIES = 5;' } },
      { tool: 'bash', args: { command: "node -e \"console.log(require('./client.js').retries())\"" } },
    ],
    answer: 'MAX_RETRIES is 5 in client.js.',
  }),
];
