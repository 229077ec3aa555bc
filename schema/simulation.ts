// Config schema of `simulation`: the scaling simulator's settings (simulator/, `npm run simulate`).
// Every key has a default, so the whole block may be left out. The per-service load model is
// described, with its formulas, at the top of simulator/service-model.ts; its defaults come from each
// service's own HPA and resources (simulator/service-model.ts `serviceModel`), which a schema cannot see.
import { z } from "zod";
import { cpuMemory, positiveInt } from "./common";

const percent = (what: string) =>
    z
        .number({ error: `must be a number (${what}, in percent of the containers' requests)` })
        .min(0, { error: "must be >= 0 (percent of the containers' requests)" });

/**
 * How one service turns load into the numbers its HPA reads. Leave a key out for the default that
 * simulator/service-model.ts derives from the service's own config.
 */
const serviceModelSchema = z.strictObject({
    capacityPerPod: z
        .number({ error: "must be a number (load units per pod)" })
        .gt(0, { error: "must be > 0 (load units per pod)" })
        .optional()
        .describe(
            "Load units one ready pod serves at its HPA target. Default: the target of the service's first Pods metric (20 for model_requests_per_second: 20 requests/s); for a service without one, load is CPU work in millicores and the default is its CPU request x (CPU target - baseCpuUtilization).",
        ),
    baseCpuUtilization: percent("CPU of an idle pod")
        .optional()
        .describe(
            "CPU of an idle ready pod, in percent of its CPU request (default 10, or half cpuUtilizationAtCapacity if that is lower).",
        ),
    cpuUtilizationAtCapacity: percent("CPU at capacityPerPod")
        .optional()
        .describe("CPU of a pod serving capacityPerPod (default: the service's CPU utilization target, else 70)."),
    baseMemoryUtilization: percent("memory of an idle pod")
        .optional()
        .describe(
            "Memory of an idle ready pod, in percent of its memory request (default: half the memory target, else 40).",
        ),
    memoryUtilizationAtCapacity: percent("memory at capacityPerPod")
        .optional()
        .describe("Memory of a pod serving capacityPerPod (default: three quarters of the memory target, else 60)."),
});
export type ServiceModelSettings = z.output<typeof serviceModelSchema>;

/** The seed's validation criteria (auto-scaling-configuration-guide.md "Validation Criteria") as numbers. */
const criteriaSchema = z.strictObject({
    responseSeconds: positiveInt
        .min(1, { error: "must be >= 1 (seconds)" })
        .default(240)
        .describe(
            "Scaling responsiveness: after a step from the load minReplicas serve to twice that, seconds until enough pods are ready to serve it at the HPA's target, node provisioning included.",
        ),
    maxDirectionChangesPerHour: z
        .number({ error: "must be a number" })
        .min(0, { error: "must be >= 0" })
        .default(4)
        .describe(
            "Stability: under load alternating every 5 minutes between those levels, scale direction changes per service per hour.",
        ),
    maxOverProvisioning: z
        .number({ error: "must be a number" })
        .min(1, { error: "must be >= 1 (a ratio of replicas)" })
        .default(1.6)
        .describe(
            "Resource efficiency: over the 8-hour day, provisioned replicas on average at most this many times the needed ones.",
        ),
    quotaRefusalsBelowMax: positiveInt
        .min(0, { error: "must be >= 0" })
        .default(0)
        .describe("Pods the ResourceQuota may refuse while a service is below its maxReplicas."),
});

/** An EC2 instance type name, as node groups list them. */
const instanceTypeName = z
    .string()
    .regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, { error: "must be an EC2 instance type such as m6i.xlarge" });

/** Bounds of an integer setting the tuner searches: every integer from min to max. */
const range = (what: string) =>
    z
        .strictObject({
            min: positiveInt.min(0, { error: `must be >= 0 (${what})` }),
            max: positiveInt.min(0, { error: `must be >= 0 (${what})` }),
        })
        .refine((bounds) => bounds.min <= bounds.max, { error: "must have min <= max" });

const windows = (fallback: number[]) =>
    z
        .array(
            positiveInt
                .min(0, { error: "must be between 0 and 3600 seconds" })
                .max(3600, { error: "must be between 0 and 3600 seconds" }),
        )
        .min(1, { error: "must list at least one value" })
        .default(fallback);

const percents = (fallback: number[]) =>
    z
        .array(positiveInt.min(1, { error: "must be >= 1 (percent)" }))
        .min(1, { error: "must list at least one value" })
        .default(fallback);

/** What the tuner may change in one service, besides the behavior values every service shares. */
const serviceTuningSchema = z.strictObject({
    minReplicas: range("replicas")
        .optional()
        .describe("`{min, max}`: every minReplicas in between is tried (default: only the current value)."),
    maxReplicas: range("replicas")
        .optional()
        .describe("`{min, max}`: every maxReplicas in between is tried (default: only the current value)."),
    targets: z
        .record(
            z.string(),
            z
                .strictObject({
                    min: z
                        .number({ error: "must be a number" })
                        .gt(0, { error: "must be > 0" })
                        .describe("The least target to try."),
                    max: z
                        .number({ error: "must be a number" })
                        .gt(0, { error: "must be > 0" })
                        .describe("The largest target to try."),
                    step: z
                        .number({ error: "must be a number" })
                        .gt(0, { error: "must be > 0" })
                        .default(5)
                        .describe("The step between targets tried."),
                })
                .refine((bounds) => bounds.min <= bounds.max, { error: "must have min <= max" }),
        )
        .default({})
        .describe(
            "Targets to search by metric name (cpu, memory or a Pods metric), from min to max in steps of step; " +
                "needs the service's load model pinned (simulation.services.<name>), since its defaults follow the targets. Unset: not searched.",
        ),
});

/** What the tuner may change in one node group. */
const nodeGroupTuningSchema = z.strictObject({
    instanceTypes: z
        .array(instanceTypeName)
        .min(1, { error: "must list at least one instance type" })
        .optional()
        .describe(
            "Candidate types, tried one at a time; each must be in the capacity table (or `guardrails.instanceTypes`) and have a price (default: the group's own list as it is).",
        ),
    minSize: range("nodes").optional().describe("minSize from min to max (default: the current minSize and one less)."),
    maxSize: range("nodes").optional().describe("maxSize from min to max (default: only the current value)."),
});

/**
 * `npm run tune`'s search space and prices (the prices also give the capacity report its cost).
 * The behavior lists apply to every service whose HPA has the rule; a service's own bounds sit
 * under `services.<name>`.
 */
const tuningSchema = z.strictObject({
    prices: z
        .record(
            instanceTypeName,
            z.number({ error: "must be a number (USD per hour)" }).gt(0, { error: "must be > 0 (USD per hour)" }),
        )
        .default({})
        .describe(
            "`{<instance type>: <USD per node-hour>}` over the built-in us-east-1 Linux on-demand prices (catalog/prices.ts): another region's price, a discount, or a type the table lacks. The capacity report's monthly cost uses them.",
        ),
    scaleUpStabilizationWindowSeconds: windows([0, 30, 60]).describe(
        "Values `npm run tune` tries for every service's `behavior.scaleUp.stabilizationWindowSeconds` (0-3600).",
    ),
    scaleDownStabilizationWindowSeconds: windows([180, 300, 420, 600]).describe(
        "Values `npm run tune` tries for every service's `behavior.scaleDown.stabilizationWindowSeconds` (0-3600).",
    ),
    scaleUpPercent: percents([100, 200]).describe(
        "Values tried for a scaleUp rule's one `Percent` policy (a rule with several policies, or a `Pods` one, is left as it is).",
    ),
    scaleDownPercent: percents([10, 20, 50]).describe(
        "Values tried for a scaleDown rule's one `Percent` policy (a rule with several policies, or a `Pods` one, is left as it is).",
    ),
    services: z.record(z.string(), serviceTuningSchema).default({}),
    nodeGroups: z.record(z.string(), nodeGroupTuningSchema).default({}),
    headroom: z
        .array(cpuMemory)
        .default([
            { cpu: "1", memory: "2Gi" },
            { cpu: "2", memory: "4Gi" },
            { cpu: "4", memory: "8Gi" },
            { cpu: "8", memory: "16Gi" },
        ])
        .describe(
            "addons.clusterAutoscaler.headroom sizes to try, smallest first; [] leaves headroom out of the search. Its cost is the nodes its placeholders keep.",
        ),
    maxEvaluations: positiveInt
        .min(1, { error: "must be >= 1" })
        .default(150)
        .describe("Simulations the search may run (a count, not a time: the same stack file gives the same proposal)."),
});
export type TuningSettings = z.output<typeof tuningSchema>;

export const simulationSchema = z
    .strictObject({
        podReadySeconds: positiveInt
            .min(0, { error: "must be >= 0 (seconds)" })
            .default(30)
            .describe("Seconds from a pod starting on a node to passing its readiness probe."),
        /**
         * Prometheus's scrape interval (default 30, kube-prometheus-stack's): a pod's custom metric
         * exists once two scrapes have seen it, as rate() needs two samples.
         */
        scrapeIntervalSeconds: positiveInt
            .min(1, { error: "must be >= 1 (seconds)" })
            .default(30)
            .describe(
                "Prometheus's scrape interval (kube-prometheus-stack's): a pod's custom metric exists once two scrapes have seen it, as rate() needs two samples.",
            ),
        seed: positiveInt
            .default(1)
            .describe("Seed of the PRNG behind the 8-hour day's noise: the same seed gives the same run."),
        criteria: criteriaSchema.prefault({}),
        services: z
            .record(z.string(), serviceModelSchema, { error: "must be a map from service name to its load model" })
            .default({})
            .describe("Per-service load model, keyed by service name (default: derived from each service's config)."),
        tuning: tuningSchema.prefault({}),
    })
    .prefault({})
    .describe(
        "The scaling simulator's and the tuner's settings (`npm run simulate`, `npm run tune`, docs/simulator.md); every key has a default.",
    );
