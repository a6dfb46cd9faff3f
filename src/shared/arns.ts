/** An SNS topic ARN (any partition): what the failure alarm and AMP's receivers publish to. */
export const SNS_TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/;

/** A secret's name as Secrets Manager allows it, and the ARN before it (region, account). */
const SECRET_NAME = '[A-Za-z0-9/_+=.@-]{1,512}';
const SECRET_ARN_PREFIX = 'arn:aws[a-z-]*:secretsmanager:([a-z0-9-]+):(\\d{12}):secret:';

/** A Secrets Manager secret's ARN, complete or partial: its region and account are its own. */
export const SECRET_ARN = new RegExp(`^${SECRET_ARN_PREFIX}${SECRET_NAME}$`);

/** A secret as a setting may name it: its name, or its ARN. */
export const SECRET_ID = new RegExp(`^(?:${SECRET_ARN_PREFIX})?${SECRET_NAME}$`);

/** The region a secret id names (an ARN); undefined for a name (the caller's region). */
export function secretRegion(secretId: string): string | undefined {
  return SECRET_ARN.exec(secretId)?.[1];
}
