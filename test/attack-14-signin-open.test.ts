/**
 * `xacct console --signin --open` and the sign-in link's reach: the opener's exit status
 * decides whether the console was opened (and the next $BROWSER entry is tried when it fails),
 * and the link never sits in a process's argv (a 0600 page in xacct's cache holds it, swept
 * once dead).
 */
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signinPageHtml } from "../src/console/signin-page.js";
import { cacheDirectory } from "../src/credentials-cache.js";
import { setupArgs, useSandbox } from "./support/sandbox.js";

const sandbox = useSandbox();
const BUCKET = "attack-open-bucket";
const TOKEN = "tok+en/with=chars&more";

let server: Server;
let endpoint = "";
let scratch = "";

beforeAll(async () => {
  server = createServer((request, response) => {
    request.resume();
    request.on("end", () => {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ SigninToken: TOKEN }));
    });
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/federation`;
  scratch = await mkdtemp(join(tmpdir(), "xacct-open-"));
});
afterAll(async () => {
  await new Promise((done) => server.close(done));
  await rm(scratch, { recursive: true, force: true });
});

function run(argv: string[], env: NodeJS.ProcessEnv = {}) {
  return sandbox.run(argv, { env: { XACCT_FEDERATION_ENDPOINT: endpoint, ...env } });
}

/** A fake browser: records its arguments (count, then one a line), then sleeps `sleep` seconds. */
async function fakeBrowser(name: string, sleep = 0): Promise<{ command: string; record: string }> {
  const record = join(scratch, `${name}.args`);
  const command = join(scratch, name);
  await writeFile(
    command,
    `#!/bin/sh\n{ echo "$#"; for a in "$@"; do printf '%s\\n' "$a"; done; } > "${record}.tmp" && mv "${record}.tmp" "${record}"\nsleep ${sleep}\n`,
  );
  await chmod(command, 0o755);
  return { command, record };
}

async function waitForFile(path: string): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const text = await readFile(path, "utf8").catch(() => undefined);
    if (text !== undefined) return text;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${path} never appeared`);
}

const pagesFolder = () => join(dirname(cacheDirectory(process.env)), "signin");
const pages = async () => (await readdir(pagesFolder()).catch(() => [] as string[])).filter((name) => name.endsWith(".html"));

describe("console --signin --open", () => {
  it("setup makes the role", async () => {
    expect((await sandbox.run(setupArgs(BUCKET))).code).toBe(0);
  });

  it("an opener that exits non-zero is a failure: no ✔, exit non-zero, the link shown to no one and not left on disk", async () => {
    const result = await run(["console", "--signin", "--open", "--setup", BUCKET], { BROWSER: "false" });
    expect(result.code).not.toBe(0);
    expect(result.stdout + result.stderr).not.toContain("✔ Opened");
    expect(result.stderr).toMatch(/^✘ .*false exited with 1.*shown to no one/m);
    expect(result.stderr).toMatch(/without --open/);
    expect(await pages()).toEqual([]);
  });

  it("the next $BROWSER entry is tried when one fails, as xdg-utils does", async () => {
    const browser = await fakeBrowser("second");
    const result = await run(["console", "--signin", "--open", "--setup", BUCKET], { BROWSER: `false:${browser.command}` });
    expect(result.stderr).not.toContain("✘");
    expect(result.code).toBe(0);
    expect((await waitForFile(browser.record)).split("\n")[0]).toBe("1");
  });

  it("a browser still running after the short wait (started in the foreground) counts as opened", async () => {
    const browser = await fakeBrowser("foreground", 6);
    const result = await run(["console", "--signin", "--open", "--setup", BUCKET], { BROWSER: browser.command });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/✔ Asked the browser to open the console/);
  });

  it("the opener's argv holds no sign-in token: it gets a file:// page, 0600 in a 0700 folder of xacct's cache, that holds the link", async () => {
    const browser = await fakeBrowser("argv");
    const result = await run(["console", "--signin", "--open", "--setup", BUCKET], { BROWSER: browser.command });
    expect(result.code).toBe(0);
    const [count, arg] = (await waitForFile(browser.record)).trimEnd().split("\n");
    expect(count).toBe("1");
    expect(arg).not.toContain("SigninToken");
    expect(arg).not.toContain(encodeURIComponent(TOKEN));
    expect(arg).toMatch(/^file:\/\//);
    const page = fileURLToPath(arg!);
    expect(dirname(page)).toBe(pagesFolder());
    expect((await stat(page)).mode & 0o777).toBe(0o600);
    expect((await stat(pagesFolder())).mode & 0o777).toBe(0o700);
    expect(await readFile(page, "utf8")).toContain(`SigninToken=${encodeURIComponent(TOKEN)}`);
    // AWS documents the link as valid for 15 minutes, nothing about one use.
    expect(result.stdout + result.stderr).not.toMatch(/works once/);
    expect(result.stdout).toMatch(/valid for 15 minutes/);
  });

  it("pages older than 15 minutes are swept on the next run; younger ones stay", async () => {
    await mkdir(pagesFolder(), { recursive: true });
    const old = join(pagesFolder(), "signin-0123456789ab.html");
    const young = join(pagesFolder(), "signin-ba9876543210.html");
    await writeFile(old, "old", { mode: 0o600 });
    await writeFile(young, "young", { mode: 0o600 });
    const past = new Date(Date.now() - 16 * 60_000);
    await utimes(old, past, past);
    const result = await run(["console", "--signin", "--setup", BUCKET]);
    expect(result.code).toBe(0);
    const left = await pages();
    expect(left).not.toContain("signin-0123456789ab.html");
    expect(left).toContain("signin-ba9876543210.html");
    // Printed to a pipe: the wording is AWS's.
    expect(result.stderr).not.toMatch(/works once/);
    expect(result.stderr).toMatch(/valid for 15 minutes/);
  });
});

describe("the sign-in page", () => {
  it("escapes the link for the attribute and the script, so no link can end either early", () => {
    const html = signinPageHtml('https://x.example/f?a=1&b="</script><b>');
    expect(html).not.toContain("</script><b>");
    expect(html).toContain('content="0;url=https://x.example/f?a=1&amp;b=&quot;&lt;/script&gt;&lt;b&gt;"');
    expect(html).toContain('location.replace("https://x.example/f?a=1&b=\\"\\u003c/script>\\u003cb>");');
  });
});
