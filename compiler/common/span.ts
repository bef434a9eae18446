/** A place in a source file. Lines and columns are 1-based, as editors show them. */
export interface SourcePosition {
  offset: number;
  line: number;
  column: number;
}

export interface SourceSpan {
  file: string;
  start: SourcePosition;
  end: SourcePosition;
}

/** Chevrotain-like token positions (1-based line/column, 0-based offsets, inclusive end offset). */
export interface TokenLike {
  startOffset: number;
  endOffset?: number;
  startLine?: number;
  startColumn?: number;
  endLine?: number;
  endColumn?: number;
  image: string;
}

export function spanOfTokens(file: string, first: TokenLike, last: TokenLike = first): SourceSpan {
  return {
    file,
    start: { offset: first.startOffset, line: first.startLine ?? 1, column: first.startColumn ?? 1 },
    end: {
      offset: (last.endOffset ?? last.startOffset + last.image.length - 1) + 1,
      line: last.endLine ?? last.startLine ?? 1,
      column: (last.endColumn ?? (last.startColumn ?? 1) + last.image.length - 1) + 1,
    },
  };
}

export function mergeSpans(a: SourceSpan, b: SourceSpan): SourceSpan {
  return { file: a.file, start: a.start, end: b.end };
}

/** Turns an offset into a 1-based line/column for sources where only offsets are known. */
export function positionAt(source: string, offset: number): SourcePosition {
  let line = 1;
  let lineStart = 0;
  const stop = Math.min(offset, source.length);
  for (let i = 0; i < stop; i++) {
    if (source.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { offset, line, column: offset - lineStart + 1 };
}
