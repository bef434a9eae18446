/**
 * Code highlighting for fenced blocks, with highlight.js loaded on the first code block only
 * (it is the heaviest thing the terminal uses, and most prompts never need it).
 */
import { createRequire } from 'node:module';
import type { Style } from './style.js';

interface Hljs {
  registerLanguage(name: string, lang: unknown): void;
  getLanguage(name: string): unknown;
  highlight(code: string, opts: { language: string; ignoreIllegals: boolean }): { value: string };
}

/** Fence names small models write → highlight.js language modules. */
const LANGUAGES: Record<string, string> = {
  js: 'javascript', javascript: 'javascript', jsx: 'javascript', mjs: 'javascript', cjs: 'javascript',
  ts: 'typescript', typescript: 'typescript', tsx: 'typescript',
  py: 'python', python: 'python', python3: 'python',
  sh: 'bash', bash: 'bash', shell: 'bash', zsh: 'bash', console: 'bash',
  json: 'json', jsonc: 'json', yaml: 'yaml', yml: 'yaml', toml: 'ini', ini: 'ini',
  rs: 'rust', rust: 'rust', go: 'go', golang: 'go', java: 'java', kt: 'kotlin', kotlin: 'kotlin',
  c: 'c', h: 'c', cpp: 'cpp', 'c++': 'cpp', cc: 'cpp', cs: 'csharp', csharp: 'csharp',
  rb: 'ruby', ruby: 'ruby', php: 'php', sql: 'sql', html: 'xml', xml: 'xml', css: 'css', scss: 'scss',
  md: 'markdown', markdown: 'markdown', diff: 'diff', patch: 'diff', dockerfile: 'dockerfile', makefile: 'makefile', swift: 'swift', lua: 'lua',
};

const CLASS_COLORS: Record<string, string> = {
  keyword: 'magenta', built_in: 'cyan', literal: 'blue', type: 'cyan', class: 'cyan', title: 'blue',
  string: 'green', regexp: 'red', number: 'yellow', comment: 'dim', doc: 'dim', meta: 'dim', attr: 'yellow',
  attribute: 'yellow', variable: 'red', params: 'reset', symbol: 'yellow', addition: 'green', deletion: 'red', section: 'bold', name: 'blue',
  tag: 'dim', property: 'blue', subst: 'reset', quote: 'dim', emphasis: 'italic', strong: 'bold', bullet: 'yellow',
};

let hljs: Hljs | null | undefined;
const req = createRequire(import.meta.url);

function load(): Hljs | null {
  if (hljs !== undefined) return hljs;
  try {
    hljs = req('highlight.js/lib/core') as Hljs;
  } catch {
    hljs = null; // not installed: code stays plain
  }
  return hljs;
}

function language(fence: string): string | undefined {
  const name = LANGUAGES[fence.toLowerCase()];
  const h = load();
  if (!name || !h) return undefined;
  if (!h.getLanguage(name)) {
    try {
      h.registerLanguage(name, req(`highlight.js/lib/languages/${name}`));
    } catch {
      return undefined;
    }
  }
  return name;
}

/** One line of code in the language of its fence; plain when colour is off or the language unknown. */
export function highlightLine(code: string, fence: string, style: Style): string {
  if (!style.enabled || !code.trim()) return code;
  const lang = language(fence);
  if (!lang) return code;
  try {
    return htmlToAnsi(hljs!.highlight(code, { language: lang, ignoreIllegals: true }).value, style);
  } catch {
    return code;
  }
}

/** highlight.js answers with `<span class="hljs-…">`; this turns that into terminal colours. */
export function htmlToAnsi(html: string, style: Style): string {
  const stack: string[] = [];
  let out = '';
  const re = /<span class="([^"]*)">|<\/span>|([^<]+)/g;
  for (let m = re.exec(html); m; m = re.exec(html)) {
    if (m[1] !== undefined) {
      const cls = m[1].split(/\s+/).map((c) => c.replace(/^hljs-/, '').replace(/_$/, ''));
      stack.push(cls.map((c) => CLASS_COLORS[c]).find(Boolean) ?? stack[stack.length - 1] ?? 'reset');
    } else if (m[0] === '</span>') {
      stack.pop();
    } else if (m[2] !== undefined) {
      const text = unescapeHtml(m[2]);
      const color = stack[stack.length - 1];
      out += color && color !== 'reset' ? style.color(color, text) : text;
    }
  }
  return out;
}

function unescapeHtml(s: string): string {
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#x27;/g, "'").replace(/&#39;/g, "'").replace(/&amp;/g, '&');
}
