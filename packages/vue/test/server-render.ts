// Server rendering for the browser tests: vitest runs this in node (its own
// process, see the renderOnServer command in vitest.config.ts), as a server
// would, and the browser test hydrates the HTML it returns.
import { createSSRApp } from 'vue';
import { renderToString } from 'vue/server-renderer';
import { MARK_COMBINATIONS } from '../../../tools/test-support/src/markers';
import { COMPONENT_ROOTS, WAYS, componentRoot } from './combinations';
import { consentApp } from './consent-app';

export type Way = keyof typeof WAYS | 'component root';

/** The HTML vue/server-renderer renders for the combination (or component root row) named `name`, written the `way` given. */
export async function renderOnServer(way: Way, name: string): Promise<string> {
  if (way === 'component root') {
    const row = COMPONENT_ROOTS.find((root) => root.name === name);
    if (!row) throw new Error(`no component root row named ${name}`);
    return renderToString(createSSRApp(componentRoot(row)));
  }
  const combination = MARK_COMBINATIONS.find((row) => row.name === name);
  if (!combination) throw new Error(`no marker combination named ${name}`);
  return renderToString(createSSRApp(WAYS[way](combination)));
}

/** The HTML of consent-app.ts's app, rendered as a server renders it. */
export function renderConsentApp(): Promise<string> {
  return renderToString(consentApp());
}

declare module 'vitest/browser' {
  interface BrowserCommands {
    /** {@link renderConsentApp}, run in node. */
    renderConsentApp(): Promise<string>;
    /** {@link renderOnServer}, run in node. */
    renderOnServer(way: Way, name: string): Promise<string>;
  }
}
