const usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });
const usdCompact = new Intl.NumberFormat('en-US', {
  style: 'currency',
  currency: 'USD',
  notation: 'compact',
  maximumFractionDigits: 1,
});
const clock = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

/** Exact decimal string of integer cents ("-12.05"), so formatting never goes through a float. */
function centsToDecimal(cents: number): `${number}` {
  const abs = Math.abs(cents);
  return `${cents < 0 ? '-' : ''}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}` as `${number}`;
}

/** Integer USD cents as money: 123456 -> "$1,234.56". */
export function formatCents(cents: number): string {
  return usd.format(centsToDecimal(cents));
}

/** Short money for axis labels: 123456 -> "$1.2K". */
export function formatCentsCompact(cents: number): string {
  return usdCompact.format(centsToDecimal(cents));
}

/** "just now", "2m ago", "1h ago", "3d ago". */
export function formatAgo(thenMs: number, nowMs: number): string {
  const s = Math.max(0, Math.floor((nowMs - thenMs) / 1000));
  if (s < 60) return 'just now';
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ago`;
  return `${Math.floor(s / 86_400)}d ago`;
}

/** "in 4m", "now" for a future instant. */
export function formatIn(thenMs: number, nowMs: number): string {
  const s = Math.floor((thenMs - nowMs) / 1000);
  if (s < 60) return 'any moment now';
  if (s < 3600) return `in ${Math.floor(s / 60)}m`;
  return `in ${Math.floor(s / 3600)}h`;
}

/** Local wall-clock time of an instant ("12:10"). */
export function formatClock(ms: number): string {
  return clock.format(ms);
}
