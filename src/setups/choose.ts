/**
 * Which remembered setup a command means, decided from what it was given: pure, so the rules
 * are one table test. `--setup NAME` names one by its id (`bucket/role`) or by a bucket that
 * only one setup has; else flags that describe a setup (bucket, role) pick the one that
 * matches them; else the only setup; else the command must ask.
 */
import { invalidInput } from "../errors.js";
import { setupIdOf, type SetupState } from "../state-read.js";

export interface SetupRequest {
  /** The command, for messages: "assume", "teardown"… */
  command: string;
  /** --setup: a setup's id, or a bucket naming exactly one setup. */
  setup?: string | undefined;
  /** Flags that describe a setup: a remembered one matching every one given is the one meant. */
  bucket?: string | undefined;
  roleName?: string | undefined;
  roleArn?: string | undefined;
  /** assume, credentials, console: only a setup with a role can be meant. */
  needsRole?: boolean;
  /** teardown --yes: a setup picked from a list would be removed unasked, so none is offered. */
  noPicking?: string | undefined;
}

export type SetupChoice =
  | { kind: "found"; setup: SetupState }
  /** No remembered setup is meant: the command works from its flags alone. */
  | { kind: "none" }
  /** Several could be meant: a terminal asks, an unattended run names --setup. */
  | { kind: "ask"; choices: SetupState[] };

export function chooseSetup(setups: readonly SetupState[], request: SetupRequest): SetupChoice {
  if (request.setup !== undefined) {
    const setup = named(setups, request.setup, request.command);
    refuseDisagreement(setup, request);
    return { kind: "found", setup };
  }
  const described = request.bucket !== undefined || request.roleName !== undefined || request.roleArn !== undefined;
  const matching = described ? setups.filter((setup) => matches(setup, request)) : setups;
  // A role command offers only setups with a role; with none, the one there says it has none (no-role.ts).
  const withRole = request.needsRole ? matching.filter((setup) => setup.mode !== "resource-policy") : matching;
  const candidates = withRole.length > 0 ? withRole : matching;
  if (candidates.length === 0) return { kind: "none" };
  if (candidates.length === 1) return { kind: "found", setup: candidates[0]! };
  return { kind: "ask", choices: [...candidates] };
}

function matches(setup: SetupState, request: SetupRequest): boolean {
  return (
    (request.bucket === undefined || setup.bucket === request.bucket) &&
    (request.roleName === undefined || setup.roleName === request.roleName) &&
    // A resource-policy setup records a role name but has no role: no role ARN names it.
    (request.roleArn === undefined || (setup.mode !== "resource-policy" && setup.roleArn === request.roleArn))
  );
}

/**
 * --setup and a flag that names another bucket, role or role ARN would make the command act
 * on a mix of two setups (one's profiles, the other's resources): refused, naming both.
 */
function refuseDisagreement(setup: SetupState, request: SetupRequest): void {
  const id = setupIdOf(setup);
  const disagreeing = [
    request.bucket !== undefined && setup.bucket !== request.bucket && `--bucket ${request.bucket}`,
    request.roleName !== undefined && setup.roleName !== request.roleName && `--role-name ${request.roleName}`,
    // A resource-policy setup has no role: the role commands say so themselves (no-role.ts).
    request.roleArn !== undefined && setup.mode !== "resource-policy" && setup.roleArn !== request.roleArn && `--role-arn ${request.roleArn}`,
  ].filter((flag): flag is string => typeof flag === "string");
  if (disagreeing.length === 0) return;
  throw invalidInput(
    `--setup ${request.setup} (setup ${id}) and ${disagreeing.join(" and ")} disagree: xacct ${request.command} would act on parts of two setups.`,
    `Give --setup alone, or leave it out and give the flags of the setup you mean.`,
  );
}

/** The setup --setup names; a name that fits none, or several, is bad input. */
function named(setups: readonly SetupState[], name: string, command: string): SetupState {
  const byId = setups.find((setup) => setupIdOf(setup) === name);
  if (byId) return byId;
  const byBucket = setups.filter((setup) => setup.bucket === name);
  if (byBucket.length === 1) return byBucket[0]!;
  if (byBucket.length > 1) {
    throw invalidInput(
      `--setup ${name} names ${byBucket.length} setups of that bucket: ${setupNames(byBucket)}.`,
      `Give the whole name, e.g. --setup ${setupIdOf(byBucket[0]!)}.`,
    );
  }
  if (setups.length === 0)
    throw invalidInput(`xacct ${command} --setup ${name}: xacct remembers no setup.`, "Run `xacct setup` first, or give the flags setup took.");
  throw invalidInput(`xacct remembers no setup named ${name}.`, `Give one of ${setupNames(setups)} (see \`xacct list\`).`);
}

export function setupNames(setups: readonly SetupState[]): string {
  return setups.map(setupIdOf).join(", ");
}
