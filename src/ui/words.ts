/** Words that agree with a count: "1 account", "3 accounts". Pure. */

/** `count` and the noun in the number it needs; `plural` for nouns that do not just add "s". */
export function counted(count: number, singular: string, plural = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : plural}`;
}

/** The word of a pair that agrees with `count` things: is/are, has/have. */
export function agreeing(count: number, singular: string, plural: string): string {
  return count === 1 ? singular : plural;
}
