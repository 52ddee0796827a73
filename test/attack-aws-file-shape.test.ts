/** Keys go only into files that are AWS config or credentials files, not a script or s3cmd's config. */
import { describe, expect, it } from "vitest";
import { looksLikeAwsFile } from "../src/awsconfig/ini.js";

describe("is this an AWS file", () => {
  it.each([
    ["a shell script of comments", "#!/bin/sh\n# deploy helper\n", "credentials", false],
    ["s3cmd's config", "[default]\naccess_key = AKIA\nsecret_key = s\nhost_base = s3.amazonaws.com\n", "credentials", false],
    ["a gitconfig", "[core]\n\teditor = vim\n[user]\n\tname = me\n", "config", false],
    ["empty", "", "config", true],
    ["comments only", "# my AWS profiles\n", "config", true],
    ["an empty [default]", "[default]\n", "credentials", true],
    ["a profile", "[profile dev]\nregion = eu-west-1\n", "config", true],
    ["credentials keys", "[dev]\naws_access_key_id = AKIA\naws_secret_access_key = s\n", "credentials", true],
    ["the CLI's plugins section", "[plugins]\nendpoint = awscli_plugin_endpoint\n", "config", true],
  ] as const)("%s", (_name, text, file, expected) => {
    expect(looksLikeAwsFile(text, file)).toBe(expected);
  });
});
