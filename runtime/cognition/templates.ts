import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';

/**
 * Prompt templates (`templates/prompts/cognition/<name>.hbs`, steering messages under `steer/`).
 * Folders are searched in order, so a user's `.smallcode/templates/prompts/cognition/x.hbs`
 * shadows the built-in one. Compiled templates are cached per path.
 */
export class TemplateStore {
  private readonly compiled = new Map<string, HandlebarsTemplateDelegate>();

  constructor(readonly dirs: string[]) {}

  find(name: string): string | undefined {
    return this.dirs.map((d) => join(d, `${name}.hbs`)).find((p) => existsSync(p));
  }

  render(name: string, context: Record<string, unknown>): string {
    const path = this.find(name);
    if (!path) throw new Error(`template '${name}' not found in ${this.dirs.join(', ')}`);
    let template = this.compiled.get(path);
    if (!template) {
      template = Handlebars.compile(readFileSync(path, 'utf8'), { noEscape: true, strict: false });
      this.compiled.set(path, template);
    }
    return template(context).trim();
  }
}
