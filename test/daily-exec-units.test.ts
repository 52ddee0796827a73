/** The pure parts of exec and env, as tables: where the command starts, which variables change, which signals go on. */
import { describe, expect, it } from "vitest";
import { splitCommand, type OptionArity } from "../src/exec/command-start.js";
import { parseProcStat } from "../src/exec/foreground.js";
import { shouldForward } from "../src/exec/run-child.js";
import { childEnvironment, COMPETING_VARIABLES, sessionEnvChanges } from "../src/session-env.js";

const globals: OptionArity = (flag) => ({ "--endpoint-url": "value", "--debug": "flag", "--json": "flag", "--no-color": "flag" })[flag] as never;
const execOptions: OptionArity = (flag) => ({ "--setup": "value", "--region": "value", "--allow-nested": "flag" })[flag] as never;

describe("where the command of xacct exec starts", () => {
  const cases: { name: string; given: string[]; expected: { xacct: string[]; command: string[] | undefined } }[] = [
    { name: "after --", given: ["exec", "--", "aws", "--debug"], expected: { xacct: ["exec"], command: ["aws", "--debug"] } },
    { name: "at the first word", given: ["exec", "aws", "s3", "ls", "--debug"], expected: { xacct: ["exec"], command: ["aws", "s3", "ls", "--debug"] } },
    {
      name: "after xacct's options and their values",
      given: ["--endpoint-url", "http://x", "exec", "--setup", "b/R", "--allow-nested", "--region=eu-west-1", "env"],
      expected: { xacct: ["--endpoint-url", "http://x", "exec", "--setup", "b/R", "--allow-nested", "--region=eu-west-1"], command: ["env"] },
    },
    { name: "a -- inside the command is the command's", given: ["exec", "sh", "--", "-c"], expected: { xacct: ["exec"], command: ["sh", "--", "-c"] } },
    { name: "no command", given: ["exec", "--debug"], expected: { xacct: ["exec", "--debug"], command: [] } },
    { name: "another subcommand: untouched", given: ["assume", "--json", "x"], expected: { xacct: ["assume", "--json", "x"], command: undefined } },
    {
      name: "exec as a value, not the subcommand",
      given: ["--endpoint-url", "exec", "list"],
      expected: { xacct: ["--endpoint-url", "exec", "list"], command: undefined },
    },
  ];
  for (const { name, given, expected } of cases) {
    it(name, () => expect(splitCommand(given, "exec", globals, execOptions)).toEqual(expected));
  }
});

describe("the variables a session sets and removes", () => {
  const session = {
    region: "eu-west-1",
    creds: {
      accessKeyId: "ASIAEXAMPLE",
      secretAccessKey: "secret",
      sessionToken: "token",
      expiration: new Date("2026-12-03T20:00:00Z"),
      assumedRoleArn: "arn:aws:sts::111111111111:assumed-role/StageRole/xacct-staging",
    },
  };

  it("keys, token, expiry (ISO 8601), both region variables and the role's account", () => {
    expect(Object.fromEntries(sessionEnvChanges(session, { env: {} }).set)).toEqual({
      AWS_ACCESS_KEY_ID: "ASIAEXAMPLE",
      AWS_SECRET_ACCESS_KEY: "secret",
      AWS_SESSION_TOKEN: "token",
      AWS_CREDENTIAL_EXPIRATION: "2026-12-03T20:00:00.000Z",
      AWS_REGION: "eu-west-1",
      AWS_DEFAULT_REGION: "eu-west-1",
      AWS_ACCOUNT_ID: "111111111111",
    });
  });

  it("removes the profile and every other credential source; keeps the config files", () => {
    const { unset } = sessionEnvChanges(session, { env: {} });
    expect(unset).toEqual(
      expect.arrayContaining(["AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SECURITY_TOKEN", "AWS_SECRET_KEY", "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE"]),
    );
    expect(unset).toEqual(
      expect.arrayContaining(["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"]),
    );
    expect(unset).not.toContain("AWS_CONFIG_FILE");
    expect(unset).not.toContain("AWS_SHARED_CREDENTIALS_FILE");
    expect(unset).not.toContain("AWS_ENDPOINT_URL");
  });

  it("--endpoint-url: AWS_ENDPOINT_URL set, the per-service ones and the switch that ignores it removed", () => {
    const changes = sessionEnvChanges(session, { endpoint: "http://127.0.0.1:5000", env: { AWS_ENDPOINT_URL_STS: "x", AWS_ENDPOINT_URL_S3: "y" } });
    expect(Object.fromEntries(changes.set)["AWS_ENDPOINT_URL"]).toBe("http://127.0.0.1:5000");
    expect(changes.unset).toEqual(expect.arrayContaining(["AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL_STS", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"]));
  });

  it("the command's environment: the rest kept, the competing ones gone, the marker set", () => {
    const env = childEnvironment({ PATH: "/bin", AWS_PROFILE: "p", AWS_CONFIG_FILE: "/c" }, sessionEnvChanges(session, { env: {} }), "arn:role");
    expect(env["PATH"]).toBe("/bin");
    expect(env["AWS_CONFIG_FILE"]).toBe("/c");
    expect("AWS_PROFILE" in env).toBe(false);
    expect(env["XACCT_EXEC"]).toBe("arn:role");
    for (const name of COMPETING_VARIABLES) expect(name in env).toBe(false);
  });
});

describe("which signals xacct passes to the command", () => {
  const cases: [NodeJS.Signals, boolean | undefined, boolean][] = [
    ["SIGINT", true, false], // the terminal sent it to the command too
    ["SIGQUIT", true, false],
    ["SIGINT", false, true], // kill -INT to xacct alone
    ["SIGINT", undefined, true], // cannot tell: pass it on
    ["SIGTERM", true, true],
    ["SIGHUP", true, true],
  ];
  for (const [signal, foreground, expected] of cases) {
    it(`${signal}, foreground ${foreground}: ${expected ? "forwarded" : "not forwarded"}`, () => expect(shouldForward(signal, foreground)).toBe(expected));
  }

  it("reads the process group and the terminal's foreground group from /proc/self/stat, whatever the command's name", () => {
    expect(parseProcStat("31957 (cat) R 31952 31952 10856 0 -1 4194304")).toEqual({ pgrp: 31952, tpgid: -1 });
    expect(parseProcStat("42 (a) b (c)) S 1 42 42 34816 42 0")).toEqual({ pgrp: 42, tpgid: 42 });
  });
});
