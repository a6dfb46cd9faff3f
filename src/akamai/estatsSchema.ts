import { z } from 'zod';

/**
 * The eStats answer (POST /edge-diagnostics/v1/estats), validated at our boundary.
 * Tolerant on purpose: real answers omit fields (no traffic, errorType filter), may carry
 * `null`, and may add fields; unknown fields pass through. What is present must have the
 * right type, so a wrong-shape answer fails naming the field instead of pushing garbage.
 */
const count = z.number().int().nonnegative();
/** Typed integer in Akamai's schema, but real answers carry floats. */
const percentage = z.number().min(0).max(100);

const statusCodeShare = z.looseObject({
  httpStatus: z.number().int(),
  hits: count,
  percentage: percentage.nullish(),
});

const edgeIpInfo = z.looseObject({
  edgeIp: z.string(),
  httpStatus: z.number().int().nullish(),
  hits: count,
  errorCode: z.string().nullish(),
  edgeIpLocation: z.looseObject({ countryCode: z.string().nullish() }).nullish(),
});

const result = z.looseObject({
  edgeHits: count.nullish(),
  edgeErrors: count.nullish(),
  edgeFailurePercentage: percentage.nullish(),
  originHits: count.nullish(),
  originErrors: count.nullish(),
  originFailurePercentage: percentage.nullish(),
  edgeStatusCodeDistribution: z.array(statusCodeShare).nullish(),
  originStatusCodeDistribution: z.array(statusCodeShare).nullish(),
  topEdgeIpsWithError: z.array(edgeIpInfo).nullish(),
  topEdgeIpsWithErrorFromOrigin: z.array(edgeIpInfo).nullish(),
});

export const estatsResponseSchema = z.looseObject({
  requestId: z.union([z.number(), z.string()]).nullish(),
  createdTime: z.iso.datetime({ offset: true }).nullish(),
  completedTime: z.iso.datetime({ offset: true }).nullish(),
  executionStatus: z.string().nullish(),
  result: result.nullish(),
});

export type EstatsResponse = z.infer<typeof estatsResponseSchema>;
export type EstatsResult = z.infer<typeof result>;
export type StatusCodeShare = z.infer<typeof statusCodeShare>;
export type EdgeIpInfo = z.infer<typeof edgeIpInfo>;

/** application/problem+json, as Akamai's API gateway and the eStats API answer errors. */
export const problemSchema = z.looseObject({
  type: z.string().optional(),
  title: z.string().optional(),
  status: z.number().optional(),
  detail: z.string().optional(),
  instance: z.string().optional(),
  errors: z
    .array(
      z.looseObject({
        type: z.string().optional(),
        title: z.string().optional(),
        detail: z.string().optional(),
      }),
    )
    .optional(),
});
export type Problem = z.infer<typeof problemSchema>;
