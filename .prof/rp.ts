import { replay } from "../source/session/reduce.js";

function longLog(steps: number, readings: number): any[] {
	const refs = Array.from({ length: steps + 1 }, (_, index) => ({ id: index === steps ? "watch" : `step-${index}`, kind: "command", title: `Step ${index}`, phase: "p", critical: false }));
	const started = { type: "session.started", data: { id: "x", checklist: {}, vars: {}, operator: "o", host: "h", user: "u", dryRun: false, cwd: "/", overrides: {}, definition: {}, steps: [] } } as any;
	const events: any[] = [{ ...started, data: { ...started.data, steps: refs } }];
	for (let index = 0; index < steps; index++) {
		const stepId = `step-${index}`;
		events.push({ type: "step.started", data: { stepId, attempt: 1 } }, { type: "step.intent", data: { stepId, action: "run" } }, { type: "step.effect", data: { stepId, action: "run" } }, { type: "step.finished", data: { stepId, status: "passed" } });
	}
	events.push({ type: "step.started", data: { stepId: "watch", attempt: 1 } });
	for (let sample = 1; sample <= readings; sample++) events.push({ type: "monitor.reading", data: { stepId: "watch", sample, value: 1 } });
	return events.map((e, seq) => ({ ...e, seq, at: new Date(seq).toISOString() }));
}
for (const [s, r] of [[500, 0], [2000, 0], [4000, 0], [0, 2000], [0, 8000], [0, 32000]]) {
	const recs = longLog(s, r);
	let best = 1e9;
	for (let i = 0; i < 5; i++) { const t = performance.now(); replay(recs); best = Math.min(best, performance.now() - t); }
	console.log(s, r, best.toFixed(1));
}
