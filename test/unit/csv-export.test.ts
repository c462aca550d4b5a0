import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { SinkClosedError, writableSink } from '../../lambdas/adapters/writable-sink';
import { type CsvSink, writeTransactionsCsv } from '../../lambdas/domain/csv-export';
import type { StoredTransaction } from '../../lambdas/domain/transaction';
import { EXPORT_VIEWER_REQUEST_FUNCTION, VIEWER_AUTHORIZATION_HEADER } from '../../lambdas/shared/edge';
import { handOverViewerAuthorization } from '../../local/api-server';
import { tx } from '../support/aggregate-fixtures';

/** The old buffered export's cap (API Gateway and buffered Lambda responses stop at 6 MB). */
const OLD_CAP_BYTES = 5 * 1024 * 1024;
const PERIOD = { from: '2026-03-01', to: '2026-03-31', timeZone: 'UTC' };

/** `pages` pages of `size` rows each, all in March 2026, counting how many pages it has handed out. */
function pagesOf(pages: number, size: number) {
  const state = { produced: 0 };
  async function* gen(): AsyncGenerator<StoredTransaction[]> {
    for (let p = 0; p < pages; p++) {
      const page: StoredTransaction[] = [];
      for (let i = 0; i < size; i++) {
        const n = p * size + i;
        const date = new Date(Date.parse('2026-03-31T23:00:00.000Z') - n * 1000).toISOString();
        page.push(tx({ txKey: `oid#${n}`, transactionOrderId: `order-${n}`, date, fanHandle: `fan_${n % 97}` }));
      }
      state.produced += 1;
      yield page;
    }
  }
  return { state, pages: gen() };
}

describe('streaming CSV export core', () => {
  it('writes an export larger than the old 5 MB cap completely, never reading a page ahead of a pending write', async () => {
    const { state, pages } = pagesOf(60, 1000);
    let bytes = 0;
    let lines = 0;
    let written = 0;
    const seenIds = new Set<string>();
    const aheadAtWrite: number[] = [];
    const sink: CsvSink = {
      async write(text) {
        aheadAtWrite.push(state.produced - written);
        // A slow reader: the write finishes a turn of the event loop later.
        await new Promise<void>((r) => setImmediate(r));
        bytes += Buffer.byteLength(text);
        for (const line of text.split('\r\n')) {
          if (!line) continue;
          lines += 1;
          const id = line.split(',').at(-1);
          if (id?.startsWith('order-')) seenIds.add(id);
        }
        written = state.produced;
      },
    };
    const out = await writeTransactionsCsv(sink, pages, PERIOD);
    expect(bytes).toBeGreaterThan(OLD_CAP_BYTES);
    expect(out).toEqual({ rows: 60_000, pages: 60 });
    expect(lines).toBe(60_001);
    expect(seenIds.size).toBe(60_000);
    // While a page's write is pending, no further page has been read: at most one page held.
    expect(Math.max(...aheadAtWrite)).toBeLessThanOrEqual(1);
  });

  it('skips rows outside the local days of the period and writes nothing for an empty page', async () => {
    async function* pages() {
      yield [tx({ txKey: 'a', date: '2026-04-01T00:30:00.000Z' }), tx({ txKey: 'b', date: '2026-03-31T22:00:00Z' })];
      yield [];
    }
    const writes: string[] = [];
    const out = await writeTransactionsCsv({ write: async (t) => void writes.push(t) }, pages(), {
      ...PERIOD,
      timeZone: 'Europe/Berlin',
    });
    // 00:30 UTC on 1 April is 02:30 in Berlin: outside March; 22:00 UTC on 31 March is 00:00 on 1 April there.
    expect(out.rows).toBe(0);
    expect(writes).toHaveLength(1);
  });
});

describe('writable sink (backpressure)', () => {
  it('waits for drain when the stream is full, and rejects once the reader has gone', async () => {
    const stream = new PassThrough({ highWaterMark: 16 });
    const sink = writableSink(stream);
    let done = false;
    const pending = sink.write('x'.repeat(64)).then(() => {
      done = true;
    });
    await new Promise<void>((r) => setImmediate(r));
    expect(done).toBe(false);
    stream.resume();
    await pending;
    expect(done).toBe(true);

    const closed = new PassThrough({ highWaterMark: 16 });
    const waiting = writableSink(closed).write('y'.repeat(64));
    closed.destroy();
    await expect(waiting).rejects.toBeInstanceOf(SinkClosedError);
    await expect(writableSink(closed).write('z')).rejects.toBeInstanceOf(SinkClosedError);
  });
});

describe("the export behaviour's viewer-request function", () => {
  type Headers = Record<string, { value: string }>;
  const run = (headers: Headers): Headers => {
    const handler = new Function(`${EXPORT_VIEWER_REQUEST_FUNCTION}; return handler;`)() as (e: {
      request: { headers: Headers };
    }) => { headers: Headers };
    return handler({ request: { headers } }).headers;
  };
  const local = (headers: Record<string, string>) => {
    const copy = { ...headers };
    handOverViewerAuthorization(copy);
    return copy;
  };

  it('hands the viewer Authorization over in the viewer header and drops a viewer-sent one, as the local server does', () => {
    const cases: Record<string, string>[] = [
      { authorization: 'Bearer k1' },
      { authorization: 'Bearer k1', [VIEWER_AUTHORIZATION_HEADER]: 'Bearer forged' },
      { [VIEWER_AUTHORIZATION_HEADER]: 'Bearer forged' },
      {},
    ];
    for (const c of cases) {
      const edge = run(Object.fromEntries(Object.entries(c).map(([k, v]) => [k, { value: v }])));
      const flat = Object.fromEntries(Object.entries(edge).map(([k, v]) => [k, v.value]));
      expect(flat).toEqual(local(c));
      expect(flat[VIEWER_AUTHORIZATION_HEADER]).toBe(c.authorization);
    }
  });
});
