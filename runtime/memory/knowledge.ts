/**
 * knowledge/: Markdown files the user keeps for the agent — in the project's `knowledge/` folder
 * and in `~/.config/smallcode/knowledge/` — split into sections by heading. A task gets the
 * sections whose words it shares, best first, within a token cap. Files are re-read when their
 * size or modification time changes.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { countTokens } from '../model/tokens.js';
import { queryTerms, tokenize } from '../store/tokens.js';

export interface KnowledgeSection {
  /** `knowledge/db.md § Migrations`. */
  source: string;
  heading: string;
  text: string;
  /** Distinct words of the heading (weighted double) and the body. */
  headingWords: Set<string>;
  words: Set<string>;
}

interface CachedFile {
  stamp: string;
  sections: KnowledgeSection[];
}

export class Knowledge {
  private readonly cache = new Map<string, CachedFile>();

  /** `dirs` are searched in order (project first); `label` turns a path into what the model sees. */
  constructor(private readonly dirs: Array<{ dir: string; label: string }>) {}

  /** Every section, re-reading files that changed since the last call. */
  sections(): KnowledgeSection[] {
    const out: KnowledgeSection[] = [];
    const seen = new Set<string>();
    for (const { dir, label } of this.dirs) {
      for (const file of markdownFiles(dir)) {
        seen.add(file);
        const st = statSync(file, { throwIfNoEntry: false });
        if (!st) continue;
        const stamp = `${st.mtimeMs}:${st.size}`;
        let cached = this.cache.get(file);
        if (cached?.stamp !== stamp) {
          const source = join(label, relative(dir, file));
          cached = { stamp, sections: splitSections(readFileSync(file, 'utf8'), source) };
          this.cache.set(file, cached);
        }
        out.push(...cached.sections);
      }
    }
    for (const file of this.cache.keys()) if (!seen.has(file)) this.cache.delete(file);
    return out;
  }

  /** The sections sharing words with `task`, best first, as many as fit in `maxTokens`. */
  select(task: string, maxTokens: number): KnowledgeSection[] {
    const terms = queryTerms(task);
    if (!terms.length || maxTokens <= 0) return [];
    const sections = this.sections();
    const df = new Map(terms.map((t) => [t, sections.filter((s) => s.words.has(t) || s.headingWords.has(t)).length]));
    const idf = (t: string) => Math.log(1 + sections.length / (df.get(t)! || 1));
    const scored = sections
      .map((s, order) => ({ s, order, score: terms.reduce((sum, t) => sum + (s.headingWords.has(t) ? 2 * idf(t) : s.words.has(t) ? idf(t) : 0), 0) }))
      .filter((x) => x.score > 0)
      .sort((a, b) => b.score - a.score || a.order - b.order);
    const chosen: KnowledgeSection[] = [];
    let used = 0;
    for (const { s } of scored) {
      const cost = countTokens(renderSection(s));
      if (used + cost > maxTokens) continue; // a smaller, less relevant section may still fit
      chosen.push(s);
      used += cost;
    }
    return chosen;
  }
}

export function renderSection(s: KnowledgeSection): string {
  return `[${s.source}]\n${s.text.trim()}`;
}

/** The Markdown files of a folder and its subfolders, sorted (missing folder: none). */
function markdownFiles(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir, { recursive: true, encoding: 'utf8' });
  } catch {
    return [];
  }
  return entries.filter((e) => /\.(md|markdown)$/i.test(e)).sort().map((e) => join(dir, e));
}

/**
 * Sections by heading (any level; the text before the first heading is a section named after the
 * file). Headings inside code blocks are code, not headings: the Markdown lexer knows the difference.
 */
export function splitSections(markdown: string, source: string): KnowledgeSection[] {
  const { Lexer } = lexer();
  const tokens = Lexer.lex(markdown);
  const sections: KnowledgeSection[] = [];
  let heading = '';
  let body = '';
  const flush = () => {
    if (!body.trim() && !heading) return;
    sections.push({
      source: heading ? `${source} § ${heading}` : source,
      heading,
      text: heading ? `${'#'.repeat(2)} ${heading}\n${body}` : body,
      headingWords: new Set(tokenize(heading)),
      words: new Set(tokenize(body)),
    });
  };
  for (const token of tokens) {
    if (token.type === 'heading') {
      flush();
      heading = (token as { text: string }).text.trim();
      body = '';
    } else {
      body += token.raw;
    }
  }
  flush();
  return sections;
}

/** marked, loaded on the first knowledge file (not at start-up); require keeps this synchronous. */
let markedModule: typeof import('marked') | undefined;
function lexer(): typeof import('marked') {
  markedModule ??= createRequire(import.meta.url)('marked') as typeof import('marked');
  return markedModule;
}
