import { describe, expect, it } from "vitest";
import { configFilePath, credentialsFilePath } from "../../src/awsconfig/paths.js";

const HOME = "/home/ada";

describe("shared file paths", () => {
  it.each([
    { env: {}, config: "/home/ada/.aws/config", credentials: "/home/ada/.aws/credentials" },
    { env: { AWS_CONFIG_FILE: "", AWS_SHARED_CREDENTIALS_FILE: "" }, config: "/home/ada/.aws/config", credentials: "/home/ada/.aws/credentials" },
    { env: { AWS_CONFIG_FILE: "/etc/aws/cfg", AWS_SHARED_CREDENTIALS_FILE: "/etc/aws/creds" }, config: "/etc/aws/cfg", credentials: "/etc/aws/creds" },
    { env: { AWS_CONFIG_FILE: "~/work/aws-config", AWS_SHARED_CREDENTIALS_FILE: "~" }, config: "/home/ada/work/aws-config", credentials: HOME },
    { env: { AWS_CONFIG_FILE: "~bob/config", AWS_SHARED_CREDENTIALS_FILE: "rel/creds" }, config: "~bob/config", credentials: "rel/creds" },
  ])("resolves $env", ({ env, config, credentials }) => {
    expect(configFilePath(env, HOME)).toBe(config);
    expect(credentialsFilePath(env, HOME)).toBe(credentials);
  });
});
