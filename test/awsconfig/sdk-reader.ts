/**
 * Reads INI text with the AWS SDK's own loader, so tests check what the SDK will see rather
 * than what our editor thinks. The SDK's file interceptor hands it the text without a disk.
 */
import { externalDataInterceptor, loadSharedConfigFiles } from "@smithy/shared-ini-file-loader";
import { expect } from "vitest";
import type { AwsFile } from "../../src/awsconfig/ini.js";

export type SdkProfiles = Record<string, Record<string, string | undefined>>;

let nextFileId = 0;

export async function readWithSdk(text: string, file: AwsFile): Promise<SdkProfiles> {
  const filePath = `/xacct-test-intercepted/${file}-${nextFileId}`;
  const emptyPath = `/xacct-test-intercepted/empty-${nextFileId}`;
  nextFileId += 1;
  externalDataInterceptor.interceptFile(filePath, text);
  externalDataInterceptor.interceptFile(emptyPath, "");
  const loaded = await loadSharedConfigFiles(
    file === "config" ? { configFilepath: filePath, filepath: emptyPath } : { filepath: filePath, configFilepath: emptyPath },
  );
  return file === "config" ? loaded.configFile : loaded.credentialsFile;
}

/**
 * The SDK reads the target with the new values and without the removed keys, its other keys
 * and every other profile as before. Settings nested under an owned key (`key.sub`) are not
 * compared: they may come from an earlier duplicate section, which we leave alone.
 */
export async function expectSdkToSeeEdit(
  before: string,
  after: string,
  target: { file: AwsFile; profile: string },
  values: Readonly<Record<string, string>>,
  removeKeys: readonly string[] = [],
): Promise<void> {
  const { [target.profile]: targetBefore = {}, ...othersBefore } = await readWithSdk(before, target.file);
  const { [target.profile]: targetAfter = {}, ...othersAfter } = await readWithSdk(after, target.file);
  expect(othersAfter).toEqual(othersBefore);

  const owned = [...Object.keys(values), ...removeKeys];
  const unowned = (section: Record<string, string | undefined>) =>
    Object.fromEntries(Object.entries(section).filter(([key]) => !owned.some((o) => key === o || key.startsWith(`${o}.`))));
  expect(unowned(targetAfter)).toEqual(unowned(targetBefore));
  for (const [key, value] of Object.entries(values)) expect(targetAfter[key]).toBe(value);
  for (const key of removeKeys.filter((key) => !(key in values))) expect(targetAfter).not.toHaveProperty(key);
}
