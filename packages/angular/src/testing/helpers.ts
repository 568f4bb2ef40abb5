// Helpers shared by the specs; not part of the package (tsconfig.lib.json excludes src/testing).
import type { RecordingBatch } from '@veil/core';

/** A function transport that keeps JSON copies of what it receives. */
export function collectingTransport() {
  const batches: RecordingBatch[] = [];
  const transport = (batch: RecordingBatch) => {
    batches.push(JSON.parse(JSON.stringify(batch)) as RecordingBatch);
  };
  return { batches, transport, json: () => JSON.stringify(batches) };
}

/** Waits until `check` is true, polling each animation frame. */
export async function until(check: () => boolean, what: string, timeout = 5000): Promise<void> {
  const end = Date.now() + timeout;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Types like a visitor: sets the value character by character and fires `input` each time. */
export function typeInto(input: HTMLInputElement | HTMLTextAreaElement, text: string): void {
  for (const ch of text) {
    input.value += ch;
    input.dispatchEvent(new Event('input', { bubbles: true }));
  }
  input.dispatchEvent(new Event('change', { bubbles: true }));
}
