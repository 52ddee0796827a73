/** The text `xacct env` prints, one format per shell or reader. Pure. */
import { renderDotenv } from "./dotenv.js";
import { renderFish } from "./fish.js";
import { renderJson } from "./json.js";
import { renderPowershell } from "./powershell.js";
import { renderSh } from "./sh.js";
import type { EnvChanges } from "./value.js";

export const ENV_FORMATS = ["sh", "fish", "powershell", "dotenv", "json"] as const;
export type EnvFormat = (typeof ENV_FORMATS)[number];

const RENDERERS: Record<EnvFormat, (changes: EnvChanges) => string> = {
  sh: renderSh,
  fish: renderFish,
  powershell: renderPowershell,
  dotenv: renderDotenv,
  json: renderJson,
};

export function renderEnv(format: EnvFormat, changes: EnvChanges): string {
  return RENDERERS[format](changes);
}

export type { EnvChanges } from "./value.js";
