// Public API of the kspan distribution: its component list and the CLI entry point.
export { components } from './components.js';
export { main } from './main.js';
export { runService, DEFAULT_CONFIG } from './commands/run.js';
