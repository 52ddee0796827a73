/**
 * The one rule for a profile name xacct writes, in either file: the characters the JS SDK's
 * parseIni accepts in a `[profile NAME]` header (any other name it silently skips), 1 to 128
 * of them. Input checks and the INI editor both use it, so a name is refused before the first
 * AWS call, not after.
 */
import { invalidInput } from "../errors.js";

const WRITABLE_PROFILE_NAME = /^[\w\-@+.%:/]{1,128}$/;

export function isWritableProfileName(name: string): boolean {
  // __proto__ would become the prototype of the SDK's profile map, not a profile.
  return WRITABLE_PROFILE_NAME.test(name) && name !== "__proto__";
}

export function checkWritableProfileName(name: string): string {
  if (!isWritableProfileName(name)) {
    throw invalidInput(
      `${JSON.stringify(name)} cannot be written as a profile name: it must be 1 to 128 letters, digits or - _ . @ + % : / (what the AWS SDKs read in a [profile …] header).`,
      "Use a name such as TempCred.",
    );
  }
  return name;
}
