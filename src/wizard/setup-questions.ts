/**
 * The setup wizard's questions. Each takes the flag's value when given and otherwise asks
 * through the Prompter; it never calls AWS. The command in between discovers the accounts.
 */
import { DEFAULTS, defaultPolicyName } from "../plan.js";
import {
  checkBucketName,
  checkPolicyName,
  checkProfileName,
  checkRegion,
  checkRoleName,
  checkUserName,
} from "../validate/index.js";
import { asPromptValidator, type Prompter } from "./prompter.js";

const TYPE_ANOTHER = "\u0000type-another";

export async function askProfile(
  prompter: Prompter,
  role: "Production" | "Staging",
  given: string | undefined,
  known: string[],
): Promise<string> {
  if (given !== undefined) return checkProfileName(given);
  const flag = role === "Production" ? "--production-profile" : "--staging-profile";
  const message = `Which profile holds ${role} admin credentials?`;
  if (known.length > 0) {
    const picked = await prompter.select({
      message,
      flag,
      choices: [...known.map((name) => ({ name, value: name })), { name: "Type another name…", value: TYPE_ANOTHER }],
    });
    if (picked !== TYPE_ANOTHER) return picked;
  }
  return (await prompter.input({ message: `${role} profile name:`, flag, validate: asPromptValidator(checkProfileName) })).trim();
}

export async function askRegion(prompter: Prompter, given: string | undefined, fallback: string, interactive: boolean): Promise<string> {
  if (given !== undefined) return checkRegion(given);
  if (!interactive) return checkRegion(fallback);
  const answer = await prompter.input({
    message: "Region for the bucket:",
    flag: "--region",
    default: fallback,
    validate: asPromptValidator(checkRegion),
  });
  return answer.trim();
}

export async function askBucket(prompter: Prompter, given: string | undefined, message = "Name of the Production bucket to share:"): Promise<string> {
  if (given !== undefined) return checkBucketName(given);
  return (await prompter.input({ message, flag: "--bucket", validate: asPromptValidator(checkBucketName) })).trim();
}

export interface NameAnswers {
  roleName: string;
  policyName: string;
  stagingUser: string;
}

/** Names with sensible defaults: asked only in a terminal, defaults used when unattended. */
export async function askNames(
  prompter: Prompter,
  given: { roleName?: string | undefined; policyName?: string | undefined; stagingUser?: string | undefined },
  interactive: boolean,
): Promise<NameAnswers> {
  const ask = async (value: string | undefined, fallback: string, message: string, flag: string, check: (v: string) => string) => {
    if (value !== undefined) return check(value);
    if (!interactive) return fallback;
    return (await prompter.input({ message, flag, default: fallback, validate: asPromptValidator(check) })).trim();
  };
  const roleName = await ask(given.roleName, DEFAULTS.roleName, "Name of the role in Production:", "--role-name", checkRoleName);
  const policyName = await ask(given.policyName, defaultPolicyName(roleName), "Name of the role's read-only policy:", "--policy-name", checkPolicyName);
  const stagingUser = await ask(given.stagingUser, DEFAULTS.stagingUser, "Staging user who will assume the role:", "--staging-user", checkUserName);
  return { roleName, policyName, stagingUser };
}
