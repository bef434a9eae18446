/**
 * Watches one model request while it streams, so no wait is silent and no reply endless: a
 * first-token timeout (generous: prompt processing on a CPU can take minutes), an idle timeout
 * once the reply has started, a notice every `noticeMs` saying what it waits for and how long it
 * has, and a cap on the reply's length counted as it arrives.
 */

/** An attempt failed; `retryable` decides whether the loop tries again. */
export class AttemptError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly status?: number,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** The watch aborted the attempt: no first token in time, or silence after it. */
export class WatchTimeout extends Error {
  constructor(
    message: string,
    readonly phase: 'first_token' | 'idle',
  ) {
    super(message);
  }
}

/** The reply passed the reply limit: the stream is stopped, and it is not asked again. */
export class ReplyTooLong extends Error {}

export interface StreamWatchOptions {
  firstTokenMs: number;
  idleMs: number;
  noticeMs: number;
  maxReplyChars: number;
  maxReplyTokens: number;
  /** "model at url", for the notices. */
  source: string;
  abort: (reason: Error) => void;
  log?: (line: string) => void;
}

export class StreamWatch {
  private readonly started = Date.now();
  private firstAt: number | undefined;
  private lastAt = Date.now();
  private lastNoticeAt = Date.now();
  private replyChars = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly o: StreamWatchOptions) {
    // Checked often enough for short test timeouts, rarely enough to cost nothing.
    const tick = Math.min(1000, Math.max(50, Math.min(o.firstTokenMs, o.idleMs, o.noticeMs) / 4));
    this.timer = setInterval(() => this.check(), tick);
    this.timer.unref();
  }

  /** Bytes arrived (any chunk, even one without text: a role-only first chunk is not the first token). */
  heard(): void {
    this.lastAt = Date.now();
  }

  /** The reply grew by `chars` (content, thinking or tool-call arguments). */
  grew(chars: number): void {
    if (chars === 0) return;
    this.heard();
    this.firstAt ??= this.lastAt;
    this.replyChars += chars;
    if (this.replyChars > this.o.maxReplyChars) {
      const error = new ReplyTooLong(
        `the reply passed ${this.o.maxReplyTokens} tokens without ending and was stopped (SMALLCODE_MAX_REPLY_TOKENS, the policy's max_output); the model may be repeating itself`,
      );
      this.stop();
      this.o.abort(error);
      throw error;
    }
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private check(): void {
    const now = Date.now();
    const s = (ms: number) => Math.round(ms / 1000);
    if (this.firstAt === undefined) {
      const waited = now - this.started;
      if (waited >= this.o.firstTokenMs) return this.fail(new WatchTimeout(`no first token within ${s(this.o.firstTokenMs)} s (SMALLCODE_MODEL_TIMEOUT)`, 'first_token'));
      if (now - this.lastNoticeAt >= this.o.noticeMs) {
        this.lastNoticeAt = now;
        this.o.log?.(`waiting for the first token from ${this.o.source}: ${s(waited)} s so far (the prompt may still be processing; gives up at ${s(this.o.firstTokenMs)} s)`);
      }
      return;
    }
    const silent = now - this.lastAt;
    if (silent >= this.o.idleMs) return this.fail(new WatchTimeout(`the reply stopped: nothing for ${s(this.o.idleMs)} s after it began (SMALLCODE_MODEL_IDLE_TIMEOUT)`, 'idle'));
    if (silent >= this.o.noticeMs && now - this.lastNoticeAt >= this.o.noticeMs) {
      this.lastNoticeAt = now;
      this.o.log?.(`waiting for more of the reply from ${this.o.source}: silent for ${s(silent)} s (gives up at ${s(this.o.idleMs)} s)`);
    }
  }

  private fail(reason: WatchTimeout): void {
    this.stop();
    this.o.abort(reason);
  }
}
