/**
 * A loopback HTTP proxy in front of the emulator that fails chosen requests, for faults the
 * emulator cannot produce (a denial in the middle of setup, a role not yet assumable).
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface SeenRequest {
  method: string;
  path: string;
  /** The query-protocol action (IAM, STS), e.g. "CreateRole"; S3 requests have none. */
  action: string | undefined;
}

export interface Fault {
  status: number;
  code: string;
  message: string;
}

export interface FaultProxy {
  endpoint: string;
  /** Decides per request; return a fault to fail it, undefined to pass it on. */
  rule: (request: SeenRequest) => Fault | undefined;
  close(): Promise<void>;
}

export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const upstream = new URL(target);
  const proxy: FaultProxy = { endpoint: "", rule: () => undefined, close: async () => {} };
  const server: Server = createServer(async (req, res) => {
    const body = await readBody(req);
    const action = new URLSearchParams(body.toString("utf8")).get("Action") ?? undefined;
    const fault = proxy.rule({ method: req.method ?? "GET", path: req.url ?? "/", action });
    if (fault) {
      res.writeHead(fault.status, { "content-type": "text/xml" });
      res.end(
        `<ErrorResponse><Error><Type>Sender</Type><Code>${fault.code}</Code><Message>${fault.message}</Message></Error><RequestId>fault-proxy</RequestId></ErrorResponse>`,
      );
      return;
    }
    const forward = httpRequest(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on("error", () => res.destroy());
    forward.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  proxy.endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.close = () => new Promise((resolve) => server.close(() => resolve()));
  return proxy;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
