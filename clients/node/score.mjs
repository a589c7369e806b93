// Scores NAS-Bench-201 architectures with a KNAS scoring service from Node.js: index 1 alone (ScoreArchitecture),
// then a small batch (ScoreArchitectures, each result printed as soon as it streams in), both at the defaults of the
// gradient-kernel fidelity (MGM, n = 50). The stubs are built at run time from the contract in proto/, and the
// channel carries the contract's service config (retries on UNAVAILABLE and RESOURCE_EXHAUSTED), as every KNAS
// client's does.
// Usage: node score.mjs [HOST:PORT]   (default: $KNAS_TARGET, else localhost:50051). Exit code 1 on a failed call.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import grpc from "@grpc/grpc-js";
import protoLoader from "@grpc/proto-loader";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

// keepCase: the contract's field names as written (nb201_index); longs and enums as strings (uint64
// parameter_count, OPERATION_* names); oneofs: a field naming the member that is set (outcome: "score").
// google/rpc/status.proto, which the contract imports, is the verbatim copy beside the Python client;
// the google/protobuf well-known types come with protobufjs.
const definition = protoLoader.loadSync("knas/v1/scoring.proto", {
  includeDirs: [path.join(repo, "proto/src/main/proto"), path.join(repo, "clients/python/proto")],
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
});
const { ScoringService } = grpc.loadPackageDefinition(definition).knas.v1;
const serviceConfig = fs.readFileSync(path.join(repo, "proto/src/main/resources/knas/v1/service_config.json"), "utf8");

const BATCH = [
  { nb201_index: 1 },
  { nb201_index: 6111 },
  { nb201_string: "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|" },
  { edges: { ops: ["OPERATION_AVG_POOL_3X3", "OPERATION_NONE", "OPERATION_SKIP_CONNECT", "OPERATION_NONE",
    "OPERATION_NONE", "OPERATION_NOR_CONV_1X1"] } },
];

function describe(score) {
  const a = score.architecture;
  const p = score.provenance;
  return `index ${a.nb201_index}: ${score.metric} ${score.value} (${p.options.dataset}, `
    + `n = ${p.gradient_kernel.num_samples}, ${Number(a.parameter_count).toLocaleString("en")} parameters, `
    + `${score.cache.hit ? "cache hit" : `computed in ${p.wall_seconds.toFixed(2)} s`})`;
}

function scoreOne(client, architecture) {
  return new Promise((resolve, reject) => {
    client.ScoreArchitecture({ architecture }, (error, response) => (error ? reject(error) : resolve(response)));
  });
}

function scoreBatch(client, architectures, onResult) {
  return new Promise((resolve, reject) => {
    const call = client.ScoreArchitectures({ architectures });
    call.on("data", onResult);
    call.on("error", reject);
    call.on("end", resolve);
  });
}

const target = process.argv[2] ?? process.env.KNAS_TARGET ?? "localhost:50051";
const client = new ScoringService(target, grpc.credentials.createInsecure(), { "grpc.service_config": serviceConfig });
try {
  console.log(describe(await scoreOne(client, { nb201_index: 1 })));
  console.log(`batch of ${BATCH.length}, in the order the results arrive:`);
  await scoreBatch(client, BATCH, (result) => {
    console.log(`  position ${result.position}: ${result.outcome === "score"
      ? describe(result.score)
      : `${grpc.status[result.error.code]}: ${result.error.message}`}`);
  });
} catch (error) {
  console.error(`${target}: ${grpc.status[error.code] ?? ""} ${error.details ?? error.message}`);
  process.exitCode = 1;
} finally {
  client.close();
}
