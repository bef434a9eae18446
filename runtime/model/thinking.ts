/**
 * Separates thinking from content in a stream where the server leaves `<think>…</think>` inside
 * the content instead of sending `reasoning_content`. Tags may be split across chunks, so a tail
 * that could be the start of a tag is held back until the next chunk decides it.
 */
const OPEN_TAGS = ['<think>', '<thinking>'];
const CLOSE_TAGS = ['</think>', '</thinking>'];

export class ThinkSplitter {
  private buffer = '';
  private inThink = false;
  content = '';
  reasoning = '';

  /** Feeds a chunk; returns what became definite content and reasoning in this step. */
  push(chunk: string): { content: string; reasoning: string } {
    this.buffer += chunk;
    return this.drain(false);
  }

  /** End of stream: whatever is held back is flushed to where it belongs. */
  end(): { content: string; reasoning: string } {
    const out = this.drain(true);
    // Some templates open <think> in the prompt, so the reply holds only the closing tag.
    const bare = /<\/think(?:ing)?>/.exec(this.content);
    if (bare && !/<think(?:ing)?>/.test(this.content.slice(0, bare.index))) {
      this.reasoning += this.content.slice(0, bare.index);
      this.content = this.content.slice(bare.index + bare[0].length).replace(/^\s+/, '');
    }
    return out;
  }

  private drain(final: boolean): { content: string; reasoning: string } {
    let content = '';
    let reasoning = '';
    for (;;) {
      const tags = this.inThink ? CLOSE_TAGS : OPEN_TAGS;
      let idx = -1;
      let tag = '';
      for (const t of tags) {
        const i = this.buffer.indexOf(t);
        if (i !== -1 && (idx === -1 || i < idx)) [idx, tag] = [i, t];
      }
      if (idx === -1) {
        const keep = final ? 0 : partialTagLength(this.buffer, tags);
        const out = this.buffer.slice(0, this.buffer.length - keep);
        this.buffer = this.buffer.slice(this.buffer.length - keep);
        if (this.inThink) reasoning += out;
        else content += out;
        break;
      }
      if (this.inThink) reasoning += this.buffer.slice(0, idx);
      else content += this.buffer.slice(0, idx);
      this.buffer = this.buffer.slice(idx + tag.length);
      this.inThink = !this.inThink;
    }
    this.content += content;
    this.reasoning += reasoning;
    return { content, reasoning };
  }
}

/** Length of the longest suffix of `text` that is a proper prefix of one of `tags`. */
function partialTagLength(text: string, tags: readonly string[]): number {
  let keep = 0;
  for (const t of tags) {
    for (let n = Math.min(t.length - 1, text.length); n > keep; n--) {
      if (text.endsWith(t.slice(0, n))) {
        keep = n;
        break;
      }
    }
  }
  return keep;
}
