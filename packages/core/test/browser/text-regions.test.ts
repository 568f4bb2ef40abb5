// Leak suite, text channels: masked and blocked regions (markers, options,
// run-time calls, late marks), strict-mode text, personal data in text and
// attributes, comments and <meta>.
import { runScenarios } from './harness';
import { textScenarios } from './scenarios/text-regions';

runScenarios('text and regions', textScenarios);
