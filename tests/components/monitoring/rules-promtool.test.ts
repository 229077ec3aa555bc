// The berrys-scaling rules run by Prometheus's own rule engine (`promtool test rules`, Debian's
// prometheus package 2.42). Every alert has a case where it fires (after its `for`) and a healthy
// case where it stays silent; every recording rule a case of its value. Input series carry the labels
// the real exporters give them, each family cited below.
// Version skew: the chart runs Prometheus 3.x, whose range selectors are left-open, promtool 2.42's
// are closed; every input sample sits at half past a minute (promtool.ts `perMinute`), never on the
// whole-minute window edges the rules are evaluated at, so both versions see the same samples.
import * as assert from "assert";
import { spawnSync } from "child_process";
import { readFileSync } from "fs";
import { join } from "path";
import type { ScalingObservabilityInput } from "../../../components/monitoring/input";
import { DEFAULT_SEVERITY, RECORDED, scalingRuleGroups } from "../../../components/monitoring/rules";
import { PROJECT_DIR } from "../../../tools/stack-files";
import { monitoringSchema, SCALING_ALERTS, type ScalingAlert } from "../../../schema/monitoring";
import {
    hold,
    perMinute,
    PROMTOOL_HINT,
    promtoolTestFile,
    promtoolVersion,
    runPromtool,
    seriesOf,
    type AlertLabels,
    type InputSeries,
    type RuleCase,
} from "../../helpers/promtool";

const NS = "berrys-production";
const CLUSTER = "berrys-production";

/** The rules' input: four seed services, thresholds written out here (not the schema's defaults). */
function input(): ScalingObservabilityInput {
    const monitoring = monitoringSchema.parse({
        hpaAtMaxFor: "15m",
        replicasMismatchFor: "15m",
        hpaConditionFor: "5m",
        nodeGroupAtMaxFor: "15m",
        unschedulablePodsFor: "10m",
        addonUnavailableFor: "5m",
        quotaUsageRatio: 0.9,
        thrashing: { directionChanges: 4, window: "1h" },
    });
    const service = (minReplicas: number, maxReplicas: number) => ({ minReplicas, maxReplicas, metrics: [] });
    return {
        namespace: NS,
        clusterName: CLUSTER,
        services: {
            "agent-orchestrator": service(2, 10),
            "model-orchestration": service(3, 15),
            "api-gateway": service(3, 20),
            "web-dashboard": service(2, 8),
        },
        nodeGroups: { general: { maxSize: 6 }, compute: { maxSize: 4 } },
        quotaKeys: ["requests.cpu", "requests.memory", "pods"],
        monitoring,
        adapterRules: [],
    };
}

// kube-state-metrics v2.20.0 (kube-state-metrics chart 8.4.0, a dependency of kube-prometheus-stack
// 88.5.3), scraped by that chart's ServiceMonitor (templates/servicemonitor.yaml: port http, jobLabel
// app.kubernetes.io/name, honorLabels from kube-prometheus-stack values.yaml `kube-state-metrics.
// prometheus.monitor.http.honorLabels: true`, so the object's own namespace wins over the target's).
const KSM_TARGET = {
    job: "kube-state-metrics",
    endpoint: "http",
    service: "kube-prometheus-stack-kube-state-metrics",
    pod: "kube-prometheus-stack-kube-state-metrics-6b8f9d7c5-x2x7q",
    container: "kube-state-metrics",
    instance: "10.0.12.34:8080",
};
/** An HPA series: createHPA* (internal/store/horizontalpodautoscaler.go) label every family namespace, horizontalpodautoscaler. */
const hpaSeries = (family: string, hpa: string, extra: Record<string, string> = {}) =>
    seriesOf(`kube_horizontalpodautoscaler_${family}`, {
        ...KSM_TARGET,
        namespace: NS,
        horizontalpodautoscaler: hpa,
        ...extra,
    });
/** createHPAInfo: the target as scaletargetref_api_version, scaletargetref_kind, scaletargetref_name. */
const hpaInfo = (hpa: string, deployment: string) =>
    hpaSeries("info", hpa, {
        scaletargetref_api_version: "apps/v1",
        scaletargetref_kind: "Deployment",
        scaletargetref_name: deployment,
    });
/** createHPAStatusCondition: one series per status (true, false, unknown), 1 for the current one. */
const conditions = (hpa: string, condition: string, status: "true" | "false", minutes: number): InputSeries[] =>
    (["true", "false", "unknown"] as const).map((value) => ({
        series: hpaSeries("status_condition", hpa, { condition, status: value }),
        values: perMinute(hold(value === status ? 1 : 0, minutes)),
    }));
/** createHPASpecTargetMetric / createHPAStatusTargetMetric: metric_name, metric_target_type (container empty, so dropped). */
const targetMetric = (
    family: "spec_target_metric" | "status_target_metric",
    hpa: string,
    metric: string,
    type: string,
) => hpaSeries(family, hpa, { metric_name: metric, metric_target_type: type });
/** internal/store/deployment.go: namespace, deployment. */
const deploymentSeries = (family: string, namespace: string, deployment: string) =>
    seriesOf(`kube_deployment_${family}`, { ...KSM_TARGET, namespace, deployment });
/** internal/store/resourcequota.go: namespace, resourcequota, resource, type (hard|used). */
const quotaSeries = (resource: string, type: "hard" | "used") =>
    seriesOf("kube_resourcequota", {
        ...KSM_TARGET,
        namespace: NS,
        resourcequota: "berrys-production-quota",
        resource,
        type,
    });
/** internal/store/node.go createNodeInfo: no namespace label, so the target's (monitoring) stays. */
const nodeInfo = (index: number) =>
    seriesOf("kube_node_info", {
        ...KSM_TARGET,
        namespace: "monitoring",
        node: `ip-10-0-${index}-10.eu-west-1.compute.internal`,
        kernel_version: "6.12.40-63.114.amzn2023.x86_64",
        os_image: "Amazon Linux 2023.8.20250818",
        container_runtime_version: "containerd://2.0.5",
        kubelet_version: "v1.34.1-eks-113cf36",
        provider_id: `aws:///eu-west-1a/i-0abc${index}`,
        system_uuid: `ec2a${index}`,
        internal_ip: `10.0.${index}.10`,
    });

// cluster-autoscaler 1.34 (metrics/metrics.go at cluster-autoscaler-1.34.5), scraped by its chart's
// ServiceMonitor (cluster-autoscaler-chart-9.59.0 templates/servicemonitor.yaml: the Service's port
// `http`, no jobLabel, so job is the Service's name `<release>-aws-cluster-autoscaler`).
const CA_TARGET = {
    job: "cluster-autoscaler-aws-cluster-autoscaler",
    namespace: "kube-system",
    service: "cluster-autoscaler-aws-cluster-autoscaler",
    endpoint: "http",
    pod: "cluster-autoscaler-aws-cluster-autoscaler-7c9d8f6b5-q8w2n",
    container: "aws-cluster-autoscaler",
    instance: "10.0.21.7:8085",
};
/** failedScaleUpCount: label reason. */
const failedScaleUps = (reason: string) =>
    seriesOf("cluster_autoscaler_failed_scale_ups_total", { ...CA_TARGET, reason });
/** unschedulablePodsCount: label type (unschedulable, scheduler_unprocessed). */
const unschedulable = (type: string) => seriesOf("cluster_autoscaler_unschedulable_pods_count", { ...CA_TARGET, type });
/** nodeGroupMaxCount / nodeGroupTargetCount (with --emit-per-nodegroup-metrics): label node_group. */
const nodeGroupCount = (family: "max" | "target", group: string) =>
    seriesOf(`cluster_autoscaler_node_group_${family}_count`, { ...CA_TARGET, node_group: group });

// kube-apiserver (k8s.io/kube-aggregator pkg/controllers/status/metrics unavailableGaugeDesc: label
// name), one series per API server, scraped by kube-prometheus-stack 88.5.3's apiserver
// ServiceMonitor (templates/exporters/kube-api-server/servicemonitor.yaml: Service default/kubernetes,
// port https, jobLabel component -> apiserver; the endpoints are not pods, so no pod label).
const apiService = (name: string, server: number) =>
    seriesOf("aggregator_unavailable_apiservice", {
        job: "apiserver",
        namespace: "default",
        service: "kubernetes",
        endpoint: "https",
        instance: `10.0.${server}.200:443`,
        name,
    });

const rule = (alert: ScalingAlert) => ({ severity: DEFAULT_SEVERITY[alert], cluster: CLUSTER });
const hpaAlert = (alert: ScalingAlert, hpa: string, extra: Record<string, string> = {}): AlertLabels => ({
    ...KSM_TARGET,
    namespace: NS,
    horizontalpodautoscaler: hpa,
    ...extra,
    ...rule(alert),
});
const series = (name: string, values: readonly (number | null)[]): InputSeries => ({
    series: name,
    values: perMinute(values),
});

/** Cases of the HPA alerts: each fires after its `for` and stays silent when healthy. */
/**
 * api-gateway-hpa scales on cpu and http_requests_per_second, and only cpu has a status: the HPA
 * keeps ScalingActive=True while cpu holds or raises the count (HpaMetricUnavailable alone fires),
 * and sets it False when cpu would scale down (kubernetes v1.34 horizontal.go
 * computeReplicasForMetrics: invalidMetricsCount > 0 && replicas < specReplicas), keeping cpu's
 * status: then HpaScalingInactive fires too.
 */
function metricUnservedCases(): RuleCase[] {
    // cpu's status as kube-state-metrics gives it: utilization and average value (of a 500m request).
    const cases: [name: string, cpu: [utilization: number, average: number], scalingActive: "true" | "false"][] = [
        [
            "HpaMetricUnavailable fires for a spec metric without status while cpu is served; HpaScalingInactive stays quiet (ScalingActive=True)",
            [85, 0.425],
            "true",
        ],
        [
            "HpaMetricUnavailable and HpaScalingInactive both fire when the served metrics would scale down",
            [20, 0.1],
            "false",
        ],
    ];
    return cases.map(([name, [utilization, average], scalingActive]) => ({
        name,
        series: [
            series(targetMetric("spec_target_metric", "api-gateway-hpa", "cpu", "utilization"), hold(70, 10)),
            series(
                targetMetric("spec_target_metric", "api-gateway-hpa", "http_requests_per_second", "average"),
                hold(100, 10),
            ),
            series(
                targetMetric("status_target_metric", "api-gateway-hpa", "cpu", "utilization"),
                hold(utilization, 10),
            ),
            series(targetMetric("status_target_metric", "api-gateway-hpa", "cpu", "average"), hold(average, 10)),
            ...conditions("api-gateway-hpa", "ScalingActive", scalingActive, 10),
        ],
        alerts: [
            {
                alert: "HpaMetricUnavailable",
                at: "7m",
                fires: [
                    {
                        namespace: NS,
                        horizontalpodautoscaler: "api-gateway-hpa",
                        metric_name: "http_requests_per_second",
                        ...rule("HpaMetricUnavailable"),
                    },
                ],
            },
            {
                alert: "HpaScalingInactive",
                at: "7m",
                fires:
                    scalingActive === "true"
                        ? []
                        : [
                              hpaAlert("HpaScalingInactive", "api-gateway-hpa", {
                                  condition: "ScalingActive",
                                  status: "false",
                              }),
                          ],
            },
        ],
    }));
}

const HPA_CASES: RuleCase[] = [
    {
        name: "HpaAtMaxReplicas fires after 15m at maxReplicas",
        series: [
            series(hpaSeries("status_current_replicas", "api-gateway-hpa"), hold(20, 20)),
            series(hpaSeries("spec_max_replicas", "api-gateway-hpa"), hold(20, 20)),
            series(hpaSeries("spec_min_replicas", "api-gateway-hpa"), hold(3, 20)),
        ],
        alerts: [
            { alert: "HpaAtMaxReplicas", at: "15m", fires: [] },
            { alert: "HpaAtMaxReplicas", at: "17m", fires: [hpaAlert("HpaAtMaxReplicas", "api-gateway-hpa")] },
        ],
    },
    {
        name: "HpaAtMaxReplicas is silent below maxReplicas",
        series: [
            series(hpaSeries("status_current_replicas", "api-gateway-hpa"), hold(12, 20)),
            series(hpaSeries("spec_max_replicas", "api-gateway-hpa"), hold(20, 20)),
            series(hpaSeries("spec_min_replicas", "api-gateway-hpa"), hold(3, 20)),
        ],
        alerts: [{ alert: "HpaAtMaxReplicas", at: "17m", fires: [] }],
    },
    {
        name: "HpaScalingInactive fires after 5m of ScalingActive=False",
        series: conditions("api-gateway-hpa", "ScalingActive", "false", 10),
        alerts: [
            { alert: "HpaScalingInactive", at: "5m", fires: [] },
            {
                alert: "HpaScalingInactive",
                at: "7m",
                fires: [
                    hpaAlert("HpaScalingInactive", "api-gateway-hpa", { condition: "ScalingActive", status: "false" }),
                ],
            },
        ],
    },
    {
        name: "HpaScalingInactive is silent with ScalingActive=True",
        series: conditions("api-gateway-hpa", "ScalingActive", "true", 10),
        alerts: [{ alert: "HpaScalingInactive", at: "7m", fires: [] }],
    },
    ...metricUnservedCases(),
    {
        name: "HpaMetricUnavailable is silent while every metric has a status",
        series: [
            series(targetMetric("spec_target_metric", "api-gateway-hpa", "cpu", "utilization"), hold(70, 10)),
            series(
                targetMetric("spec_target_metric", "api-gateway-hpa", "http_requests_per_second", "average"),
                hold(100, 10),
            ),
            series(targetMetric("status_target_metric", "api-gateway-hpa", "cpu", "utilization"), hold(60, 10)),
            series(
                targetMetric("status_target_metric", "api-gateway-hpa", "http_requests_per_second", "average"),
                hold(80, 10),
            ),
        ],
        alerts: [{ alert: "HpaMetricUnavailable", at: "7m", fires: [] }],
    },
    {
        name: "HpaUnableToScale fires after 5m of AbleToScale=False while the Deployment exists",
        series: [
            ...conditions("api-gateway-hpa", "AbleToScale", "false", 10),
            series(hpaInfo("api-gateway-hpa", "api-gateway"), hold(1, 10)),
            series(deploymentSeries("created", NS, "api-gateway"), hold(1764662400, 10)),
        ],
        alerts: [
            { alert: "HpaUnableToScale", at: "5m", fires: [] },
            {
                alert: "HpaUnableToScale",
                at: "7m",
                fires: [hpaAlert("HpaUnableToScale", "api-gateway-hpa", { condition: "AbleToScale", status: "false" })],
            },
        ],
    },
    {
        // A fresh `pulumi up`: the HPA exists, the app team's Deployment not yet (FailedGetScale).
        name: "HpaUnableToScale is silent for an HPA whose Deployment does not exist yet",
        series: [
            ...conditions("api-gateway-hpa", "AbleToScale", "false", 10),
            series(hpaInfo("api-gateway-hpa", "api-gateway"), hold(1, 10)),
        ],
        alerts: [{ alert: "HpaUnableToScale", at: "7m", fires: [] }],
    },
    {
        name: "HpaUnableToScale is silent with AbleToScale=True",
        series: [
            ...conditions("api-gateway-hpa", "AbleToScale", "true", 10),
            series(hpaInfo("api-gateway-hpa", "api-gateway"), hold(1, 10)),
            series(deploymentSeries("created", NS, "api-gateway"), hold(1764662400, 10)),
        ],
        alerts: [{ alert: "HpaUnableToScale", at: "7m", fires: [] }],
    },
    {
        // reconcileAutoscaler: status.currentReplicas is the target's spec.replicas, so it equals
        // desired (8) while only 5 pods are available (3 refused by the quota or Pending).
        name: "HpaReplicasMismatch fires after 15m of fewer available pods than desired, though current equals desired",
        series: [
            series(hpaSeries("status_desired_replicas", "api-gateway-hpa"), hold(8, 20)),
            series(hpaSeries("status_current_replicas", "api-gateway-hpa"), hold(8, 20)),
            series(hpaInfo("api-gateway-hpa", "api-gateway"), hold(1, 20)),
            series(deploymentSeries("status_replicas_available", NS, "api-gateway"), hold(5, 20)),
        ],
        alerts: [
            { alert: "HpaReplicasMismatch", at: "15m", fires: [] },
            {
                alert: "HpaReplicasMismatch",
                at: "17m",
                fires: [hpaAlert("HpaReplicasMismatch", "api-gateway-hpa", { deployment: "api-gateway" })],
            },
        ],
    },
    {
        name: "HpaReplicasMismatch is silent while the Deployment has every desired pod available",
        series: [
            series(hpaSeries("status_desired_replicas", "api-gateway-hpa"), hold(8, 20)),
            series(hpaSeries("status_current_replicas", "api-gateway-hpa"), hold(8, 20)),
            series(hpaInfo("api-gateway-hpa", "api-gateway"), hold(1, 20)),
            series(deploymentSeries("status_replicas_available", NS, "api-gateway"), hold(8, 20)),
        ],
        alerts: [{ alert: "HpaReplicasMismatch", at: "17m", fires: [] }],
    },
    {
        // Up two minutes, down two minutes: the direction flips every two minutes.
        name: "HpaThrashing fires when desired replicas reverse direction more than 4 times in the window",
        series: [
            series(
                hpaSeries("status_desired_replicas", "web-dashboard-hpa"),
                Array.from({ length: 30 }, (_, minute) => (Math.floor(minute / 2) % 2 === 0 ? 3 : 4)),
            ),
        ],
        alerts: [{ alert: "HpaThrashing", at: "25m", fires: [hpaAlert("HpaThrashing", "web-dashboard-hpa")] }],
    },
    {
        name: "HpaThrashing is silent for a steady scale-up",
        series: [
            series(
                hpaSeries("status_desired_replicas", "web-dashboard-hpa"),
                Array.from({ length: 30 }, (_, minute) => 2 + Math.floor(minute / 4)),
            ),
        ],
        alerts: [{ alert: "HpaThrashing", at: "25m", fires: [] }],
    },
];

/** Cases of the quota, node and cluster-autoscaler alerts. */
const CAPACITY_CASES: RuleCase[] = [
    {
        name: "NamespaceQuotaNearLimit fires after 5m above 90% of a hard limit",
        series: [
            series(quotaSeries("requests.cpu", "used"), hold(19, 10)),
            series(quotaSeries("requests.cpu", "hard"), hold(20, 10)),
        ],
        alerts: [
            { alert: "NamespaceQuotaNearLimit", at: "5m", fires: [] },
            {
                alert: "NamespaceQuotaNearLimit",
                at: "7m",
                fires: [
                    {
                        ...KSM_TARGET,
                        namespace: NS,
                        resourcequota: "berrys-production-quota",
                        resource: "requests.cpu",
                        ...rule("NamespaceQuotaNearLimit"),
                    },
                ],
            },
        ],
    },
    {
        name: "NamespaceQuotaNearLimit is silent at half the hard limit",
        series: [
            series(quotaSeries("requests.cpu", "used"), hold(10, 10)),
            series(quotaSeries("requests.cpu", "hard"), hold(20, 10)),
        ],
        alerts: [{ alert: "NamespaceQuotaNearLimit", at: "7m", fires: [] }],
    },
    {
        name: "NodeGroupAtMaxSize fires after 15m of a node group at its maximum (per-node-group metrics)",
        series: [
            series(nodeGroupCount("target", "eks-general-20251202"), hold(6, 20)),
            series(nodeGroupCount("max", "eks-general-20251202"), hold(6, 20)),
        ],
        alerts: [
            {
                alert: "NodeGroupAtMaxSize",
                at: "17m",
                fires: [{ ...CA_TARGET, node_group: "eks-general-20251202", ...rule("NodeGroupAtMaxSize") }],
            },
        ],
    },
    {
        name: "NodeGroupAtMaxSize fires on the node count against the groups' total maxSize (10) without per-node-group metrics",
        series: Array.from({ length: 10 }, (_, index) => series(nodeInfo(index), hold(1, 20))),
        alerts: [{ alert: "NodeGroupAtMaxSize", at: "17m", fires: [rule("NodeGroupAtMaxSize")] }],
    },
    {
        name: "NodeGroupAtMaxSize is silent with room in the node group",
        series: [
            series(nodeGroupCount("target", "eks-general-20251202"), hold(4, 20)),
            series(nodeGroupCount("max", "eks-general-20251202"), hold(6, 20)),
        ],
        alerts: [{ alert: "NodeGroupAtMaxSize", at: "17m", fires: [] }],
    },
    {
        // metrics.InitMetrics pre-initialises cloudProviderError, apiCallError and timeout at 0; the
        // AWS instance error code's child is created by its first failure, at 1.
        name: "ClusterAutoscalerScaleUpFailed counts a reason's first failure (a child created at 1)",
        series: [
            ...["cloudProviderError", "apiCallError", "timeout"].map((reason) =>
                series(failedScaleUps(reason), hold(0, 20)),
            ),
            series(failedScaleUps("placeholder-cannot-be-fulfilled"), [...hold(null, 10), ...hold(1, 10)]),
        ],
        alerts: [
            {
                alert: "ClusterAutoscalerScaleUpFailed",
                at: "12m",
                fires: [{ reason: "placeholder-cannot-be-fulfilled", ...rule("ClusterAutoscalerScaleUpFailed") }],
            },
        ],
    },
    {
        name: "ClusterAutoscalerScaleUpFailed counts a pre-initialised reason that increases",
        series: [
            series(failedScaleUps("cloudProviderError"), [...hold(0, 10), ...hold(1, 10)]),
            series(failedScaleUps("timeout"), hold(0, 20)),
        ],
        alerts: [
            {
                alert: "ClusterAutoscalerScaleUpFailed",
                at: "12m",
                fires: [{ reason: "cloudProviderError", ...rule("ClusterAutoscalerScaleUpFailed") }],
            },
        ],
    },
    {
        name: "ClusterAutoscalerScaleUpFailed is silent when the last failure is older than its 15m window",
        series: [
            series(failedScaleUps("cloudProviderError"), hold(0, 40)),
            series(failedScaleUps("placeholder-cannot-be-fulfilled"), hold(1, 40)),
        ],
        alerts: [{ alert: "ClusterAutoscalerScaleUpFailed", at: "30m", fires: [] }],
    },
    {
        name: "ClusterAutoscalerUnschedulablePods fires after 10m of unschedulable pods",
        series: [
            series(unschedulable("unschedulable"), hold(3, 15)),
            series(unschedulable("scheduler_unprocessed"), hold(0, 15)),
        ],
        alerts: [
            {
                alert: "ClusterAutoscalerUnschedulablePods",
                at: "12m",
                fires: [{ ...CA_TARGET, ...rule("ClusterAutoscalerUnschedulablePods") }],
            },
        ],
    },
    {
        name: "ClusterAutoscalerUnschedulablePods is silent for pods the scheduler has not tried yet",
        series: [
            series(unschedulable("unschedulable"), hold(0, 15)),
            series(unschedulable("scheduler_unprocessed"), hold(5, 15)),
        ],
        alerts: [{ alert: "ClusterAutoscalerUnschedulablePods", at: "12m", fires: [] }],
    },
];

/** Cases of the add-on alerts: an APIService unavailable on either API server, or no available replica. */
function addonCases(alert: ScalingAlert, name: string, namespace: string, deployment: string): RuleCase[] {
    return [
        {
            name: `${alert} fires after 5m of ${name} unavailable on one API server`,
            series: [
                series(apiService(name, 1), hold(1, 10)),
                series(apiService(name, 2), hold(0, 10)),
                series(deploymentSeries("status_replicas_available", namespace, deployment), hold(2, 10)),
            ],
            alerts: [
                { alert, at: "5m", fires: [] },
                { alert, at: "7m", fires: [{ name, ...rule(alert) }] },
            ],
        },
        {
            name: `${alert} fires after 5m without an available ${deployment} replica`,
            series: [
                series(apiService(name, 1), hold(0, 10)),
                series(deploymentSeries("status_replicas_available", namespace, deployment), hold(0, 10)),
            ],
            alerts: [{ alert, at: "7m", fires: [rule(alert)] }],
        },
        {
            name: `${alert} is silent while ${name} is available`,
            series: [
                series(apiService(name, 1), hold(0, 10)),
                series(apiService(name, 2), hold(0, 10)),
                series(deploymentSeries("status_replicas_available", namespace, deployment), hold(2, 10)),
            ],
            alerts: [{ alert, at: "7m", fires: [] }],
        },
    ];
}

const recorded = (record: string, hpa: string) =>
    seriesOf(record, { ...KSM_TARGET, namespace: NS, horizontalpodautoscaler: hpa });
/** api-gateway scales from 3 to 5 at minute 10 (the sample at 10:30). */
const SCALE_UP = [
    series(hpaSeries("status_desired_replicas", "api-gateway-hpa"), [...hold(3, 10), ...hold(5, 20)]),
    series(hpaSeries("status_current_replicas", "api-gateway-hpa"), [...hold(3, 11), ...hold(5, 19)]),
];

/** api-gateway-hpa's one sample of the recorded series `record` at `at`. */
const gatewayValue = (record: string, at: string, value: number) => ({
    expr: record,
    at,
    samples: [{ labels: recorded(record, "api-gateway-hpa"), value }],
});

const RECORDING_CASES: RuleCase[] = [
    {
        name: "recording rules: one scale-up from 3 to 5 replicas",
        series: SCALE_UP,
        values: [
            gatewayValue(RECORDED.desiredChanges, "13m", 1),
            gatewayValue(RECORDED.desiredChanges, "25m", 0),
            gatewayValue(RECORDED.currentChanges, "13m", 1),
            gatewayValue(RECORDED.desiredDelta, "13m", 2),
            gatewayValue(RECORDED.desiredDelta, "25m", 0),
            gatewayValue(RECORDED.direction, "11m", 1),
            { expr: RECORDED.direction, at: "13m", samples: [] },
        ],
    },
    {
        name: "recording rules: a scale-down from 5 to 3 is a negative delta and direction -1",
        series: [series(hpaSeries("status_desired_replicas", "api-gateway-hpa"), [...hold(5, 10), ...hold(3, 10)])],
        values: [gatewayValue(RECORDED.desiredDelta, "13m", -2), gatewayValue(RECORDED.direction, "11m", -1)],
    },
    {
        name: "recording rules: HPAs outside the stack's namespace are not recorded",
        series: [
            series(
                seriesOf("kube_horizontalpodautoscaler_status_desired_replicas", {
                    ...KSM_TARGET,
                    namespace: "other-team",
                    horizontalpodautoscaler: "api-gateway-hpa",
                }),
                [...hold(3, 10), ...hold(5, 10)],
            ),
        ],
        values: [{ expr: RECORDED.desiredChanges, at: "13m", samples: [] }],
    },
];

const CASES: RuleCase[] = [
    ...HPA_CASES,
    ...CAPACITY_CASES,
    ...addonCases("MetricsServerUnavailable", "v1beta1.metrics.k8s.io", "kube-system", "metrics-server"),
    ...addonCases("PrometheusAdapterUnavailable", "v1beta1.custom.metrics.k8s.io", "monitoring", "prometheus-adapter"),
    ...RECORDING_CASES,
];

/** The test groups promtool reports as failed (`name: <group>,` in its FAILED blocks). */
function failedGroups(output: string): Set<string> {
    return new Set([...output.matchAll(/^\s*name: (.*),$/gm)].map((match) => match[1]));
}

/** The rendered groups as promtool loads them; annotations left out (promtool compares them whole), `check rules` reads them. */
function ruleFiles() {
    const groups = scalingRuleGroups(input());
    const withoutAnnotations = groups.map((group) => ({
        ...group,
        rules: group.rules.map((entry) => ("alert" in entry ? { ...entry, annotations: {} } : entry)),
    }));
    return { full: { groups }, tested: { groups: withoutAnnotations } };
}

describe("monitoring/rules under promtool (Prometheus's rule engine)", function () {
    const rules = ruleFiles();
    before(function () {
        assert.ok(promtoolVersion(), PROMTOOL_HINT);
    });

    it("promtool check rules accepts the rendered PrometheusRule groups, annotations' templates included", () => {
        const run = runPromtool(["check", "rules"], { "rules.yaml": rules.full }, "rules.yaml");
        assert.strictEqual(run.status, 0, run.output);
    });

    it("every alert has a case where it fires and one where it stays silent; every recording rule a case of its value", () => {
        for (const alert of SCALING_ALERTS) {
            const checks = CASES.flatMap((test) => test.alerts ?? []).filter((check) => check.alert === alert);
            assert.ok(
                checks.some((check) => check.fires.length > 0),
                `${alert}: no case where it fires`,
            );
            assert.ok(
                checks.some((check) => check.fires.length === 0),
                `${alert}: no case where it stays silent`,
            );
        }
        for (const record of Object.values(RECORDED)) {
            assert.ok(
                CASES.some((test) =>
                    (test.values ?? []).some((check) => check.expr === record && check.samples.length > 0),
                ),
                `${record}: no value case`,
            );
        }
    });

    // One promtool run for every case (each costs a second of start-up); its report names the failed groups.
    let run: { status: number | null; output: string } | undefined;
    const report = () => {
        run ??= runPromtool(
            ["test", "rules"],
            { "rules.yaml": rules.tested, "tests.yaml": promtoolTestFile("rules.yaml", CASES) },
            "tests.yaml",
        );
        return run;
    };
    for (const test of CASES) {
        it(test.name, () => {
            const { status, output } = report();
            const failed = failedGroups(output);
            assert.ok(!failed.has(test.name), output);
            assert.ok(status === 0 || failed.size > 0, output);
        });
    }
});

describe("npm test without promtool", () => {
    it("stops first, with the install hint, when promtool is not on PATH", () => {
        const scripts = JSON.parse(readFileSync(join(PROJECT_DIR, "package.json"), "utf8")).scripts;
        assert.match(scripts.test, /^node tools\/require-promtool\.js && /);
        const run = spawnSync(process.execPath, [join(PROJECT_DIR, "tools", "require-promtool.js")], {
            encoding: "utf8",
            env: { ...process.env, PATH: "/nonexistent" },
        });
        assert.strictEqual(run.status, 1);
        assert.strictEqual(run.stderr.trim(), PROMTOOL_HINT);
    });

    it(".ci/run installs Debian's prometheus package when promtool is missing", () => {
        const ci = readFileSync(join(PROJECT_DIR, ".ci", "run"), "utf8");
        assert.match(ci, /command -v promtool/);
        assert.match(ci, /apt-get install -y[^\n]* prometheus/);
        assert.ok(ci.indexOf("prometheus") < ci.indexOf("npm test"), "promtool must be installed before npm test");
    });
});
