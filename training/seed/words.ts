// Everyday words for the spelling and letter-counting skills: lower case, 3 to 7 letters.
export const words = `
apple bread chair table river garden window pencil orange planet forest bottle candle rabbit
summer winter spring autumn castle button cloud storm stone green music house mouse horse light
night water paper tiger zebra lemon mango grape peach honey sugar cat dog sun moon star tree bird
fish book door lamp milk rain snow wind fire ship road hill lake kitten puppy turtle dragon rocket
silver golden purple yellow market basket pocket ticket jacket blanket kitchen morning evening
teacher student picture country machine battery library holiday weather bicycle blossom harbor
island valley meadow canyon desert jungle bridge tunnel engine wheel cookie butter cheese tomato
potato carrot pepper salad noodle muffin violin guitar trumpet drum piano flute singer dancer
painter writer
`
	.trim()
	.split(/\s+/);
