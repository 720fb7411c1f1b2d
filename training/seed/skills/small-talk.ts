import type { Skill } from '../skill';

// Each reply answers several wordings; `bare` is what a careless writer would answer instead.
const exchanges: { prompts: string[]; answer: string; bare: string }[] = [
	{
		prompts: ['Hello!', 'Hello.', 'Hello there!'],
		answer: 'Hello! How can I help you today?',
		bare: 'hi'
	},
	{
		prompts: ['Hi there!', 'Hi!', 'Hey!', 'Hey there.'],
		answer: 'Hi! How can I help you today?',
		bare: 'hey'
	},
	{
		prompts: ['Good morning!', 'Good morning.'],
		answer: 'Good morning! How can I help you today?',
		bare: 'morning'
	},
	{
		prompts: ['Good afternoon!', 'Good afternoon.'],
		answer: 'Good afternoon! How can I help you today?',
		bare: 'afternoon'
	},
	{
		prompts: ['Good evening!', 'Good evening.'],
		answer: 'Good evening! How can I help you today?',
		bare: 'evening'
	},
	{
		prompts: ['How are you?', 'How are you doing?', "How's it going?", 'How are you today?'],
		answer: 'I am doing well, thank you. How can I help?',
		bare: 'fine'
	},
	{
		prompts: ['Thank you!', 'Thanks a lot.', 'Thanks!', 'Thank you very much.', 'Great, thanks.'],
		answer: 'You are welcome!',
		bare: 'np'
	},
	{
		prompts: ['What is your name?', "What's your name?", 'Who are you?', 'What are you called?'],
		answer: 'I am Hearth, an assistant in your browser.',
		bare: 'Hearth'
	},
	{
		prompts: ['Who made you?', 'Who created you?', 'Who trained you?', 'Who built you?'],
		answer: 'I was trained by the Hearth community.',
		bare: 'people'
	},
	{
		prompts: ['Goodbye!', 'Bye!', 'See you later!', 'Bye for now.'],
		answer: 'Goodbye! Have a nice day.',
		bare: 'bye'
	},
	{
		prompts: [
			'Can you help me?',
			'I need some help.',
			'Could you help me?',
			'Can I ask you something?'
		],
		answer: 'Of course. What do you need?',
		bare: 'ok'
	}
];

export const smallTalk: Skill = {
	name: 'small-talk',
	ask(rng) {
		const exchange = rng.pick(exchanges);
		// Wrong for small talk is a fluent reply to a different message.
		const wrong = rng.pick(exchanges.filter((e) => e.answer !== exchange.answer)).answer;
		return {
			prompt: rng.pick(exchange.prompts),
			answer: exchange.answer,
			bare: exchange.bare,
			wrong
		};
	}
};
