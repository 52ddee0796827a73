/**
 * A state file that is valid JSON but not xacct's shape (null, an array, a number, a setup
 * missing fields) is named for what it is, with the fix, instead of "not valid JSON".
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { XacctError } from "../../src/errors.js";
import { loadSetups } from "../../src/state.js";

const loadState = async (path: string) => (await loadSetups(path))[0];

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "xacct-state-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function errorFor(text: string): Promise<XacctError> {
  const path = join(dir, "state.json");
  await writeFile(path, text);
  const error = await loadState(path).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(XacctError);
  return error as XacctError;
}

const complete = {
  productionProfile: "prod",
  stagingProfile: "staging",
  region: "us-east-1",
  bucket: "state-bucket",
  roleName: "R",
  policyName: "P",
  roleArn: "arn:aws:iam::111111111111:role/R",
  policyArn: "arn:aws:iam::111111111111:policy/P",
  stagingUser: "u",
  tempProfile: "TempCred",
  productionAccountId: "111111111111",
  stagingAccountId: "222222222222",
  updatedAt: "2026-01-01T00:00:00.000Z",
};

describe("a state file of the wrong shape", () => {
  it.each([
    ["null", "null"],
    ["an array", "[]"],
    ["a number", "42"],
    ["a string", '"setup"'],
  ])("holding %s is named as such, not as invalid JSON", async (what, text) => {
    const error = await errorFor(text);
    expect(error.message).not.toContain("not valid JSON");
    expect(error.message).toContain(`holds ${what}`);
    expect(error.hint).toMatch(/Delete it .*xacct setup/);
  });

  it("with a setup that is not an object says so", async () => {
    const error = await errorFor(JSON.stringify({ version: 1, setup: null }));
    expect(error.message).toContain("setup is null");
  });

  it("with a setup missing fields names them", async () => {
    const { bucket: _bucket, roleArn: _roleArn, ...partial } = complete;
    const error = await errorFor(JSON.stringify({ version: 1, setup: { ...partial, region: 5 } }));
    expect(error.message).toContain("lacks region, bucket, roleArn");
    expect(error.hint).toMatch(/Delete it .*xacct setup/);
  });

  it("reads a complete setup, and no setup at all as none", async () => {
    const path = join(dir, "good.json");
    await writeFile(path, JSON.stringify({ version: 1, setup: complete }));
    await expect(loadState(path)).resolves.toMatchObject({ bucket: "state-bucket" });
    await writeFile(path, JSON.stringify({ version: 1 }));
    await expect(loadState(path)).resolves.toBeUndefined();
  });

  it("still calls text that is not JSON invalid JSON", async () => {
    expect((await errorFor("{")).message).toContain("not valid JSON");
  });
});
