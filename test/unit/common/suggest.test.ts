import { describe, expect, it } from 'vitest';
import { closestNames, didYouMean, editDistance } from '../../../compiler/common/suggest.js';

describe('suggestions', () => {
  it.each([
    ['kitten', 'sitting', 3],
    ['modle', 'model', 1],
    ['sesion', 'session', 1],
    ['', 'abc', 3],
    ['same', 'same', 0],
  ])('editDistance(%s, %s) = %i', (a, b, d) => expect(editDistance(a, b)).toBe(d));

  it('stops early past the limit', () => expect(editDistance('abcdefgh', 'zyxwvuts', 2)).toBe(3));

  it('suggests the closest names, case-insensitively first', () => {
    expect(closestNames('Session.turn', ['session.turn', 'session.tur', 'reply.text'])).toEqual(['session.turn', 'session.tur']);
    expect(didYouMean('sesion.turn', ['session.turn', 'reply.text'])).toBe(" (did you mean 'session.turn'?)");
    expect(didYouMean('zzz', ['session.turn'])).toBe('');
  });
});
