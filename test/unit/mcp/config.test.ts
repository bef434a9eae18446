import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expandVariables, loadMcpConfig, mcpConfigFiles } from '../../../runtime/mcp/index.js';

describe('MCP configuration', () => {
  it('reads the user file, .mcp.json and .smallcode/mcp.json; a later file overrides an entry by name', () => {
    const root = mkdtempSync(join(tmpdir(), 'mcp-config-'));
    const home = join(root, 'xdg');
    try {
      mkdirSync(join(home, 'smallcode'), { recursive: true });
      mkdirSync(join(root, '.smallcode'));
      writeFileSync(join(home, 'smallcode', 'mcp.json'), JSON.stringify({ mcpServers: { a: { command: 'user-a' }, b: { command: 'user-b' } } }));
      writeFileSync(join(root, '.mcp.json'), JSON.stringify({ mcpServers: { b: { command: 'project-b', args: ['--x'] }, c: { url: 'http://127.0.0.1:9/mcp', trust: true } } }));
      writeFileSync(join(root, '.smallcode', 'mcp.json'), JSON.stringify({ mcpServers: { c: { type: 'sse', url: 'http://127.0.0.1:9/sse' }, d: { command: 'x', disabled: true } } }));
      const env = { XDG_CONFIG_HOME: home };
      const { servers, problems } = loadMcpConfig(mcpConfigFiles(root, env).map((file) => ({ file })), env);
      expect(problems).toEqual([]);
      expect(servers.map((s) => [s.name, s.type, s.type === 'stdio' ? s.command : s.url, s.trust])).toEqual([
        ['a', 'stdio', 'user-a', false],
        ['b', 'stdio', 'project-b', false],
        ['c', 'sse', 'http://127.0.0.1:9/sse', false],
      ]);
      expect(servers[1]!.source).toBe(join(root, '.mcp.json'));
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('reports a broken file or entry (file, server, what) and keeps the rest', () => {
    const sources = [
      { file: 'one.json', content: { mcpServers: { ok: { command: 'run-me' }, nocmd: { args: [] }, 'bad name': { command: 'x' }, badurl: { url: 'ftp://x' }, unset: { command: '${NO_SUCH_VAR_HERE}' } } } },
      { file: 'two.json', content: ['not', 'an', 'object'] },
      { file: 'three.json', content: { mcpServers: { ok2: { command: 'y', args: 'not-a-list' } } } },
    ];
    const { servers, problems } = loadMcpConfig(sources, {});
    expect(servers.map((s) => s.name)).toEqual(['ok']);
    expect(problems).toEqual([
      `one.json: server 'nocmd': needs "command" (a stdio server) or "url" (an HTTP server)`,
      `one.json: server 'bad name': a server name may hold only letters, digits, "_" and "-" (it becomes part of tool names)`,
      `one.json: server 'badurl': "url" must be http(s), got ftp:`,
      `one.json: server 'unset': \${NO_SUCH_VAR_HERE} is not set (set it, or write \${NO_SUCH_VAR_HERE:-default})`,
      'two.json: expected { "mcpServers": { "<name>": { … } } }',
      `three.json: server 'ok2': 'args': expected array, received string`,
    ]);
  });

  it('expands ${VAR} and ${VAR:-default} in commands, args, env, urls and headers', () => {
    const env = { TOKEN: 's3cret', PORT: '8931', EMPTY: '' };
    const { servers } = loadMcpConfig([{ file: 'f', content: { mcpServers: {
      s: { command: '${HOME_BIN:-/usr/bin}/srv', args: ['--port=${PORT}'], env: { KEY: '${TOKEN}' } },
      h: { url: 'http://127.0.0.1:${PORT}/mcp', headers: { Authorization: 'Bearer ${TOKEN}', X: '${EMPTY:-fallback}' } },
    } } }], env);
    expect(servers[0]).toMatchObject({ command: '/usr/bin/srv', args: ['--port=8931'], env: { KEY: 's3cret' } });
    expect(servers[1]).toMatchObject({ url: 'http://127.0.0.1:8931/mcp', headers: { Authorization: 'Bearer s3cret', X: 'fallback' } });
  });

  it('expansion: text without ${…} is unchanged; a set variable is substituted whatever its value', () => {
    fc.assert(fc.property(fc.string().filter((s) => !s.includes('${')), (text) => expandVariables(text, {}) === text));
    fc.assert(fc.property(fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,10}$/), fc.string({ minLength: 1 }), fc.string(), (name, value, around) => {
      const clean = around.replace(/\$\{/g, '');
      return expandVariables(`${clean}\${${name}}${clean}`, { [name]: value }) === `${clean}${value}${clean}`;
    }));
    // Near misses: not a variable reference, left alone.
    expect(expandVariables('$HOME ${1X} ${} $${X', { HOME: 'h', X: 'x' })).toBe('$HOME ${1X} ${} $${X');
  });
});
