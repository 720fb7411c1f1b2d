// The Documents page's workspace against a real DocumentLibrary over Dexie on fake-indexeddb:
// each flow is checked where it lands, on the page and in storage.
import { describe, expect, it } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import DocumentsWorkspace from '$lib/components/documents/DocumentsWorkspace.svelte';
import { DocumentLibrary } from '$lib/documents/document-library.svelte';
import { openTestStorage } from '../../unit/db/open-test-storage';

async function workspace(
	prepare?: (storage: ReturnType<typeof openTestStorage>['storage']) => Promise<unknown>
) {
	const { storage } = openTestStorage();
	await prepare?.(storage);
	const library = new DocumentLibrary(storage);
	await library.load();
	render(DocumentsWorkspace, { library });
	// Refusals are the library's job: the picker's `accept` only guides the browser's dialog.
	const user = userEvent.setup({ applyAccept: false });
	return { storage, library, user };
}

/** A picked file; jsdom's File lacks the `arrayBuffer()` every browser has. */
function pickedFile(content: string, name: string, type: string): File {
	const file = new File([content], name, { type });
	file.arrayBuffer = async () => new TextEncoder().encode(content).buffer as ArrayBuffer;
	return file;
}

const button = (name: string | RegExp) => screen.getByRole('button', { name });
const listed = () =>
	screen
		.queryAllByTestId('document-item')
		.map((item) => within(item).getAllByRole('button')[0].textContent?.trim());

describe('DocumentsWorkspace', () => {
	it('writes a note, keeping a draft on the way, and lists it with its kind, size and date', async () => {
		const { storage, user } = await workspace();
		expect(screen.getByText(/None yet/)).toBeInTheDocument();
		expect(button('Save note')).toBeDisabled();

		const form = screen.getByRole('form', { name: 'New note' });
		await user.type(within(form).getByRole('textbox', { name: 'Title' }), 'Bike');
		await user.type(within(form).getByRole('textbox', { name: 'Text' }), 'Lock code 4711');
		expect((await storage.drafts.get('document:new'))?.value).toEqual({
			title: 'Bike',
			text: 'Lock code 4711'
		});

		await user.click(button('Save note'));
		expect(await screen.findByRole('status')).toHaveTextContent('Saved “Bike”.');
		expect(listed()).toEqual(['Bike']);
		expect(screen.getByTestId('document-item')).toHaveTextContent(/Note · 14 B · \w+/);
		expect(within(form).getByRole('textbox', { name: 'Text' })).toHaveValue('');
		expect(await storage.drafts.count()).toBe(0);
	});

	it('brings back a note left unsaved, and says so', async () => {
		await workspace((storage) =>
			storage.drafts.save('document:new', { title: 'Half', text: 'a thought' })
		);
		expect(screen.getByRole('textbox', { name: 'Text' })).toHaveValue('a thought');
		expect(screen.getByText('Your unsaved changes from earlier are back.')).toBeInTheDocument();
	});

	it('adds a Markdown file and refuses a slide deck by name', async () => {
		const { storage, user } = await workspace();
		await user.upload(screen.getByLabelText('Add .txt, .md or .pdf files'), [
			pickedFile('# Trip\n\nRome in **May**.', 'Trip.md', 'text/markdown'),
			pickedFile('PK', 'slides.pptx', 'application/vnd.ms-powerpoint')
		]);

		expect(await screen.findByRole('alert')).toHaveTextContent(
			'slides.pptx is not a .txt, .md or .pdf file, the kinds Hearth can read.'
		);
		expect(screen.getByRole('status')).toHaveTextContent('Added “Trip”.');
		expect(listed()).toEqual(['Trip']);
		expect(await storage.documents.count()).toBe(1);
	});

	it('opens a Markdown document rendered, edits it and goes back to the list', async () => {
		const { user } = await workspace((storage) =>
			storage.documents.add({ title: 'Trip', text: 'Rome in **May**.', kind: 'markdown' })
		);
		await user.click(button('Trip'));

		const heading = screen.getByRole('heading', { level: 2, name: 'Trip' });
		await waitFor(() => expect(heading).toHaveFocus());
		const text = screen.getByTestId('document-text');
		expect(await within(text).findByText('May', { selector: 'strong' })).toBeInTheDocument();

		await user.click(button('Edit'));
		const box = screen.getByRole('textbox', { name: 'Text' });
		await user.clear(box);
		await user.type(box, 'Rome in June.');
		await user.click(button('Save changes'));
		expect(await screen.findByTestId('document-text')).toHaveTextContent('Rome in June.');
		expect(await screen.findByRole('status')).toHaveTextContent('Saved “Trip”.');

		await user.click(button('Back to documents'));
		expect(listed()).toEqual(['Trip']);
	});

	it('shows a text file’s text as it is, never as HTML', async () => {
		const { user } = await workspace((storage) =>
			storage.documents.add({
				title: 'Raw',
				text: '<img src=x onerror=alert(1)> **not bold**',
				kind: 'text'
			})
		);
		await user.click(button('Raw'));
		const text = screen.getByTestId('document-text');
		expect(text).toHaveTextContent('<img src=x onerror=alert(1)> **not bold**');
		expect(text.querySelector('img, strong')).toBeNull();
	});

	it('deletes only after confirmation, and keeps the document when told to', async () => {
		const { storage, user } = await workspace(async (storage) => {
			await storage.documents.add({ title: 'Keep', text: 'k', kind: 'note' }, 1);
			await storage.documents.add({ title: 'Bike', text: 'b', kind: 'note' }, 2);
		});

		await user.click(button('Delete Bike'));
		const confirm = screen.getByRole('group', { name: 'Delete “Bike”?' });
		expect(within(confirm).getByRole('button', { name: 'Keep it' })).toHaveFocus();
		await user.click(within(confirm).getByRole('button', { name: 'Keep it' }));
		expect(listed()).toEqual(['Bike', 'Keep']);

		await user.click(button('Delete Bike'));
		await user.click(
			within(screen.getByRole('group', { name: 'Delete “Bike”?' })).getByRole('button', {
				name: 'Delete'
			})
		);
		expect(await screen.findByRole('status')).toHaveTextContent('Deleted “Bike”.');
		expect(listed()).toEqual(['Keep']);
		expect(await storage.documents.count()).toBe(1);
	});
});
