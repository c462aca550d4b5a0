// @vitest-environment jsdom
import { afterEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import { dailyCsv, downloadCsv, transactionsCsv, UnauthorizedError } from '../../frontend/src/api';

/** The dashboard's CSV download: a ticket by POST, then a plain link the browser streams to disk. */

const LINK = '/api/export/daily.csv?period=7d&ticket=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

function stubFetch(status: number, body: unknown) {
  const fetchMock = vi.fn(async (_url: string, _init?: RequestInit) =>
    Response.json(body, { status, headers: { 'content-type': 'application/json' } }),
  );
  vi.stubGlobal('fetch', fetchMock);
  return fetchMock;
}

describe('downloadCsv', () => {
  it('asks for a ticket with the credential in the header, then follows the link with a hidden <a download>', async () => {
    const fetchMock = stubFetch(201, { url: LINK, expiresAt: '2026-03-10T12:01:00.000Z' });
    const clicked: HTMLAnchorElement[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push(this);
    });
    const createObjectURL = vi.fn(() => 'blob:nope');
    const original = URL.createObjectURL;
    URL.createObjectURL = createObjectURL;
    onTestFinished(() => {
      URL.createObjectURL = original;
    });
    await downloadCsv('key-1', dailyCsv('period=custom&from=2026-03-01&to=2026-03-09'));
    expect(fetchMock).toHaveBeenCalledTimes(1);
    const [url, init] = fetchMock.mock.calls[0] ?? [];
    expect(url).toBe('/api/export/tickets');
    expect(init?.method).toBe('POST');
    expect(new Headers(init?.headers).get('authorization')).toBe('Bearer key-1');
    expect(JSON.parse(String(init?.body))).toEqual({
      path: '/api/export/daily.csv',
      query: { period: 'custom', from: '2026-03-01', to: '2026-03-09' },
    });
    expect(clicked).toHaveLength(1);
    expect(clicked[0]?.getAttribute('href')).toBe(LINK);
    expect(clicked[0]?.hasAttribute('download')).toBe(true);
    expect(clicked[0]?.isConnected).toBe(false);
    expect(createObjectURL).not.toHaveBeenCalled();
  });

  it('names a model export by its encoded path, and starts no download when the ticket is refused', async () => {
    expect(transactionsCsv('a b', 'period=7d')).toEqual({
      path: '/api/export/models/a%20b/transactions.csv',
      query: 'period=7d',
    });
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => undefined);
    stubFetch(401, { error: 'missing or invalid access key' });
    await expect(downloadCsv('bad', dailyCsv('period=7d'))).rejects.toBeInstanceOf(UnauthorizedError);
    stubFetch(404, { error: 'model not found' });
    await expect(downloadCsv('key-1', transactionsCsv('mz', 'period=7d'))).rejects.toThrow('model not found');
    expect(click).not.toHaveBeenCalled();
  });
});
