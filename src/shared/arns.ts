/** An SNS topic ARN (any partition): what the failure alarm and AMP's receivers publish to. */
export const SNS_TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/;
