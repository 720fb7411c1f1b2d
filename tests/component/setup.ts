// Setup for the component suite: jest-dom's matchers (toBeDisabled, toHaveTextContent, …) on
// Vitest's expect. @testing-library/svelte/vitest, the next setup file, unmounts after each test.
import '@testing-library/jest-dom/vitest';
