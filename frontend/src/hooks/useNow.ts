import { useEffect, useState } from 'react';

/** The current time, re-rendering every `intervalMs` so "2m ago" labels tick between polls. @default 15000 */
export function useNow(intervalMs = 15_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(id);
  }, [intervalMs]);
  return now;
}
