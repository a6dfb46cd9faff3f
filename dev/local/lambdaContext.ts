import type { Context } from 'aws-lambda';

/**
 * A Lambda context for running a handler outside Lambda (npm start, tests): its remaining
 * time runs down from `timeoutMs` like the real one, so every deadline behaves the same.
 */
export function localLambdaContext(name: string, timeoutMs: number): Context {
  const end = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: `local-${name}`,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:local-${name}`,
    memoryLimitInMB: '256',
    awsRequestId: `local-${Date.now().toString(36)}-${Math.random().toString(16).slice(2, 8)}`,
    logGroupName: `/aws/lambda/local-${name}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, end - Date.now()),
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}
