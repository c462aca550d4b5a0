import { describe, expect, it } from 'vitest';
import { formatDuration, type StartBannerInput, startBanner } from '../../local/start-banner';

const base: StartBannerInput = {
  url: 'http://127.0.0.1:3000',
  issuer: 'http://127.0.0.1:41234',
  demoUsers: [{ role: 'owner', email: 'owner@northstar.test', password: 'pw-owner' }],
  apiKey: 'key-123',
  cronSecret: 'cron-456',
  intervalMs: 600_000,
  modelIds: ['model-01', 'model-02'],
  simulatorUrl: 'http://127.0.0.1:4010',
  liveEveryMs: 8_000,
  webhooks: true,
};
const line = (banner: string, label: string) => banner.split('\n').find((l) => l.trimStart().startsWith(label));

describe('npm start banner', () => {
  it('with the defaults: a sale every 8 s, each one a webhook that syncs its model at once', () => {
    const banner = startBanner(base);
    expect(line(banner, 'Fanvue')).toBe('  Fanvue        simulator at http://127.0.0.1:4010, a new sale every 8 s');
    expect(line(banner, 'Webhooks')).toBe(
      '  Webhooks      each sale is a signed webhook to http://127.0.0.1:3000/api/webhooks/fanvue, which syncs that model at once',
    );
    expect(line(banner, 'Sync cycle')).toBe('  Sync cycle    every 10 min (fan-out over 2 models), first one now');
    expect(line(banner, 'Manual sync')).toContain('npm run invoke -- sync model-01');
    expect(banner).toContain('owner   owner@northstar.test  password pw-owner');
    expect(banner).toContain('http://127.0.0.1:3000/#key=key-123');
    expect(banner).toContain("x-cron-secret: cron-456'");
  });

  it('--live 0 says no new sales arrive, and nowhere that they do', () => {
    const banner = startBanner({ ...base, liveEveryMs: 0 });
    expect(line(banner, 'Fanvue')).toBe(
      '  Fanvue        simulator at http://127.0.0.1:4010, no new sales (--live 0): the history only',
    );
    expect(line(banner, 'Webhooks')).toBe(
      '  Webhooks      on, to http://127.0.0.1:3000/api/webhooks/fanvue (nothing to send while there are no new sales)',
    );
    expect(banner).not.toMatch(/arriving live|a new sale every|each sale is/);
  });

  it('--live 3s and --live 500ms name their own pace', () => {
    expect(line(startBanner({ ...base, liveEveryMs: 3_000 }), 'Fanvue')).toContain('a new sale every 3 s');
    expect(line(startBanner({ ...base, liveEveryMs: 500 }), 'Fanvue')).toContain('a new sale every 500 ms');
  });

  it('--no-webhooks says new sales wait for the schedule (or that there are none)', () => {
    expect(line(startBanner({ ...base, webhooks: false }), 'Webhooks')).toBe(
      '  Webhooks      off (--no-webhooks): new sales wait for the next sync cycle',
    );
    const none = startBanner({ ...base, webhooks: false, liveEveryMs: 0 });
    expect(line(none, 'Webhooks')).toBe('  Webhooks      off (--no-webhooks): none would be sent');
    expect(none).not.toContain('each sale is');
  });

  it('--no-demo-models: no model to name in the manual sync, and the fan-out says there is none yet', () => {
    const banner = startBanner({ ...base, modelIds: [] });
    expect(line(banner, 'Sync cycle')).toBe(
      '  Sync cycle    every 10 min (no models yet: connect the simulator from the dashboard (Fanvue accounts)), first one now',
    );
    expect(line(banner, 'Manual sync')).toBe('  Manual sync   npm run invoke -- fanout');
    expect(banner).not.toContain('model-01');
  });

  it('--interval and --schedule show the interval in its own unit; one model is singular', () => {
    expect(line(startBanner({ ...base, intervalMs: 30_000, modelIds: ['m'] }), 'Sync cycle')).toBe(
      '  Sync cycle    every 30 s (fan-out over 1 model), first one now',
    );
    expect(formatDuration(90_000)).toBe('90 s');
    expect(formatDuration(300_000)).toBe('5 min');
    expect(formatDuration(3_600_000)).toBe('1 h');
    expect(formatDuration(1_500)).toBe('1500 ms');
  });
});
