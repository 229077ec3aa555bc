// Config schema of `services`: each service's HPA, PDB, resources and connection pool.
import { z } from "zod";
import { isIntOrPercent, isQuantity, scaleIntOrPercent, toBytes, toMillicores } from "../quantity";
import {
    dnsLabel,
    intOrPercent,
    memoryProblem,
    positiveInt,
    positiveQuantity,
    promLabels,
    resourceRequirements,
} from "./common";

const metricName = z.string().regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/, {
    error: "must be a Prometheus metric name such as http_requests_per_second",
});

const resourceMetric = z
    .strictObject({
        type: z.literal("Resource"),
        name: z.enum(["cpu", "memory"], { error: "must be cpu or memory" }),
        averageUtilization: positiveInt
            .gt(0, { error: "must be > 0 (percent of the containers' requests)" })
            .optional()
            .describe("Target average utilization, in percent of the containers' requests."),
        averageValue: positiveQuantity.optional().describe("Target average usage per pod, as a quantity above 0."),
    })
    .refine((metric) => (metric.averageUtilization === undefined) !== (metric.averageValue === undefined), {
        error: "must set exactly one of averageUtilization and averageValue",
    });

const podsMetric = z.strictObject({
    type: z.literal("Pods"),
    name: metricName.describe("A custom metric the prometheus-adapter serves per pod."),
    averageValue: positiveQuantity.describe('Target per pod, e.g. "20" requests per second.'),
    selector: promLabels.optional().describe("Extra label matchers the adapter adds to its query."),
});

const objectMetric = z
    .strictObject({
        type: z.literal("Object"),
        name: metricName,
        describedObject: z.strictObject({
            apiVersion: z.string().min(1),
            kind: z.string().min(1),
            name: z.string().min(1),
        }),
        value: positiveQuantity.optional(),
        averageValue: positiveQuantity.optional(),
    })
    .refine((metric) => (metric.value === undefined) !== (metric.averageValue === undefined), {
        error: "must set exactly one of value and averageValue",
    });

export const metricSchema = z.discriminatedUnion("type", [resourceMetric, podsMetric, objectMetric], {
    error: "must have type Resource, Pods or Object",
});
export type MetricConfig = z.output<typeof metricSchema>;

/** Limits the API server enforces on HPA behavior (k8s.io/kubernetes/pkg/apis/autoscaling/validation). */
export const MAX_PERIOD_SECONDS = 1800;
export const MAX_STABILIZATION_WINDOW_SECONDS = 3600;

const policySchema = z.strictObject({
    type: z.enum(["Pods", "Percent"], { error: "must be Pods or Percent" }),
    value: positiveInt.gt(0, { error: "must be > 0" }),
    periodSeconds: positiveInt
        .min(1, { error: `must be between 1 and ${MAX_PERIOD_SECONDS} seconds` })
        .max(MAX_PERIOD_SECONDS, { error: `must be between 1 and ${MAX_PERIOD_SECONDS} seconds` }),
});

const scalingRulesSchema = z.strictObject({
    stabilizationWindowSeconds: positiveInt
        .min(0, { error: `must be between 0 and ${MAX_STABILIZATION_WINDOW_SECONDS} seconds` })
        .max(MAX_STABILIZATION_WINDOW_SECONDS, {
            error: `must be between 0 and ${MAX_STABILIZATION_WINDOW_SECONDS} seconds`,
        })
        .optional(),
    selectPolicy: z.enum(["Max", "Min", "Disabled"], { error: "must be Max, Min or Disabled" }).optional(),
    policies: z.array(policySchema).min(1, { error: "must list at least one policy" }).optional(),
});
export type ScalingRulesConfig = z.output<typeof scalingRulesSchema>;

/** A PDB's count or percentage: kubernetes v1.34 `ValidatePodDisruptionBudgetSpec` refuses a percentage above 100 (IsNotMoreThan100Percent). */
const pdbIntOrPercent = intOrPercent
    .refine((value) => typeof value !== "string" || Number.parseInt(value, 10) <= 100, {
        error: "must not be more than 100%",
    })
    .describe('A non-negative integer or a percentage up to "100%" (ValidatePodDisruptionBudgetSpec).');

const pdbSchema = z
    .strictObject({
        minAvailable: pdbIntOrPercent
            .optional()
            .describe(
                'Pods that must stay available (a count or "N%", at most 100%); give this or maxUnavailable, not both. A budget that allows no eviction at minReplicas is refused: it would block every node drain and scale-down.',
            ),
        maxUnavailable: pdbIntOrPercent
            .optional()
            .describe(
                'Pods that may be unavailable (a count or "N%", at most 100%); give this or minAvailable, not both.',
            ),
        unhealthyPodEvictionPolicy: z
            .enum(["AlwaysAllow", "IfHealthyBudget"])
            .default("AlwaysAllow")
            .describe("AlwaysAllow: pods that are not ready (crash-looping) never block a node drain."),
    })
    .refine((pdb) => (pdb.minAvailable === undefined) !== (pdb.maxUnavailable === undefined), {
        error: "must set exactly one of minAvailable and maxUnavailable (Kubernetes rejects both)",
    });
export type PdbConfig = z.output<typeof pdbSchema>;

/**
 * How many pods a PDB lets the eviction API remove when `replicas` pods are healthy, computed as
 * the disruption controller does (pkg/controller/disruption: minAvailable rounds up,
 * maxUnavailable rounds down). 0 means every drain and every scale-down of the node waits forever.
 */
export function pdbAllowedDisruptions(
    pdb: Pick<PdbConfig, "minAvailable" | "maxUnavailable">,
    replicas: number,
): number {
    if (pdb.minAvailable !== undefined) {
        return Math.max(0, replicas - scaleIntOrPercent(pdb.minAvailable, replicas, true));
    }
    return Math.max(0, Math.min(replicas, scaleIntOrPercent(pdb.maxUnavailable ?? 0, replicas, false)));
}

export const serviceSchema = z
    .strictObject({
        minReplicas: positiveInt.min(1, { error: "must be >= 1" }).describe("The HPA's least replicas (at least 1)."),
        maxReplicas: positiveInt
            .min(1, { error: "must be >= 1" })
            .describe("The HPA's most replicas; at least minReplicas."),
        priority: z
            .enum(["critical", "standard"], { error: "must be critical or standard" })
            .describe("Which PriorityClass the service's pods use: critical ones may preempt standard ones."),
        resources: resourceRequirements.describe(
            "Requests and limits of the service's own container (the one named after the service, with the metrics port): " +
                "`requests` and `limits`, each `{cpu, memory}`; each request at most its limit (the API server refuses more).",
        ),
        sidecars: resourceRequirements
            .optional()
            .describe(
                "Per pod, what every other container and sidecar (a SQL proxy, a log shipper) requests and limits in total, " +
                    "shaped as `resources`; unset for none. The capacity model and the quota checks count it on top of `resources`; " +
                    "the admission policy has each of those containers declare its own requests.",
            ),
        metrics: z
            .array(metricSchema)
            .min(1, { error: "must list at least one metric" })
            .describe(
                "What the HPA scales on, at least one, no metric twice: `{type: Resource, name: cpu|memory, averageUtilization | averageValue}`, `{type: Pods, name, averageValue, selector?}` or `{type: Object, name, describedObject, value | averageValue}`; the HPA takes the largest proposal. A utilization target above 100 is legal but a warning.",
            ),
        behavior: z
            .strictObject({ scaleUp: scalingRulesSchema.optional(), scaleDown: scalingRulesSchema.optional() })
            .optional()
            .describe(
                "HPA behavior, `scaleUp` and `scaleDown`, each `{stabilizationWindowSeconds (0-3600), selectPolicy (Max, Min, Disabled), policies: [{type: Pods|Percent, value > 0, periodSeconds 1-1800}]}`; leave it out for Kubernetes' defaults.",
            ),
        pdb: pdbSchema
            .optional()
            .describe(
                'PodDisruptionBudget: `minAvailable` or `maxUnavailable` (a count or `"N%"`, not both) and `unhealthyPodEvictionPolicy` (`AlwaysAllow` by default, so crash-looping pods never block a drain). A budget that allows no eviction at `minReplicas` is rejected: it would block every node drain and scale-down. Leave it out for none.',
            ),
        maxSurge: intOrPercent
            .default("25%")
            .describe(
                "Extra pods a rolling update may create (the Deployment's maxSurge): they count against the quota too.",
            ),
        metricsPort: positiveInt
            .min(1, { error: "must be a port (1-65535)" })
            .max(65535, { error: "must be a port (1-65535)" })
            .default(8000)
            .describe("Port of the container port named `metrics` that Prometheus scrapes."),
        database: z
            .strictObject({
                poolSize: positiveInt
                    .min(0, { error: "must be >= 0" })
                    .describe("Connections each pod keeps open (SQLAlchemy pool_size; the seed: 10)."),
                maxOverflow: positiveInt
                    .min(0, { error: "must be >= 0" })
                    .describe("Connections each pod may open beyond poolSize (SQLAlchemy max_overflow; the seed: 20)."),
            })
            .optional()
            .describe(
                "The service's database connection pool per pod; unset, the service is left out of the connection check.",
            ),
    })
    // Runs even when other keys of the service are invalid (`when`), so every problem is reported
    // at once; hence the type guards.
    .superRefine(
        (service, ctx) => {
            if (service === null || typeof service !== "object") {
                return;
            }
            if (
                Number.isInteger(service.minReplicas) &&
                Number.isInteger(service.maxReplicas) &&
                service.minReplicas > service.maxReplicas
            ) {
                ctx.addIssue({
                    code: "custom",
                    path: ["maxReplicas"],
                    input: service.maxReplicas,
                    message: `must be >= minReplicas (${service.minReplicas})`,
                });
            }
            const names = Array.isArray(service.metrics)
                ? service.metrics.map((metric) => `${metric?.type}/${metric?.name}`)
                : [];
            names.forEach((name, index) => {
                if (names.indexOf(name) !== index) {
                    ctx.addIssue({
                        code: "custom",
                        path: ["metrics", index],
                        input: name,
                        message: "must not repeat a metric the list already has",
                    });
                }
            });
            hpaReachIssues(service, ctx);
            const pdb = service.pdb;
            const pdbValid =
                pdb !== undefined &&
                pdb !== null &&
                (pdb.minAvailable === undefined) !== (pdb.maxUnavailable === undefined) &&
                isIntOrPercent(pdb.minAvailable ?? pdb.maxUnavailable);
            if (
                pdbValid &&
                Number.isInteger(service.minReplicas) &&
                pdbAllowedDisruptions(pdb, service.minReplicas) === 0
            ) {
                const [key, value] =
                    pdb.minAvailable !== undefined
                        ? ["minAvailable", pdb.minAvailable]
                        : ["maxUnavailable", pdb.maxUnavailable];
                ctx.addIssue({
                    code: "custom",
                    path: ["pdb", key],
                    input: value,
                    message:
                        `must allow one eviction at minReplicas (${service.minReplicas}): it would block every node drain and cluster-autoscaler scale-down\n` +
                        (key === "minAvailable"
                            ? `use minAvailable <= ${service.minReplicas - 1}`
                            : "use maxUnavailable >= 1"),
                });
            }
        },
        { when: () => true },
    );
export type ServiceConfig = z.output<typeof serviceSchema>;

/**
 * The HPA's tolerance: it acts only once usage and target differ by more than 10 % (kubernetes
 * v1.34 pkg/controller/podautoscaler `ReplicaCalculator` with kube-controller-manager's
 * --horizontal-pod-autoscaler-tolerance, default 0.1, which EKS does not let you change).
 */
export const HPA_TOLERANCE = 0.1;

/** Amounts the API server compares: CPU in millicores, memory in bytes. */
const AMOUNT = { cpu: toMillicores, memory: toBytes } as const;

/**
 * Issues for an HPA the API accepts but that can never scale: both directions disabled, or a
 * target no pod reaches under its own limit (usage stops at the limit: CPU is throttled, memory
 * OOM-killed), once the tolerance is added. Guards its input: it runs on invalid services too.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- input not yet validated, guarded field by field
function hpaReachIssues(service: Record<string, any>, ctx: z.RefinementCtx): void {
    bothDirectionsDisabledIssue(service, ctx);
    if (!Array.isArray(service.metrics)) return;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- as above
    service.metrics.forEach((metric: Record<string, any> | null, index: number) => {
        const resource = metric?.name as "cpu" | "memory";
        if (metric?.type !== "Resource" || (resource !== "cpu" && resource !== "memory")) return;
        resourceTargetIssue(metric, resource, index, service.resources, ctx);
    });
}

/** An HPA with scaleUp and scaleDown both Disabled between distinct min and max never scales. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- as hpaReachIssues
function bothDirectionsDisabledIssue(service: Record<string, any>, ctx: z.RefinementCtx): void {
    const behavior = service.behavior;
    if (
        Number.isInteger(service.minReplicas) &&
        Number.isInteger(service.maxReplicas) &&
        service.minReplicas < service.maxReplicas &&
        behavior?.scaleUp?.selectPolicy === "Disabled" &&
        behavior?.scaleDown?.selectPolicy === "Disabled"
    ) {
        ctx.addIssue({
            code: "custom",
            path: ["behavior", "scaleUp", "selectPolicy"],
            input: "Disabled",
            message:
                `must not be Disabled with scaleDown's too while minReplicas (${service.minReplicas}) < maxReplicas (${service.maxReplicas}): the HPA never scales\n` +
                "enable one direction, or set minReplicas equal to maxReplicas for a fixed size",
        });
    }
}

/** A cpu or memory target (metric `index`) that no pod reaches under its limit, tolerance added. */
function resourceTargetIssue(
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- as hpaReachIssues
    metric: Record<string, any>,
    resource: "cpu" | "memory",
    index: number,
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- as hpaReachIssues
    resources: Record<string, any> | undefined,
    ctx: z.RefinementCtx,
): void {
    const request = resources?.requests?.[resource];
    const limit = resources?.limits?.[resource];
    if (
        typeof metric.averageValue === "string" &&
        resource === "memory" &&
        memoryProblem(metric.averageValue) !== undefined
    ) {
        ctx.addIssue({
            code: "custom",
            path: ["metrics", index, "averageValue"],
            input: metric.averageValue,
            message: memoryProblem(metric.averageValue)!,
        });
        return;
    }
    const misread = (value: unknown) =>
        typeof value !== "string" ||
        !isQuantity(value) ||
        (resource === "memory" && memoryProblem(value) !== undefined);
    if (misread(limit) || (metric.averageUtilization !== undefined && misread(request))) return;
    const ceiling = AMOUNT[resource](limit);
    // A request above its limit is refused on its own (requestsWithinLimits).
    if (typeof request === "string" && isQuantity(request) && AMOUNT[resource](request) > ceiling) return;
    if (
        Number.isInteger(metric.averageUtilization) &&
        typeof request === "string" &&
        isQuantity(request) &&
        AMOUNT[resource](request) > 0
    ) {
        const reachable = (100 * ceiling) / AMOUNT[resource](request);
        if (metric.averageUtilization * (1 + HPA_TOLERANCE) >= reachable) {
            ctx.addIssue({
                code: "custom",
                path: ["metrics", index, "averageUtilization"],
                input: metric.averageUtilization,
                message:
                    `must be at most ${Math.ceil(reachable / (1 + HPA_TOLERANCE)) - 1}: pods stop at the ${resource} limit (${limit}, ${Math.round(reachable)}% of the request), ` +
                    `and the HPA scales up only past the target + ${HPA_TOLERANCE * 100}%\nlower the target or raise limits.${resource}`,
            });
        }
    } else if (
        typeof metric.averageValue === "string" &&
        isQuantity(metric.averageValue) &&
        AMOUNT[resource](metric.averageValue) * (1 + HPA_TOLERANCE) >= ceiling
    ) {
        ctx.addIssue({
            code: "custom",
            path: ["metrics", index, "averageValue"],
            input: metric.averageValue,
            message:
                `must be below the ${resource} limit (${limit}) by more than the HPA's ${HPA_TOLERANCE * 100}% tolerance: no pod uses more than its limit, so it never scales up\n` +
                `lower the target or raise limits.${resource}`,
        });
    }
}

export const servicesSchema = z
    .record(dnsLabel, serviceSchema, { error: "must be a map from service name to its settings" })
    .refine((services) => Object.keys(services).length > 0, { error: "must define at least one service" })
    .describe(
        "A map from service name (the Deployment's name and its `app` label) to its scaling policy; at least one.",
    );
