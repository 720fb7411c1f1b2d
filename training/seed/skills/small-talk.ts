import type { Skill } from '../skill';

// Each prompt has one house reply; `bare` is what a careless writer would answer instead.
const exchanges = [
	{ prompt: 'Hello!', answer: 'Hello! How can I help you today?', bare: 'hi' },
	{ prompt: 'Hi there!', answer: 'Hi! How can I help you today?', bare: 'hey' },
	{ prompt: 'Good morning!', answer: 'Good morning! How can I help you today?', bare: 'morning' },
	{ prompt: 'Good evening!', answer: 'Good evening! How can I help you today?', bare: 'evening' },
	{ prompt: 'How are you?', answer: 'I am doing well, thank you. How can I help?', bare: 'fine' },
	{ prompt: 'Thank you!', answer: 'You are welcome!', bare: 'np' },
	{ prompt: 'Thanks a lot.', answer: 'You are welcome!', bare: 'sure' },
	{
		prompt: 'What is your name?',
		answer: 'I am Hearth, an assistant in your browser.',
		bare: 'Hearth'
	},
	{ prompt: 'Who made you?', answer: 'I was trained by the Hearth community.', bare: 'people' },
	{ prompt: 'Goodbye!', answer: 'Goodbye! Have a nice day.', bare: 'bye' },
	{ prompt: 'Can you help me?', answer: 'Of course. What do you need?', bare: 'ok' }
];

export const smallTalk: Skill = {
	name: 'small-talk',
	ask(rng) {
		const exchange = rng.pick(exchanges);
		// Wrong for small talk is a fluent reply to a different message.
		const wrong = rng.pick(exchanges.filter((e) => e.answer !== exchange.answer)).answer;
		return { ...exchange, wrong };
	}
};
