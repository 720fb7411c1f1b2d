// The Contribute page's state: the held tasks, the filter choosing among them, the open task
// and its draft. Created by the page, never module-level: a module instance would be shared by
// every page and test in one JavaScript realm, and a draft could follow the wrong task.
//
// Every draft change is saved at once (a reload or a closed tab loses nothing); a finished task
// is queued by `queueTaskResult` in one transaction; the sync status does the rest.
import type { HearthStorage } from '$lib/db/open';
import { textTaskTypes, type SkipReason, type Task, type TextTaskType } from '$lib/protocol/tasks';
import type { HeldTask } from '$lib/db/records/leased-task';
import type { SyncStatus } from '$lib/sync/sync-status.svelte';
import { handBackTasks, startedTasks } from './hand-back';
import { defaultLanguage } from './languages';
import { leaseRefusal, takenNotice, type MakeRoom } from './lease-guidance';
import { findPii } from '$lib/privacy/pii';
import { queueTaskResult } from './queue-result';
import { reviewWarnings } from './review-warnings';
import { loadReplyTools, withToolStep } from './reply-tools';
import { sampleReplies } from './sample-replies';
import { draftKey, restoreDraft, type TaskDraft } from './task-draft';
import { tasksMatching, type TaskFilter } from './task-filter';
import { resultFromDraft, skipResult, type ResultCheck } from './task-result';

/** What sampling needs of the model manager. */
export type SampleEngine = Parameters<typeof sampleReplies>[0];

const FILTER_KEY = 'contribute.filter';
const CURRENT_KEY = 'contribute.current';

/** Tasks one "Take tasks for offline" asks for; the server hands out at most the free slots. */
export const OFFLINE_BATCH = 20;

export class ContributeSession {
	tasks = $state<HeldTask[]>([]);
	filter = $state<TaskFilter>({ lang: 'en', tags: [], type: 'random' });
	currentId = $state<string | null>(null);
	draft = $state<TaskDraft | null>(null);
	/** What keeps the current draft from review or submission, in words. */
	problems = $state<string[]>([]);
	/** The contributor looked at the highlighted personal data and wants to submit anyway. */
	piiConfirmed = $state(false);
	leasing = $state(false);
	/** What just happened, or what went wrong: never both at once. */
	notice = $state<string | null>(null);
	error = $state<string | null>(null);
	/** Offered with a full-device error: hand back what does not match, then take tasks. */
	makeRoom = $state<MakeRoom | null>(null);
	/** While the device's model samples replies for the open task: how far it got. */
	sampling = $state<{ done: number; of: number } | null>(null);
	/** A tool is running for the reply being written (Run waits for it). */
	toolRunning = $state(false);
	/** Why the last tool run gave no result, in the tool's words. */
	toolProblem = $state<string | null>(null);
	/** Tasks about to be handed back that hold work in progress: waiting for a yes. */
	handBackPending = $state<{ taskIds: string[]; started: number } | null>(null);

	readonly matching = $derived(tasksMatching(this.tasks, this.filter));
	readonly current = $derived(this.tasks.find((t) => t.id === this.currentId) ?? null);
	/** Personal data in the text under review (nothing to check for labels and rankings). */
	readonly pii = $derived(
		this.draft?.kind === 'text' && this.draft.step === 'review' ? findPii(this.draft.text) : []
	);
	/** What the review step warns about in the text under review (a prompt too short to use). */
	readonly warnings = $derived.by(() => {
		const task = this.current?.task;
		if (this.draft?.kind !== 'text' || this.draft.step !== 'review') return [];
		if (!task || !(textTaskTypes as readonly string[]).includes(task.type)) return [];
		return reviewWarnings(task.type as TextTaskType, this.draft.text, task.lang);
	});

	/** How many tasks the last take asked for. */
	#asked = OFFLINE_BATCH;

	constructor(
		private readonly storage: HearthStorage,
		private readonly sync: SyncStatus,
		private readonly now: () => number = Date.now,
		/** The model chat uses, for sampling tasks; loaded only when one is done. */
		private readonly models: () => Promise<SampleEngine> = () =>
			Promise.reject(new Error('no model is available on this page'))
	) {}

	async init(locale: string | undefined): Promise<void> {
		this.filter = await this.storage.settings.get<TaskFilter>(FILTER_KEY, {
			lang: defaultLanguage(locale),
			tags: [],
			type: 'random'
		});
		await this.reloadTasks();
		const last = await this.storage.settings.get<string | null>(CURRENT_KEY, null);
		if (last && this.tasks.some((t) => t.id === last)) await this.open(last);
	}

	/** Re-reads the held tasks (after a sync or a lease changed them). */
	async reloadTasks(): Promise<void> {
		this.tasks = (await this.storage.tasks.held()) as HeldTask[];
		if (this.currentId && !this.current) {
			this.currentId = null;
			this.draft = null;
		}
	}

	async setFilter(filter: TaskFilter): Promise<void> {
		this.filter = filter;
		// What was said was about the previous choice.
		this.#clearMessages();
		await this.storage.settings.set(FILTER_KEY, filter);
		// The open task stays open while it still matches; otherwise the first one that does.
		if (!this.current || !this.matching.includes(this.current)) await this.openNext();
	}

	/** A hand-back confirmation shown above the list: one about the open task alone sits in its workspace. */
	get handBackOutsideWorkspace(): { taskIds: string[]; started: number } | null {
		const pending = this.handBackPending;
		const aboutOpenTaskOnly =
			pending?.taskIds.length === 1 && pending.taskIds[0] === this.currentId;
		return pending && !aboutOpenTaskOnly ? pending : null;
	}

	#clearMessages(): void {
		this.notice = null;
		this.error = null;
		this.makeRoom = null;
		this.handBackPending = null;
	}

	#say(notice: string): void {
		this.#clearMessages();
		this.notice = notice;
	}

	#fail(error: string, makeRoom: MakeRoom | null = null): void {
		this.#clearMessages();
		this.error = error;
		this.makeRoom = makeRoom;
	}

	async open(taskId: string | null): Promise<void> {
		const held = this.tasks.find((t) => t.id === taskId);
		this.currentId = held ? held.id : null;
		this.problems = [];
		this.toolProblem = null;
		this.piiConfirmed = false;
		this.error = null;
		this.draft = held
			? restoreDraft(held.task, (await this.storage.drafts.get(draftKey(held.id)))?.value)
			: null;
		await this.storage.settings.set(CURRENT_KEY, this.currentId);
	}

	/** Opens the first task matching the filter, if any. */
	async openNext(): Promise<void> {
		await this.open(this.matching[0]?.id ?? null);
	}

	/** Every edit of the form lands here and is saved before the next one. */
	async updateDraft(draft: TaskDraft): Promise<void> {
		const task = this.current;
		if (!task) return;
		this.draft = draft;
		this.problems = [];
		this.toolProblem = null;
		this.piiConfirmed = false;
		await this.storage.drafts.save(draftKey(task.id), draft, this.now());
	}

	/** A sampling task: the device's model writes its k replies into the draft. */
	async sample(): Promise<void> {
		const task = this.current?.task;
		if (task?.type !== 'sample_assistant_replies' || this.sampling) return;
		this.#clearMessages();
		this.sampling = { done: 0, of: task.k };
		try {
			const replies = await sampleReplies(
				await this.models(),
				task.conversation,
				task.k,
				(done) => (this.sampling = { done, of: task.k })
			);
			if (replies.length === 0) {
				this.#fail('The model wrote only empty replies; sample again, or skip the task.');
			}
			await this.updateDraft({ kind: 'samples', step: 'edit', replies });
		} catch (error) {
			this.#fail(`The model on this device could not answer: ${(error as Error).message}`);
		} finally {
			this.sampling = null;
		}
	}

	/** An assistant reply: runs the tool call filled in, and adds its real result as a round. */
	async runTool(): Promise<void> {
		const taskId = this.currentId;
		const call = this.draft?.kind === 'text' ? this.draft.toolCall : undefined;
		if (!call || this.toolRunning) return;
		this.toolRunning = true;
		this.toolProblem = null;
		try {
			const outcome = await (await loadReplyTools()).runReplyTool(call);
			// The contributor may have moved on, or typed on, while it ran.
			if (this.currentId !== taskId || this.draft?.kind !== 'text') return;
			if (outcome.ok) await this.updateDraft(withToolStep(this.draft, outcome.call));
			else this.toolProblem = outcome.problem;
		} catch (error) {
			this.toolProblem = `The tools could not be loaded: ${(error as Error).message}`;
		} finally {
			this.toolRunning = false;
		}
	}

	#check(): { task: Task; check: ResultCheck } | null {
		if (!this.current || !this.draft) return null;
		return { task: this.current.task, check: resultFromDraft(this.current.task, this.draft) };
	}

	/** Moves to the review step when the draft makes a valid result, else lists what is missing. */
	async review(): Promise<void> {
		const checked = this.#check();
		if (!checked || !this.draft) return;
		if (!checked.check.ok) {
			this.problems = checked.check.problems;
			return;
		}
		await this.updateDraft({ ...this.draft, step: 'review' });
	}

	async backToEdit(): Promise<void> {
		if (this.draft) await this.updateDraft({ ...this.draft, step: 'edit' });
	}

	/** Queues the reviewed result and opens the next task; syncs at once when online. */
	async submit(): Promise<void> {
		const checked = this.#check();
		if (!checked) return;
		if (!checked.check.ok) {
			this.problems = checked.check.problems;
			return;
		}
		if (this.pii.length > 0 && !this.piiConfirmed) {
			this.problems = ['Edit the highlighted personal data, or confirm that it may be shared.'];
			return;
		}
		await this.#queue(checked.task, checked.check.result, 'Submitted');
	}

	async skip(reason: SkipReason, note: string): Promise<void> {
		const task = this.current?.task;
		if (!task) return;
		const check = skipResult(task, reason, note);
		if (!check.ok) {
			this.problems = check.problems;
			return;
		}
		await this.#queue(task, check.result, 'Skipped');
	}

	async #queue(task: Task, result: Parameters<typeof queueTaskResult>[2], done: string) {
		try {
			await queueTaskResult(this.storage, task, result, this.now());
		} catch (error) {
			this.#fail(`Could not save on this device: ${(error as Error).message}`);
			return;
		}
		const saved = `${done}: saved on this device, sending…`;
		this.#say(saved);
		this.draft = null;
		this.currentId = null;
		await this.reloadTasks();
		await this.openNext();
		void this.sync.syncAfter().then(() => {
			// Unless a later notice took its place meanwhile.
			if (this.notice !== saved) return;
			this.notice =
				this.sync.pending === 0
					? `${done} and sent.`
					: `${done}: saved on this device; it is sent when the server can be reached.`;
		});
	}

	/**
	 * "Start a task": the open task, or the first held one that matches the filter, or else one
	 * new task leased from the server and opened. One at a time, as most people contribute
	 * online; a batch is for offline work.
	 */
	async startTask(): Promise<void> {
		if (this.current) return;
		if (this.matching.length) return this.openNext();
		await this.takeTasks(1);
	}

	/** "Take tasks for offline": leases a batch matching the filter. */
	async takeTasks(count = OFFLINE_BATCH): Promise<void> {
		this.#asked = count;
		this.leasing = true;
		this.#clearMessages();
		try {
			const taken = await this.sync.takeTasks({
				count,
				lang: this.filter.lang,
				type: this.filter.type,
				...(this.filter.tags.length ? { tags: this.filter.tags } : {})
			});
			// One task opens at once: the open task says enough.
			if (count > 1 || taken === 0) this.#say(takenNotice(taken));
			await this.reloadTasks();
			if (!this.current) await this.openNext();
		} catch (error) {
			await this.reloadTasks();
			const started = await startedTasks(
				this.storage,
				this.tasks.map((t) => t.id)
			);
			const refusal = leaseRefusal(error, this.tasks, this.filter, started);
			this.#fail(refusal.message, refusal.makeRoom);
		} finally {
			this.leasing = false;
		}
	}

	/** The way out of a full device: hands back the unstarted tasks that do not match, takes new. */
	async makeRoomAndTake(): Promise<void> {
		const room = this.makeRoom;
		if (!room) return;
		await this.#handBack(room.taskIds);
		// As many as the refused take asked for: one for "Start a task", a batch for offline.
		await this.takeTasks(this.#asked);
	}

	/**
	 * Hands tasks back, no reason asked (one, or every listed task at once). Tasks with work in
	 * progress are only handed back after `confirmHandBack`: their drafts would be lost.
	 */
	async handBack(taskIds: readonly string[]): Promise<void> {
		const started = await startedTasks(this.storage, taskIds);
		if (started.size > 0) {
			this.#clearMessages();
			this.handBackPending = { taskIds: [...taskIds], started: started.size };
			return;
		}
		await this.#handBack(taskIds);
	}

	async confirmHandBack(): Promise<void> {
		const pending = this.handBackPending;
		if (pending) await this.#handBack(pending.taskIds);
	}

	cancelHandBack(): void {
		this.handBackPending = null;
	}

	async #handBack(taskIds: readonly string[]): Promise<void> {
		let count: number;
		try {
			count = await handBackTasks(this.storage, taskIds, this.now());
		} catch (error) {
			this.#fail(`Could not save on this device: ${(error as Error).message}`);
			return;
		}
		this.#say(
			count === 1
				? 'Handed back 1 task: someone else can take it now.'
				: `Handed back ${count} tasks: others can take them now.`
		);
		if (this.currentId && taskIds.includes(this.currentId)) {
			this.currentId = null;
			this.draft = null;
		}
		await this.reloadTasks();
		if (!this.current) await this.openNext();
		void this.sync.syncNow();
	}
}
