// Config schema of `simulation`: the scaling simulator's settings (simulator/, `npm run simulate`).
// Every key has a default, so the whole block may be left out. The per-service load model is
// described, with its formulas, at the top of simulator/model.ts; its defaults come from each
// service's own HPA and resources (simulator/model.ts `serviceModel`), which a schema cannot see.
import { z } from "zod";
import { cpuMemory, positiveInt } from "./common";

const percent = (what: string) =>
    z.number({ error: `must be a number (${what}, in percent of the containers' requests)` })
        .min(0, { error: "must be >= 0 (percent of the containers' requests)" });

/**
 * How one service turns load into the numbers its HPA reads. Leave a key out for the default that
 * simulator/model.ts derives from the service's own config.
 */
const serviceModelSchema = z.strictObject({
    /**
     * Load units one ready pod serves at its HPA target. Default: the target of the service's first
     * Pods metric (20 for model_requests_per_second: 20 requests/s); for a service without one,
     * load is CPU work in millicores and the default is its CPU request x (CPU target - baseCpuUtilization).
     */
    capacityPerPod: z.number({ error: "must be a number (load units per pod)" }).gt(0, { error: "must be > 0 (load units per pod)" }).optional(),
    /** CPU of an idle ready pod, in percent of its CPU request (default 10, or half cpuUtilizationAtCapacity if that is lower). */
    baseCpuUtilization: percent("CPU of an idle pod").optional(),
    /** CPU of a pod serving capacityPerPod (default: the service's CPU utilization target, else 70). */
    cpuUtilizationAtCapacity: percent("CPU at capacityPerPod").optional(),
    /** Memory of an idle ready pod, in percent of its memory request (default: half the memory target, else 40). */
    baseMemoryUtilization: percent("memory of an idle pod").optional(),
    /** Memory of a pod serving capacityPerPod (default: three quarters of the memory target, else 60). */
    memoryUtilizationAtCapacity: percent("memory at capacityPerPod").optional(),
});
export type ServiceModelSettings = z.output<typeof serviceModelSchema>;

/** The seed's validation criteria (auto-scaling-configuration-guide.md "Validation Criteria") as numbers. */
const criteriaSchema = z.strictObject({
    /**
     * Scaling responsiveness: after a step from the load minReplicas serve to twice that, seconds
     * until enough pods are ready to serve it at the HPA's target, node provisioning included (default 240).
     */
    responseSeconds: positiveInt.min(1, { error: "must be >= 1 (seconds)" }).default(240),
    /** Stability: under load alternating every 5 minutes between those levels, scale direction changes per service per hour (default 4). */
    maxDirectionChangesPerHour: z.number({ error: "must be a number" }).min(0, { error: "must be >= 0" }).default(4),
    /** Resource efficiency: over the 8-hour day, provisioned replicas on average at most this many times the needed ones (default 1.6). */
    maxOverProvisioning: z.number({ error: "must be a number" }).min(1, { error: "must be >= 1 (a ratio of replicas)" }).default(1.6),
    /** Pods the ResourceQuota may refuse while a service is below its maxReplicas (default 0). */
    quotaRefusalsBelowMax: positiveInt.min(0, { error: "must be >= 0" }).default(0),
});

/** An EC2 instance type name, as node groups list them. */
const instanceTypeName = z.string().regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, { error: "must be an EC2 instance type such as m6i.xlarge" });

/** Bounds of an integer setting the tuner searches: every integer from min to max. */
const range = (what: string) => z
    .strictObject({
        min: positiveInt.min(0, { error: `must be >= 0 (${what})` }),
        max: positiveInt.min(0, { error: `must be >= 0 (${what})` }),
    })
    .refine((bounds) => bounds.min <= bounds.max, { error: "must have min <= max" });

const windows = (fallback: number[]) => z
    .array(positiveInt.min(0, { error: "must be between 0 and 3600 seconds" }).max(3600, { error: "must be between 0 and 3600 seconds" }))
    .min(1, { error: "must list at least one value" })
    .default(fallback);

const percents = (fallback: number[]) => z
    .array(positiveInt.min(1, { error: "must be >= 1 (percent)" }))
    .min(1, { error: "must list at least one value" })
    .default(fallback);

/** What the tuner may change in one service, besides the behavior values every service shares. */
const serviceTuningSchema = z.strictObject({
    /** minReplicas from min to max (default: only the current value). */
    minReplicas: range("replicas").optional(),
    /** maxReplicas from min to max (default: only the current value). */
    maxReplicas: range("replicas").optional(),
    /**
     * Targets by metric name (cpu, memory, or a Pods metric): values from min to max in steps of
     * `step` (default 5). Default: targets are not searched.
     */
    targets: z.record(z.string(), z.strictObject({
        min: z.number({ error: "must be a number" }).gt(0, { error: "must be > 0" }),
        max: z.number({ error: "must be a number" }).gt(0, { error: "must be > 0" }),
        step: z.number({ error: "must be a number" }).gt(0, { error: "must be > 0" }).default(5),
    }).refine((bounds) => bounds.min <= bounds.max, { error: "must have min <= max" })).default({}),
});

/** What the tuner may change in one node group. */
const nodeGroupTuningSchema = z.strictObject({
    /** Instance types to try, one at a time (default: the group's own list as it is). */
    instanceTypes: z.array(instanceTypeName).min(1, { error: "must list at least one instance type" }).optional(),
    /** minSize from min to max (default: the current minSize and one less). */
    minSize: range("nodes").optional(),
    /** maxSize from min to max (default: only the current value). */
    maxSize: range("nodes").optional(),
});

/**
 * `npm run tune`'s search space and prices (the prices also give the capacity report its cost).
 * The behavior lists apply to every service whose HPA has the rule; a service's own bounds sit
 * under `services.<name>`.
 */
const tuningSchema = z.strictObject({
    /**
     * USD per node-hour by instance type, over the on-demand table in catalog/prices.ts (us-east-1,
     * Linux): set the stack's region's price, a discount, or a type the table lacks.
     */
    prices: z.record(instanceTypeName, z.number({ error: "must be a number (USD per hour)" }).gt(0, { error: "must be > 0 (USD per hour)" })).default({}),
    /** behavior.scaleUp.stabilizationWindowSeconds values to try (default 0, 30, 60). */
    scaleUpStabilizationWindowSeconds: windows([0, 30, 60]),
    /** behavior.scaleDown.stabilizationWindowSeconds values to try (default 180, 300, 420, 600). */
    scaleDownStabilizationWindowSeconds: windows([180, 300, 420, 600]),
    /** The value of a scaleUp rule's one Percent policy (default 100, 200). */
    scaleUpPercent: percents([100, 200]),
    /** The value of a scaleDown rule's one Percent policy (default 10, 20, 50). */
    scaleDownPercent: percents([10, 20, 50]),
    services: z.record(z.string(), serviceTuningSchema).default({}),
    nodeGroups: z.record(z.string(), nodeGroupTuningSchema).default({}),
    /**
     * addons.clusterAutoscaler.headroom sizes to try, smallest first (default 1/2Gi, 2/4Gi, 4/8Gi,
     * 8/16Gi); [] leaves headroom out of the search. Its cost is the nodes its placeholders keep.
     */
    headroom: z.array(cpuMemory).default([
        { cpu: "1", memory: "2Gi" }, { cpu: "2", memory: "4Gi" }, { cpu: "4", memory: "8Gi" }, { cpu: "8", memory: "16Gi" },
    ]),
    /** Configurations the search may simulate at most (a count, not a time, so a run is reproducible). */
    maxEvaluations: positiveInt.min(1, { error: "must be >= 1" }).default(150),
});
export type TuningSettings = z.output<typeof tuningSchema>;

export const simulationSchema = z
    .strictObject({
        /** Seconds from a pod starting on a node to passing its readiness probe (default 30). */
        podReadySeconds: positiveInt.min(0, { error: "must be >= 0 (seconds)" }).default(30),
        /**
         * Prometheus's scrape interval (default 30, kube-prometheus-stack's): a pod's custom metric
         * exists once two scrapes have seen it, as rate() needs two samples.
         */
        scrapeIntervalSeconds: positiveInt.min(1, { error: "must be >= 1 (seconds)" }).default(30),
        /** Seed of the PRNG behind the 8-hour day's noise: the same seed gives the same run (default 1). */
        seed: positiveInt.default(1),
        criteria: criteriaSchema.prefault({}),
        /** Per-service load model, keyed by service name (default: derived from each service's config). */
        services: z.record(z.string(), serviceModelSchema, { error: "must be a map from service name to its load model" }).default({}),
        tuning: tuningSchema.prefault({}),
    })
    .prefault({});
