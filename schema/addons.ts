// Config schema of `addons`: the Helm-installed scaling add-ons. Chart versions are pinned to the
// versions whose default values tests/fixtures/charts/ holds (the tests check values keys against them).
import { z } from "zod";
import {
    cpuMemory,
    dnsSubdomain,
    goDuration,
    labels,
    memoryQuantity,
    positiveInt,
    positiveQuantity,
    promDuration,
    quantity,
    requestsWithinLimits,
} from "./common";
import { monitoringSchema } from "./monitoring";
import { toBytes, toMillicores } from "../quantity";

/** Whether a URL's host is the pod itself: localhost, 127.0.0.0/8, ::1 or 0.0.0.0. */
function isLoopbackUrl(url: string): boolean {
    const host = /^https?:\/\/(\[[^\]]+\]|[^/:]+)/.exec(url)?.[1]?.toLowerCase() ?? "";
    return (
        host === "localhost" ||
        host.endsWith(".localhost") ||
        /^127\./.test(host) ||
        host === "[::1]" ||
        host === "0.0.0.0"
    );
}

const chartVersion = z
    .string()
    .regex(/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/, { error: "must be a chart version such as 9.59.0" });

const requestsAndLimits = z
    .strictObject({
        requests: cpuMemory,
        limits: z
            .strictObject({ memory: memoryQuantity })
            .describe("Memory limit only: a CPU limit throttles the add-on without protecting anything."),
    })
    .superRefine(
        (value, ctx) =>
            requestsWithinLimits(value, ctx, { requests: "requests", limits: "limits", what: "a container" }),
        { when: () => true },
    );

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
        cpu: quantity.describe("CPU kept free, in total."),
        memory: memoryQuantity.describe("Memory kept free, in total."),
    })
    .superRefine((value, ctx) => {
        for (const resource of ["cpu", "memory"] as const) {
            const text = value[resource];
            if ((resource === "cpu" ? toMillicores(text) : toBytes(text)) <= 0) {
                ctx.addIssue({
                    code: "custom",
                    path: [resource],
                    input: text,
                    message:
                        "must be above 0: a unit without it holds nothing a pod needs; remove headroom to turn it off",
                });
            }
        }
    });

const clusterAutoscalerSchema = z.strictObject({
    enabled: z.boolean().default(true).describe("Install cluster-autoscaler."),
    chartVersion: chartVersion.default("9.59.0").describe("Helm chart version."),
    imageTag: z
        .string()
        .regex(/^v\d+\.\d+\.\d+$/, { error: "must be an image tag such as v1.34.5" })
        .optional()
        .describe(
            "Overrides the image tag the cluster's Kubernetes minor picks from the table in components/cluster-autoscaler.ts (`v1.34.5` for 1.34); not newer than `cluster.version` (older: a warning).",
        ),
    serviceAccountName: dnsSubdomain
        .default("cluster-autoscaler")
        .describe("The service account its Pod Identity role trusts."),
    scaleDownDelayAfterAdd: goDuration
        .default("10m")
        .describe("How long after a scale-up before scale-down is considered (seed, `--scale-down-delay-after-add`)."),
    scaleDownDelayAfterDelete: goDuration
        .default("10m")
        .describe("How long after a node deletion before scale-down is considered again (seed)."),
    scaleDownDelayAfterFailure: goDuration
        .default("3m")
        .describe("How long after a failed scale-down before it is tried again (seed)."),
    scaleDownUnneededTime: goDuration
        .default("10m")
        .describe("How long a node must be unneeded before it is removed (seed)."),
    skipNodesWithLocalStorage: z
        .boolean()
        .default(true)
        .describe("Never remove a node running pods with local storage (emptyDir, hostPath) (seed)."),
    skipNodesWithSystemPods: z
        .boolean()
        .default(true)
        .describe("Never remove a node running kube-system pods other than DaemonSets (seed)."),
    balanceSimilarNodeGroups: z.boolean().default(true).describe("Keep node groups of one shape at the same size."),
    emitPerNodegroupMetrics: z
        .boolean()
        .default(true)
        .describe("Per-node-group metrics (cluster_autoscaler_node_group_*): the NodeGroupAtMaxSize alert needs them."),
    expander: z
        .enum(EXPANDERS)
        .default("least-waste")
        .describe(
            "How cluster-autoscaler picks a node group to grow; `price` and `priority` need what AWS or this program does not give.",
        ),
    nodeProvisioningSeconds: positiveInt
        .min(0, { error: "must be >= 0" })
        .default(180)
        .describe("How long a node takes from scale-up to Ready; the simulator waits this long (EKS: ~2-4 minutes)."),
    resources: requestsAndLimits
        .prefault({ requests: { cpu: "100m", memory: "300Mi" }, limits: { memory: "600Mi" } })
        .describe(
            "Requests and memory limit. In every add-on's `resources` the memory request must be at most the memory limit (the API server refuses a container whose request exceeds its limit).",
        ),
    headroom: headroomSchema
        .optional()
        .describe(
            "`{cpu, memory}`: spare capacity cluster-autoscaler keeps for pods that cannot wait for a node, as placeholder pods in namespace `berrys-headroom` (docs/headroom.md); both above 0; needs `clusterAutoscaler.enabled`. Off when unset.",
        ),
});

const metricsServerSchema = z.strictObject({
    enabled: z.boolean().default(true).describe("Install metrics-server."),
    chartVersion: chartVersion.default("3.13.1").describe("Helm chart version."),
    replicas: positiveInt
        .min(1, { error: "must be >= 1" })
        .default(2)
        .describe("metrics-server pods (2: the Resource metrics stay up through a drain)."),
    resources: requestsAndLimits
        .prefault({ requests: { cpu: "100m", memory: "200Mi" }, limits: { memory: "400Mi" } })
        .describe("Requests and memory limit of each pod."),
});

const installPrometheus = z.strictObject({
    mode: z.literal("install"),
    chartVersion: chartVersion.default("88.5.3").describe("kube-prometheus-stack chart version."),
    retention: promDuration.default("15d").describe("How long Prometheus keeps samples (and so the scaling history)."),
    storageSize: positiveQuantity.default("50Gi").describe("Size of Prometheus's gp3 volume."),
    replicas: positiveInt
        .min(1, { error: "must be >= 1" })
        .default(2)
        .describe(
            'Prometheus pods, one per zone, each with its own volume (docs/addons.md "The metrics path through a drain and a zone"): one drained or waiting for room leaves the other serving the adapter. With 1 there is no PDB; 1, or more than the node groups\' minSize in total, is warned about.',
        ),
    resources: requestsAndLimits
        .prefault({ requests: { cpu: "500m", memory: "2Gi" }, limits: { memory: "4Gi" } })
        .describe("Requests and memory limit of each Prometheus pod."),
    grafana: z.boolean().default(true).describe("Install Grafana (it loads the scaling dashboard)."),
});

const externalPrometheus = z.strictObject({
    mode: z.literal("external"),
    url: z
        .string()
        .regex(/^https?:\/\/(\[[0-9a-fA-F:.]+\]|[^/:[\]]+)(:\d+)?(\/.*)?$/, {
            error: "must be an http(s) URL such as http://prometheus-operated.monitoring.svc:9090",
        })
        .refine((url) => !isLoopbackUrl(url), {
            error: "must not be a loopback address: the adapter's pod would reach itself, not Prometheus\nuse the Prometheus Service's DNS name, e.g. http://prometheus-operated.monitoring.svc:9090",
        })
        .describe(
            "The existing Prometheus's http(s) URL with its port, reachable from the adapter's pod (not localhost or a loopback address).",
        ),
    selectorLabels: labels.default({}).describe("Labels that Prometheus's podMonitorSelector and ruleSelector match."),
    monitoringObjects: z
        .boolean()
        .default(true)
        .describe("Create PodMonitors and PrometheusRules at all (false where no prometheus-operator runs)."),
});

export const prometheusSchema = z.discriminatedUnion("mode", [installPrometheus, externalPrometheus], {
    error: 'must have mode "install" (kube-prometheus-stack) or "external" (an existing Prometheus at url)',
});

const adapterRuleSchema = z.strictObject({
    series: z
        .string()
        .regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*_total$/, { error: "must be a Prometheus counter name ending in _total" })
        .describe("The counter the services export, e.g. model_requests_total."),
    metric: z
        .string()
        .regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/, { error: "must be a metric name" })
        .describe("The name the HPA asks the custom metrics API for, e.g. model_requests_per_second."),
    window: promDuration.default("2m").describe("The rate() window: a few scrape intervals at least."),
});
export type AdapterRuleConfig = z.output<typeof adapterRuleSchema>;

const prometheusAdapterSchema = z.strictObject({
    enabled: z
        .boolean()
        .default(true)
        .describe("Install prometheus-adapter (the custom metrics API the Pods metrics need)."),
    chartVersion: chartVersion.default("5.3.0").describe("Helm chart version."),
    replicas: positiveInt.min(1, { error: "must be >= 1" }).default(2).describe("prometheus-adapter pods."),
    rules: z
        .array(adapterRuleSchema)
        .default([
            { series: "model_requests_total", metric: "model_requests_per_second", window: "2m" },
            { series: "http_requests_total", metric: "http_requests_per_second", window: "2m" },
            { series: "agent_created_total", metric: "agent_creation_rate", window: "5m" },
        ])
        .describe(
            "Custom metrics served per pod, each `{series: <counter>_total, metric: <name served>, window: <rate() window, 2m>}`; every Pods/Object metric an HPA names must be served by one. The seed's three by default.",
        ),
    resources: requestsAndLimits
        .prefault({ requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "256Mi" } })
        .describe("Requests and memory limit of each pod."),
});

export const addonsSchema = z
    .strictObject({
        clusterAutoscaler: clusterAutoscalerSchema.prefault({}),
        metricsServer: metricsServerSchema.prefault({}),
        prometheus: prometheusSchema.prefault({ mode: "install" }),
        prometheusAdapter: prometheusAdapterSchema.prefault({}),
        monitoring: monitoringSchema,
    })
    .prefault({})
    .describe(
        "The Helm-installed scaling add-ons; every key has a default, so the whole block may be left out. Chart versions are " +
            "pinned to the versions whose default values the tests check the program's values against (tests/fixtures/charts/).",
    );
