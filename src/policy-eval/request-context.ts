/** Looking up condition keys in a request's context, and whether the requester chooses a key. */
import type { ContextValue, OpenContext } from "./types.js";

export interface ContextSource {
  context: Record<string, ContextValue>;
  open?: OpenContext | undefined;
}

/** Context keys are case-insensitive; booleans and numbers compare as their JSON text. */
export function lookUp(context: Record<string, ContextValue>, key: string): string | string[] | undefined {
  const wanted = key.toLowerCase();
  const found = Object.keys(context).find((name) => name.toLowerCase() === wanted);
  if (found === undefined) return undefined;
  const value = context[found]!;
  return Array.isArray(value) ? value : String(value);
}

/** A key the requester sets as it likes: open request, not a known fact, not known to be absent. */
export function isOpenKey(request: ContextSource, key: string): boolean {
  const open = request.open;
  if (open === undefined || lookUp(request.context, key) !== undefined) return false;
  return !open.absent.some((k) => k.toLowerCase() === key.toLowerCase());
}
