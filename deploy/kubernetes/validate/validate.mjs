// Validates deploy/kubernetes (docs/operations/kubernetes.md): renders each overlay with the subset of kustomize
// the overlays use, validates every object against the Kubernetes OpenAPI schemas (kubernetes-models), then checks
// the fields the deployment depends on. kustomize itself is on no registry CI reaches, so the renderer is here;
// where kubectl is installed its kustomize renders too and the two renderings must be equal.
// Usage: node validate.mjs [DIR] (default: the folder above this one). Exit code 1 on any failure.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import jsonpatch from "fast-json-patch";
import * as models from "kubernetes-models";
import YAML from "yaml";

const root = path.resolve(process.argv[2] ?? path.join(path.dirname(fileURLToPath(import.meta.url)), ".."));
const OVERLAYS = ["cpu", "gpu"];
const NAMESPACE = "knas";
const SERVICE = "knas-scoring";
const TOKEN_SECRET = "knas-token";
const TLS_SECRET = "knas-tls";

// Kubernetes reads YAML 1.1 (a secret's defaultMode 0440 is octal), and so does kustomize.
function parseYaml(file) {
  return YAML.parseAllDocuments(fs.readFileSync(file, "utf8"), { version: "1.1" }).map((doc) => {
    if (doc.errors.length) throw new Error(`${file}: ${doc.errors[0].message}`);
    return doc.toJS();
  }).filter((o) => o != null);
}

// --- The kustomize subset: resources (files and folders), images (newName/newTag), JSON 6902 patches with a
// target. Anything else is refused rather than ignored, so this rendering cannot silently differ from kustomize's.
const KUSTOMIZATION_FIELDS = new Set(["apiVersion", "kind", "resources", "images", "patches"]);

function render(dir) {
  const file = path.join(dir, "kustomization.yaml");
  const [k] = parseYaml(file);
  for (const key of Object.keys(k)) {
    if (!KUSTOMIZATION_FIELDS.has(key)) throw new Error(`${file}: '${key}' is not supported by this renderer`);
  }
  let objects = [];
  for (const entry of k.resources ?? []) {
    const p = path.resolve(dir, entry);
    objects.push(...(fs.statSync(p).isDirectory() ? render(p) : parseYaml(p)));
  }
  objects = structuredClone(objects);
  for (const image of k.images ?? []) {
    let used = false;
    for (const spec of objects.map(podSpec).filter(Boolean)) {
      for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? [])]) {
        if (imageName(c.image) === image.name) {
          c.image = `${image.newName ?? image.name}${image.newTag ? ":" + image.newTag : ""}`;
          used = true;
        }
      }
    }
    if (!used) throw new Error(`${file}: image '${image.name}' matches no container`);
  }
  for (const p of k.patches ?? []) {
    const t = p.target;
    if (!t?.kind || !t?.name || typeof p.patch !== "string") {
      throw new Error(`${file}: a patch needs a target kind and name and an inline JSON 6902 patch`);
    }
    const ops = YAML.parse(p.patch, { version: "1.1" });
    if (!Array.isArray(ops)) throw new Error(`${file}: the patch for ${t.kind}/${t.name} is not a JSON 6902 list`);
    const matches = objects.filter((o) => o.kind === t.kind && o.metadata?.name === t.name
      && (!t.namespace || o.metadata?.namespace === t.namespace)
      && apiGroup(o.apiVersion) === (t.group ?? "") && (!t.version || apiVersionOnly(o.apiVersion) === t.version));
    if (matches.length !== 1) {
      throw new Error(`${file}: the patch target ${t.kind}/${t.name} matches ${matches.length} objects`);
    }
    const i = objects.indexOf(matches[0]);
    try {
      objects[i] = jsonpatch.applyPatch(objects[i], ops, true, false).newDocument;
    } catch (e) {
      throw new Error(`${file}: the patch for ${t.kind}/${t.name} fails: ${e.name} ${e.message.split("\n")[0]}`);
    }
  }
  return objects;
}

function imageName(image) {
  const at = image.indexOf("@");
  const ref = at < 0 ? image : image.slice(0, at);
  const colon = ref.lastIndexOf(":");
  return colon > ref.lastIndexOf("/") ? ref.slice(0, colon) : ref;
}
const apiGroup = (apiVersion) => (apiVersion.includes("/") ? apiVersion.split("/")[0] : "");
const apiVersionOnly = (apiVersion) => apiVersion.split("/").pop();
const podSpec = (o) => (o.kind === "Pod" ? o.spec : o.spec?.template?.spec);

// --- Schema validation against the OpenAPI schemas kubernetes-models generates from Kubernetes'.
function model(o) {
  const group = apiGroup(o.apiVersion).replace(/[.-](.)/g, (_, c) => c.toUpperCase());
  return (group ? models[group] : models)?.[apiVersionOnly(o.apiVersion)]?.[o.kind];
}

// --- Checks of what the deployment depends on.
let passed = 0;
const failures = [];
function check(what, ok, detail = "") {
  if (ok) passed++;
  else failures.push(`${what}${detail ? ": " + detail : ""}`);
}

function optionValue(args, name) {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}
function mountOf(container, file) {
  return (container.volumeMounts ?? []).filter((m) => file === m.mountPath || file?.startsWith(m.mountPath + "/"))
    .sort((a, b) => b.mountPath.length - a.mountPath.length)[0];
}
function volumeOf(spec, mount) {
  return (spec.volumes ?? []).find((v) => v.name === mount?.name);
}
function secretBacked(spec, container, file, secretName, label) {
  const volume = volumeOf(spec, mountOf(container, file));
  check(`${label} (${file}) is read from Secret ${secretName}`, volume?.secret?.secretName === secretName,
    volume ? JSON.stringify(volume) : "no volume mounted there");
}
function hardened(label, spec, container) {
  const pod = spec.securityContext ?? {};
  const c = container.securityContext ?? {};
  check(`${label}: runs as non-root`, pod.runAsNonRoot === true && pod.runAsUser > 0);
  check(`${label}: read-only root filesystem, no privilege escalation, every capability dropped`,
    c.readOnlyRootFilesystem === true && c.allowPrivilegeEscalation === false
    && (c.capabilities?.drop ?? []).includes("ALL"));
  const tmp = mountOf(container, "/tmp");
  check(`${label}: /tmp is a writable emptyDir`, tmp?.mountPath === "/tmp" && !tmp.readOnly
    && volumeOf(spec, tmp)?.emptyDir !== undefined);
  check(`${label}: memory request and limit set`, container.resources?.requests?.memory
    && container.resources?.limits?.memory);
}

function checkOverlay(name, objects) {
  const find = (kind, n) => objects.find((o) => o.kind === kind && o.metadata?.name === n);
  check(`${name}: namespace ${NAMESPACE} is created`, find("Namespace", NAMESPACE) !== undefined);
  for (const o of objects.filter((o) => o.kind !== "Namespace")) {
    check(`${name}: ${o.kind}/${o.metadata.name} is in namespace ${NAMESPACE}`, o.metadata.namespace === NAMESPACE);
  }
  const service = find("Service", SERVICE);
  const sts = find("StatefulSet", SERVICE);
  if (!service || !sts) {
    check(`${name}: Service and StatefulSet ${SERVICE} exist`, false);
    return {};
  }
  const spec = sts.spec.template.spec;
  const scoring = spec.containers[0];
  const args = [...(scoring.command ?? []), ...(scoring.args ?? [])];
  const ports = Object.fromEntries((scoring.ports ?? []).map((p) => [p.name, p.containerPort]));
  const servicePort = service.spec.ports?.find((p) => p.name === "grpc");

  check(`${name}: Service ${SERVICE} is headless`, service.spec.clusterIP === "None");
  check(`${name}: Service port grpc reaches the container's --port`, servicePort !== undefined
    && (servicePort.targetPort === "grpc" || servicePort.targetPort === ports.grpc)
    && String(ports.grpc) === optionValue(args, "--port"), JSON.stringify(servicePort));
  check(`${name}: Service selects the StatefulSet's pods`, Object.entries(service.spec.selector ?? {}).every(
    ([k, v]) => sts.spec.template.metadata.labels?.[k] === v) && Object.keys(service.spec.selector ?? {}).length > 0);
  check(`${name}: StatefulSet's serviceName is the headless Service`, sts.spec.serviceName === SERVICE);
  check(`${name}: 3 replicas by default`, sts.spec.replicas === 3, String(sts.spec.replicas));
  check(`${name}: podManagementPolicy Parallel`, sts.spec.podManagementPolicy === "Parallel");
  check(`${name}: listens beyond loopback`, optionValue(args, "--bind") === "0.0.0.0");
  // The service gives running calls 30 s after SIGTERM, then closes the store.
  check(`${name}: terminationGracePeriodSeconds leaves the 30 s drain and the store's close`,
    spec.terminationGracePeriodSeconds >= 45, String(spec.terminationGracePeriodSeconds));

  const healthPort = optionValue(args, "--health-port");
  check(`${name}: --health-port is the container port named health`,
    healthPort !== undefined && String(ports.health) === healthPort, `${healthPort} vs ${ports.health}`);
  for (const probe of ["startupProbe", "readinessProbe", "livenessProbe"]) {
    const p = scoring[probe];
    check(`${name}: ${probe} is a gRPC health probe on the health port`,
      p?.grpc !== undefined && String(p.grpc.port) === healthPort, JSON.stringify(p));
  }
  check(`${name}: readiness follows knas.v1.ScoringService (NOT_SERVING when the store cannot write)`,
    scoring.readinessProbe?.grpc?.service === "knas.v1.ScoringService");
  const startup = scoring.startupProbe ?? {};
  check(`${name}: the startup probe allows a slow first start (at least 5 minutes)`,
    (startup.periodSeconds ?? 10) * (startup.failureThreshold ?? 3) >= 300);

  const storeDir = optionValue(args, "--store-dir");
  const storeMount = mountOf(scoring, storeDir);
  const claim = (sts.spec.volumeClaimTemplates ?? []).find((t) => t.metadata.name === storeMount?.name);
  check(`${name}: --store-dir ${storeDir} is on a per-replica volumeClaimTemplate`, claim !== undefined
    && !storeMount.readOnly && volumeOf(spec, storeMount) === undefined);
  check(`${name}: the store claim is ReadWriteOnce`, claim?.spec?.accessModes?.includes("ReadWriteOnce"));

  const dataDir = optionValue(args, "--data-dir");
  const dataMount = mountOf(scoring, dataDir);
  const dataVolume = volumeOf(spec, dataMount);
  const dataClaim = find("PersistentVolumeClaim", dataVolume?.persistentVolumeClaim?.claimName);
  check(`${name}: --data-dir ${dataDir} is mounted readOnly from a read-only PVC`, dataMount?.readOnly === true
    && dataVolume?.persistentVolumeClaim?.readOnly === true, JSON.stringify(dataVolume));
  check(`${name}: the data set claim is ReadOnlyMany`, dataClaim?.spec?.accessModes?.includes("ReadOnlyMany"));

  secretBacked(spec, scoring, optionValue(args, "--auth-token-file"), TOKEN_SECRET, `${name}: --auth-token-file`);
  secretBacked(spec, scoring, optionValue(args, "--tls-cert"), TLS_SECRET, `${name}: --tls-cert`);
  secretBacked(spec, scoring, optionValue(args, "--tls-key"), TLS_SECRET, `${name}: --tls-key`);
  hardened(`${name}: scoring`, spec, scoring);
  const env = Object.fromEntries((scoring.env ?? []).map((e) => [e.name, e.value]));
  check(`${name}: DJL's cache is on the writable /tmp`, env.DJL_CACHE_DIR?.startsWith("/tmp/")
    && env.ENGINE_CACHE_DIR?.startsWith("/tmp/"));
  check(`${name}: CPU request and limit set`, scoring.resources?.requests?.cpu && scoring.resources?.limits?.cpu);

  const pdb = objects.find((o) => o.kind === "PodDisruptionBudget");
  check(`${name}: a PodDisruptionBudget covers the replicas`, pdb !== undefined && Object.entries(
    pdb.spec.selector?.matchLabels ?? {}).every(([k, v]) => sts.spec.template.metadata.labels?.[k] === v));

  const gpus = scoring.resources?.limits?.["nvidia.com/gpu"];
  if (name === "gpu") {
    check("gpu: each replica asks for one nvidia.com/gpu", String(gpus) === "1", String(gpus));
    check("gpu: tolerates the nvidia.com/gpu taint", (spec.tolerations ?? []).some((t) => t.key === "nvidia.com/gpu"));
  } else {
    check(`${name}: asks for no GPU`, gpus === undefined);
  }
  return { service, servicePort, image: scoring.image, objects };
}

function checkJob(file, job, rendered) {
  const label = `job ${path.basename(file)}`;
  const spec = job.spec.template.spec;
  const c = spec.containers[0];
  // The Job runs the strategy through sh -c (to resume a retried pod's journal); its words are the options.
  const words = [...(c.command ?? []), ...(c.args ?? [])].flatMap((a) => a.split(/\s+/));
  const { service, servicePort, objects } = rendered;
  const dns = `dns:///${service.metadata.name}.${service.metadata.namespace}.svc.cluster.local:${servicePort.port}`;
  check(`${label}: --target is the headless Service's DNS name and port`, optionValue(words, "--target") === dns,
    `${optionValue(words, "--target")}, expected ${dns}`);
  check(`${label}: runs a strategy program`, words.includes("/opt/knas/bin/strategy"));
  check(`${label}: in namespace ${NAMESPACE}`, job.metadata.namespace === NAMESPACE);
  check(`${label}: a new name per Job (generateName)`, job.metadata.generateName && !job.metadata.name);
  secretBacked(spec, c, optionValue(words, "--auth-token-file"), TOKEN_SECRET, `${label}: --auth-token-file`);
  secretBacked(spec, c, optionValue(words, "--tls-ca"), TLS_SECRET, `${label}: --tls-ca`);
  const tls = volumeOf(spec, mountOf(c, optionValue(words, "--tls-ca")));
  check(`${label}: mounts the CA alone, not the server's key`, tls?.secret?.items?.length === 1
    && tls.secret.items[0].key === "ca.crt");
  const out = optionValue(words, "--out")?.replace(/^"|"$/g, "");
  const outVolume = volumeOf(spec, mountOf(c, out));
  check(`${label}: --out is on the knas-results claim`, outVolume?.persistentVolumeClaim?.claimName
    === "knas-results" && objects.some((o) => o.kind === "PersistentVolumeClaim" && o.metadata.name === "knas-results"),
  JSON.stringify(outVolume));
  hardened(label, spec, c);
}

function kubectlRendering(dir) {
  try {
    return YAML.parseAllDocuments(execFileSync("kubectl", ["kustomize", dir], { encoding: "utf8" }),
      { version: "1.1" }).map((d) => d.toJS());
  } catch (e) {
    if (e.code === "ENOENT") return null;
    throw new Error(`kubectl kustomize ${dir} fails: ${e.stderr || e.message}`);
  }
}
const key = (o) => `${o.kind}/${o.metadata?.namespace ?? ""}/${o.metadata?.name}`;
const sorted = (v) => (Array.isArray(v) ? v.map(sorted) : v && typeof v === "object"
  ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sorted(v[k])])) : v);
const canonical = (objects) => JSON.stringify(objects.map((o) => [key(o), sorted(o)])
  .sort((a, b) => (a[0] < b[0] ? -1 : 1)));

try {
  const rendered = {};
  let schemaChecked = 0;
  let crossChecked = 0;
  for (const overlay of OVERLAYS) {
    const dir = path.join(root, "overlays", overlay);
    const objects = render(dir);
    for (const o of objects) {
      const Model = model(o);
      if (!Model) throw new Error(`${overlay}: ${o.apiVersion} ${o.kind} has no schema in kubernetes-models`);
      try {
        new Model(o).validate();
        schemaChecked++;
      } catch (e) {
        failures.push(`${overlay}: ${o.kind}/${o.metadata?.name} fails the schema: ${e.message}`);
      }
    }
    const theirs = kubectlRendering(dir);
    if (theirs) {
      check(`${overlay}: kubectl kustomize renders the same objects`, canonical(theirs) === canonical(objects));
      crossChecked++;
    }
    rendered[overlay] = checkOverlay(overlay, objects);
  }
  check("the gpu overlay runs its own image", rendered.gpu.image !== rendered.cpu.image,
    `${rendered.gpu.image} vs ${rendered.cpu.image}`);
  const jobs = fs.readdirSync(path.join(root, "jobs")).filter((f) => f.endsWith(".yaml"));
  check("there is a strategy Job", jobs.length > 0);
  for (const file of jobs.map((f) => path.join(root, "jobs", f))) {
    for (const o of parseYaml(file)) {
      try {
        new (model(o))(o).validate();
        schemaChecked++;
      } catch (e) {
        failures.push(`${file}: ${o.kind} fails the schema: ${e.message}`);
      }
      if (o.kind === "Job") checkJob(file, o, rendered.cpu);
    }
  }
  console.log(`schemas: ${schemaChecked} objects valid (kubernetes-models); rendering cross-checked with kubectl`
    + ` kustomize: ${crossChecked ? OVERLAYS.join(", ") : "no, kubectl is not installed"}`);
} catch (e) {
  failures.push(e.message);
}
for (const f of failures) console.log(`FAILED ${f}`);
console.log(`manifests: ${passed} passed, ${failures.length} failed`);
process.exitCode = failures.length ? 1 : 0;
