/**
 * attack-14 r1 F4: `console --signin --open` hands the browser a 0600 file:// page where a
 * browser can read it, and the https link itself where a file page cannot work (WSL, VS Code
 * remote / Codespaces / dev containers, a snap browser), saying so in one line. The ✔ line
 * claims only that the browser was asked.
 */
import { chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pageUnreachable } from "../src/console/browser.js";
import { setupArgs, useSandbox } from "./support/sandbox.js";

describe("which form the browser gets (pure)", () => {
  const cases: [string, NodeJS.ProcessEnv, string | undefined, string | undefined, boolean][] = [
    ["a plain Linux desktop", { BROWSER: "firefox" }, "/usr/lib/firefox/firefox", undefined, false],
    ["xdg-open with a deb browser", {}, "/usr/bin/xdg-open", "firefox.desktop", false],
    ["WSL (WSL_DISTRO_NAME)", { WSL_DISTRO_NAME: "Ubuntu" }, "/usr/bin/xdg-open", undefined, true],
    ["WSL (WSL_INTEROP)", { WSL_INTEROP: "/run/WSL/1_interop" }, undefined, undefined, true],
    ["VS Code remote ($BROWSER helper)", { BROWSER: "/home/u/.vscode-server/bin/abc/bin/helpers/browser.sh" }, undefined, undefined, true],
    ["VS Code remote (VSCODE_IPC_HOOK_CLI)", { VSCODE_IPC_HOOK_CLI: "/tmp/vscode-ipc.sock" }, "/usr/bin/xdg-open", undefined, true],
    ["Codespaces", { CODESPACES: "true" }, undefined, undefined, true],
    ["a dev container", { REMOTE_CONTAINERS: "true" }, undefined, undefined, true],
    ["$BROWSER resolving under /snap/", { BROWSER: "firefox" }, "/snap/bin/firefox", undefined, true],
    ["xdg-open's default is a snap", {}, "/usr/bin/xdg-open", "firefox_firefox.desktop", true],
  ];
  for (const [name, env, resolved, def, argv] of cases) {
    it(`${name}: ${argv ? "the link" : "the file page"}`, () => {
      expect(pageUnreachable(env, resolved, def) !== undefined).toBe(argv);
    });
  }
});

const sandbox = useSandbox();
const BUCKET = "attack-where-bucket";
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
  scratch = await mkdtemp(join(tmpdir(), "xacct-where-"));
  expect((await sandbox.run(setupArgs(BUCKET))).code).toBe(0);
}, 120_000);
afterAll(async () => {
  await new Promise((done) => server.close(done));
  await rm(scratch, { recursive: true, force: true });
});

async function fakeBrowser(name: string): Promise<{ command: string; record: string }> {
  const record = join(scratch, `${name}.args`);
  const command = join(scratch, name);
  await writeFile(command, `#!/bin/sh\nprintf '%s\\n' "$@" > "${record}.tmp" && mv "${record}.tmp" "${record}"\n`);
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

describe("console --signin --open, each way", () => {
  const clean = { WSL_DISTRO_NAME: undefined, WSL_INTEROP: undefined, VSCODE_IPC_HOOK_CLI: undefined, CODESPACES: undefined, REMOTE_CONTAINERS: undefined };

  it("a browser that can read the cache: a file:// page, no token in argv", async () => {
    const browser = await fakeBrowser("local");
    const result = await sandbox.run(["console", "--signin", "--open", "--setup", BUCKET], {
      env: { ...clean, XACCT_FEDERATION_ENDPOINT: endpoint, BROWSER: browser.command },
    });
    expect(result.code).toBe(0);
    const arg = (await waitForFile(browser.record)).trimEnd();
    expect(arg).toMatch(/^file:\/\//);
    expect(arg).not.toContain(encodeURIComponent(TOKEN));
    expect(result.stdout).toMatch(/✔ Asked the browser to open the console/);
    expect(result.stdout).not.toMatch(/arguments/);
  });

  it("WSL: the https link goes to the browser, and the report says it was in argv", async () => {
    const browser = await fakeBrowser("wsl");
    const result = await sandbox.run(["console", "--signin", "--open", "--setup", BUCKET], {
      env: { ...clean, XACCT_FEDERATION_ENDPOINT: endpoint, BROWSER: browser.command, WSL_DISTRO_NAME: "Ubuntu" },
    });
    expect(result.code).toBe(0);
    const arg = (await waitForFile(browser.record)).trimEnd();
    expect(arg).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/federation\?Action=login/);
    expect(arg).toContain(encodeURIComponent(TOKEN));
    expect(result.stdout).toMatch(/✔ Asked the browser to open the console/);
    expect(result.stdout).toMatch(/The link went in the browser command's arguments \(WSL[^)]*\): other local users can see it/);
  });
});
