import type { BenchTask } from './types.js';

/** Five trivial tasks: if these fail, nothing else is worth running. */
export const SMOKE_TASKS: BenchTask[] = [
  {
    id: 'smoke-hello-python',
    suite: 'smoke',
    language: 'python',
    prompt: "Create hello.py that prints 'hello world'.",
    files: {},
    check: "python3 hello.py | grep -q 'hello world'",
    solution: [
      { tool: 'write_file', args: { path: 'hello.py', content: "print('hello world')\n" } },
      { tool: 'bash', args: { command: 'python3 hello.py' } },
    ],
    answer: 'Created hello.py; it prints hello world.',
  },
  {
    id: 'smoke-hello-node',
    suite: 'smoke',
    language: 'javascript',
    prompt: "Create hello.js that prints exactly 'hello world' when run with node.",
    files: {},
    check: "test \"$(node hello.js)\" = 'hello world'",
    solution: [
      { tool: 'write_file', args: { path: 'hello.js', content: "console.log('hello world');\n" } },
      { tool: 'bash', args: { command: 'node hello.js' } },
    ],
    answer: 'Created hello.js, which prints hello world.',
  },
  {
    id: 'smoke-fix-typo',
    suite: 'smoke',
    language: 'python',
    prompt: 'greet.py prints "Helo, world!". Fix the typo so it prints "Hello, world!".',
    files: { 'greet.py': 'def main():\n    print("Helo, world!")\n\n\nif __name__ == "__main__":\n    main()\n' },
    check: "python3 greet.py | grep -qx 'Hello, world!'",
    solution: [
      { tool: 'read_file', args: { path: 'greet.py' } },
      { tool: 'patch', args: { path: 'greet.py', search: '    print("Helo, world!")', replace: '    print("Hello, world!")' } },
      { tool: 'bash', args: { command: 'python3 greet.py' } },
    ],
    answer: 'Fixed the typo in greet.py.',
  },
  {
    id: 'smoke-add-function',
    suite: 'smoke',
    language: 'javascript',
    prompt: 'math.js exports add. Add and export multiply(a, b) returning a * b.',
    files: { 'math.js': 'function add(a, b) {\n  return a + b;\n}\n\nmodule.exports = { add };\n' },
    check: "node -e \"const m = require('./math.js'); process.exit(m.multiply(3, 4) === 12 && m.add(1, 2) === 3 ? 0 : 1)\"",
    solution: [
      { tool: 'read_file', args: { path: 'math.js' } },
      {
        tool: 'patch',
        args: {
          path: 'math.js',
          search: 'module.exports = { add };',
          replace: 'function multiply(a, b) {\n  return a * b;\n}\n\nmodule.exports = { add, multiply };',
        },
      },
      { tool: 'bash', args: { command: "node -e \"console.log(require('./math.js').multiply(3, 4))\"" } },
    ],
    answer: 'Added multiply to math.js and exported it.',
  },
  {
    id: 'smoke-json-port',
    suite: 'smoke',
    language: 'json',
    prompt: 'Change the port in config.json to 8080.',
    files: { 'config.json': '{\n  "name": "demo",\n  "port": 3000,\n  "debug": false\n}\n' },
    check: "python3 -c \"import json; c = json.load(open('config.json')); exit(0 if c['port'] == 8080 and c['name'] == 'demo' else 1)\"",
    solution: [
      { tool: 'read_file', args: { path: 'config.json' } },
      { tool: 'patch', args: { path: 'config.json', search: '  "port": 3000,', replace: '  "port": 8080,' } },
    ],
    answer: 'config.json now uses port 8080.',
  },
];
