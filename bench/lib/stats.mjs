export function quantile(sorted, q) {
  if (!sorted.length) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** Median, quartiles and range of a list of numbers (the samples are kept for the JSON). */
export function summarize(samples) {
  const s = samples.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  const r = (x) => Math.round(x * 1000) / 1000;
  return {
    median: r(quantile(s, 0.5)),
    p25: r(quantile(s, 0.25)),
    p75: r(quantile(s, 0.75)),
    min: r(s[0]),
    max: r(s[s.length - 1]),
    n: s.length,
    samples: samples.map(r),
  };
}

export const median = (samples) =>
  quantile(
    [...samples].sort((a, b) => a - b),
    0.5,
  );
