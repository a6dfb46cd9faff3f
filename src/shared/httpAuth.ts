/** HTTP auth of a receiver we send to (the Pushgateway, a remote-write receiver). */
export type HttpAuth =
  | { kind: 'none' }
  | { kind: 'basic'; username: string; password: string }
  | { kind: 'bearer'; token: string };

/** The Authorization header of `auth`, if it has one. */
export function authorizationHeaders(auth: HttpAuth): Record<string, string> {
  switch (auth.kind) {
    case 'basic':
      return {
        authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`,
      };
    case 'bearer':
      return { authorization: `Bearer ${auth.token}` };
    default:
      return {};
  }
}
