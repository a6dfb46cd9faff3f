import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { crc32 } from 'node:zlib';
import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import { STANDIN_AWS } from './secretsManager';
import { verifySigV4 } from './sigv4';

/**
 * A local stand-in for the S3 operations the alerting export and its removal use, for the AWS
 * SDK's client (pointed here with AWS_ENDPOINT_URL_S3; an IP endpoint makes it address buckets
 * by path). Like the service it checks the SigV4 signature (S3's flavour: the path signed as
 * sent), that x-amz-content-sha256 is the body's hash, and the CRC32 or MD5 a request carries;
 * DeleteObjects without one is refused, as S3 does. Buckets are versioned: a write adds a
 * version, a delete without a version id adds a delete marker, and a bucket with any version or
 * marker left cannot be deleted (BucketNotEmpty), which is what stops `serverless remove`.
 * Answers in S3's XML, errors included.
 */
export interface S3Standin {
  endpoint: string;
  /** Create an empty versioned bucket. */
  createBucket(name: string): void;
  /** Every version and delete marker of a bucket, newest first per key (undefined: no bucket). */
  versionsOf(name: string): ObjectVersion[] | undefined;
  /** Add a version of `key` (or a delete marker), as another writer would. */
  seed(bucket: string, key: string, body?: string): void;
  /** DeleteObjects answers AccessDenied for this key (a per-key error in a 200 answer). */
  denyDeletesOf(key: string): void;
  /** The operations served, in order, with their HTTP status. */
  calls: Array<{ operation: string; status: number }>;
  stop(): Promise<void>;
}

export interface ObjectVersion {
  key: string;
  versionId: string;
  deleteMarker: boolean;
  body: Buffer;
  metadata: Record<string, string>;
  lastModified: Date;
}

/** S3's limit of keys per DeleteObjects request, and of entries per listing page. */
const MAX_KEYS = 1000;
const EMPTY_SHA256 = createHash('sha256').update('').digest('hex');
const xml = new XMLBuilder({ ignoreAttributes: false, suppressEmptyNode: true });
const parser = new XMLParser({ isArray: (name) => name === 'Object' });

export async function startS3Standin(
  options: { region?: string; keys?: ReadonlyMap<string, string> } = {},
): Promise<S3Standin> {
  const region = options.region ?? STANDIN_AWS.region;
  const keys = options.keys ?? new Map([[STANDIN_AWS.accessKeyId, STANDIN_AWS.secretAccessKey]]);
  const buckets = new Map<string, ObjectVersion[]>();
  const denied = new Set<string>();
  const calls: S3Standin['calls'] = [];
  let serial = 0;

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void serve(req, res, Buffer.concat(chunks)).catch((error: unknown) =>
        answerError(res, 500, 'InternalError', String(error)),
      );
    });
  });

  const answerError = (res: ServerResponse, status: number, code: string, message: string) => {
    res.writeHead(status, { 'content-type': 'application/xml', 'x-amz-request-id': randomUUID() });
    // HEAD answers carry no body: the SDK reads the status alone (NotFound).
    res.end(
      res.req.method === 'HEAD'
        ? undefined
        : `<?xml version="1.0" encoding="UTF-8"?>\n${xml.build({ Error: { Code: code, Message: message, RequestId: randomUUID() } })}`,
    );
  };
  const answerXml = (res: ServerResponse, body: Record<string, unknown>) => {
    res.writeHead(200, { 'content-type': 'application/xml', 'x-amz-request-id': randomUUID() });
    res.end(`<?xml version="1.0" encoding="UTF-8"?>\n${xml.build(body)}`);
  };

  async function serve(req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://standin');
    const [, bucket = '', ...rest] = url.pathname.split('/');
    const key = decodeURIComponent(rest.join('/'));
    const operation = operationOf(req.method ?? '', key, url.searchParams);
    const fail = (status: number, code: string, message: string) => {
      calls.push({ operation, status });
      answerError(res, status, code, message);
    };
    const check = await verifySigV4(req, body, {
      keys,
      region,
      service: 's3',
      uriEscapePath: false,
    });
    if (!check.ok) return fail(403, 'SignatureDoesNotMatch', check.message);
    const claimed = String(req.headers['x-amz-content-sha256'] ?? '');
    if (claimed !== 'UNSIGNED-PAYLOAD' && claimed !== sha256(body))
      return fail(
        400,
        'XAmzContentSHA256Mismatch',
        'The provided x-amz-content-sha256 header does not match what was computed.',
      );
    const integrity = checkIntegrity(req, body);
    if (integrity) return fail(400, integrity.code, integrity.message);
    const versions = buckets.get(bucket);
    if (!versions) return fail(404, 'NoSuchBucket', 'The specified bucket does not exist');
    const ok = (status = 200) => calls.push({ operation, status });

    switch (operation) {
      case 'PutObject': {
        const version = addVersion(versions, key, false, body, metadataOf(req));
        ok();
        res.writeHead(200, { etag: `"${md5(body)}"`, 'x-amz-version-id': version.versionId });
        return void res.end();
      }
      case 'HeadObject':
      case 'GetObject': {
        const latest = versions.find((v) => v.key === key);
        if (!latest || latest.deleteMarker)
          return fail(404, 'NoSuchKey', 'The specified key does not exist.');
        ok();
        res.writeHead(200, {
          etag: `"${md5(latest.body)}"`,
          'content-length': latest.body.length,
          'x-amz-version-id': latest.versionId,
          ...Object.fromEntries(
            Object.entries(latest.metadata).map(([name, value]) => [`x-amz-meta-${name}`, value]),
          ),
        });
        return void res.end(operation === 'GetObject' ? latest.body : undefined);
      }
      case 'ListObjectVersions':
        ok();
        return answerXml(res, listVersions(bucket, versions, url.searchParams));
      case 'DeleteObjects': {
        let request: {
          Delete?: { Object?: Array<{ Key?: unknown; VersionId?: unknown }>; Quiet?: unknown };
        };
        try {
          request = parser.parse(body.toString('utf8')) as typeof request;
        } catch {
          return fail(400, 'MalformedXML', 'The XML you provided was not well-formed');
        }
        const objects = request.Delete?.Object ?? [];
        if (objects.length === 0 || objects.length > MAX_KEYS)
          return fail(
            400,
            'MalformedXML',
            `The XML you provided was not well-formed or did not validate against our published schema (1 to ${MAX_KEYS} objects)`,
          );
        const deleted: Array<Record<string, unknown>> = [];
        const errors: Array<Record<string, unknown>> = [];
        for (const object of objects) {
          const objectKey = String(object.Key ?? '');
          const versionId = object.VersionId === undefined ? undefined : String(object.VersionId);
          if (denied.has(objectKey)) {
            errors.push({
              Key: objectKey,
              VersionId: versionId,
              Code: 'AccessDenied',
              Message: 'Access Denied',
            });
            continue;
          }
          if (versionId === undefined) {
            const marker = addVersion(versions, objectKey, true, Buffer.alloc(0), {});
            deleted.push({
              Key: objectKey,
              DeleteMarker: true,
              DeleteMarkerVersionId: marker.versionId,
            });
            continue;
          }
          const at = versions.findIndex((v) => v.key === objectKey && v.versionId === versionId);
          // Deleting a version that is not there succeeds, as in S3 (deletes are idempotent).
          if (at >= 0) versions.splice(at, 1);
          deleted.push({ Key: objectKey, VersionId: versionId });
        }
        ok();
        const quiet = String(request.Delete?.Quiet) === 'true';
        return answerXml(res, {
          DeleteResult: {
            '@_xmlns': 'http://s3.amazonaws.com/doc/2006-03-01/',
            ...(quiet ? {} : { Deleted: deleted }),
            ...(errors.length > 0 ? { Error: errors } : {}),
          },
        });
      }
      case 'DeleteBucket':
        if (versions.length > 0)
          return fail(
            409,
            'BucketNotEmpty',
            'The bucket you tried to delete is not empty. You must delete all versions in the bucket.',
          );
        buckets.delete(bucket);
        ok(204);
        res.writeHead(204);
        return void res.end();
      default:
        return fail(501, 'NotImplemented', `${operation} is not served by this stand-in`);
    }
  }

  function addVersion(
    versions: ObjectVersion[],
    key: string,
    deleteMarker: boolean,
    body: Buffer,
    metadata: Record<string, string>,
  ): ObjectVersion {
    const version = {
      key,
      versionId: `v${String(++serial).padStart(8, '0')}.${randomUUID().slice(0, 8)}`,
      deleteMarker,
      body,
      metadata,
      lastModified: new Date(),
    };
    versions.unshift(version);
    return version;
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    createBucket: (name) => void buckets.set(name, []),
    versionsOf: (name) => buckets.get(name)?.slice(),
    seed: (name, key, body) => {
      const versions = buckets.get(name);
      if (!versions) throw new Error(`no bucket ${name}`);
      addVersion(versions, key, body === undefined, Buffer.from(body ?? ''), {});
    },
    denyDeletesOf: (key) => void denied.add(key),
    calls,
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function operationOf(method: string, key: string, query: URLSearchParams): string {
  if (key === '') {
    if (method === 'GET' && query.has('versions')) return 'ListObjectVersions';
    if (method === 'POST' && query.has('delete')) return 'DeleteObjects';
    if (method === 'DELETE') return 'DeleteBucket';
    return `${method} bucket`;
  }
  if (method === 'PUT') return 'PutObject';
  if (method === 'HEAD') return 'HeadObject';
  if (method === 'GET') return 'GetObject';
  return `${method} object`;
}

/**
 * One page of ListObjectVersions: keys in order, each key's versions newest first, resumed
 * after key-marker (and version-id-marker), at most max-keys entries, as S3 pages them.
 */
function listVersions(
  bucket: string,
  versions: readonly ObjectVersion[],
  query: URLSearchParams,
): Record<string, unknown> {
  const prefix = query.get('prefix') ?? '';
  const maxKeys = Math.min(Number(query.get('max-keys') ?? MAX_KEYS) || MAX_KEYS, MAX_KEYS);
  const keyMarker = query.get('key-marker') ?? '';
  const versionMarker = query.get('version-id-marker') ?? '';
  const ordered = versions
    .map((v, newestFirst) => ({ v, newestFirst }))
    .filter(({ v }) => v.key.startsWith(prefix))
    .sort((a, b) =>
      a.v.key === b.v.key ? a.newestFirst - b.newestFirst : a.v.key < b.v.key ? -1 : 1,
    )
    .map(({ v }) => v);
  const after = (marker: number) => (marker < 0 ? ordered.length : marker);
  const pastKey = () => after(ordered.findIndex((v) => v.key > keyMarker));
  const marked = ordered.findIndex((v) => v.key === keyMarker && v.versionId === versionMarker);
  const start = keyMarker === '' ? 0 : versionMarker !== '' && marked >= 0 ? marked + 1 : pastKey();
  const page = ordered.slice(start, start + maxKeys);
  const truncated = start + maxKeys < ordered.length;
  const last = page.at(-1);
  const entry = (v: ObjectVersion) => ({
    Key: v.key,
    VersionId: v.versionId,
    IsLatest: versions.find((w) => w.key === v.key) === v,
    LastModified: v.lastModified.toISOString(),
    ...(v.deleteMarker
      ? {}
      : { ETag: `"${md5(v.body)}"`, Size: v.body.length, StorageClass: 'STANDARD' }),
  });
  return {
    ListVersionsResult: {
      '@_xmlns': 'http://s3.amazonaws.com/doc/2006-03-01/',
      Name: bucket,
      Prefix: prefix,
      KeyMarker: keyMarker,
      VersionIdMarker: versionMarker,
      MaxKeys: maxKeys,
      IsTruncated: truncated,
      ...(truncated && last
        ? { NextKeyMarker: last.key, NextVersionIdMarker: last.versionId }
        : {}),
      Version: page.filter((v) => !v.deleteMarker).map(entry),
      DeleteMarker: page.filter((v) => v.deleteMarker).map(entry),
    },
  };
}

/**
 * The integrity header a request carries must match its body; DeleteObjects must carry one
 * (S3: "Missing required header for this request: Content-MD5 OR x-amz-checksum-*").
 */
function checkIntegrity(
  req: IncomingMessage,
  body: Buffer,
): { code: string; message: string } | undefined {
  const crc = req.headers['x-amz-checksum-crc32'];
  const contentMd5 = req.headers['content-md5'];
  if (crc !== undefined) {
    const expected = Buffer.alloc(4);
    expected.writeUInt32BE(crc32(body));
    if (crc !== expected.toString('base64'))
      return {
        code: 'BadDigest',
        message: 'The CRC32 you specified did not match the calculated checksum.',
      };
  } else if (contentMd5 !== undefined) {
    if (contentMd5 !== createHash('md5').update(body).digest('base64'))
      return {
        code: 'BadDigest',
        message: 'The Content-MD5 you specified did not match what we received.',
      };
  } else if (req.method === 'POST' && (req.url ?? '').includes('delete')) {
    return {
      code: 'InvalidRequest',
      message: 'Missing required header for this request: Content-MD5 OR x-amz-checksum-*',
    };
  }
  return undefined;
}

function metadataOf(req: IncomingMessage): Record<string, string> {
  return Object.fromEntries(
    Object.entries(req.headers)
      .filter(([name]) => name.startsWith('x-amz-meta-'))
      .map(([name, value]) => [name.slice('x-amz-meta-'.length), String(value)]),
  );
}

const sha256 = (body: Buffer) =>
  body.length === 0 ? EMPTY_SHA256 : createHash('sha256').update(body).digest('hex');
const md5 = (body: Buffer) => createHash('md5').update(body).digest('hex');
