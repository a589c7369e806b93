// Runs the Node.js example (score.mjs) against the real scoring service, bin/scoring-service as `mvn package`
// built it, on a free loopback port with the CIFAR-10 subset from $KNAS_DATA_DIR (else ../shared/data beside the
// repository), and checks its MGM of index 1 against the Java CLI's (`bin/knas score --arch 1 --json`) on the
// same service: the same double, to the last bit.
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "..", "..", "..");
const dataDir = process.env.KNAS_DATA_DIR || path.join(repo, "..", "shared", "data");
const STARTUP_MS = 180_000;
const CALL_MS = 600_000;

let workdir;
let service;
let target;

function exited(child) {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once("exit", resolve));
}

before(async () => {
  assert.ok(fs.existsSync(path.join(repo, "scoring-service/target/knas-scoring-service.jar")),
    "the scoring service is not built: run `mvn -B -DskipTests package` in the repository root");
  assert.ok(fs.existsSync(path.join(dataDir, "cifar10-subset")),
    `${dataDir}/cifar10-subset is missing: set KNAS_DATA_DIR`);
  workdir = fs.mkdtempSync(path.join(os.tmpdir(), "knas-node-"));
  const portFile = path.join(workdir, "port");
  const log = fs.openSync(path.join(workdir, "service.log"), "w");
  service = spawn(path.join(repo, "bin/scoring-service"), ["--port", "0", "--port-file", portFile,
    "--store-dir", path.join(workdir, "store"), "--data-dir", dataDir], { stdio: ["ignore", log, log] });
  fs.closeSync(log);
  const deadline = Date.now() + STARTUP_MS;
  while (!/^\d+$/.test(fs.existsSync(portFile) ? fs.readFileSync(portFile, "utf8").trim() : "")) {
    const serviceLog = () => fs.readFileSync(path.join(workdir, "service.log"), "utf8");
    assert.ok(service.exitCode === null, `the scoring service exited with ${service.exitCode}:\n${serviceLog()}`);
    assert.ok(Date.now() < deadline,
      `the scoring service did not start within ${STARTUP_MS / 1000} s:\n${serviceLog()}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  target = `127.0.0.1:${fs.readFileSync(portFile, "utf8").trim()}`;
});

after(async () => {
  if (service) {
    service.kill("SIGTERM");
    const stopped = await Promise.race([exited(service).then(() => true),
      new Promise((resolve) => setTimeout(resolve, 60_000, false))]);
    if (!stopped) {
      service.kill("SIGKILL");
      await exited(service);
    }
  }
  if (workdir) fs.rmSync(workdir, { recursive: true, force: true });
});

test("the example scores index 1 and a batch, index 1 equal to the Java CLI's MGM to the last digit", async (t) => {
  const example = await run(process.execPath, [path.join(here, "..", "score.mjs"), target], { timeout: CALL_MS });
  const lines = example.stdout.trimEnd().split("\n");
  const single = /^index 1: mgm (\S+) \(cifar10, n = 50, /.exec(lines[0]);
  assert.ok(single, `the example's first line is not index 1's MGM:\n${example.stdout}`);
  assert.equal(lines[1], "batch of 4, in the order the results arrive:");
  const batch = lines.slice(2).map((line) => /^ {2}position (\d): index (\d+): mgm (\S+) /.exec(line));
  assert.ok(batch.length === 4 && batch.every(Boolean), `the batch is not four scores:\n${example.stdout}`);
  assert.deepEqual(batch.map((m) => Number(m[1])).sort((a, b) => a - b), [0, 1, 2, 3]);
  const batchIndex1 = batch.find((m) => m[1] === "0");
  assert.equal(batchIndex1[2], "1");
  assert.equal(batchIndex1[3], single[1], "the batch's index 1 differs from ScoreArchitecture's");

  const cli = await run(path.join(repo, "bin/knas"), ["score", "--arch", "1", "--json", "--target", target],
    { timeout: CALL_MS });
  const java = JSON.parse(cli.stdout);
  const javaText = /"value": ([^,\n]+)/.exec(cli.stdout)[1];
  t.diagnostic(`MGM of index 1: node ${single[1]}, java ${javaText}`);
  assert.equal(java.architecture.nb201Index, 1);
  assert.equal(java.metric, "mgm");
  assert.ok(Number.isFinite(java.value), `the Java CLI's value is not a number: ${javaText}`);
  assert.equal(Number(single[1]), java.value, `node printed ${single[1]}, the Java CLI ${javaText}`);
});
