/**
 * A resource-policy setup grants the Staging account through the bucket policy and makes no
 * role: the role commands (assume, credentials, console) say so instead of acting on a role
 * that was never created, and name what reads the bucket instead.
 */
import { invalidInput } from "../errors.js";
import { displayShellWord } from "../shell-words.js";
import { setupIdOf, type SetupState } from "../state-read.js";

export function refuseWithoutRole(command: string, setup: SetupState | undefined): void {
  if (setup?.mode !== "resource-policy") return;
  const id = setupIdOf(setup);
  throw invalidInput(
    `Setup ${id} is in resource-policy mode: it has no role, so there is nothing for xacct ${command} to use.`,
    `The Staging profile ${setup.stagingProfile} reads the bucket itself: xacct test-get KEY --setup ${displayShellWord(id)}, or aws s3 cp s3://${setup.bucket}/KEY . --profile ${displayShellWord(setup.stagingProfile)}.`,
  );
}

/** The profile that reads the setup's bucket: the temporary one of a role setup, the Staging one otherwise. */
export function readingProfileOf(setup: SetupState): string {
  return setup.mode === "resource-policy" ? setup.stagingProfile : setup.tempProfile;
}
