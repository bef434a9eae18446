import { describe, expect, it } from 'vitest';
import { ThinkSplitter } from '../../../runtime/model/thinking.js';

function split(chunks: string[]) {
  const s = new ThinkSplitter();
  for (const c of chunks) s.push(c);
  s.end();
  return { content: s.content, reasoning: s.reasoning };
}

describe('ThinkSplitter', () => {
  it.each([
    ['plain content', ['Hello ', 'world'], 'Hello world', ''],
    ['a think block first', ['<think>plan</think>Answer'], 'Answer', 'plan'],
    ['tags split across chunks', ['<th', 'ink>pl', 'an</thi', 'nk>Ans', 'wer'], 'Answer', 'plan'],
    ['a <thinking> variant', ['<thinking>x</thinking>y'], 'y', 'x'],
    ['a bare close tag (template opened <think>)', ['I should ', 'check.</think>\n\nDone.'], 'Done.', 'I should check.'],
    ['an unclosed think at the end', ['<think>still going'], '', 'still going'],
    ['a < that is not a tag', ['a < b and <t', 'able>'], 'a < b and <table>', ''],
  ])('%s', (_, chunks, content, reasoning) => {
    expect(split(chunks)).toEqual({ content, reasoning });
  });
});
