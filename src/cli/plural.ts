/**
 * Counted nouns in messages for people: `1 row`, `48,211 rows`, `no branches`.
 *
 * @module
 */

/**
 * The plural of an English noun as Floe's messages use them (`row` → `rows`, `branch` →
 * `branches`).
 * @param noun the singular
 */
export function pluralOf(noun: string): string {
  return /(?:s|sh|ch|x|z)$/.test(noun) ? `${noun}es` : `${noun}s`;
}

/**
 * A count and its noun, singular for 1: `1 row`, `2 rows`, `48,211 rows`.
 * @param n the count
 * @param noun the singular noun
 */
export function counted(n: number, noun: string): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? noun : pluralOf(noun)}`;
}
