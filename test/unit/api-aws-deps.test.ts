import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { awsApiDeps, lambdaSyncTrigger } from '../../lambdas/handlers/api/aws-deps';
import { etagOf, matchesIfNoneMatch } from '../../lambdas/handlers/api/http';

const env = {
  CONTROL_TABLE: 'c',
  TOTALS_TABLE: 't',
  TRANSACTIONS_TABLE: 'x',
  CRON_SECRET_ID: 'cron',
  ORIGIN_SECRET_ID: 'origin',
  SYNC_FUNCTION_NAME: 'sync-fn',
  FANOUT_FUNCTION_NAME: 'fanout-fn',
  AWS_REGION: 'us-east-1',
  AUTH_ISSUER: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_pool',
  AUTH_CLIENT_ID: 'client',
  USER_POOL_ID: 'us-east-1_pool',
  FANVUE_REDIRECT_URI: 'https://dashboard.example/connect/fanvue/callback',
  FANVUE_CLIENT_SECRET_ID: 'fanvue-client',
  FANVUE_CONNECTION_SECRET_PREFIX: 'fanvue/connection/',
};

describe('API wiring', () => {
  it('invokes the sync Lambda for one model and the fan-out for all, asynchronously', async () => {
    const lambda = mockClient(LambdaClient);
    lambda.on(InvokeCommand).resolves({ StatusCode: 202 });
    const trigger = lambdaSyncTrigger(new LambdaClient({ region: 'us-east-1' }), {
      sync: 'sync-fn',
      fanout: 'fanout-fn',
    });
    await trigger.syncModel('m1', 'dashboard');
    await trigger.syncAll('manual');
    const calls = lambda.commandCalls(InvokeCommand).map((c) => ({
      fn: c.args[0].input.FunctionName,
      type: c.args[0].input.InvocationType,
      payload: JSON.parse(new TextDecoder().decode(c.args[0].input.Payload as Uint8Array)),
    }));
    expect(calls).toEqual([
      { fn: 'sync-fn', type: 'Event', payload: { modelId: 'm1', reason: 'dashboard' } },
      { fn: 'fanout-fn', type: 'Event', payload: { reason: 'manual' } },
    ]);
    lambda.restore();
  });

  it('derives the Live window from the interval and fails naming a missing variable', () => {
    expect(awsApiDeps(env).config).toEqual({
      syncIntervalMs: 600_000,
      liveWithinMs: 1_320_000,
      cronSecretId: 'cron',
      originSecretId: 'origin',
    });
    expect(awsApiDeps({ ...env, SYNC_INTERVAL_MS: '300000' }).config.liveWithinMs).toBe(720_000);
    const { CRON_SECRET_ID: _omit, ...missing } = env;
    expect(() => awsApiDeps(missing)).toThrow(/CRON_SECRET_ID/);
    // The origin check is never off in AWS: a missing origin secret id fails the cold start.
    const { ORIGIN_SECRET_ID: _origin, ...noOrigin } = env;
    expect(() => awsApiDeps(noOrigin)).toThrow(/ORIGIN_SECRET_ID/);
  });

  it('matches If-None-Match lists and weak validators against the ETag', () => {
    const etag = etagOf('body');
    expect(etag).not.toBe(etagOf('body2'));
    expect(matchesIfNoneMatch(etag, etag)).toBe(true);
    expect(matchesIfNoneMatch(`"x", W/${etag}`, etag)).toBe(true);
    expect(matchesIfNoneMatch('"x"', etag)).toBe(false);
    expect(matchesIfNoneMatch(undefined, etag)).toBe(false);
  });
});
