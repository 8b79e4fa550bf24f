import { closeSync, existsSync, openSync, readSync, statSync } from "node:fs";
import { hostname, userInfo } from "node:os";
import { join, resolve } from "node:path";
import { formatDuration } from "../checklist/duration.js";
import { formatProblem } from "../checklist/errors.js";
import { secretsFromEnvironment, withSecrets } from "../checklist/interpolate.js";
import { type LoadedChecklist, loadChecklistFile } from "../checklist/load.js";
import type { Checklist, Step } from "../checklist/schema.js";
import { type PlacedStep, phaseSteps, placedSteps } from "../checklist/steps.js";
import { OperatorError } from "../errors.js";
import {
	deriveRollbackPlan,
	describeAction,
	type RollbackAction,
	type RollbackPlan,
} from "../report/rollback-plan.js";
import { sessionData } from "../report/session-data.js";
import { type Format, writeExport, writeRecordFiles } from "../report/write.js";
import { type HttpGet, httpGet } from "../runner/http.js";
import { createMasker, extendMasker, type Masker, maskDeep } from "../runner/mask.js";
import { groupAlive, type ProcessRunner, processRunner, signalGroup } from "../runner/run-command.js";
import { isDiskFull } from "../session/atomic.js";
import { canonicalJson } from "../session/canonical.js";
import type { Outcome, SessionEvent, StepRef } from "../session/events.js";
import { hashFile } from "../session/hash.js";
import { newSessionId } from "../session/ids.js";
import type { Approval as RecordedApproval, SessionState } from "../session/reduce.js";
import * as rules from "../session/rules.js";
import { type SessionStore, SessionStore as Store, type StoreOptions } from "../session/store.js";
import type { Clock, StepContext, StepOutcome } from "../steps/context.js";
import { systemClock } from "../steps/context.js";
import { allowedOutcomes, DEFAULT_RULES, type Decision, decide } from "../steps/decision/decision.js";
import { describeWindow, openWindows } from "../steps/monitor/windows.js";
import { notesProblem } from "../steps/prompt/answer.js";
import { misses, readFields } from "../steps/prompt/fields.js";
import { isCritical, moduleOf } from "../steps/registry.js";
import { endedMessage, openSession, recordedChecklist } from "./open-session.js";
import { type ActionResult, type Confirm, carryOut } from "./rollback.js";

/** What the engine refuses, or a problem the operator can fix: one line, exit 2. */
export const EngineError = OperatorError;

/** Side effects the engine uses; tests pass real ones pointed at temp folders. */
export interface Effects {
	readonly runner: ProcessRunner;
	readonly http: HttpGet;
	readonly clock: Clock;
	readonly mask: Masker;
	/** Secret values by variable name: masked, and put into a step only as it runs. */
	readonly secrets?: ReadonlyMap<string, string>;
}

export const defaultEffects = (): Effects => ({
	runner: processRunner,
	http: httpGet,
	clock: systemClock,
	mask: createMasker(),
});

export interface StartOptions {
	readonly checklistPath: string;
	readonly vars?: Readonly<Record<string, string>>;
	readonly operator: string;
	readonly sessionsDir: string;
	readonly dryRun?: boolean;
	readonly baseDir?: string;
	readonly effects?: Effects;
	readonly store?: StoreOptions;
}

export interface ResumeOptions {
	readonly sessionsDir: string;
	readonly id: string;
	/** Use the checklist file even though it changed since the session started. */
	readonly acceptChangedChecklist?: boolean;
	/** Compare the checklist file with the one the session started from (not for a rollback, which runs what was recorded). */
	readonly checkChecklist?: boolean;
	/** To walk on from the first unfinished step: a session with none left is refused, and nothing is recorded in it. */
	readonly toWalk?: boolean;
	readonly effects?: Effects;
	readonly store?: StoreOptions;
}

/** What a screen reads of the session: its state, and a count that moves with every event. */
export interface SessionSnapshot {
	readonly version: number;
	readonly state: SessionState;
}

export interface Approval {
	readonly role: string;
	readonly name: string;
	readonly decision: "approve" | "reject";
	readonly comment?: string;
}

/**
 * The wizard's engine, free of any UI: it starts or resumes a session, says which step
 * is next, runs steps and takes answers, and records everything as events in the store.
 * The Ink wizard and unattended runs are both clients of it.
 */
export class Engine {
	/** What resuming found: an unclean end, a killed command still running, a changed checklist. */
	readonly notices: string[] = [];
	private walked?: {
		readonly checklist: Checklist;
		readonly followups: number;
		readonly steps: readonly PlacedStep[];
		readonly byId: ReadonlyMap<string, PlacedStep>;
	};
	private readonly listeners = new Set<() => void>();
	private readonly settledSteps: string[] = [];
	private version = 0;
	private snapshot?: SessionSnapshot;

	private constructor(
		private readonly store: SessionStore,
		private checklist: Checklist,
		private readonly effects: Effects,
	) {}

	static async start(options: StartOptions): Promise<Engine> {
		const loaded = load(options.checklistPath, options.vars ?? {});
		const effects = keepingSecrets(options.effects ?? defaultEffects(), loaded.secrets);
		const { checklist } = loaded;
		const id = newSessionId(checklist.id, effects.clock.now());
		const started: Extract<SessionEvent, { type: "session.started" }> = {
			type: "session.started",
			data: {
				id,
				checklist: {
					id: checklist.id,
					title: checklist.title,
					version: checklist.version,
					file: options.checklistPath,
					sha256: loaded.sha256,
				},
				vars: loaded.vars,
				operator: options.operator,
				host: hostname(),
				user: userInfo().username,
				dryRun: options.dryRun === true,
				steps: stepRefs(checklist),
				cwd: options.baseDir ?? process.cwd(),
				overrides: options.vars ?? {},
				definition: checklist,
			},
		};
		// The recorded checklist holds secrets only as ${secret:name}; masking it could change what a resume runs.
		const masked = maskDeep(started, effects.mask);
		const record = { ...masked, data: { ...masked.data, definition: checklist } };
		const store = await Store.create(options.sessionsDir, id, record, {
			now: () => effects.clock.now(),
			...options.store,
		});
		return new Engine(store, checklist, effects);
	}

	static async resume(options: ResumeOptions): Promise<Engine> {
		const effects = options.effects ?? defaultEffects();
		const store = await openSession(
			options.sessionsDir,
			options.id,
			{ now: () => effects.clock.now(), ...options.store },
			options.toWalk === true,
		);
		return Engine.resumeOpened(store, { ...options, effects });
	}

	/** Goes on with a session opened by `openSession` (given the same `toWalk`); closes it when it cannot. */
	static async resumeOpened(
		store: SessionStore,
		options: Omit<ResumeOptions, "sessionsDir" | "id" | "store">,
	): Promise<Engine> {
		try {
			const definition = recordedChecklist(store.id, store.dir, store.records, store.state);
			const engine = new Engine(
				store,
				definition,
				keepingSecrets(options.effects ?? defaultEffects(), secretsFromEnvironment(definition.vars)),
			);
			engine.notices.push(...store.warnings);
			// Opening refused a session with nothing left to walk; this finds a walk whose step the checklist lacks.
			if (options.toWalk && !engine.current()) throw new EngineError(endedMessage(engine.id, engine.state));
			if (options.checkChecklist !== false)
				engine.checkChecklistFile(options.acceptChangedChecklist === true);
			engine.recoverInterruptedRun();
			return engine;
		} catch (error) {
			await store.close();
			throw error;
		}
	}

	get id(): string {
		return this.store.id;
	}

	get dir(): string {
		return this.store.dir;
	}

	get state(): SessionState {
		return this.store.state;
	}

	/**
	 * Calls `listener` after every event recorded, so a screen redraws from the session as it is
	 * (React's `useSyncExternalStore` contract, with `getSnapshot`). Returns the unsubscribe.
	 */
	readonly subscribe = (listener: () => void): (() => void) => {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	};

	/** The session as of the last event: a new object after each one, the same one in between. */
	readonly getSnapshot = (): SessionSnapshot => {
		this.snapshot ??= { version: this.version, state: this.store.state };
		return this.snapshot;
	};

	get definition(): Checklist {
		return this.checklist;
	}

	/** The steps this process gave a result (finished, skipped, decided), in the order it did. */
	get settled(): readonly string[] {
		return this.settledSteps;
	}

	/** The steps an operator walks, in order, with where each sits: the phases', then started follow-ups'. */
	get steps(): readonly PlacedStep[] {
		return this.walk().steps;
	}

	/** The walk, worked out again only when the checklist or the follow-ups started change, not per question asked. */
	private walk(): { readonly steps: readonly PlacedStep[]; readonly byId: ReadonlyMap<string, PlacedStep> } {
		const { checklist } = this;
		const followups = this.state.followups.length;
		if (this.walked?.checklist === checklist && this.walked.followups === followups) return this.walked;
		const started = new Set(this.state.followups.map((followup) => followup.id));
		const steps = placedSteps(checklist).filter(
			({ section }) => section.type === "phase" || (section.type === "followup" && started.has(section.id)),
		);
		const byId = new Map<string, PlacedStep>();
		for (const placed of steps) if (!byId.has(placed.step.id)) byId.set(placed.step.id, placed);
		this.walked = { checklist, followups, steps, byId };
		return this.walked;
	}

	/** Adds a follow-up's steps to the walk; it needs a session that ended GO or GO WITH CONDITIONS and was not rolled back. */
	startFollowup(followupId: string): void {
		const followup = this.checklist.followups?.find((item) => item.id === followupId);
		if (!followup) {
			const known = (this.checklist.followups ?? []).map((item) => item.id).join(", ") || "none";
			throw new EngineError(`no follow-up "${followupId}" in ${this.checklist.id} (it has: ${known})`);
		}
		if (!rules.followupsOpen(this.state))
			throw new EngineError(
				`follow-ups come after a session that ended GO or GO WITH CONDITIONS and was not rolled back (${this.id}: ${rules.listingStatus(this.state)})`,
			);
		if (this.state.followups.some((item) => item.id === followupId)) return;
		const due = Date.parse(this.state.ended?.at ?? "") + followup.after;
		const early = due - this.effects.clock.now().getTime();
		if (early > 0)
			this.notices.push(
				`${followupId} is due ${new Date(due).toISOString()} (in ${formatDuration(early)}); it is started early`,
			);
		const steps = followup.steps.map((step) => ({
			id: step.id,
			kind: step.kind,
			title: step.title,
			phase: followupId,
			critical: isCritical(step),
			...(step.must ? { must: true } : {}),
		}));
		this.append({ type: "followup.started", data: { followupId, steps } });
	}

	/** The next step without a final result, or undefined when the walk is over or the session takes no more steps. */
	current(): PlacedStep | undefined {
		const ref = rules.nextToWalk(this.state);
		return ref ? this.placed(ref.id) : undefined;
	}

	placed(stepId: string): PlacedStep {
		const found = this.walk().byId.get(stepId);
		if (!found) throw new EngineError(`no step "${stepId}" in ${this.checklist.id}`);
		return found;
	}

	/** Why the step may not be done now (a frozen session, a NO-GO, a blocking failure), or undefined. */
	refusal(stepId: string): string | undefined {
		const { step } = this.placed(stepId);
		const ref = this.state.steps.find((item) => item.id === stepId);
		if (!ref) return `no step "${stepId}" in this session`;
		return rules.refusal(this.state, ref, moduleOf(step).afterNoGo, step.when);
	}

	/** Whether the step's `when` lets it run: its variable is set, or the outcome it asks for came about. */
	applies(step: Step): boolean {
		return rules.applies(this.state, step.when);
	}

	/** Records a skip when the step's `when` does not hold; undefined when the step is to be done. */
	skipIfOff(stepId: string): StepOutcome | undefined {
		const { step } = this.placed(stepId);
		if (this.applies(step) || step.when === undefined) return undefined;
		this.refuseIfNotAllowed(stepId);
		return this.record(stepId, rules.whenReason(this.state, step.when));
	}

	/** Whether the step holds the rollout: critical, failed, not overridden, and not in a dry run. */
	blocks(stepId: string): boolean {
		return rules.blocks(this.state, stepId);
	}

	/** The critical step that holds the rollout, if any. */
	blockingStep(): string | undefined {
		return rules.blockingStep(this.state)?.id;
	}

	/** Why the session takes no more steps, or undefined while it does. */
	frozen(): string | undefined {
		return rules.frozen(this.state);
	}

	/** Follow-ups come after a session that ended GO or GO WITH CONDITIONS. */
	followupsOpen(): boolean {
		return rules.followupsOpen(this.state);
	}

	/** The outcome as it stands, the same one every screen and record shows. */
	outcome(): rules.SessionOutcome | undefined {
		return rules.sessionOutcome(this.state);
	}

	/** Runs a step that needs no answer: backup, flag, command, monitor. */
	async run(
		stepId: string,
		options: { signal?: AbortSignal; onOutput?: (block: string) => void } = {},
	): Promise<StepOutcome> {
		const { step } = this.placed(stepId);
		this.refuseIfNotAllowed(stepId);
		const off = this.skipIfOff(stepId);
		if (off) return off;
		const module = moduleOf(step);
		if (!module.execute) throw new EngineError(`${stepId} is a ${step.kind} step: it is answered, not run`);
		const previous = this.state.results[stepId];
		const continues =
			module.continuesAfterInterruption === true &&
			previous?.status === "interrupted" &&
			(previous.readings?.length ?? 0) > 0;
		const attempt = this.begin(stepId, continues);
		const signal = options.signal ?? new AbortController().signal;
		const ctx = this.context(stepId, attempt, signal, options.onOutput);
		let outcome: StepOutcome;
		try {
			// A secret's value goes into the step only now; the recorded checklist keeps ${secret:name}.
			outcome = await module.execute(withSecrets(step, ctx.secrets ?? new Map()) as never, ctx);
		} catch (error) {
			// A full disk says nothing about the step: it stays to be run again, not failed.
			outcome = isDiskFull(error)
				? {
						status: "interrupted",
						reason: `${(error as Error).message}: free some space, then run the step again`,
					}
				: { status: "failed", reason: (error as Error).message };
		}
		this.finish(stepId, outcome);
		return outcome;
	}

	/**
	 * Records an operator's answer to a prompt step, with its typed values by field name. A
	 * number outside its threshold or a choice that does not pass fails the step, whatever the answer.
	 */
	answer(
		stepId: string,
		result: "pass" | "fail" | "skip",
		notes?: string,
		values: Readonly<Record<string, unknown>> = {},
	): StepOutcome {
		const { step } = this.placed(stepId);
		if (step.kind !== "prompt") throw new EngineError(`${stepId} is not a prompt step`);
		this.refuseIfNotAllowed(stepId);
		const unexplained = notesProblem(result, notes);
		if (unexplained) throw new EngineError(unexplained);
		if (result === "skip") {
			const must = rules.skipRefusal(this.state, stepId);
			if (must) throw new EngineError(must);
		}
		const typed = result === "skip" ? { values: [], problems: [] } : readFields(step.fields ?? [], values);
		if (typed.problems.length > 0) throw new EngineError(`${stepId}: ${typed.problems.join("; ")}`);
		const missed = misses(typed.values);
		const metrics = Object.fromEntries(
			typed.values.flatMap((value) => (typeof value.value === "number" ? [[value.name, value.value]] : [])),
		);
		this.begin(stepId);
		const evidence = step.fields
			? { question: step.question, answer: result, values: typed.values }
			: undefined;
		const outcome: StepOutcome =
			result === "skip"
				? { status: "skipped", reason: notes?.trim() || "skipped by the operator", evidence }
				: {
						status: result === "pass" && missed.length === 0 ? "passed" : "failed",
						reason: result === "fail" ? notes : missed.length > 0 ? missed.join("; ") : undefined,
						metrics: Object.keys(metrics).length > 0 ? metrics : undefined,
						evidence,
					};
		this.finish(stepId, outcome, notes);
		return outcome;
	}

	/** Fails a step without running it, with the reason (a missing answer, say). */
	fail(stepId: string, reason: string): StepOutcome {
		this.placed(stepId);
		this.refuseIfNotAllowed(stepId);
		this.begin(stepId);
		const outcome: StepOutcome = { status: "failed", reason };
		this.finish(stepId, outcome);
		return outcome;
	}

	/** Skips a step with a written reason. */
	skip(stepId: string, reason: string): StepOutcome {
		if (!reason.trim()) throw new EngineError("a skip needs a reason");
		const { step } = this.placed(stepId);
		if (moduleOf(step).mode === "decision")
			throw new EngineError(`${stepId} is the decision: it is made, not skipped`);
		this.refuseIfNotAllowed(stepId);
		const must = rules.skipRefusal(this.state, stepId);
		if (must) throw new EngineError(must);
		this.append({ type: "step.skipped", data: { stepId, reason } });
		this.settle();
		return { status: "skipped", reason };
	}

	/**
	 * Skips the step without asking when it must not run: its `when` is off, or (unattended)
	 * a critical step before it failed. Undefined when the step is to be done.
	 */
	skipUnattended(stepId: string): StepOutcome | undefined {
		const blocking = rules.blockingStep(this.state);
		const { step } = this.placed(stepId);
		const forRejection = rules.forNoGo(step.when) && this.outcome()?.outcome === "NO-GO";
		if (blocking && blocking.id !== stepId && moduleOf(step).mode !== "decision" && !forRejection)
			return this.record(stepId, `not run: critical step ${blocking.id} failed`);
		return this.skipIfOff(stepId);
	}

	/** Lets a failed critical step through with a written reason; the decision can then be at best GO WITH CONDITIONS. */
	override(stepId: string, reason: string): void {
		this.placed(stepId);
		const frozen = rules.frozen(this.state);
		if (frozen) throw new EngineError(frozen);
		if (this.state.results[stepId]?.status !== "failed") throw new EngineError(`${stepId} has not failed`);
		if (!this.state.steps.find((ref) => ref.id === stepId)?.critical)
			throw new EngineError(`${stepId} is not critical: no override needed`);
		const must = rules.overrideRefusal(this.state, stepId);
		if (must) throw new EngineError(must);
		if (!reason.trim()) throw new EngineError("an override needs a written reason");
		this.append({ type: "step.overridden", data: { stepId, reason } });
		this.settle();
	}

	/** What the decision step would conclude now. */
	proposeDecision(stepId: string): Decision {
		const { step } = this.placed(stepId);
		if (step.kind !== "decision") throw new EngineError(`${stepId} is not a decision step`);
		const decisionRules = {
			...DEFAULT_RULES,
			...this.checklist.decision,
			...step.rules,
			phases: this.checklist.phases.flatMap(({ id, title, passRate }) =>
				passRate ? [{ id, title, passRate }] : [],
			),
		};
		const before = this.state.steps.slice(
			0,
			this.state.steps.findIndex((ref) => ref.id === stepId),
		);
		return decide(this.state, before, decisionRules);
	}

	/**
	 * Records the decision: the computed one, or the operator's choice — any downgrade, or
	 * GO WITH CONDITIONS with written conditions.
	 */
	decide(
		stepId: string,
		choice?: { outcome: Outcome; conditions?: readonly string[]; reason?: string },
	): Decision {
		this.refuseIfNotAllowed(stepId);
		this.refuseWhileWindowsOpen(stepId);
		const proposed = this.proposeDecision(stepId);
		let decision = proposed;
		if (choice && choice.outcome !== proposed.outcome) {
			if (proposed.final && choice.outcome !== "NO-GO")
				throw new EngineError(
					`${choice.outcome} is not allowed: a must-pass step failed or was skipped, and that is a NO-GO`,
				);
			if (!allowedOutcomes(proposed.outcome).includes(choice.outcome)) {
				throw new EngineError(`${choice.outcome} is not allowed when the rules say ${proposed.outcome}`);
			}
			const written = (choice.conditions ?? []).filter((condition) => condition.trim());
			if (choice.outcome === "GO WITH CONDITIONS" && proposed.outcome === "NO-GO" && written.length === 0) {
				throw new EngineError("going ahead against a NO-GO needs written conditions");
			}
			decision = {
				outcome: choice.outcome,
				reasons: [
					...proposed.reasons,
					`${this.state.operator} chose ${choice.outcome}${choice.reason ? `: ${choice.reason}` : ""}`,
				],
				conditions: [...proposed.conditions, ...written],
			};
		}
		this.begin(stepId);
		const { outcome, reasons, conditions } = decision;
		this.append({ type: "decision.made", data: { stepId, outcome, reasons, conditions } });
		this.settle(true);
		return decision;
	}

	/** Records one role's approval or rejection, at the time it is entered; the step ends with its last role. */
	approve(stepId: string, approval: Approval): StepOutcome | undefined {
		const { step } = this.placed(stepId);
		if (step.kind !== "signoff") throw new EngineError(`${stepId} is not a signoff step`);
		this.refuseIfNotAllowed(stepId);
		if (!step.roles.includes(approval.role))
			throw new EngineError(`${stepId} has no role "${approval.role}" (its roles: ${step.roles.join(", ")})`);
		if (!approval.name.trim()) throw new EngineError(`${approval.role} needs a name`);
		if (approval.decision === "reject" && !approval.comment?.trim())
			throw new EngineError(`a rejection by ${approval.role} needs a comment saying why`);
		if (this.state.results[stepId]?.status !== "running") this.begin(stepId);
		this.append({
			type: "signoff.recorded",
			data: { stepId, ...approval, name: approval.name.trim(), enteredBy: this.state.operator },
		});
		const given = this.approvalsOf(stepId);
		if (!step.roles.every((role) => given.some((entry) => entry.role === role))) return undefined;
		const rejected = step.roles.filter(
			(role) => given.find((entry) => entry.role === role)?.decision === "reject",
		);
		const outcome: StepOutcome =
			rejected.length > 0
				? { status: "failed", reason: `rejected by ${rejected.join(", ")}` }
				: { status: "passed" };
		this.finish(stepId, outcome);
		this.writeRecord();
		return outcome;
	}

	/** Records every required role's approval or rejection at once (an answers file); any rejection means NO-GO. */
	signoff(stepId: string, approvals: readonly Approval[]): StepOutcome {
		const { step } = this.placed(stepId);
		if (step.kind !== "signoff") throw new EngineError(`${stepId} is not a signoff step`);
		const unknown = approvals.filter((approval) => !step.roles.includes(approval.role));
		if (unknown.length > 0)
			throw new EngineError(
				`${stepId} has no role ${unknown.map((approval) => `"${approval.role}"`).join(", ")} (its roles: ${step.roles.join(", ")})`,
			);
		const missing = step.roles.filter(
			(role) => !approvals.some((approval) => approval.role === role && approval.name.trim()),
		);
		if (missing.length > 0)
			throw new EngineError(`${stepId} needs a name and a decision from: ${missing.join(", ")}`);
		let outcome: StepOutcome | undefined;
		for (const role of step.roles) {
			const approval = approvals.find((entry) => entry.role === role) as Approval;
			outcome = this.approve(stepId, {
				...approval,
				comment: approval.comment ?? (approval.decision === "reject" ? "rejected" : undefined),
			});
		}
		return outcome ?? { status: "failed", reason: "no approvals" };
	}

	/** The approvals recorded for a sign-off step in its latest attempt. */
	approvalsOf(stepId: string): RecordedApproval[] {
		const started = this.state.results[stepId]?.startedAt ?? "";
		return this.state.approvals.filter((approval) => approval.stepId === stepId && approval.at >= started);
	}

	/** Writes signoff.md/json and rollback-plan.md/sh from the log as it stands. */
	writeRecord(): void {
		writeRecordFiles(this.dir, this.store.records, this.state, this.store.anchor);
	}

	/** Writes the record in one format into the session folder; returns the file's path. */
	exportRecord(format: Format): string {
		return writeExport(this.dir, this.sessionData(), format);
	}

	/** Records that a running step was cut off (Ctrl+C, SIGTERM, SIGHUP), so resume runs it again. */
	interrupt(stepId: string, reason: string): void {
		if (this.state.results[stepId]?.status === "running")
			this.append({ type: "step.interrupted", data: { stepId, reason } });
	}

	/** The way back from what this session really did. */
	rollbackPlan(): RollbackPlan {
		return deriveRollbackPlan(this.sessionData());
	}

	/** The report's inputs, from the records the store keeps and the log's anchor. */
	private sessionData() {
		return sessionData(this.dir, this.store.records, this.state, this.store.anchor);
	}

	/**
	 * Carries out the rollback plan, asking before each action when `confirm` is given, and
	 * records every action; stops at the first that fails. A dry run changes and records nothing.
	 */
	async rollback(
		options: {
			confirm?: Confirm;
			dryRun?: boolean;
			signal?: AbortSignal;
			report?: (action: RollbackAction, result: ActionResult) => void;
		} = {},
	): Promise<{ ok: boolean; failedAction?: string }> {
		const plan = this.rollbackPlan();
		const dryRun = options.dryRun === true;
		const record = (event: SessionEvent) => {
			if (!dryRun) this.append(event);
		};
		record({ type: "rollback.started", data: { trigger: plan.fired } });
		let failedAction: string | undefined;
		for (const [index, action] of plan.actions.entries()) {
			const description = describeAction(action);
			let result: ActionResult;
			if (options.confirm && !(await options.confirm(description))) {
				result = { status: "failed", detail: "declined by the operator" };
			} else {
				record({ type: "rollback.action", data: { index, action: description, status: "started" } });
				const stepId = action.kind === "step" ? action.step.id : `rollback-${index + 1}`;
				const ctx = {
					...this.context(stepId, 1, options.signal ?? new AbortController().signal),
					dryRun: dryRun || this.state.dryRun,
				};
				try {
					result = await carryOut(action, ctx);
				} catch (error) {
					result = { status: "failed", detail: (error as Error).message };
				}
			}
			record({
				type: "rollback.action",
				data: { index, action: description, status: result.status, detail: result.detail },
			});
			options.report?.(action, result);
			if (result.status === "failed") {
				failedAction = description;
				break;
			}
		}
		record({ type: "rollback.finished", data: { ok: failedAction === undefined, failedAction } });
		if (!dryRun) this.writeRecord();
		return { ok: failedAction === undefined, failedAction };
	}

	/** Gives the session up with a written reason: it is frozen from then on. */
	abandon(reason: string): void {
		if (!reason.trim()) throw new EngineError("abandoning a session needs a reason");
		const frozen = rules.frozen(this.state);
		if (frozen) throw new EngineError(frozen);
		this.append({ type: "session.abandoned", data: { reason: reason.trim() } });
		this.writeRecord();
	}

	/** Ends this process's hold on the session, recording that it ended cleanly. */
	async close(reason = "closed"): Promise<void> {
		try {
			// Marks a clean end: the next open that finds no such mark says the last run was cut off.
			this.append({ type: "session.closed", data: { reason } });
		} finally {
			await this.store.close();
		}
	}

	private refuseIfNotAllowed(stepId: string): void {
		const why = this.refusal(stepId);
		if (why) throw new EngineError(why);
	}

	/** Records a skip the engine decides on (not the operator's), then settles the state. */
	private record(stepId: string, reason: string): StepOutcome {
		this.append({ type: "step.skipped", data: { stepId, reason } });
		this.settle();
		return { status: "skipped", reason };
	}

	/**
	 * After every step: a NO-GO skips what is left but its sign-off, and a walk with nothing
	 * left ends the session with its outcome. The record on disk follows each such change.
	 */
	private settle(changed = false): void {
		let recordChanged = changed;
		if (rules.sessionOutcome(this.state)?.outcome === "NO-GO" && !rules.frozen(this.state)) {
			for (const { step } of this.steps) {
				const result = this.state.results[step.id];
				if (rules.isDone(result) || moduleOf(step).afterNoGo || rules.forNoGo(step.when)) continue;
				this.append({
					type: "step.skipped",
					data: { stepId: step.id, reason: "not run: the outcome is NO-GO" },
				});
				recordChanged = true;
			}
		}
		if (!this.state.ended && !rules.frozen(this.state) && !rules.currentStep(this.state)) {
			const outcome = rules.sessionOutcome(this.state) ?? this.undecidedOutcome();
			this.append({ type: "session.ended", data: { outcome: outcome.outcome, reasons: outcome.reasons } });
			recordChanged = true;
		}
		if (recordChanged) this.writeRecord();
	}

	/** A checklist without a decision step ends with what its rules say over every step. */
	private undecidedOutcome(): Decision {
		const decision = decide(this.state, this.state.steps, { ...DEFAULT_RULES, ...this.checklist.decision });
		return {
			...decision,
			reasons: ["no decision step: the checklist's rules over every step", ...decision.reasons],
		};
	}

	/** A decision waits for the observation windows before it: it is taken once they have closed. */
	private refuseWhileWindowsOpen(stepId: string): void {
		const before = this.state.steps.slice(
			0,
			this.state.steps.findIndex((ref) => ref.id === stepId),
		);
		const steps = new Map(placedSteps(this.checklist).map(({ step }) => [step.id, step]));
		const open = openWindows(this.state, before, (id) => steps.get(id));
		if (open.length > 0)
			throw new EngineError(
				`the decision waits for the observation window${open.length === 1 ? "" : "s"} ${open.map(describeWindow).join(", ")}: resume the watch, or skip it with a reason`,
			);
	}

	private begin(stepId: string, continues = false): number {
		const attempt = (this.state.results[stepId]?.attempts ?? 0) + 1;
		this.append({ type: "step.started", data: { stepId, attempt, ...(continues ? { continues } : {}) } });
		return attempt;
	}

	private finish(stepId: string, outcome: StepOutcome, notes?: string): void {
		const { status, reason, metrics, evidence } = outcome;
		if (status === "skipped")
			this.append({
				type: "step.skipped",
				data: {
					stepId,
					reason: reason ?? "skipped",
					evidence: evidence && { ...evidence, kind: this.placed(stepId).step.kind },
				},
			});
		else if (status === "interrupted")
			this.append({ type: "step.interrupted", data: { stepId, reason: reason ?? "interrupted" } });
		else
			this.append({
				type: "step.finished",
				data: {
					stepId,
					status,
					reason,
					metrics,
					notes,
					evidence: evidence && { ...evidence, kind: this.placed(stepId).step.kind },
				},
			});
		if (status !== "interrupted") this.settle();
	}

	private append(event: SessionEvent): void {
		this.store.append(maskDeep(event, this.effects.mask));
		if (event.type === "step.finished" || event.type === "step.skipped" || event.type === "decision.made")
			this.settledSteps.push(event.data.stepId);
		this.version++;
		this.snapshot = undefined;
		for (const listener of this.listeners) listener();
	}

	private context(
		stepId: string,
		attempt: number,
		signal: AbortSignal,
		onOutput?: (block: string) => void,
	): StepContext {
		return {
			stepId,
			attempt,
			sessionDir: this.store.dir,
			baseDir: this.state.cwd,
			dryRun: this.state.dryRun,
			runner: this.effects.runner,
			clock: this.effects.clock,
			mask: this.effects.mask,
			secrets: this.effects.secrets,
			signal,
			state: this.state,
			onOutput,
			http: this.effects.http,
			record: (data, kind) => {
				const type = { intent: "step.intent", effect: "step.effect", reading: "monitor.reading" }[kind];
				this.append({ type, data } as SessionEvent);
			},
			pendingDetail: (action) => this.pendingIntent(stepId, action)?.detail,
		};
	}

	/** The last intent of this action for the step that has no effect after it. */
	private pendingIntent(stepId: string, action: string) {
		let pending: { detail?: unknown } | undefined;
		for (const record of this.store.records) {
			if (record.type === "step.intent" && record.data.stepId === stepId && record.data.action === action)
				pending = record.data;
			if (record.type === "step.effect" && record.data.stepId === stepId && record.data.action === action)
				pending = undefined;
		}
		return pending;
	}

	/** Refuses to go on with a checklist file that changed since the start, unless told to, naming what differs. */
	private checkChecklistFile(accept: boolean): void {
		const { file, sha256 } = this.state.checklist;
		const path = resolve(this.state.cwd, file);
		if (!existsSync(path)) {
			this.notices.push(`${file} is gone; going on with the checklist as it was when the session started`);
			return;
		}
		// The same bytes are the checklist the session started from: nothing to parse or compare.
		if (hashFile(path) === sha256) return;
		const started = this.store.records[0];
		const overrides = started?.type === "session.started" ? started.data.overrides : {};
		const loaded = load(path, overrides);
		if (loaded.sha256 === sha256) return;
		const changed = changedSteps(this.checklist, loaded.checklist);
		if (!accept) {
			throw new EngineError(
				`${file} changed since the session started (${changed.length > 0 ? `steps that differ: ${changed.join(", ")}` : "no step differs"}); resume with --accept-changed-checklist to use the new version`,
			);
		}
		this.append({
			type: "session.checklist-changed",
			data: { sha256: loaded.sha256, changedSteps: changed, definition: loaded.checklist },
		});
		this.checklist = loaded.checklist;
		this.notices.push(`using the changed checklist; steps that differ: ${changed.join(", ") || "none"}`);
	}

	/** After an unclean end: a step left running is recorded as interrupted, and a command group it left behind is stopped. */
	private recoverInterruptedRun(): void {
		const last = this.store.records.at(-1);
		const unclean = last?.type !== "session.closed";
		for (const [stepId, result] of Object.entries(this.state.results)) {
			if (result.status !== "running") continue;
			const pgid = (this.pendingIntent(stepId, "run")?.detail as { pgid?: number } | undefined)?.pgid;
			if (pgid && groupAlive(pgid)) {
				signalGroup(pgid, "SIGTERM");
				signalGroup(pgid, "SIGKILL");
				this.notices.push(`stopped process group ${pgid}, left running by the interrupted ${stepId}`);
			}
			this.append({
				type: "step.interrupted",
				data: { stepId, reason: "rollout stopped while this step was running" },
			});
			this.append({ type: "step.effect", data: { stepId, action: "run", result: { abandoned: true } } });
			this.notices.push(
				`${stepId} was running when rollout stopped: it may have partly run, and runs again from its start${lastLines(join(this.dir, "logs", `${stepId}.log`))}`,
			);
		}
		if (unclean)
			this.notices.push(
				"the last run of this session did not end cleanly; every step recorded before it is intact",
			);
		this.append({ type: "session.resumed", data: { pid: process.pid, host: hostname(), unclean } });
	}
}

/** The last lines of a step's log, for saying where it was cut off; empty when it wrote none. */
function lastLines(log: string, count = 3): string {
	const lines = logEnd(log, count);
	return lines.length > 0 ? `; its log ${log} ends: ${lines.join(" ⏎ ")}` : "";
}

/** The last non-blank lines of a log file (read from its last 4 KB); none when there is no file. */
export function logEnd(log: string, count: number): string[] {
	if (!existsSync(log)) return [];
	const size = statSync(log).size;
	const fd = openSync(log, "r");
	try {
		const length = Math.min(size, 4096);
		const buffer = Buffer.alloc(length);
		readSync(fd, buffer, 0, length, size - length);
		return buffer
			.toString("utf8")
			.split("\n")
			.filter((line) => line.trim())
			.slice(-count);
	} finally {
		closeSync(fd);
	}
}

function load(path: string, vars: Readonly<Record<string, string>>): LoadedChecklist {
	const result = loadChecklistFile(path, { vars });
	if (!result.ok) throw new EngineError(result.problems.map(formatProblem).join("\n"));
	return result.loaded;
}

/** Effects that mask the session's secret values and hand them to steps as they run. */
function keepingSecrets(effects: Effects, secrets: ReadonlyMap<string, string>): Effects {
	return { ...effects, secrets, mask: extendMasker(effects.mask, [...secrets.values()]) };
}

function stepRefs(checklist: Checklist): StepRef[] {
	return phaseSteps(checklist).map(({ step, section }) => ({
		id: step.id,
		kind: step.kind,
		title: step.title,
		phase: section.type === "phase" ? section.id : section.type,
		critical: isCritical(step),
		...(step.must ? { must: true } : {}),
	}));
}

/** Step ids whose definition differs between two versions of a checklist (added, removed or changed). */
function changedSteps(before: Checklist, after: Checklist): string[] {
	const index = (checklist: Checklist) =>
		new Map(phaseSteps(checklist).map(({ step }) => [step.id, canonicalJson(step)] as const));
	const [a, b] = [index(before), index(after)];
	return [...new Set([...a.keys(), ...b.keys()])].filter((id) => a.get(id) !== b.get(id));
}
