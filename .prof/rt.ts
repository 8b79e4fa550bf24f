import { isDeepStrictEqual } from "node:util";
import { loadChecklistFile } from "../source/checklist/load.js";
for (const f of ["checklists/coordinator-orchestrator-rollout.yaml", "checklists/demo.yaml", "checklists/production-signoff.yaml", "checklists/staging-validation.yaml"]) {
  const r = loadChecklistFile(f, { vars: f.includes("demo") ? { sandbox: "/tmp/x" } : {} });
  if (!r.ok) { console.log(f, "not ok", r.problems[0]); continue; }
  const strip = (v: unknown) => JSON.parse(JSON.stringify(v));
  const walk = (v: any, path: string): void => { if (v && typeof v === "object") { if (!Array.isArray(v) && Object.getPrototypeOf(v) !== Object.prototype && Object.getPrototypeOf(v) !== null) console.log("non-plain", path, v.constructor?.name); for (const [k, x] of Object.entries(v)) walk(x, `${path}.${k}`); } else if (typeof v === "function" || typeof v === "bigint" || (typeof v === "number" && !Number.isFinite(v))) console.log("odd", path, v); };
  walk(r.loaded.checklist, "c"); walk(r.loaded.vars, "v");
  console.log(f, isDeepStrictEqual(strip(r.loaded.checklist), strip(strip(r.loaded.checklist))), r.loaded.secrets.size);
}
