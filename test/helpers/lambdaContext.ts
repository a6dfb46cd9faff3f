import type { Context } from 'aws-lambda';

/** A Lambda context whose remaining time runs down from `timeoutMs` like the real one. */
export function lambdaContext(timeoutMs = 60_000, name = 'estats'): Context {
  const end = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: `pushgate-collector-test-${name}`,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:eu-central-1:123456789012:function:pushgate-collector-test-${name}`,
    memoryLimitInMB: '256',
    awsRequestId: `test-${Math.random().toString(16).slice(2)}`,
    logGroupName: `/aws/lambda/pushgate-collector-test-${name}`,
    logStreamName: 'test',
    getRemainingTimeInMillis: () => Math.max(0, end - Date.now()),
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}
