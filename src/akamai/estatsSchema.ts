import * as z from 'zod/mini';
import '../shared/zod';

/**
 * The eStats answer (POST /edge-diagnostics/v1/estats), validated at our boundary.
 * Tolerant on purpose: real answers omit fields (no traffic, errorType filter), may carry
 * `null`, and may add fields; unknown fields pass through. What is present must have the
 * right type, so a wrong-shape answer fails naming the field instead of pushing garbage.
 */
const count = z.int().check(z.nonnegative());
/** Typed integer in Akamai's schema, but real answers carry floats. */
const percentage = z.number().check(z.minimum(0), z.maximum(100));

const statusCodeShare = z.looseObject({
  httpStatus: z.int(),
  hits: count,
  percentage: z.nullish(percentage),
});

const edgeIpInfo = z.looseObject({
  edgeIp: z.string(),
  httpStatus: z.nullish(z.int()),
  hits: count,
  errorCode: z.nullish(z.string()),
  edgeIpLocation: z.nullish(z.looseObject({ countryCode: z.nullish(z.string()) })),
});

const result = z.looseObject({
  edgeHits: z.nullish(count),
  edgeErrors: z.nullish(count),
  edgeFailurePercentage: z.nullish(percentage),
  originHits: z.nullish(count),
  originErrors: z.nullish(count),
  originFailurePercentage: z.nullish(percentage),
  edgeStatusCodeDistribution: z.nullish(z.array(statusCodeShare)),
  originStatusCodeDistribution: z.nullish(z.array(statusCodeShare)),
  topEdgeIpsWithError: z.nullish(z.array(edgeIpInfo)),
  topEdgeIpsWithErrorFromOrigin: z.nullish(z.array(edgeIpInfo)),
});

export const estatsResponseSchema = z.looseObject({
  requestId: z.nullish(z.union([z.number(), z.string()])),
  createdTime: z.nullish(z.iso.datetime({ offset: true })),
  completedTime: z.nullish(z.iso.datetime({ offset: true })),
  executionStatus: z.nullish(z.string()),
  result: z.nullish(result),
});

export type EstatsResponse = z.infer<typeof estatsResponseSchema>;
export type EstatsResult = z.infer<typeof result>;
export type StatusCodeShare = z.infer<typeof statusCodeShare>;
export type EdgeIpInfo = z.infer<typeof edgeIpInfo>;

/** application/problem+json, as Akamai's API gateway and the eStats API answer errors. */
export const problemSchema = z.looseObject({
  type: z.optional(z.string()),
  title: z.optional(z.string()),
  status: z.optional(z.number()),
  detail: z.optional(z.string()),
  instance: z.optional(z.string()),
  errors: z.optional(
    z.array(
      z.looseObject({
        type: z.optional(z.string()),
        title: z.optional(z.string()),
        detail: z.optional(z.string()),
      }),
    ),
  ),
});
export type Problem = z.infer<typeof problemSchema>;
