import { quietTemporalLogs } from './quiet-temporal.js';

// Per test file: workers log errors only.
quietTemporalLogs();
