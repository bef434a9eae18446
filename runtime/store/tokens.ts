/**
 * Search terms, split the way SQLite's FTS5 `unicode61` tokenizer splits them (runs of letters
 * and digits, lower-cased, diacritics folded), so both back ends find the same documents.
 */

/** Words too common in tasks to tell one from another. */
const STOP_WORDS = new Set(
  'a an and are as at be but by can do does for from has have how i in into is it its me my no not of on or our please so than that the then there these this to too up us was we what when where which while who why will with you your'.split(' '),
);

export function tokenize(text: string): string[] {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

/** The distinct terms of a query worth searching for, at most `max`. */
export function queryTerms(query: string, max = 24): string[] {
  const terms = [...new Set(tokenize(query).filter((t) => !STOP_WORDS.has(t) && (t.length > 1 || /\d/.test(t))))];
  return terms.slice(0, max);
}
