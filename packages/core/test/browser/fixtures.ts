// Personal data planted in the leak suite. Each value is used by one scenario
// only; utility.test.ts checks that cards are Luhn-valid, IBANs carry a valid
// checksum, and that the near misses really are near misses.

/** Luhn-valid card numbers, as a person would write them. */
export const CARDS = {
  typedCcNumber: '4716 8719 3469 6775',
  typedCcNumberSection: '5425 9900 6313 9933',
  typedPlainSpaces: '4485 3143 5321 5255',
  typedPlainDashes: '6011-8693-0506-2855',
  textareaDefault: '5105 1715 8376 3430',
  contenteditable: '4024 4677 9761 1758',
  valueAttribute: '4929-1806-0532-0977',
  textSpaces: '4539 4235 9614 0885',
  textDashes: '5191-1093-8493-1496',
  textAmex: '3714 515286 94348',
  titleAttribute: '2223 5573 6880 6879',
  dataAttribute: '4532583223383880',
  lateAttribute: '4916 4948 3644 2913',
  lateText: '5312 4145 3068 9079',
  mixedParagraph: '4263 3183 6526 5396',
  ariaLabel: '5555 1740 4132 4782',
  shadowText: '4000 3512 3745 2411',
  optionText: '3528 9850 0364 0595',
  frameText: '6221 4625 4818 6529',
  maskedOnlyByDetection: '4175 0192 1891 7665',
  typedPlainCompact: '4916586540282764',
  optionValue: '5312 0039 9036 5708',
  textNoBreakSpaces: '4556 7375 8689 9855',
  textSourceBreak: '5200 8282 8282 8210',
  titleNoBreakSpaces: '6011 0009 9013 9424',
  cssString: '4024 0071 6230 4850',
  cssRuleLater: '5473 8473 8291 8473',
  spansOneGroupEach: '4762 6388 7394 2731',
  nestedInline: '5395 4254 0604 3167',
  textNodes: '4786 1035 4593 8932',
  pieceAddedLater: '5628 5362 4190 3370',
  piecesChangedLater: '4709 2700 9866 1130',
  dots: '6868 3827 8760 3620',
  slashes: '4758 6259 7635 8390',
  zeroWidth: '5878 6143 1789 2368',
  bullets: '4373 4459 2891 0841',
  typedWithDots: '4829 0407 3375 9242',
  underscores: '5303 4337 3778 3080',
  typedSettled: '4556 0142 3316 2909',
} as const;

/** IBANs with a valid checksum. */
export const IBANS = {
  typedPlain: 'GB89 NWBK 5304 0256 8416 30',
  textSpaces: 'DE03 3882 3302 4263 4303 31',
  textCompact: 'FR0566387474934923553055736',
  dataAttribute: 'NL54ABNA9515240002',
  titleAttribute: 'ES84 0124 6985 9197 6108 9910',
  mixedParagraph: 'GB22 BARC 7824 3744 0472 89',
  comment: 'IT15 X808 9517 6004 5801 2500 018',
  textNoBreakSpaces: 'AT61 1904 3002 3457 3201',
  spans: 'DE51 1697 4897 7640 8973 13',
  dashes: 'DE15 8982 8375 5359 8290 45',
  textNodes: 'DE54 9664 6273 4226 2141 94',
  /** Four of its digit groups make a Luhn-valid number. */
  holdsCardNumber: 'DE14 8931 2347 2706 6710 89',
  typedSettled: 'DE79 6639 2332 1468 8197 36',
} as const;

/** Look like personal data but are not: a replay must keep them where text is recorded. */
export const NEAR_MISSES = {
  /** 16 digits that fail the Luhn check: an order number. */
  orderNumberText: '7302 8976 0377 0829',
  orderNumberTyped: '7302 5873 3562 8110',
  orderNumberMixed: '7302 5815 1062 2485',
  /** DE15 0299 4968 3421 5439 45 with its check digits changed. */
  badIban: 'DE22 0299 4968 3421 5439 45',
  /** 16 digits that fail the Luhn check, shown in spans. */
  orderNumberSpans: '7860 5296 9886 5094',
} as const;

export function luhnValid(value: string): boolean {
  const digits = value.replace(/[\s-]/g, '');
  if (!/^\d{12,19}$/.test(digits)) return false;
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = Number(digits[i]);
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

export function ibanValid(value: string): boolean {
  const iban = value.replace(/\s/g, '').toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$/.test(iban)) return false;
  const moved = iban.slice(4) + iban.slice(0, 4);
  let rest = 0;
  for (const ch of moved) {
    const n = /[A-Z]/.test(ch) ? String(ch.charCodeAt(0) - 55) : ch;
    for (const d of n) rest = (rest * 10 + Number(d)) % 97;
  }
  return rest === 1;
}
