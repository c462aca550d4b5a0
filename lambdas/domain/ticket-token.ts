import { createHash, randomBytes } from 'node:crypto';

/** Random bytes of a download ticket: 256 bits. */
export const TICKET_BYTES = 32;

/** A new download ticket: 256 random bits, base64url (43 characters, safe in a query string as it is). */
export function newTicket(random: (size: number) => Uint8Array = randomBytes): string {
  return Buffer.from(random(TICKET_BYTES)).toString('base64url');
}

/** The key a ticket is stored under: its SHA-256, hex. The ticket itself is never stored nor logged. */
export function ticketHash(ticket: string): string {
  return createHash('sha256').update(ticket, 'utf8').digest('hex');
}

/** True for a string shaped like a ticket (anything else is refused before the store is asked). */
export function isTicketShaped(value: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(value);
}
