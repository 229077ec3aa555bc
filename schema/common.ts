// Zod building blocks shared by every part of the stack's config schema. Messages follow the
// "must <rule>" form: config.ts prefixes them with the key path and the offending value.
import { z } from "zod";
import { isIntOrPercent, isQuantity, parseQuantity, toBytes, toMillicores } from "../quantity";

/** A Kubernetes quantity: YAML may give `cpu: 1` as a number, the API wants a string. */
export const quantity = z
    .union([z.string(), z.number().nonnegative()], {
        error: "must be a Kubernetes quantity such as 500m, 2, 512Mi or 48Gi",
    })
    .transform((value) => String(value))
    .refine(isQuantity, { error: "must be a Kubernetes quantity such as 500m, 2, 512Mi or 48Gi" });

/**
 * A quantity the API wants positive: a metric target (kubernetes v1.34 pkg/apis/autoscaling/validation
 * `validateMetricTarget`: value and averageValue "must be positive") or a volume size.
 */
export const positiveQuantity = quantity
    .refine((value) => !isQuantity(value) || parseQuantity(value) > 0, {
        error: "must be positive: the API server refuses 0",
    })
    .describe("A Kubernetes quantity above 0 (the API server refuses a zero metric target or volume size).");

/** Suffixes below a byte: on a memory quantity they are a unit mistake (800m is 0.8 bytes). */
const SUB_BYTE = /^[\d.]+(n|u|m)$/;
const MEBIBYTE = 2 ** 20;

/** Why a memory amount is off by orders of magnitude, or undefined. */
export function memoryProblem(value: string): string | undefined {
    if (!isQuantity(value)) return undefined;
    if (SUB_BYTE.test(value)) {
        return `must be in bytes, not milli-units: ${value} is ${parseQuantity(value)} bytes\nuse Mi or Gi, e.g. ${value.replace(/[num]$/, "Mi")}`;
    }
    const bytes = parseQuantity(value);
    return bytes > 0 && bytes < MEBIBYTE
        ? `must be at least 1Mi (or 0): ${value} is ${bytes} bytes, no process runs in that\nuse Mi or Gi, e.g. ${value}Mi`
        : undefined;
}

/** A memory quantity: no sub-byte suffix, and 0 or at least 1Mi (anything between is a unit mistake). */
export const memoryQuantity = quantity
    .check((ctx) => {
        const problem = memoryProblem(ctx.value);
        if (problem !== undefined) ctx.issues.push({ code: "custom", input: ctx.value, message: problem });
    })
    .describe("A memory quantity such as 512Mi or 2Gi: 0 or at least 1Mi, never in milli-units (800m is 0.8 bytes).");

/** A count or a percentage, as a PDB's minAvailable or a Deployment's maxSurge. */
export const intOrPercent = z.custom<number | string>(isIntOrPercent, {
    error: 'must be a non-negative integer or a percentage such as "25%"',
});

export const positiveInt = z.number({ error: "must be an integer" }).int({ error: "must be an integer" });

/**
 * The character a document pasted in place of an ASCII one (a Unicode hyphen, a non-breaking
 * space), named in the message: it looks right in the stack file.
 */
export function lookAlikeHint(value: string): string {
    const found = [...value].find((char) => char.codePointAt(0)! > 0x7e);
    return found === undefined
        ? ""
        : ` (U+${found.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")} is a non-ASCII look-alike: retype it)`;
}

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

/** k8s.io/apimachinery v0.34 pkg/util/validation `IsDNS1123Subdomain`: at most 253, dot-separated DNS labels. */
export function dnsSubdomainProblem(value: string): string | undefined {
    if (value.length > 253) return "must be at most 253 characters (a DNS-1123 subdomain)";
    return value.split(".").every((part) => DNS1123_LABEL.test(part))
        ? undefined
        : `must be a DNS-1123 subdomain: lower-case letters, digits, '-' and '.'${lookAlikeHint(value)}`;
}

/** `IsQualifiedName` (v0.34): a label key, an optional DNS-subdomain prefix and `/`, then at most 63 characters. */
export function qualifiedNameProblem(value: string): string | undefined {
    const slash = value.lastIndexOf("/");
    const [prefix, name] = slash < 0 ? [undefined, value] : [value.slice(0, slash), value.slice(slash + 1)];
    if (prefix !== undefined && (prefix === "" || dnsSubdomainProblem(prefix) !== undefined)) {
        return `must have a DNS-1123 subdomain before its '/' (a label key such as example.com/team)${lookAlikeHint(prefix)}`;
    }
    if (name.length > 63) return `must have at most 63 characters after its prefix (has ${name.length})`;
    return QUALIFIED_NAME.test(name)
        ? undefined
        : `must be a label key: letters, digits, '-', '_', '.', alphanumeric at both ends${lookAlikeHint(name)}`;
}

/** `IsValidLabelValue` (v0.34): empty, or at most 63 characters of the qualified-name alphabet. */
export function labelValueProblem(value: string): string | undefined {
    if (value.length > 63) return `must be at most 63 characters (has ${value.length})`;
    return value === "" || QUALIFIED_NAME.test(value)
        ? undefined
        : `must be a label value: letters, digits, '-', '_', '.', alphanumeric at both ends${lookAlikeHint(value)}`;
}

/** A zod string checked by one of the `...Problem` functions above. */
export function checkedString(problem: (value: string) => string | undefined) {
    return z.string().check((ctx) => {
        const found = problem(ctx.value);
        if (found !== undefined) ctx.issues.push({ code: "custom", input: ctx.value, message: found });
    });
}

/** A Kubernetes object name that may hold dots: a ServiceAccount's, say. */
export const dnsSubdomain = checkedString(dnsSubdomainProblem).describe(
    "A DNS-1123 subdomain (IsDNS1123Subdomain): lower-case letters, digits, '-' and '.', at most 253 characters.",
);

/** A DNS-1123 label: Kubernetes object names that become part of other names. */
export const dnsLabel = z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, {
        error: "must be a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit",
    })
    .max(63, { error: "must be at most 63 characters" })
    .check((ctx) => {
        const hint = lookAlikeHint(ctx.value);
        if (hint !== "") ctx.issues.push({ code: "custom", input: ctx.value, message: `must be ASCII${hint}` });
    });

/** CPU and memory, both required: the quota and the HPA's utilization need both. */
export const cpuMemory = z.strictObject({
    cpu: quantity,
    memory: memoryQuantity,
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
    value: unknown,
    ctx: z.RefinementCtx,
    keys: { requests: string; limits: string; what: string },
): void {
    const requests = (value as Record<string, unknown> | null)?.[keys.requests] as Record<string, unknown> | undefined;
    const limits = (value as Record<string, unknown> | null)?.[keys.limits] as Record<string, unknown> | undefined;
    for (const resource of ["cpu", "memory"] as const) {
        const request = requests?.[resource];
        const limit = limits?.[resource];
        if (
            typeof request !== "string" ||
            typeof limit !== "string" ||
            !isQuantity(request) ||
            !isQuantity(limit) ||
            (resource === "memory" && (memoryProblem(request) !== undefined || memoryProblem(limit) !== undefined))
        ) {
            continue;
        }
        if (AMOUNT[resource](request) > AMOUNT[resource](limit)) {
            ctx.addIssue({
                code: "custom",
                path: [keys.requests, resource],
                input: request,
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
    .superRefine(
        (value, ctx) =>
            requestsWithinLimits(value, ctx, { requests: "requests", limits: "limits", what: "a container" }),
        { when: () => true },
    );
export type ResourceRequirements = z.output<typeof resourceRequirements>;

/** Kubernetes label keys and values, as selectors and extra labels use them (IsQualifiedName, IsValidLabelValue). */
export const labels = z
    .record(checkedString(qualifiedNameProblem), checkedString(labelValueProblem), {
        error: "must be a map from label key to label value",
    })
    .describe(
        "Kubernetes labels: keys as IsQualifiedName (optional DNS-subdomain prefix, then at most 63 characters), values as IsValidLabelValue (at most 63).",
    );

/** Prometheus's label name grammar (prometheus/common model `LabelNameRE`, legacy validation): `__` names are reserved. */
const PROMQL_LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Why a label key cannot also be a PromQL label name, or undefined. */
export function promLabelNameProblem(value: string): string | undefined {
    if (value.startsWith("__")) return "must not start with __: Prometheus reserves those label names";
    return PROMQL_LABEL_NAME.test(value)
        ? qualifiedNameProblem(value)
        : `must be a PromQL label name ([a-zA-Z_][a-zA-Z0-9_]*): the adapter puts it in its query${lookAlikeHint(value)}`;
}

/** Label matchers the prometheus-adapter turns into PromQL: keys must be label names in both grammars. */
export const promLabels = z
    .record(checkedString(promLabelNameProblem), checkedString(labelValueProblem), {
        error: "must be a map from label name to label value",
    })
    .describe(
        "Label matchers the adapter puts in its PromQL: names [a-zA-Z_][a-zA-Z0-9_]* (Prometheus LabelNameRE), values as IsValidLabelValue.",
    );

const DURATION_UNITS: Readonly<Record<string, number>> = {
    ms: 0.001,
    s: 1,
    m: 60,
    h: 3600,
    d: 86400,
    w: 604800,
    y: 31536000,
};

/** A Go or Prometheus duration ("2m", "1h30m", "90s") in seconds. */
export function durationSeconds(duration: string): number {
    let seconds = 0;
    for (const [, amount, unit] of duration.matchAll(/(\d+)(ms|s|m|h|d|w|y)/g)) {
        seconds += Number(amount) * DURATION_UNITS[unit];
    }
    return seconds;
}

/** A Go duration, as cluster-autoscaler's flags take it: 10m, 3m, 90s, 1h30m. */
export const goDuration = z
    .string()
    .regex(/^(\d+(ms|s|m|h))+$/, { error: "must be a Go duration such as 30s, 10m or 1h30m" });

/** A Prometheus duration, as rule `for:` clauses, range selectors and retention take it: 5m, 2h, 15d. */
export const promDuration = z
    .string()
    .regex(/^(\d+(ms|s|m|h|d|w|y))+$/, { error: "must be a Prometheus duration such as 5m, 2h or 15d" });
