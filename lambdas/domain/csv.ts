/**
 * CSV for the exports: UTF-8, a header row, RFC 4180 quoting, money as plain
 * decimal numbers of the currency unit ("-12.05") next to a currency column,
 * so any spreadsheet locale reads them. No floats: cents are split as integers.
 */

/** Integer cents as an exact decimal string ("1234.05", "-0.50"). */
export function centsToDecimal(cents: number): string {
  const abs = Math.abs(cents);
  return `${cents < 0 ? '-' : ''}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** One CSV field: quoted when it holds a comma, quote or line break; a leading formula character is defused. */
export function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  let s = String(value);
  // Spreadsheets run text that starts with = + - @ as a formula; numbers are written by us and stay as they are.
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(s) && !/^-?\d+(\.\d+)?$/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** One CSV line (CRLF-terminated, as RFC 4180 has it). */
export function csvLine(fields: readonly (string | number | null | undefined)[]): string {
  return `${fields.map(csvField).join(',')}\r\n`;
}
