// Config schema of `addons`: the Helm-installed scaling add-ons. Chart versions are pinned to the
// versions whose default values tests/fixtures/charts/ holds (the tests check values keys against them).
import { z } from "zod";
import { cpuMemory, dnsSubdomain, goDuration, labels, memoryQuantity, positiveInt, positiveQuantity, promDuration, quantity, requestsWithinLimits } from "./common";
import { monitoringSchema } from "./monitoring";
import { toBytes, toMillicores } from "../quantity";

/** Whether a URL's host is the pod itself: localhost, 127.0.0.0/8, ::1 or 0.0.0.0. */
function isLoopbackUrl(url: string): boolean {
    const host = /^https?:\/\/(\[[^\]]+\]|[^/:]+)/.exec(url)?.[1]?.toLowerCase() ?? "";
    return host === "localhost" || host.endsWith(".localhost") || /^127\./.test(host) || host === "[::1]" || host === "0.0.0.0";
}

const chartVersion = z.string().regex(/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/, { error: "must be a chart version such as 9.59.0" });

const requestsAndLimits = z
    .strictObject({
        requests: cpuMemory,
        /** Memory limit only: a CPU limit throttles the add-on without protecting anything. */
        limits: z.strictObject({ memory: memoryQuantity }),
    })
    .superRefine((value, ctx) => requestsWithinLimits(value, ctx, { requests: "requests", limits: "limits", what: "a container" }), { when: () => true });

/**
 * Expanders that work on AWS with no further config: `price` prices GCE machines only, and
 * `priority` needs the chart's `expanderPriorities` ConfigMap, which this program does not write.
 */
export const EXPANDERS = ["least-waste", "most-pods", "random"] as const;

/**
 * Capacity cluster-autoscaler keeps free for pods that cannot wait for a node (docs/headroom.md):
 * placeholder pods below every real pod's priority, split into units no larger than the smallest
 * node group's node; a pod that may preempt takes a unit at once, and cluster-autoscaler adds a
 * node for the displaced placeholder.
 */
const headroomSchema = z
    .strictObject({
        /** CPU kept free, in total. */
        cpu: quantity,
        /** Memory kept free, in total. */
        memory: memoryQuantity,
    })
    .superRefine((value, ctx) => {
        for (const resource of ["cpu", "memory"] as const) {
            const text = value[resource];
            if ((resource === "cpu" ? toMillicores(text) : toBytes(text)) <= 0) {
                ctx.addIssue({ code: "custom", path: [resource], input: text, message: "must be above 0: a unit without it holds nothing a pod needs; remove headroom to turn it off" });
            }
        }
    });

const clusterAutoscalerSchema = z.strictObject({
    enabled: z.boolean().default(true),
    chartVersion: chartVersion.default("9.59.0"),
    /** Overrides the image tag the cluster's Kubernetes minor picks (components/cluster-autoscaler.ts). */
    imageTag: z.string().regex(/^v\d+\.\d+\.\d+$/, { error: "must be an image tag such as v1.34.5" }).optional(),
    serviceAccountName: dnsSubdomain.default("cluster-autoscaler"),
    /** The seed's scaleDown settings, as cluster-autoscaler flags. */
    scaleDownDelayAfterAdd: goDuration.default("10m"),
    scaleDownDelayAfterDelete: goDuration.default("10m"),
    scaleDownDelayAfterFailure: goDuration.default("3m"),
    scaleDownUnneededTime: goDuration.default("10m"),
    /** The seed's scaleUp settings (they govern which nodes may be removed). */
    skipNodesWithLocalStorage: z.boolean().default(true),
    skipNodesWithSystemPods: z.boolean().default(true),
    balanceSimilarNodeGroups: z.boolean().default(true),
    /** Per-node-group metrics (cluster_autoscaler_node_group_*): the NodeGroupAtMaxSize alert needs them. */
    emitPerNodegroupMetrics: z.boolean().default(true),
    expander: z.enum(EXPANDERS).default("least-waste"),
    /** How long a node takes from scale-up to Ready; the simulator waits this long (EKS: ~2-4 minutes). */
    nodeProvisioningSeconds: positiveInt.min(0, { error: "must be >= 0" }).default(180),
    resources: requestsAndLimits.prefault({ requests: { cpu: "100m", memory: "300Mi" }, limits: { memory: "600Mi" } }),
    /** Spare capacity kept for pods that cannot wait for a node (placeholder pods); off when unset. */
    headroom: headroomSchema.optional(),
});

const metricsServerSchema = z.strictObject({
    enabled: z.boolean().default(true),
    chartVersion: chartVersion.default("3.13.1"),
    replicas: positiveInt.min(1, { error: "must be >= 1" }).default(2),
    resources: requestsAndLimits.prefault({ requests: { cpu: "100m", memory: "200Mi" }, limits: { memory: "400Mi" } }),
});

const installPrometheus = z.strictObject({
    mode: z.literal("install"),
    chartVersion: chartVersion.default("88.5.3"),
    /** How long Prometheus keeps samples (and so the scaling history). */
    retention: promDuration.default("15d"),
    /** Size of Prometheus's gp3 volume. */
    storageSize: positiveQuantity.default("50Gi"),
    /** Two by default, in different zones: one drained or waiting for room leaves the other serving the adapter. */
    replicas: positiveInt.min(1, { error: "must be >= 1" }).default(2),
    resources: requestsAndLimits.prefault({ requests: { cpu: "500m", memory: "2Gi" }, limits: { memory: "4Gi" } }),
    grafana: z.boolean().default(true),
});

const externalPrometheus = z.strictObject({
    mode: z.literal("external"),
    /** The existing Prometheus's URL, with its port: http://prometheus-operated.monitoring.svc:9090 */
    url: z.string()
        .regex(/^https?:\/\/(\[[0-9a-fA-F:.]+\]|[^/:[\]]+)(:\d+)?(\/.*)?$/, { error: "must be an http(s) URL such as http://prometheus-operated.monitoring.svc:9090" })
        .refine((url) => !isLoopbackUrl(url), {
            error: "must not be a loopback address: the adapter's pod would reach itself, not Prometheus\nuse the Prometheus Service's DNS name, e.g. http://prometheus-operated.monitoring.svc:9090",
        })
        .describe("The existing Prometheus's http(s) URL with its port, reachable from the adapter's pod (not localhost or a loopback address)."),
    /** Labels that Prometheus's podMonitorSelector and ruleSelector match. */
    selectorLabels: labels.default({}),
    /** Create PodMonitors and PrometheusRules at all (false where no prometheus-operator runs). */
    monitoringObjects: z.boolean().default(true),
});

export const prometheusSchema = z.discriminatedUnion("mode", [installPrometheus, externalPrometheus], {
    error: 'must have mode "install" (kube-prometheus-stack) or "external" (an existing Prometheus at url)',
});

const adapterRuleSchema = z.strictObject({
    /** The counter the services export, e.g. model_requests_total. */
    series: z.string().regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*_total$/, { error: "must be a Prometheus counter name ending in _total" }),
    /** The name the HPA asks the custom metrics API for, e.g. model_requests_per_second. */
    metric: z.string().regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/, { error: "must be a metric name" }),
    /** The rate() window: a few scrape intervals at least. */
    window: promDuration.default("2m"),
});
export type AdapterRuleConfig = z.output<typeof adapterRuleSchema>;

const prometheusAdapterSchema = z.strictObject({
    enabled: z.boolean().default(true),
    chartVersion: chartVersion.default("5.3.0"),
    replicas: positiveInt.min(1, { error: "must be >= 1" }).default(2),
    /** Custom metrics served per pod; the seed's three by default. */
    rules: z.array(adapterRuleSchema).default([
        { series: "model_requests_total", metric: "model_requests_per_second", window: "2m" },
        { series: "http_requests_total", metric: "http_requests_per_second", window: "2m" },
        { series: "agent_created_total", metric: "agent_creation_rate", window: "5m" },
    ]),
    resources: requestsAndLimits.prefault({ requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "256Mi" } }),
});

export const addonsSchema = z
    .strictObject({
        clusterAutoscaler: clusterAutoscalerSchema.prefault({}),
        metricsServer: metricsServerSchema.prefault({}),
        prometheus: prometheusSchema.prefault({ mode: "install" }),
        prometheusAdapter: prometheusAdapterSchema.prefault({}),
        monitoring: monitoringSchema,
    })
    .prefault({});
