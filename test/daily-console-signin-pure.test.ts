/** The pure pieces of console sign-in: openers per platform and $BROWSER, endpoints and destinations per partition. */
import { describe, expect, it } from "vitest";
import { openersFor } from "../src/console/browser.js";
import { consoleDestination, federationEndpoint, loginUrl } from "../src/console/federation-url.js";

const URL_WITH_AMPERSANDS = "https://signin.aws.amazon.com/federation?Action=login&Issuer=xacct&SigninToken=a%2Bb";

describe("openersFor", () => {
  it.each([
    ["win32", "rundll32", ["url.dll,FileProtocolHandler", URL_WITH_AMPERSANDS]],
    ["darwin", "open", [URL_WITH_AMPERSANDS]],
    ["linux", "xdg-open", [URL_WITH_AMPERSANDS]],
    ["freebsd", "xdg-open", [URL_WITH_AMPERSANDS]],
  ] as const)("%s: %s, the URL one argument, no shell", (platform, command, args) => {
    expect(openersFor(URL_WITH_AMPERSANDS, {}, platform)).toEqual([{ command, args }]);
  });

  it("$BROWSER: a colon-separated list tried in order; %s is replaced, else the URL is appended", () => {
    expect(openersFor("U", { BROWSER: "firefox --new-window:chromium %s --incognito" }, "linux")).toEqual([
      { command: "firefox", args: ["--new-window", "U"] },
      { command: "chromium", args: ["U", "--incognito"] },
    ]);
  });

  it("an empty $BROWSER falls back to the platform's opener", () => {
    expect(openersFor("U", { BROWSER: " : " }, "darwin")).toEqual([{ command: "open", args: ["U"] }]);
  });
});

describe("federation endpoint and destination", () => {
  it.each([
    ["aws", "https://signin.aws.amazon.com/federation", "https://console.aws.amazon.com/console/home?region=eu-west-2", "eu-west-2"],
    ["aws-cn", "https://signin.amazonaws.cn/federation", "https://console.amazonaws.cn/console/home?region=cn-north-1", "cn-north-1"],
    ["aws-us-gov", "https://signin.amazonaws-us-gov.com/federation", "https://console.amazonaws-us-gov.com/console/home?region=us-gov-west-1", "us-gov-west-1"],
  ] as const)("%s", (partition, endpoint, destination, region) => {
    expect(federationEndpoint(partition, {})).toBe(endpoint);
    expect(consoleDestination(partition, region)).toBe(destination);
  });

  it("an override must be https, or http to this machine", () => {
    expect(federationEndpoint("aws", { XACCT_FEDERATION_ENDPOINT: "https://example.com/fed" })).toBe("https://example.com/fed");
    expect(federationEndpoint("aws", { XACCT_FEDERATION_ENDPOINT: "http://localhost:8080/f" })).toBe("http://localhost:8080/f");
    expect(federationEndpoint("aws", { XACCT_FEDERATION_ENDPOINT: "http://[::1]:8080/f" })).toBe("http://[::1]:8080/f");
    for (const bad of ["http://10.0.0.1/f", "http://127.0.0.1.example.com/f", "https://u:p@example.com/f", "https://example.com/f?x=1", "file:///tmp/x"]) {
      expect(() => federationEndpoint("aws", { XACCT_FEDERATION_ENDPOINT: bad }), bad).toThrow(/XACCT_FEDERATION_ENDPOINT/);
    }
  });

  it("the login URL encodes the destination and the token as query values", () => {
    const url = new URL(loginUrl("https://signin.aws.amazon.com/federation", "a+b/c=&d", "https://console.aws.amazon.com/console/home?region=us-east-1"));
    expect(url.searchParams.get("Destination")).toBe("https://console.aws.amazon.com/console/home?region=us-east-1");
    expect(url.searchParams.get("SigninToken")).toBe("a+b/c=&d");
  });
});
