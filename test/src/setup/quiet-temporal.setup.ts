import { quietTemporalLogs } from './quiet-temporal.js';

// Per test file: workers log warnings and errors only.
quietTemporalLogs();
