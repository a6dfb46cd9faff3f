/**
 * Settings renamed between versions: an old name in a stage file is refused with its new one
 * (shared/zod.ts), not as an unknown key. Keyed by the old name; `now` must be a key of the
 * same object, so a like-named key elsewhere is not taken for it.
 */
export const RENAMED_KEYS: Readonly<Record<string, { now: string; how: string }>> = {
  slackWebhookUrlFile: {
    now: 'slackWebhookUrlFiles',
    how: 'a path with {channel} in it, one file per channel: Slack binds each incoming webhook to one channel',
  },
  oncallWebhookUrl: {
    now: 'oncall',
    how: 'oncall: { webhookUrl: …, tokenFile: … }, or oncall: false',
  },
};
