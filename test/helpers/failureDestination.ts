/**
 * What the failure queue keeps of an asynchronous invocation whose retries ran out: Lambda's
 * on-failure destination record, with the event and the error as the Node.js runtime reports
 * it (aws-lambda-nodejs-runtime-interface-client `toRapidResponse`: errorType, errorMessage,
 * and the stack as `trace`). It stays in SQS for 14 days, so a test scans it as it would be.
 */
export function failureDestinationRecord(event: unknown, error: unknown): string {
  const thrown = error instanceof Error ? error : new Error(String(error));
  return JSON.stringify({
    version: '1.0',
    timestamp: new Date().toISOString(),
    requestContext: {
      requestId: 'standin-request',
      functionArn:
        'arn:aws:lambda:eu-west-1:000000000000:function:pushgate-collector-prod-estats:$LATEST',
      condition: 'RetriesExhausted',
      approximateInvokeCount: 3,
    },
    requestPayload: event ?? null,
    responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
    responsePayload: {
      errorType: thrown.name,
      errorMessage: thrown.message,
      trace: (thrown.stack ?? '').split('\n'),
    },
  });
}
