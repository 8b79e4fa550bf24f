import { readFileSync } from "node:fs";
import { join } from "node:path";
import { readLog } from "../source/session/log.js";
import { replay } from "../source/session/reduce.js";
import { checkAgainstLog } from "../source/session/anchors.js";
import { sessionData } from "../source/report/session-data.js";
import { buildReport } from "../source/report/model.js";
import { render } from "../source/report/write.js";
import { listSessions } from "../source/session/inspect.js";
const dir = process.argv[2] as string;
const t = (label: string, f: () => unknown) => { const s = performance.now(); const r = f(); console.log(label.padEnd(20), (performance.now() - s).toFixed(1)); return r; };
for (let i = 0; i < 2; i++) {
  t("readFile", () => readFileSync(join(dir, "events.jsonl"), "utf8"));
  t("parse lines", () => readFileSync(join(dir, "events.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l)));
  const { records } = t("readLog", () => readLog(join(dir, "events.jsonl"))) as ReturnType<typeof readLog>;
  t("replay", () => replay(records));
  t("checkAgainstLog", () => checkAgainstLog(dir, records));
  const data = t("sessionData", () => sessionData(dir, records)) as ReturnType<typeof sessionData>;
  const report = t("buildReport", () => buildReport(data)) as ReturnType<typeof buildReport>;
  for (const f of ["json", "html", "md"] as const) t(`render ${f}`, () => render(report, f));
  t("list", () => listSessions(join(dir, "..")));
}
