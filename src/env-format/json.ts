/** One JSON object, name to value, for programs. It cannot remove variables; it lists what to set. Pure. */
import { checkEnvName, checkEnvValue, type EnvChanges } from "./value.js";

export function renderJson(changes: EnvChanges): string {
  const object = Object.fromEntries(changes.set.map(([name, value]) => [checkEnvName(name, "JSON"), checkEnvValue(name, value, "JSON")]));
  return `${JSON.stringify(object, null, 2)}\n`;
}
