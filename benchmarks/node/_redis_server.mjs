// The redis-server of a Node benchmark: REDIS_URL when it is set, else one started
// here on a free loopback port, with nothing kept on disk. `stop()` ends it and
// removes its folder (a no-op for REDIS_URL).
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

async function freePort() {
  const probe = net.createServer();
  await new Promise((done) => probe.listen(0, "127.0.0.1", done));
  const { port } = probe.address();
  await new Promise((done) => probe.close(done));
  return port;
}

export async function redisServer() {
  if (process.env.REDIS_URL !== undefined) return { url: process.env.REDIS_URL, stop() {} };
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "contracts-bench-redis-"));
  const child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1",
    "--save", "", "--appendonly", "no", "--dir", dir], { stdio: "ignore" });
  return {
    url: `redis://127.0.0.1:${port}/0`,
    stop() {
      child.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
