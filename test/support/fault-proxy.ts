/**
 * A loopback HTTP proxy in front of the emulator that fails chosen requests, for faults the
 * emulator cannot produce (a denial in the middle of setup, a role not yet assumable).
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface SeenRequest {
  method: string;
  path: string;
  /** The operation: the query-protocol Action for IAM and STS, e.g. "CreateRole"; X-Amz-Target's for JSON services (Organizations); for S3 derived from method and sub-resource, e.g. "PutBucketPolicy". */
  action: string | undefined;
}

/** What to do with a request: fail it with an AWS error, cut the connection, or pass it on. */
export type FaultAction = Fault | "reset" | undefined;

export interface Fault {
  status: number;
  code: string;
  message: string;
}

export interface FaultProxy {
  endpoint: string;
  /**
   * Decides per request; return a fault to fail it, "reset" to cut the connection, undefined to
   * pass it on. A promise holds the request until it settles: a slow link.
   */
  rule: (request: SeenRequest) => FaultAction | Promise<FaultAction>;
  close(): Promise<void>;
}

export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const upstream = new URL(target);
  const proxy: FaultProxy = { endpoint: "", rule: () => undefined, close: async () => {} };
  const server: Server = createServer(async (req, res) => {
    const body = await readBody(req);
    const method = req.method ?? "GET";
    // JSON-protocol services (Organizations) name the operation in X-Amz-Target.
    const target = req.headers["x-amz-target"];
    const jsonOperation = typeof target === "string" ? target.split(".").pop() : undefined;
    const action = jsonOperation ?? new URLSearchParams(body.toString("utf8")).get("Action") ?? s3Operation(method, req.url ?? "/");
    const fault = await proxy.rule({ method, path: req.url ?? "/", action });
    if (fault === "reset") {
      req.socket.destroy();
      return;
    }
    if (fault && jsonOperation) {
      res.writeHead(fault.status, { "content-type": "application/x-amz-json-1.1", "x-amzn-errortype": fault.code });
      res.end(JSON.stringify({ __type: fault.code, message: fault.message }));
      return;
    }
    if (fault) {
      res.writeHead(fault.status, { "content-type": "text/xml" });
      res.end(
        `<ErrorResponse><Error><Type>Sender</Type><Code>${fault.code}</Code><Message>${fault.message}</Message></Error><RequestId>fault-proxy</RequestId></ErrorResponse>`,
      );
      return;
    }
    const forward = httpRequest({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    forward.on("error", () => res.destroy());
    forward.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  proxy.endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.close = () => new Promise((resolve) => server.close(() => resolve()));
  return proxy;
}

const S3_SUBRESOURCES = ["tagging", "policy", "delete", "versions", "acl", "location"];

/** Names the S3 operations setup and teardown use, from the REST method and sub-resource. */
function s3Operation(method: string, url: string): string | undefined {
  const parsed = new URL(url, "http://proxy");
  const parts = parsed.pathname.split("/").filter(Boolean);
  if (parts.length === 0) return method === "GET" ? "ListBuckets" : undefined;
  const sub = S3_SUBRESOURCES.find((name) => parsed.searchParams.has(name));
  const object = parts.length > 1;
  const names: Record<string, string> = {
    "PUT:": object ? "PutObject" : "CreateBucket",
    "DELETE:": object ? "DeleteObject" : "DeleteBucket",
    "GET:": object ? "GetObject" : "ListObjects",
    "HEAD:": object ? "HeadObject" : "HeadBucket",
    "PUT:tagging": "PutBucketTagging",
    "GET:tagging": "GetBucketTagging",
    "PUT:policy": "PutBucketPolicy",
    "GET:policy": "GetBucketPolicy",
    "DELETE:policy": "DeleteBucketPolicy",
    "POST:delete": "DeleteObjects",
    "GET:versions": "ListObjectVersions",
  };
  return names[`${method}:${sub ?? ""}`];
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
