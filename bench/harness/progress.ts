import pc from 'picocolors';

/**
 * A progress bar on stderr: redrawn in place on a terminal, one line per finished task otherwise
 * (CI logs), silent when `quiet`.
 */
export class Progress {
  private done = 0;
  private passed = 0;
  private readonly tty: boolean;

  constructor(
    private readonly total: number,
    private readonly label: string,
    private readonly opts: { quiet?: boolean; stream?: NodeJS.WriteStream } = {},
  ) {
    this.tty = Boolean((opts.stream ?? process.stderr).isTTY);
  }

  private get stream(): NodeJS.WriteStream {
    return this.opts.stream ?? process.stderr;
  }

  start(taskId: string): void {
    if (this.opts.quiet || !this.tty) return;
    this.draw(`running ${taskId}`);
  }

  finish(taskId: string, passed: boolean, detail = ''): void {
    this.done++;
    if (passed) this.passed++;
    if (this.opts.quiet) return;
    if (this.tty) {
      this.draw(`${passed ? pc.green('pass') : pc.red('FAIL')} ${taskId}`);
      if (this.done === this.total) this.stream.write('\n');
      return;
    }
    this.stream.write(`${this.label} [${this.done}/${this.total}] ${passed ? 'pass' : 'FAIL'} ${taskId}${detail ? ` — ${detail}` : ''}\n`);
  }

  private draw(status: string): void {
    const width = 24;
    const filled = this.total ? Math.round((this.done / this.total) * width) : width;
    const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
    const line = `${this.label} ${bar} ${this.done}/${this.total} (${this.passed} passed) ${status}`;
    const columns = this.stream.columns ?? 100;
    this.stream.write(`\r\x1b[2K${line.slice(0, columns - 1)}`);
  }
}
