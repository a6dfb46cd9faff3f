import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for Slack incoming webhooks. Like Slack it accepts only POSTed JSON with
 * `text`, `attachments` or `blocks` (else 400 `invalid_payload` / `no_text`) and answers `ok`.
 * Each message is kept (for tests) and handed to `onMessage` (to print it in `npm start`).
 */
export interface SlackMessage {
  at: Date;
  channel: string;
  title: string;
  text: string;
  color: string;
}

export interface SlackSink {
  url: string;
  messages: SlackMessage[];
  stop(): Promise<void>;
}

export async function startSlackSink(
  options: { port?: number; host?: string; onMessage?: (message: SlackMessage) => void } = {},
): Promise<SlackSink> {
  const messages: SlackMessage[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const answer = (status: number, body: string) => {
        res.writeHead(status, { 'content-type': 'text/plain' });
        res.end(body);
      };
      if (req.method !== 'POST') return answer(405, 'invalid_method');
      let payload: {
        channel?: string;
        text?: string;
        attachments?: Array<{ title?: string; text?: string; color?: string }>;
        blocks?: unknown[];
        // Alertmanager's generic webhook format (the on-call receiver).
        status?: string;
        alerts?: Array<{ labels?: Record<string, string>; annotations?: Record<string, string> }>;
        commonLabels?: Record<string, string>;
      };
      try {
        payload = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return answer(400, 'invalid_payload');
      }
      if (Array.isArray(payload.alerts)) {
        const message = {
          at: new Date(),
          channel: 'on-call webhook',
          title: `[${(payload.status ?? '').toUpperCase()}] ${payload.commonLabels?.alertname ?? ''}`,
          text: payload.alerts.map((a) => a.annotations?.summary ?? '').join('\n'),
          color: '',
        };
        messages.push(message);
        options.onMessage?.(message);
        return answer(200, 'ok');
      }
      const attachments = payload.attachments ?? [];
      if (!payload.text && attachments.length === 0 && !payload.blocks?.length)
        return answer(400, 'no_text');
      const parts =
        attachments.length > 0 ? attachments : [{ title: '', text: payload.text ?? '', color: '' }];
      for (const part of parts) {
        const message = {
          at: new Date(),
          channel: payload.channel ?? '',
          title: part.title ?? '',
          text: part.text ?? '',
          color: part.color ?? '',
        };
        messages.push(message);
        options.onMessage?.(message);
      }
      answer(200, 'ok');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/services/local/sink`,
    messages,
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
