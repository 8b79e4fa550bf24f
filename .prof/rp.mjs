// source/session/reduce.ts
var PENDING = {
  status: "pending",
  attempts: 0,
  pendingEffects: []
};
function replay(records) {
  let state;
  for (const record of records) state = apply(state, record, record.at);
  return state;
}
function apply(state, event, at) {
  if (event.type === "session.started") {
    const { id, checklist, vars, operator, host, user, dryRun, steps, cwd } = event.data;
    return {
      id,
      checklist,
      vars,
      operator,
      host,
      user,
      dryRun,
      cwd,
      startedAt: at,
      lastActivityAt: at,
      steps: [...steps],
      results: Object.fromEntries(steps.map((step2) => [step2.id, PENDING])),
      approvals: [],
      resumes: 0,
      rollbacks: [],
      followups: []
    };
  }
  if (!state) throw new Error(`a session log must begin with session.started, not ${event.type}`);
  const draft = state;
  draft.lastActivityAt = at;
  const step = (stepId, change) => {
    draft.results[stepId] = change(draft.results[stepId] ?? PENDING);
    return draft;
  };
  switch (event.type) {
    case "session.resumed":
      draft.resumes++;
      return draft;
    case "session.checklist-changed":
      draft.checklist = { ...draft.checklist, sha256: event.data.sha256 };
      return draft;
    case "session.closed":
      return draft;
    case "session.ended":
      draft.ended = { outcome: event.data.outcome, reasons: event.data.reasons, at };
      return draft;
    case "followup.started": {
      const known = new Set(draft.steps.map((ref) => ref.id));
      for (const ref of event.data.steps) {
        if (known.has(ref.id)) continue;
        known.add(ref.id);
        draft.steps.push(ref);
        draft.results[ref.id] = PENDING;
      }
      draft.followups.push({ id: event.data.followupId, startedAt: at });
      return draft;
    }
    case "step.started":
      return step(event.data.stepId, (result) => ({
        ...result,
        status: "running",
        attempts: event.data.attempt,
        startedAt: at,
        endedAt: void 0,
        reason: void 0,
        override: void 0,
        readings: void 0
      }));
    case "monitor.reading": {
      const { value, error } = event.data;
      return step(event.data.stepId, (result) => {
        const readings = result.readings ?? [];
        readings.push({ at, value, error });
        return { ...result, readings };
      });
    }
    case "step.intent":
      return step(event.data.stepId, (result) => ({
        ...result,
        pendingEffects: [...result.pendingEffects, event.data.action]
      }));
    case "step.effect":
      return step(event.data.stepId, (result) => ({
        ...result,
        pendingEffects: withoutFirst(result.pendingEffects, event.data.action)
      }));
    case "step.finished": {
      const { status, reason, metrics, notes, evidence } = event.data;
      return step(event.data.stepId, (result) => ({
        ...result,
        status,
        endedAt: at,
        reason,
        metrics,
        notes,
        evidence,
        attempts: Math.max(result.attempts, 1)
      }));
    }
    case "step.skipped":
      return step(event.data.stepId, (result) => ({
        ...result,
        status: "skipped",
        endedAt: at,
        reason: event.data.reason,
        evidence: event.data.evidence
      }));
    case "step.interrupted":
      return step(event.data.stepId, (result) => ({
        ...result,
        status: "interrupted",
        endedAt: at,
        reason: event.data.reason
      }));
    case "step.overridden":
      return step(event.data.stepId, (result) => ({
        ...result,
        override: event.data.reason
      }));
    case "decision.made": {
      const { stepId, outcome, reasons, conditions } = event.data;
      step(stepId, (result) => ({
        ...result,
        // A NO-GO is the step's failure: it is shown and counted as one, never as a green tick.
        status: outcome === "NO-GO" ? "failed" : "passed",
        reason: outcome,
        endedAt: at
      }));
      draft.decision = { stepId, outcome, reasons, conditions };
      return draft;
    }
    case "signoff.recorded":
      draft.approvals.push({ ...event.data, at });
      return draft;
    case "session.abandoned":
      draft.abandoned = { reason: event.data.reason, at };
      return draft;
    case "rollback.started":
      draft.rollbacks.push({ startedAt: at, trigger: event.data.trigger, actions: [] });
      return draft;
    case "rollback.action": {
      const { action, status, detail } = event.data;
      if (status === "started") return draft;
      return withLastRollback(draft, (run) => ({
        ...run,
        actions: [...run.actions, { action, status, detail }]
      }));
    }
    case "rollback.finished":
      return withLastRollback(draft, (run) => ({
        ...run,
        ok: event.data.ok,
        failedAction: event.data.failedAction
      }));
  }
}
function withLastRollback(state, change) {
  const last = state.rollbacks.at(-1);
  if (!last) return state;
  state.rollbacks[state.rollbacks.length - 1] = change(last);
  return state;
}
function withoutFirst(list, item) {
  const index = list.indexOf(item);
  return index < 0 ? [...list] : [...list.slice(0, index), ...list.slice(index + 1)];
}

// .prof/rp.ts
function longLog(steps, readings) {
  const refs = Array.from({ length: steps + 1 }, (_, index) => ({ id: index === steps ? "watch" : `step-${index}`, kind: "command", title: `Step ${index}`, phase: "p", critical: false }));
  const started = { type: "session.started", data: { id: "x", checklist: {}, vars: {}, operator: "o", host: "h", user: "u", dryRun: false, cwd: "/", overrides: {}, definition: {}, steps: [] } };
  const events = [{ ...started, data: { ...started.data, steps: refs } }];
  for (let index = 0; index < steps; index++) {
    const stepId = `step-${index}`;
    events.push({ type: "step.started", data: { stepId, attempt: 1 } }, { type: "step.intent", data: { stepId, action: "run" } }, { type: "step.effect", data: { stepId, action: "run" } }, { type: "step.finished", data: { stepId, status: "passed" } });
  }
  events.push({ type: "step.started", data: { stepId: "watch", attempt: 1 } });
  for (let sample = 1; sample <= readings; sample++) events.push({ type: "monitor.reading", data: { stepId: "watch", sample, value: 1 } });
  return events.map((e, seq) => ({ ...e, seq, at: new Date(seq).toISOString() }));
}
for (const [s, r] of [[500, 0], [2e3, 0], [4e3, 0], [0, 2e3], [0, 8e3], [0, 32e3]]) {
  const recs = longLog(s, r);
  let best = 1e9;
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    replay(recs);
    best = Math.min(best, performance.now() - t);
  }
  console.log(s, r, best.toFixed(1));
}
