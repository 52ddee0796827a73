/**
 * `xacct console --signin`: a fresh role session, a sign-in token from the federation endpoint
 * (a local stand-in here: the emulator has none), and the login URL, which is a bearer
 * credential: printed only to a pipe (or with --force), opened in a browser without printing
 * it, never in --json, errors or debug output.
 */
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { chmod, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { PassThrough, Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CallLog } from "../src/aws/call-log.js";
import { runCli } from "../src/cli.js";
import { cacheDirectory } from "../src/credentials-cache.js";
import { setupArgs, useSandbox } from "./support/sandbox.js";

const sandbox = useSandbox();
const BUCKET = "signin-bucket";
// Characters a URL must encode: the URL built has to carry the token exactly.
const TOKEN = "tok+en/with=chars&more";

interface Seen {
  method: string;
  url: string;
  contentType: string;
  body: URLSearchParams;
}

/** The federation endpoint's stand-in: records each request and answers as `answer` says. */
class StandIn {
  seen: Seen[] = [];
  answer: (seen: Seen) => { status: number; body: string } = () => ({ status: 200, body: JSON.stringify({ SigninToken: TOKEN }) });
  private server: Server = createServer((request, response) => void this.handle(request, response));
  endpoint = "";

  async start(): Promise<void> {
    await new Promise<void>((done) => this.server.listen(0, "127.0.0.1", done));
    this.endpoint = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/federation`;
  }
  async stop(): Promise<void> {
    await new Promise((done) => this.server.close(done));
  }
  private async handle(request: IncomingMessage, response: import("node:http").ServerResponse): Promise<void> {
    let text = "";
    for await (const chunk of request) text += chunk;
    const seen = { method: request.method ?? "", url: request.url ?? "", contentType: request.headers["content-type"] ?? "", body: new URLSearchParams(text) };
    this.seen.push(seen);
    const { status, body } = this.answer(seen);
    response.writeHead(status, { "content-type": "application/json" });
    response.end(body);
  }
}

const standIn = new StandIn();
let scratch = "";

beforeAll(async () => {
  await standIn.start();
  scratch = await mkdtemp(join(tmpdir(), "xacct-signin-"));
});
afterAll(async () => {
  await standIn.stop();
  await rm(scratch, { recursive: true, force: true });
});

/** Runs xacct with stdout a terminal or not, and the stand-in as the federation endpoint. */
async function run(argv: string[], options: { tty?: boolean; env?: NodeJS.ProcessEnv } = {}) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  if (options.tty) Object.assign(stdout, { isTTY: true });
  let out = "";
  let err = "";
  stdout.on("data", (d: Buffer) => (out += d.toString()));
  stderr.on("data", (d: Buffer) => (err += d.toString()));
  const calls = new CallLog();
  const code = await runCli(argv, {
    stdout,
    stderr,
    stdin: Readable.from([]),
    env: { ...process.env, XACCT_FEDERATION_ENDPOINT: standIn.endpoint, ...options.env },
    interactive: false,
    calls,
  });
  return { code, stdout: out, stderr: err, calls };
}

/** A fake $BROWSER: writes the number of its arguments, then each on a line, to a file. */
async function fakeBrowser(name: string): Promise<{ command: string; record: string }> {
  const record = join(scratch, `${name}.args`);
  const command = join(scratch, name);
  await writeFile(command, `#!/bin/sh\n{ echo "$#"; for a in "$@"; do printf '%s\\n' "$a"; done; } > "${record}.tmp" && mv "${record}.tmp" "${record}"\n`);
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

describe("xacct console --signin", () => {
  it("setup makes the role", async () => {
    expect((await sandbox.run(setupArgs(BUCKET))).code).toBe(0);
  });

  it("posts the role's fresh session to the federation endpoint and prints the login URL to a pipe", async () => {
    standIn.seen = [];
    const result = await run(["console", "--signin", "--setup", BUCKET]);
    expect(result.stderr).not.toContain("✘");
    expect(result.code).toBe(0);

    // One request, a POST with a form body: the session never rides in a URL.
    expect(standIn.seen).toHaveLength(1);
    const [seen] = standIn.seen;
    expect(seen!.method).toBe("POST");
    expect(seen!.url).toBe("/federation");
    expect(seen!.contentType).toContain("application/x-www-form-urlencoded");
    expect(seen!.body.get("Action")).toBe("getSigninToken");
    // AssumeRole sessions take their lifetime from the session itself: no SessionDuration.
    expect(seen!.body.has("SessionDuration")).toBe(false);
    const session = JSON.parse(seen!.body.get("Session")!) as Record<string, string>;
    expect(Object.keys(session).sort()).toEqual(["sessionId", "sessionKey", "sessionToken"]);
    // The keys are the role's: STS says who they are.
    const sts = new STSClient({
      region: "us-east-1",
      endpoint: sandbox.moto.endpoint,
      credentials: { accessKeyId: session["sessionId"]!, secretAccessKey: session["sessionKey"]!, sessionToken: session["sessionToken"]! },
    });
    const who = await sts.send(new GetCallerIdentityCommand({}));
    expect(who.Arn).toMatch(new RegExp(`^arn:aws:sts::${sandbox.prod.accountId}:assumed-role/StageRole/`));

    // stdout is the URL and nothing else.
    const lines = result.stdout.split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[1]).toBe("");
    const url = new URL(lines[0]!);
    expect(`${url.origin}${url.pathname}`).toBe(standIn.endpoint);
    expect([...url.searchParams.keys()]).toEqual(["Action", "Issuer", "Destination", "SigninToken"]);
    expect(url.searchParams.get("Action")).toBe("login");
    expect(url.searchParams.get("Issuer")).toBe("xacct");
    expect(url.searchParams.get("Destination")).toBe("https://console.aws.amazon.com/console/home?region=us-east-1");
    expect(url.searchParams.get("SigninToken")).toBe(TOKEN);
    expect(lines[0]).toContain("SigninToken=tok%2Ben%2Fwith%3Dchars%26more");
    // The report is on stderr and holds no secret.
    expect(result.stderr).toMatch(/StageRole/);
    expect(result.stderr).toMatch(/15 minutes/);
    for (const secret of [TOKEN, session["sessionKey"]!, session["sessionToken"]!]) {
      expect(result.stderr).not.toContain(secret);
      expect(result.stderr).not.toContain(encodeURIComponent(secret));
    }
  });

  it("refuses a terminal without --force, before any AWS call; --force prints it", async () => {
    standIn.seen = [];
    const refused = await run(["console", "--signin", "--setup", BUCKET], { tty: true });
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe("");
    expect(refused.stderr).toMatch(/^✘ .*terminal/);
    expect(refused.stderr).toContain("--open");
    expect(refused.calls.calls).toHaveLength(0);
    expect(standIn.seen).toHaveLength(0);

    const forced = await run(["console", "--signin", "--force", "--setup", BUCKET], { tty: true });
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain(`SigninToken=${encodeURIComponent(TOKEN)}`);
  });

  it("--open runs $BROWSER with one argument, a page that redirects to the URL, and prints no URL", async () => {
    const browser = await fakeBrowser("browser-open");
    const result = await run(["console", "--signin", "--open", "--setup", BUCKET], { tty: true, env: { BROWSER: browser.command } });
    expect(result.stderr).not.toContain("✘");
    expect(result.code).toBe(0);
    const [count, ...args] = (await waitForFile(browser.record)).trimEnd().split("\n");
    expect(count).toBe("1");
    const page = await readFile(fileURLToPath(args[0]!), "utf8");
    const url = new URL(JSON.parse(/location\.replace\((".*")\)/.exec(page)![1]!) as string);
    expect(url.searchParams.get("SigninToken")).toBe(TOKEN);
    expect(url.searchParams.get("Action")).toBe("login");
    expect(result.stdout + result.stderr).not.toContain("SigninToken");
    expect(result.stdout + result.stderr).not.toContain(encodeURIComponent(TOKEN));
    expect(result.stdout).toMatch(/Asked the browser to open the console; the sign-in link is valid for 15 minutes/);
  });

  it("$BROWSER with %s puts the URL in that place, still one argument", async () => {
    const browser = await fakeBrowser("browser-percent");
    const result = await run(["console", "--signin", "--open", "--setup", BUCKET], { env: { BROWSER: `${browser.command} --new-tab %s` } });
    expect(result.code).toBe(0);
    const [count, first, second] = (await waitForFile(browser.record)).trimEnd().split("\n");
    expect(count).toBe("2");
    expect(first).toBe("--new-tab");
    expect(await readFile(fileURLToPath(second!), "utf8")).toContain(`SigninToken=${encodeURIComponent(TOKEN)}`);
  });

  it("--json with --open reports the session's expiry and never the URL; --json without --open is refused", async () => {
    const browser = await fakeBrowser("browser-json");
    const result = await run(["--json", "console", "--signin", "--open", "--duration", "900", "--setup", BUCKET], { env: { BROWSER: browser.command } });
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(JSON.stringify(json)).not.toContain("SigninToken");
    expect(json).toMatchObject({ ok: true, opened: true });
    const expiration = Date.parse((json["assumed"] as { expiration: string }).expiration);
    // --duration bounds the role session, which bounds the console session.
    expect(expiration - Date.now()).toBeGreaterThan(800_000);
    expect(expiration - Date.now()).toBeLessThan(1_000_000);

    const refused = await run(["--json", "console", "--signin", "--setup", BUCKET]);
    expect(refused.code).toBe(2);
    expect(refused.calls.calls).toHaveLength(0);
  });

  it("--duration past the role's maximum is refused before AWS is asked for anything but the caller", async () => {
    standIn.seen = [];
    const result = await run(["console", "--signin", "--duration", "7200", "--setup", BUCKET]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/at most 3600 seconds/);
    expect(standIn.seen).toHaveLength(0);
  });

  it("flags that belong to --signin are refused without it, and --display-name with it", async () => {
    for (const argv of [
      ["console", "--open", "--setup", BUCKET],
      ["console", "--duration", "900", "--setup", BUCKET],
      ["console", "--external-id", "ext-7", "--setup", BUCKET],
      ["console", "--signin", "--display-name", "x", "--setup", BUCKET],
    ]) {
      const result = await run(argv);
      expect(result.code, argv.join(" ")).toBe(2);
      expect(result.calls.calls).toHaveLength(0);
    }
  });

  it("a federation endpoint that is neither https nor loopback http is refused: it would receive session keys", async () => {
    for (const endpoint of ["http://example.com/federation", "ftp://127.0.0.1/federation", "not a url"]) {
      const result = await run(["console", "--signin", "--setup", BUCKET], { env: { XACCT_FEDERATION_ENDPOINT: endpoint } });
      expect(result.code, endpoint).toBe(2);
      expect(result.stderr).toContain("XACCT_FEDERATION_ENDPOINT");
      expect(result.calls.calls).toHaveLength(0);
    }
  });

  it("the endpoint's failures are one sentence without a secret", async () => {
    const cases: [string, () => { status: number; body: string }][] = [
      ["non-200", () => ({ status: 400, body: `{"message":"bad ${TOKEN}"}` })],
      ["no SigninToken", () => ({ status: 200, body: "{}" })],
      ["not JSON", () => ({ status: 200, body: "<html>" })],
    ];
    for (const [name, answer] of cases) {
      standIn.answer = answer;
      const result = await run(["console", "--signin", "--setup", BUCKET, "--debug"]);
      expect(result.code, name).toBe(1);
      expect(result.stdout, name).toBe("");
      expect(result.stderr, name).toMatch(/^✘ .*sign-in token/m);
      expect(result.stderr, name).not.toContain(TOKEN);
      expect(result.stderr, name).not.toMatch(/sessionKey|sessionToken|Session=/);
    }
    standIn.answer = () => ({ status: 200, body: JSON.stringify({ SigninToken: TOKEN }) });

    const closed = await run(["console", "--signin", "--setup", BUCKET], { env: { XACCT_FEDERATION_ENDPOINT: "http://127.0.0.1:9/federation" } });
    expect(closed.code).toBe(1);
    expect(closed.stderr).toMatch(/^✘ .*sign-in token/m);
  });

  it("without a browser opener, says so and how to fix it, before any AWS call", async () => {
    standIn.seen = [];
    const result = await run(["console", "--signin", "--open", "--setup", BUCKET], { env: { BROWSER: "", PATH: scratch } });
    expect(result.code).toBe(1);
    // Known before the role is assumed: no session made, no token fetched for nothing.
    expect(result.calls.calls).toHaveLength(0);
    expect(standIn.seen).toHaveLength(0);
    expect(result.stderr).toMatch(/^✘ .*browser/m);
    expect(result.stderr).toContain("BROWSER");
    expect(result.stderr).not.toContain(encodeURIComponent(TOKEN));
  });
});

describe("a role whose trust requires an external ID", () => {
  it("the switch-role link is refused and points at --signin; --signin sends the external ID and works", async () => {
    const setup = await sandbox.run(setupArgs("signin-extid-bucket", ["--role-name", "ExtRole", "--temp-profile", "ExtCred", "--external-id", "ext-7"]));
    expect(setup.code).toBe(0);
    const link = await run(["console", "--setup", "signin-extid-bucket/ExtRole"]);
    expect(link.code).toBe(2);
    expect(link.stderr).toContain("xacct console --signin --setup signin-extid-bucket/ExtRole");

    standIn.seen = [];
    const result = await run(["console", "--signin", "--setup", "signin-extid-bucket/ExtRole"]);
    expect(result.code).toBe(0);
    expect(standIn.seen).toHaveLength(1);
    const assume = result.calls.calls.find((c) => c.operation === "AssumeRole");
    expect(assume).toBeDefined();
  });
});

describe("a role whose trust requires MFA", () => {
  const serial = "arn:aws:iam::222222222222:mfa/StageAdmin";
  it("asks for the code as assume does (unattended: names --token-code, asks no endpoint), and signs in with it", async () => {
    const setup = await sandbox.run(
      setupArgs("signin-mfa-bucket", [
        "--role-name",
        "MfaRole",
        "--temp-profile",
        "MfaCred",
        "--require-mfa",
        "--mfa-serial",
        serial,
        "--token-code",
        "123456",
      ]),
    );
    expect(setup.code, setup.stderr).toBe(0);

    standIn.seen = [];
    // Setup's code started an MFA session that would serve the next runs: gone, as the next day.
    for (const name of await readdir(cacheDirectory(process.env)).catch(() => [] as string[]))
      if (name.startsWith("mfa-")) await rm(join(cacheDirectory(process.env), name), { force: true });
    const unattended = await run(["console", "--signin", "--setup", "signin-mfa-bucket/MfaRole", "--mfa-serial", serial]);
    expect(unattended.code).toBe(2);
    expect(unattended.stderr).toContain("--token-code");
    expect(standIn.seen).toHaveLength(0);

    const result = await run(["console", "--signin", "--setup", "signin-mfa-bucket/MfaRole", "--mfa-serial", serial, "--token-code", "123456"]);
    expect(result.stderr).not.toContain("✘");
    expect(result.code).toBe(0);
    expect(standIn.seen).toHaveLength(1);
    expect(result.stderr).not.toContain("123456");
  });
});
