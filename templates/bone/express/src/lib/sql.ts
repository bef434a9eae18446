/** SQL identifiers are always quoted: `order`, `user` and `group` are reserved words. */
export function sqlName(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
