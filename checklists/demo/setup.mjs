// Lays out the demo's throwaway service in the folder given: a config with comments, a
// metrics log and nothing else. Run again, it starts the service over from scratch.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

const dir = resolve(process.argv[2] ?? ".rollout-demo");
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
writeFileSync(
	join(dir, "config.yaml"),
	`# Checkout service configuration (demo)
service: checkout
port: 8080        # behind the load balancer

features:
  new_checkout: false   # the rollout turns this on
  express_pay: true
`,
);
const now = Date.now();
const lines = Array.from({ length: 120 }, (_, index) =>
	JSON.stringify({
		ts: new Date(now - (120 - index) * 5000).toISOString(),
		route: "/checkout",
		latency_ms: 80 + ((index * 37) % 90),
	}),
);
writeFileSync(join(dir, "metrics.jsonl"), `${lines.join("\n")}\n`);
console.log(`demo service ready in ${dir}`);
