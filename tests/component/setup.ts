// Setup for the component suite: jest-dom's matchers (toBeDisabled, toHaveTextContent, …) on
// Vitest's expect. @testing-library/svelte/vitest, the next setup file, unmounts after each test.
import '@testing-library/jest-dom/vitest';

// jsdom lays nothing out, so it has no scrollIntoView; components call it to bring what they
// open into view. A stand-in that does nothing lets tests spy on it.
Element.prototype.scrollIntoView ??= function scrollIntoView() {};
