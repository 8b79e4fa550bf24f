import { spawnSync } from "node:child_process";

/** A Python that has python-dotenv and PyYAML, the reference readers other programs use; or undefined. */
export const PYTHON = ["python3", "/usr/bin/python3"].find(
	(python) => spawnSync(python, ["-c", "import dotenv, yaml"], { stdio: "ignore" }).status === 0,
);

const SCRIPT = `
import io, json, sys, math
import dotenv, yaml
def plain(value):
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return {"float": repr(value)}
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("latin-1")
    return value
out = []
for kind, text in json.load(sys.stdin):
    try:
        if kind == "env":
            out.append({"ok": dict(dotenv.dotenv_values(stream=io.StringIO(text), interpolate=False))})
        else:
            out.append({"ok": [plain(d) for d in yaml.safe_load_all(text)]})
    except Exception as error:
        out.append({"error": str(error).splitlines()[0] if str(error) else type(error).__name__})
print(json.dumps(out))
`;

/** Reads texts with python-dotenv (`env`) or PyYAML's safe_load_all (`yaml`), all in one process. */
export function pythonRead(
	items: readonly (readonly ["env" | "yaml", string])[],
): ({ ok: unknown } | { error: string })[] {
	if (!PYTHON) throw new Error("no python3 with dotenv and yaml");
	const result = spawnSync(PYTHON, ["-c", SCRIPT], {
		input: JSON.stringify(items),
		encoding: "utf8",
		maxBuffer: 256 * 1024 * 1024,
	});
	if (result.status !== 0) throw new Error(result.stderr);
	return JSON.parse(result.stdout);
}
