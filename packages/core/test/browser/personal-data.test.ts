// Leak suite, personal data where ordinary pages put it: split across nodes,
// other separators, phone links, credentials, detectors that must not undo
// each other, and what must stay readable.
import { runScenarios } from './harness';
import { personalDataScenarios } from './scenarios/personal-data';

runScenarios('personal data', personalDataScenarios);
