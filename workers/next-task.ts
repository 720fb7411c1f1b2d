// Resolves in a new task of the event loop, so that messages queued meanwhile (an interrupt
// from the page) are handled. A resolved promise would not do: its continuation runs before any
// message. setTimeout(0) would, but browsers clamp nested timeouts to 4 ms, which is longer than
// a decode step of a small model. A background-priority task runs after every pending message
// and needs no trip through another thread, unlike a message to ourselves, which under load
// costs more than a small model's whole decode step; browsers without the scheduler use that.
interface Scheduler {
	postTask(callback: () => void, options: { priority: 'background' }): Promise<void>;
}

export function nextTask(): Promise<void> {
	const scheduler = (globalThis as { scheduler?: Scheduler }).scheduler;
	if (scheduler) return scheduler.postTask(() => {}, { priority: 'background' });
	return new Promise((resolve) => {
		const channel = new MessageChannel();
		channel.port1.onmessage = () => {
			channel.port1.close();
			resolve();
		};
		channel.port2.postMessage(null);
	});
}
