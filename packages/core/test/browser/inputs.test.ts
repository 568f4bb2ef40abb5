// Leak suite, input channels: sensitive and personal fields, personal data
// typed into ordinary fields, every kind of control value, detached controls.
import { runScenarios } from './harness';
import { inputScenarios } from './scenarios/inputs';

runScenarios('inputs', inputScenarios);
