// Leak suite, structural channels: open shadow roots, same-origin iframes,
// URLs (page, navigation, href, src, action, srcset, CSS), media.
import { runScenarios } from './harness';
import { structureScenarios } from './scenarios/structure';

runScenarios('structure', structureScenarios);
