/**
 * Orders strings by their UTF-16 code units, as Array.prototype.sort does with no comparator: a
 * total order (two different strings never compare equal, so a sort's result does not depend on
 * the order it was given), and no ICU collator: localeCompare's first call in a process starts
 * one, ~8 ms of a run.
 */
export function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
