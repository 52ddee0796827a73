/**
 * The state file is read only when its shape is exactly xacct's (version 1 with its one setup,
 * or version 2 with its setups): anything else is refused as damaged and never rewritten. A
 * remembered role or policy ARN must be the named one in the Production account. A state
 * file that is a symbolic link stays one: writes go to its target.
 */
import { chmod, lstat, mkdtemp, readFile, readlink, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { XacctError } from "../src/errors.js";
import { loadSetups, saveSetup, setupIdOf, type SetupState } from "../src/state.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "xacct-a13-state-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function setup(bucket: string, roleName = "StageRole"): SetupState {
  return {
    productionProfile: "prod",
    stagingProfile: "staging",
    region: "us-east-1",
    bucket,
    roleName,
    policyName: `${roleName}ReadObjects`,
    roleArn: `arn:aws:iam::111111111111:role/${roleName}`,
    policyArn: `arn:aws:iam::111111111111:policy/${roleName}ReadObjects`,
    stagingUser: "StageAdmin",
    tempProfile: "TempCred",
    productionAccountId: "111111111111",
    stagingAccountId: "222222222222",
    updatedAt: "2026-01-01T00:00:00.000Z",
  };
}

async function refusal(path: string): Promise<XacctError> {
  const error = await loadSetups(path).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(XacctError);
  expect((error as XacctError).exitCode).toBe(2);
  return error as XacctError;
}

describe("a state file whose shape is not xacct's", () => {
  const shapes: [string, unknown, RegExp][] = [
    ["setups without a version", { setups: { "bkt-1/StageRole": setup("bkt-1") } }, /has setups but no version 2/],
    ["version 1 with setups", { version: 1, setups: { "bkt-1/StageRole": setup("bkt-1") } }, /has setups but no version 2/],
    ["version 2 with a single setup", { version: 2, setup: setup("bkt-1") }, /version 2 .*setup/],
    ["an unknown key beside the setups", { version: 2, setups: { "bkt-1/StageRole": setup("bkt-1") }, extra: 1 }, /extra/],
  ];
  for (const [name, body, problem] of shapes) {
    it(`${name}: refused as damaged (exit 2), and a later write leaves it as it was`, async () => {
      const path = join(dir, `${name.replace(/\W+/g, "-")}.json`);
      const text = JSON.stringify(body);
      await writeFile(path, text, { mode: 0o600 });
      const error = await refusal(path);
      expect(error.message).toMatch(problem);
      expect(error.message).toContain(path);
      await expect(saveSetup(setup("new-bucket", "NewRole"), path)).rejects.toThrow(XacctError);
      expect(await readFile(path, "utf8")).toBe(text);
    });
  }

  it("a version 1 file holding no setup (nothing to lose) is read as none", async () => {
    for (const body of [{ version: 1 }, {}]) {
      const path = join(dir, "v1-none.json");
      await writeFile(path, JSON.stringify(body), { mode: 0o600 });
      expect(await loadSetups(path)).toEqual([]);
    }
  });

  it("a version 1 file with its setup (with or without version) is still read", async () => {
    for (const body of [{ version: 1, setup: setup("v1-bucket") }, { setup: setup("v1-bucket") }]) {
      const path = join(dir, "v1-ok.json");
      await writeFile(path, JSON.stringify(body), { mode: 0o600 });
      expect((await loadSetups(path)).map(setupIdOf)).toEqual(["v1-bucket/StageRole"]);
    }
  });
});

describe("remembered ARNs must be the setup's own", () => {
  const cases: [string, Partial<SetupState>][] = [
    ["a role of another account", { roleArn: "arn:aws:iam::999999999999:role/StageRole" }],
    ["another role's name", { roleArn: "arn:aws:iam::111111111111:role/OtherRole" }],
    ["a policy of another account", { policyArn: "arn:aws:iam::999999999999:policy/StageRoleReadObjects" }],
    ["a policy of another name", { policyArn: "arn:aws:iam::111111111111:policy/Other" }],
  ];
  for (const [name, change] of cases) {
    it(`${name} is refused (exit 2)`, async () => {
      const path = join(dir, `arn-${name.replace(/\W+/g, "-")}.json`);
      await writeFile(path, JSON.stringify({ version: 2, setups: { "bkt-1/StageRole": { ...setup("bkt-1"), ...change } } }), { mode: 0o600 });
      const error = await refusal(path);
      expect(error.message).toMatch(/roleArn|policyArn/);
    });
  }

  it("a role with a path is accepted", async () => {
    const path = join(dir, "arn-path.json");
    await writeFile(
      path,
      JSON.stringify({ version: 2, setups: { "bkt-1/StageRole": { ...setup("bkt-1"), roleArn: "arn:aws:iam::111111111111:role/team/StageRole" } } }),
      { mode: 0o600 },
    );
    expect(await loadSetups(path)).toHaveLength(1);
  });
});

describe("a state file that is a symbolic link", () => {
  it("stays a link: the write goes to its target", async () => {
    const target = join(dir, "real-state.json");
    const link = join(dir, "linked-state.json");
    await writeFile(target, JSON.stringify({ version: 2, setups: { "bkt-1/StageRole": setup("bkt-1") } }), { mode: 0o600 });
    await chmod(target, 0o600);
    await symlink(target, link);
    await saveSetup(setup("bkt-2"), link);
    expect((await lstat(link)).isSymbolicLink()).toBe(true);
    expect(await readlink(link)).toBe(target);
    expect(Object.keys(JSON.parse(await readFile(target, "utf8")).setups)).toEqual(["bkt-1/StageRole", "bkt-2/StageRole"]);
  });
});
