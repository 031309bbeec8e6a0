// Benchmark (d) of issue #14: the HTTP validator's overhead. Two node:http servers,
// each in its own process, serve POST /v1/agents/{agent_id}/runs (startAgentRun) with
// the same ~1 KB body: bare (read the body, JSON.parse, answer a fixed 202 JSON) and
// validated (validateRequest on the raw body, then validateResponse on the answer,
// as a strict server does). One load process per server sends requests over
// keep-alive connections for a few seconds. Prints requests per second of each and
// the ratio validated / bare (goal >= 0.6x).
//
//   node benchmarks/node/http.mjs [--seconds S] [--connections C] [--rounds R]
import { fork } from "node:child_process";
import { cpSync, readFileSync, rmSync } from "node:fs";
import http from "node:http";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const HERE = dirname(fileURLToPath(import.meta.url));
const SAMPLES = resolve(HERE, "../../tests/samples/http");
const REQUEST = readFileSync(join(SAMPLES, "start_agent_run_request.v1/valid-full.json"));
const ANSWER = readFileSync(join(SAMPLES, "agent_run_accepted.v1/valid-full.json"), "utf8");
const PATH = "/v1/agents/support-triage/runs";

async function serve(mode) {
  const { validateRequest, validateResponse } = await import("@platform/contracts/http");
  const answer = JSON.parse(ANSWER);
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      if (mode === "bare") {
        JSON.parse(body.toString("utf8"));
      } else {
        const checked = validateRequest("startAgentRun", {
          contentType: req.headers["content-type"],
          contentLength: req.headers["content-length"],
          body,
          instance: req.url,
        });
        if (!checked.ok) {
          res.writeHead(checked.status, { "content-type": "application/problem+json" });
          res.end(JSON.stringify(checked.problem));
          return;
        }
        if (!validateResponse("startAgentRun", 202, answer).ok) throw new Error("bad answer");
      }
      const text = JSON.stringify(answer);
      res.writeHead(202, { "content-type": "application/json" });
      res.end(text);
    });
  });
  server.listen(0, "127.0.0.1", () => process.send({ port: server.address().port }));
}

async function load(port, seconds, connections) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  let done = 0;
  let failed = 0;
  const end = performance.now() + seconds * 1000;
  const one = () =>
    new Promise((ok) => {
      const req = http.request(
        { port, host: "127.0.0.1", path: PATH, method: "POST", agent,
          headers: { "content-type": "application/json", "content-length": REQUEST.length } },
        (res) => {
          res.resume();
          res.on("end", () => {
            if (res.statusCode === 202) done += 1;
            else failed += 1;
            ok();
          });
        },
      );
      req.end(REQUEST);
    });
  const worker = async () => {
    while (performance.now() < end) await one();
  };
  await Promise.all(Array.from({ length: connections }, worker));
  agent.destroy();
  process.send({ rate: done / seconds, failed });
}

async function child(role, ...rest) {
  const proc = fork(fileURLToPath(import.meta.url), ["--role", role, ...rest]);
  return new Promise((ok) => proc.once("message", (m) => ok({ proc, ...m })));
}

const { values: args } = parseArgs({
  options: {
    role: { type: "string", default: "main" },
    mode: { type: "string", default: "bare" },
    port: { type: "string", default: "0" },
    seconds: { type: "string", default: "3" },
    connections: { type: "string", default: "16" },
    rounds: { type: "string", default: "3" },
    package: { type: "string", default: resolve(HERE, "../../generated/ts") },
  },
});

if (args.role === "server") {
  await serve(args.mode);
} else if (args.role === "load") {
  await load(Number(args.port), Number(args.seconds), Number(args.connections));
  process.exit(0);
} else {
  const PACKAGE = join(HERE, "node_modules", "@platform", "contracts");
  rmSync(PACKAGE, { recursive: true, force: true });
  cpSync(args.package, PACKAGE, { recursive: true, filter: (s) => basename(s) !== "node_modules" });
  const ratios = [];
  const fmt = (x) => `${(x / 1000).toFixed(1)}k req/s`;
  for (let round = 0; round < Number(args.rounds); round++) {
    const rates = {};
    for (const mode of ["bare", "validated"]) {
      const server = await child("server", "--mode", mode);
      const result = await child("load", "--port", String(server.port), "--seconds",
        args.seconds, "--connections", args.connections);
      server.proc.kill();
      if (result.failed) throw new Error(`${mode}: ${result.failed} requests failed`);
      rates[mode] = result.rate;
    }
    ratios.push(rates.validated / rates.bare);
    console.log(`bare node:http ${fmt(rates.bare)}   validated ${fmt(rates.validated)}`);
  }
  const lo = Math.min(...ratios).toFixed(2);
  const hi = Math.max(...ratios).toFixed(2);
  console.log(`ratio validated / bare node:http: ${lo}-${hi}x (goal >= 0.6x)`);
  console.log(JSON.stringify({ benchmark: "http", ratios }));
}
