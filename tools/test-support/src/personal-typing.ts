// Personal data typed into the fields a recorder records as they are: a search
// box, a coupon, a gift message. In relaxed mode such a field's value is
// recorded, so the recorder must wait until the value can be recognized; a
// prefix sent while the visitor was still typing would be in the recording
// for good. The four demos' end-to-end tests share these values and checks.
import type { Page } from 'playwright-core';
import { replayed, sentBatches } from './demo';
import { findLeaks } from './leaks';

/** Typed key by key, each into every ordinary field. Unique strings, none on any demo page. */
export const TYPED_PERSONAL_DATA = {
  'e-mail address': 'vxq7.lindqvist@example.net',
  // Luhn-valid, a Mastercard range
  'card number': '5577 3385 7084 6309',
  // valid checksum, an Austrian IBAN
  IBAN: 'AT29 3695 5392 7279 1004',
} as const;

/**
 * The shortest starts of each value that must never be sent, as needles for
 * `findLeaks`: a longer prefix contains them. A card's first six digits name
 * its issuer, not its holder, and may be seen; anything from the seventh on
 * may not. Those with digits are under 8 characters once squashed, so that
 * findLeaks looks for them inside each sent string, where timestamps cannot
 * fake them.
 */
export const PERSONAL_DATA_PREFIXES: Record<string, string> = {
  'start of the e-mail address (4 characters)': 'vxq7',
  "the e-mail address's local part": 'vxq7.lindqvist',
  'first 7 digits of the card number': '5577 338',
  'start of the IBAN (country and check digits)': 'AT29',
  'start of the IBAN with its first digits': 'AT29 369',
};

/** A word that any field recording values as they are sends as typed. */
const PROBE = 'vxplainprobe';

/**
 * The visible text fields (inputs that take text, textareas) with an id whose
 * value the recorder sends as typed: a probe word is typed into each field and
 * looked for in what was sent. Returned as `#id` selectors, in page order.
 */
export async function ordinaryFields(page: Page): Promise<string[]> {
  const ids = await page.$$eval('input[id], textarea[id]', (fields) =>
    fields
      .filter((field) => {
        const type = field instanceof HTMLInputElement ? field.type : 'textarea';
        const takesText = ['text', 'search', 'email', 'tel', 'url', 'password', 'number', 'textarea'].includes(type);
        const box = field.getBoundingClientRect();
        return takesText && box.width > 0 && box.height > 0;
      })
      .map((field) => field.id),
  );
  const probes = new Map(ids.map((id, i) => [id, `${PROBE}${String.fromCharCode(97 + (i % 26))}${i}q`]));
  for (const [id, probe] of probes) {
    const field = page.locator(`#${id}`);
    const before = await field.inputValue();
    await field.fill(probe);
    await field.press('Tab');
    await field.fill(before);
    await field.press('Tab');
  }
  const sent = JSON.stringify(await sentBatches(page));
  return ids.filter((id) => sent.includes(probes.get(id)!)).map((id) => `#${id}`);
}

/**
 * Types each of TYPED_PERSONAL_DATA into each field, key by key at a brisk
 * typist's pace, leaving the field after each value (so its value settles and
 * is recorded) and clearing it again.
 */
export async function typePersonalData(page: Page, selectors: string[]): Promise<void> {
  for (const selector of selectors) {
    const field = page.locator(selector);
    for (const value of Object.values(TYPED_PERSONAL_DATA)) {
      await field.fill('');
      await field.pressSequentially(value, { delay: 15 });
      await field.press('Tab');
    }
    await field.fill('');
    await field.press('Tab');
  }
}

/**
 * Types TYPED_PERSONAL_DATA into each of `selectors` (typePersonalData) and
 * says where any of PERSONAL_DATA_PREFIXES shows: in what the demo sent, or
 * on its replay panel once the replay has caught up. `[]` when nowhere.
 */
export async function personalDataPrefixesSeen(page: Page, selectors: string[]): Promise<string[]> {
  await typePersonalData(page, selectors);
  const seen = findLeaks(await sentBatches(page), PERSONAL_DATA_PREFIXES).map((leak) => `sent: ${leak}`);
  // the replay has caught up once its search box is empty again, as the page's is
  await page.waitForFunction(
    () =>
      document.querySelector<HTMLIFrameElement>('#replay-stage iframe')?.contentDocument?.querySelector<HTMLInputElement>('#search')
        ?.value === '',
    undefined,
    { timeout: 20_000 },
  );
  const replay = await replayed(page);
  if (!replay) return [...seen, 'the replay panel shows nothing'];
  return [...seen, ...findLeaks({ html: replay.html, values: replay.values }, PERSONAL_DATA_PREFIXES).map((leak) => `replayed: ${leak}`)];
}
