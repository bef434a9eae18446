/**
 * Renders one target's template folder (templates/bone/<target>/) with the view model. Every
 * file there is an output: `*.hbs` is a handlebars template, anything else is copied as is.
 * `target.json` says which templates repeat per entity/capability, which are conditional and
 * which output names differ from the template's. A new target is a new folder, not new code.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import type { SystemView } from './model.js';
import { tsLiteral } from './names.js';

export interface TargetManifest {
  name: string;
  description?: string;
  rename?: Record<string, string>;
  each?: Record<string, { over: keyof SystemView; as: string; output: string }>;
  when?: Record<string, keyof SystemView>;
}

export interface RenderedFile {
  path: string;
  content: string;
}

let packageRootCache: string | undefined;

/** SmallCode's own folder (the package.json named "smallcode"): works from source and from dist/. */
export function packageRoot(): string {
  if (packageRootCache) return packageRootCache;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest)) {
      try {
        if ((JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name?: string }).name === 'smallcode') return (packageRootCache = dir);
      } catch {
        // not ours; keep walking
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('cannot find the smallcode package root (templates/bone) from ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
}

export function targetDir(target: string): string {
  return path.join(packageRoot(), 'templates', 'bone', target);
}

export function availableTargets(): string[] {
  const dir = path.join(packageRoot(), 'templates', 'bone');
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(dir, d.name, 'target.json')))
    .map((d) => d.name)
    .sort();
}

interface LoadedTarget {
  manifest: TargetManifest;
  files: Array<{ rel: string; template?: Handlebars.TemplateDelegate; raw?: string }>;
}

const loaded = new Map<string, LoadedTarget>();

function createHandlebars(): typeof Handlebars {
  const hb = Handlebars.create();
  // `{{lit x}}`: x as a TypeScript literal (single-quoted strings) — the only way values enter code.
  hb.registerHelper('lit', (value: unknown) => tsLiteral(value));
  hb.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  hb.registerHelper('concat', (...args: unknown[]) => args.slice(0, -1).map(String).join(''));
  return hb;
}

function listFiles(root: string, dir = ''): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const rel = dir ? `${dir}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...listFiles(root, rel));
    else out.push(rel);
  }
  return out.sort();
}

/** Reads and compiles a target's templates once per process. */
export function loadTarget(target: string): LoadedTarget {
  const cached = loaded.get(target);
  if (cached) return cached;
  const root = targetDir(target);
  const manifestFile = path.join(root, 'target.json');
  if (!fs.existsSync(manifestFile)) throw new Error(`unknown BoneScript target "${target}" (no ${manifestFile})`);
  const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as TargetManifest;
  const hb = createHandlebars();
  const files = listFiles(root)
    .filter((rel) => rel !== 'target.json')
    .map((rel) => {
      const text = fs.readFileSync(path.join(root, rel), 'utf8');
      return rel.endsWith('.hbs') ? { rel, template: hb.compile(text, { noEscape: true, strict: false }) } : { rel, raw: text };
    });
  const result = { manifest, files };
  loaded.set(target, result);
  return result;
}

function outputName(rel: string, manifest: TargetManifest): string {
  const withoutHbs = rel.endsWith('.hbs') ? rel.slice(0, -4) : rel;
  const base = path.posix.basename(withoutHbs);
  const renamed = manifest.rename?.[base];
  return renamed ? path.posix.join(path.posix.dirname(withoutHbs), renamed).replace(/^\.\//, '') : withoutHbs;
}

function fill(pattern: string, item: Record<string, unknown>): string {
  return pattern.replace(/\{(\w+)\}/g, (_, key: string) => String(item[key]));
}

export function renderTarget(target: string, view: SystemView): RenderedFile[] {
  const { manifest, files } = loadTarget(target);
  const out: RenderedFile[] = [];
  for (const file of files) {
    const condition = manifest.when?.[file.rel];
    if (condition && !view[condition]) continue;
    const each = manifest.each?.[file.rel];
    if (each) {
      const items = view[each.over] as unknown as Array<Record<string, unknown>>;
      for (const item of items) out.push({ path: fill(each.output, item), content: file.template!({ system: view, [each.as]: item }) });
      continue;
    }
    out.push({ path: outputName(file.rel, manifest), content: file.template ? file.template({ system: view }) : file.raw! });
  }
  return out;
}
