import { describe, expect, it } from 'vitest';
import { OWN_DYNAMODB_LOCAL_ENV, refuseSecondInTestRun, startDynamoDbLocal } from '../../local/dynamodb-local';

describe('one DynamoDB Local per test run', () => {
  it('refuses a second DynamoDB Local inside a test run, before any Java is looked for', async () => {
    await expect(startDynamoDbLocal()).rejects.toThrow(/a second DynamoDB Local inside the test run/);
    expect(() => refuseSecondInTestRun({}, { VITEST: 'true' })).toThrow(OWN_DYNAMODB_LOCAL_ENV);
  });

  it("allows the suite's shared one, a test that sets the variable, and every start outside a test run", () => {
    expect(() => refuseSecondInTestRun({ sharedForTestRun: true }, { VITEST: 'true' })).not.toThrow();
    expect(() => refuseSecondInTestRun({}, { VITEST: 'true', [OWN_DYNAMODB_LOCAL_ENV]: '1' })).not.toThrow();
    expect(() => refuseSecondInTestRun({}, { VITEST: 'true', [OWN_DYNAMODB_LOCAL_ENV]: 'yes' })).toThrow();
    expect(() => refuseSecondInTestRun({}, {})).not.toThrow();
  });
});
