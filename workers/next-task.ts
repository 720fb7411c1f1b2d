// Resolves in a new task of the event loop, so that messages queued meanwhile (an interrupt
// from the page) are handled. A resolved promise would not do: its continuation runs before any
// message. setTimeout(0) would, but browsers clamp nested timeouts to 4 ms, which is longer than
// a decode step of a small model; a message on a fresh channel is not clamped.
export function nextTask(): Promise<void> {
	return new Promise((resolve) => {
		const channel = new MessageChannel();
		channel.port1.onmessage = () => {
			channel.port1.close();
			resolve();
		};
		channel.port2.postMessage(null);
	});
}
