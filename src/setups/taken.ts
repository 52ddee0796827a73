/**
 * What one setup run may not take from another remembered setup: its temporary profile (the
 * keys in it would become this role's, and that setup's test-get and list would use them),
 * and, on a rerun, the Staging side it was made with (moving it would leave the old grant
 * where no teardown looks). Pure: decided from what xacct remembers, before any write.
 */
import { invalidInput } from "../errors.js";
import { DEFAULTS } from "../plan.js";
import { displayShellWord } from "../shell-words.js";
import { setupIdOf, type SetupState } from "../state.js";

/** The remembered role setup other than `id` whose temporary profile is `name`, if any. */
export function profileOwnerOther(remembered: readonly SetupState[], id: string, name: string): SetupState | undefined {
  return remembered.find((setup) => setupIdOf(setup) !== id && setup.mode !== "resource-policy" && setup.tempProfile === name);
}

/**
 * The temporary profile when --temp-profile is not given: the one of the setup this run
 * continues; else, on a terminal, the recipe's name or the first free one after it (TempCred2,
 * …) so a new setup never takes another's, nor a profile that is not xacct's (`foreign`: the
 * user's own keys or settings); unattended, the recipe's (refused later if taken).
 */
export function defaultTempProfile(
  remembered: readonly SetupState[],
  continued: SetupState | undefined,
  interactive: boolean,
  foreign: (name: string) => boolean = () => false,
): string {
  if (continued && continued.mode !== "resource-policy") return continued.tempProfile;
  if (!interactive) return DEFAULTS.profileName;
  const taken = new Set(remembered.filter((setup) => setup.mode !== "resource-policy").map((setup) => setup.tempProfile));
  for (let n = 1; ; n += 1) {
    const name = n === 1 ? DEFAULTS.profileName : `${DEFAULTS.profileName}${n}`;
    if (!taken.has(name) && !foreign(name)) return name;
  }
}

/** Exit 2, before any write, when the temporary profile is another remembered setup's. */
export function refuseTakenProfile(remembered: readonly SetupState[], id: string | undefined, name: string, flag: string): void {
  const owner = profileOwnerOther(remembered, id ?? "", name);
  if (!owner) return;
  throw invalidInput(
    `Profile ${name} is the temporary profile of setup ${setupIdOf(owner)}: writing ${id === undefined ? "another role's" : `setup ${id}'s`} keys there would break that setup.`,
    `Give a profile of its own: ${flag} NAME.`,
  );
}

/**
 * A rerun that moves a setup to another Production or Staging account, or another Staging
 * user, would leave the old side's grant where teardown no longer looks: tear down first.
 */
export function refuseMovedSetup(
  previous: SetupState | undefined,
  now: {
    id: string;
    productionAccountId: string;
    stagingAccountId: string;
    stagingUser: string;
    stagingRole?: string | undefined;
    ssoPermissionSets?: string[] | undefined;
  },
): void {
  if (!previous || setupIdOf(previous) !== now.id) return;
  // Permission sets hold nothing xacct wrote in Staging: moving to or from them is a move of the side.
  const sets = (s: readonly string[] | undefined) => (s?.length ? `permission set ${s.join(", ")}` : undefined);
  const before = sets(previous.trustSsoPermissionSets);
  const after = sets(now.ssoPermissionSets);
  const side = (s: { stagingUser: string; stagingRole?: string | undefined }, permissionSets: string | undefined) =>
    permissionSets !== undefined ? "permission sets" : s.stagingRole !== undefined ? `Staging role ${s.stagingRole}` : `Staging user ${s.stagingUser}`;
  const words = (s: { stagingUser: string; stagingRole?: string | undefined }, permissionSets: string | undefined) => permissionSets ?? side(s, undefined);
  const moved = [
    previous.productionAccountId !== now.productionAccountId && `Production account ${previous.productionAccountId} → ${now.productionAccountId}`,
    previous.stagingAccountId !== now.stagingAccountId && `Staging account ${previous.stagingAccountId} → ${now.stagingAccountId}`,
    side(previous, before) !== side(now, after) &&
      (previous.stagingRole === undefined && now.stagingRole === undefined && before === undefined && after === undefined
        ? `Staging user ${previous.stagingUser} → ${now.stagingUser}`
        : `${words(previous, before)} → ${words(now, after)}`),
  ].filter((change): change is string => typeof change === "string");
  if (moved.length === 0) return;
  throw invalidInput(
    `Setup ${now.id} was made for another side (${moved.join(", ")}); moving it would leave the old grant in place.`,
    `Run \`xacct teardown --setup ${displayShellWord(now.id)} --yes\` first, then setup again.`,
  );
}

/**
 * A rerun that leaves out a further Staging account the setup granted (by profile) would leave
 * its user and inline policy there, where teardown no longer looks: give it again, or tear down first.
 */
export function refuseDroppedStaging(
  previous: SetupState | undefined,
  now: { id: string; moreStaging: readonly { accountId: string; profile?: string | undefined }[] },
): void {
  if (!previous || setupIdOf(previous) !== now.id) return;
  const kept = new Set(now.moreStaging.filter((a) => a.profile !== undefined).map((a) => a.accountId));
  const dropped = (previous.moreStaging ?? []).filter((a) => a.profile !== undefined && !kept.has(a.accountId));
  if (dropped.length === 0) return;
  const named = dropped.map((a) => `${a.accountId} (profile ${a.profile})`).join(", ");
  throw invalidInput(
    `Setup ${now.id} granted further Staging account${dropped.length === 1 ? "" : "s"} ${named}, which this run leaves out; dropping ${dropped.length === 1 ? "it" : "them"} would leave the grant there in place.`,
    `Give ${dropped.map((a) => `--staging-profile ${displayShellWord(a.profile!)}`).join(" ")} again, or run \`xacct teardown --setup ${displayShellWord(now.id)} --yes\` first, then setup again.`,
  );
}
