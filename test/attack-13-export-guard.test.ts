/**
 * imports.tf.json adopts this setup's resources: its import ids are the exported values, and a
 * guard (an output's precondition) makes `terraform plan` fail when a variable the configuration
 * depends on differs from the exported one, so `-var bucket=…` cannot adopt and rewrite another
 * setup's resources.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { setupArgs, useSandbox } from "./support/sandbox.js";

const sandbox = useSandbox();
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const readJson = async (path: string): Promise<Json> => JSON.parse(await readFile(path, "utf8")) as Json;
const BUCKET = "guard-bucket";
const PLUGINS = "/opt/tf-plugins";
const hasTerraform = () => existsSync("/usr/local/bin/terraform") && existsSync(PLUGINS);
const dir = () => join(sandbox.dir, "tf");

const terraform = (args: string[]) =>
  new Promise<{ code: number; output: string }>((done) => {
    execFile(
      "/usr/local/bin/terraform",
      [`-chdir=${dir()}`, ...args, "-no-color"],
      { env: { ...process.env, TF_CLI_CONFIG_FILE: "/dev/null", CHECKPOINT_DISABLE: "1" }, timeout: 120_000 },
      (error, stdout, stderr) => done({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, output: `${stdout}${stderr}` }),
    );
  });

describe("export --format terraform: imports bound to the exported setup", () => {
  it("import ids are the exported values, not variables", async () => {
    expect((await sandbox.run(setupArgs(BUCKET))).code).toBe(0);
    const result = await sandbox.run([
      "export",
      "--production-profile",
      "prod",
      "--staging-profile",
      "staging",
      "--bucket",
      BUCKET,
      "--region",
      "us-east-1",
      "--format",
      "terraform",
      "--out-dir",
      dir(),
    ]);
    expect(result.code, result.stderr).toBe(0);
    const imports = await readJson(join(dir(), "imports.tf.json"));
    const ids = (imports["import"] as { id: string }[]).map((b) => b.id);
    expect(ids).toContain(BUCKET);
    expect(ids).toContain("StageRole");
    for (const id of ids) expect(id).not.toContain("${");
    expect(result.stdout).toContain(`imports.tf.json adopts setup ${BUCKET}/StageRole's resources`);
  });

  it("a guard in imports.tf.json checks every variable the configuration names them by", async () => {
    const imports = await readJson(join(dir(), "imports.tf.json"));
    const guard = Object.values(imports["output"] as Json)[0] as Json;
    const condition = (guard["precondition"] as { condition: string; error_message: string }[]).map((p) => p.condition).join(" ");
    for (const variable of ["bucket", "role_name", "policy_name", "staging_user", "production_account_id", "staging_account_id"]) {
      expect(condition).toContain(`var.${variable} ==`);
    }
    expect((guard["precondition"] as { error_message: string }[])[0]!.error_message).toContain(`imports.tf.json adopts setup ${BUCKET}/StageRole's resources`);
  });

  it.skipIf(!hasTerraform())(
    "terraform plan fails with another bucket or role name, and imports with the exported values",
    async () => {
      const endpoint = sandbox.moto.endpoint;
      const provider = (alias: string) => ({
        alias,
        skip_credentials_validation: true,
        skip_metadata_api_check: true,
        skip_requesting_account_id: false,
        s3_use_path_style: true,
        endpoints: [{ iam: endpoint, s3: endpoint, sts: endpoint }],
      });
      await writeFile(join(dir(), "override.tf.json"), JSON.stringify({ provider: { aws: [provider("production"), provider("staging")] } }));
      const init = await terraform(["init", "-input=false", "-backend=false", `-plugin-dir=${PLUGINS}`]);
      expect(init.code, init.output).toBe(0);
      const validate = await terraform(["validate"]);
      expect(validate.code, validate.output).toBe(0);
      const other = await terraform(["plan", "-input=false", "-var", "bucket=other-bucket", "-var", "role_name=OtherRole"]);
      expect(other.code, other.output).not.toBe(0);
      expect(other.output).toContain(`imports.tf.json adopts setup ${BUCKET}/StageRole's resources`);
      // Terraform shows what it would have done, then stops: nothing can be applied from this plan.
      expect(other.output).toContain("Module output value precondition failed");
      const same = await terraform(["plan", "-input=false"]);
      expect(same.output).toMatch(/Plan: 5 to import, 0 to add, 0 to change, 0 to destroy/);
    },
    240_000,
  );
});
