// Zod building blocks shared by every part of the stack's config schema. Messages follow the
// "must <rule>" form: config.ts prefixes them with the key path and the offending value.
import { z } from "zod";
import { isIntOrPercent, isQuantity, toBytes, toMillicores } from "../quantity";

/** A Kubernetes quantity: YAML may give `cpu: 1` as a number, the API wants a string. */
export const quantity = z
    .union([z.string(), z.number().nonnegative()], {
        error: "must be a Kubernetes quantity such as 500m, 2, 512Mi or 48Gi",
    })
    .transform((value) => String(value))
    .refine(isQuantity, { error: "must be a Kubernetes quantity such as 500m, 2, 512Mi or 48Gi" });

/** A count or a percentage, as a PDB's minAvailable or a Deployment's maxSurge. */
export const intOrPercent = z.custom<number | string>(isIntOrPercent, {
    error: 'must be a non-negative integer or a percentage such as "25%"',
});

export const positiveInt = z.number({ error: "must be an integer" }).int({ error: "must be an integer" });

/** A DNS-1123 label: Kubernetes object names that become part of other names. */
export const dnsLabel = z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, {
        error: "must be a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit",
    })
    .max(63, { error: "must be at most 63 characters" });

/** CPU and memory, both required: the quota and the HPA's utilization need both. */
export const cpuMemory = z.strictObject({
    cpu: quantity,
    memory: quantity,
});

/** How the API server compares two quantities of a resource: CPU in millicores, memory in bytes. */
const AMOUNT: Readonly<Record<"cpu" | "memory", (value: string) => number>> = { cpu: toMillicores, memory: toBytes };

/**
 * Adds an issue on `requests.<resource>` for each request above its limit, as the API server
 * refuses it: kubernetes/kubernetes pkg/apis/core/validation/validation.go (release-1.34),
 * ValidateResourceRequirements, "must be less than or equal to <resource> limit of <limit>";
 * LimitRange's ValidateLimitRange likewise for a default request above the default limit. Guards
 * its input: it runs even when other keys are invalid (`when`).
 */
export function requestsWithinLimits(
    value: unknown, ctx: z.RefinementCtx, keys: { requests: string; limits: string; what: string },
): void {
    const requests = (value as Record<string, unknown> | null)?.[keys.requests] as Record<string, unknown> | undefined;
    const limits = (value as Record<string, unknown> | null)?.[keys.limits] as Record<string, unknown> | undefined;
    for (const resource of ["cpu", "memory"] as const) {
        const request = requests?.[resource];
        const limit = limits?.[resource];
        if (typeof request !== "string" || typeof limit !== "string" || !isQuantity(request) || !isQuantity(limit)) {
            continue;
        }
        if (AMOUNT[resource](request) > AMOUNT[resource](limit)) {
            ctx.addIssue({
                code: "custom", path: [keys.requests, resource], input: request,
                message: `must be <= ${keys.limits}.${resource} (${limit}): the API server refuses ${keys.what} whose ${resource} request exceeds its limit`,
            });
        }
    }
}

export const resourceRequirements = z
    .strictObject({
        requests: cpuMemory,
        limits: cpuMemory,
    })
    .superRefine((value, ctx) => requestsWithinLimits(value, ctx, { requests: "requests", limits: "limits", what: "a container" }), { when: () => true });
export type ResourceRequirements = z.output<typeof resourceRequirements>;

/** Kubernetes label keys and values, as selectors and extra labels use them. */
export const labels = z.record(
    z.string().regex(/^([a-z0-9.-]+\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/, { error: "must be a Kubernetes label key" }),
    z.string().regex(/^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/, { error: "must be a Kubernetes label value" }),
    { error: "must be a map from label key to label value" },
);

/** A Go duration, as cluster-autoscaler's flags take it: 10m, 3m, 90s, 1h30m. */
export const goDuration = z.string().regex(/^(\d+(ms|s|m|h))+$/, { error: "must be a Go duration such as 30s, 10m or 1h30m" });

/** A Prometheus duration, as rule `for:` clauses, range selectors and retention take it: 5m, 2h, 15d. */
export const promDuration = z.string().regex(/^(\d+(ms|s|m|h|d|w|y))+$/, { error: "must be a Prometheus duration such as 5m, 2h or 15d" });
