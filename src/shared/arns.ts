/** An SNS topic ARN (any partition): what the failure alarm and AMP's receivers publish to. */
export const SNS_TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/;

/** A Secrets Manager secret's ARN, complete or partial: its region and account are its own. */
export const SECRET_ARN =
  /^arn:aws[a-z-]*:secretsmanager:([a-z0-9-]+):(\d{12}):secret:[A-Za-z0-9/_+=.@-]{1,512}$/;

/** The region a secret id names (an ARN); undefined for a name (the caller's region). */
export function secretRegion(secretId: string): string | undefined {
  return SECRET_ARN.exec(secretId)?.[1];
}
