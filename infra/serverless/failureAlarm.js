// A CloudWatch alarm on the failure queue's depth (docs/operations/failure-behaviour.md): any message in
// CollectorFailureQueue is a run whose data did not land, or an export or janitor run that
// failed after Lambda's retries. It stays in ALARM while failures sit unread, and clears when
// they are read and deleted (or the queue purged). With the failureAlarmTopicArn setting
// (one SNS topic ARN, or several comma-separated), the alarm and its recovery notify them.
const { require: tsxRequire } = require('tsx/cjs/api');
const { clearError } = require('./clearError');

// CloudWatch accepts at most 5 actions per state.
const MAX_ACTIONS = 5;
const { SNS_TOPIC_ARN } = tsxRequire('../../src/shared/arns.ts', __filename);

/** The topic ARNs of the failureAlarmTopicArn setting; a value that is not one is refused. */
function alarmTopicsOf(value) {
  const topics = String(value ?? '')
    .split(',')
    .map((topic) => topic.trim())
    .filter(Boolean);
  for (const topic of topics)
    if (!SNS_TOPIC_ARN.test(topic))
      throw new Error(
        `failureAlarmTopicArn: ${JSON.stringify(topic)} is not an SNS topic ARN (arn:aws:sns:<region>:<account>:<topic>); set it to the topic the failure alarm notifies, or leave it empty`,
      );
  if (topics.length > MAX_ACTIONS)
    throw new Error(
      `failureAlarmTopicArn: ${topics.length} topics, CloudWatch allows at most ${MAX_ACTIONS} per alarm; fan out from one topic instead`,
    );
  return topics;
}

module.exports = async ({ resolveVariable }) => {
  const service = await resolveVariable('self:service');
  const stage = await resolveVariable('sls:stage');
  // Resolved outside the try: osls throws MISSING_VARIABLE_DEPENDENCY to retry later.
  const topicParam = (await resolveVariable('self:custom.stage.settings')).failureAlarmTopicArn;
  let topics;
  try {
    topics = alarmTopicsOf(topicParam);
  } catch (error) {
    throw clearError(error);
  }
  const actions = topics.length > 0 ? { AlarmActions: topics, OKActions: topics } : {};
  return {
    Resources: {
      CollectorFailureAlarm: {
        Type: 'AWS::CloudWatch::Alarm',
        Properties: {
          AlarmName: `${service}-${stage}-failed-runs`,
          AlarmDescription: `Failed ${service} runs are waiting in the failure queue (${stage}): each message holds the error and the event. Read them (aws sqs receive-message --queue-url <the CollectorFailureQueueUrl output>), fix the cause, then delete or purge them to clear this alarm.`,
          Namespace: 'AWS/SQS',
          MetricName: 'ApproximateNumberOfMessagesVisible',
          Dimensions: [
            { Name: 'QueueName', Value: { 'Fn::GetAtt': ['CollectorFailureQueue', 'QueueName'] } },
          ],
          Statistic: 'Maximum',
          Period: 60,
          EvaluationPeriods: 1,
          Threshold: 0,
          ComparisonOperator: 'GreaterThanThreshold',
          // SQS stops publishing the metric for a queue idle for hours: no data is no failure.
          TreatMissingData: 'notBreaching',
          ...actions,
        },
      },
    },
  };
};
module.exports.alarmTopicsOf = alarmTopicsOf;
