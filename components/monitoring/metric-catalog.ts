// Every Prometheus series the scaling rules and dashboard read, with who exposes it. The tests walk
// each PromQL expression and fail on any metric name that is not listed here (or recorded by the
// rules themselves), so a typo or an invented name cannot ship.
import type { AdapterRuleConfig } from "../../schema/addons";

/** Who exposes a series, and the document that lists it. */
export interface MetricSource {
    /** The exporter, e.g. kube-state-metrics. */
    readonly exporter: string;
    /** Where the name is documented (repository path or doc page). */
    readonly reference: string;
    /** What must be true for the series to exist, when it is not there by default. */
    readonly requires?: string;
}

/** A kube-state-metrics v2 series (a kube-prometheus-stack dependency), documented under docs/metrics/. */
const ksm = (doc: string, requires?: string): MetricSource => ({
    exporter: "kube-state-metrics v2 (kube-prometheus-stack dependency)",
    reference: `kubernetes/kube-state-metrics docs/metrics/${doc}`,
    ...(requires === undefined ? {} : { requires }),
});
const KSM_HPA = ksm("workload/horizontalpodautoscaler-metrics.md");
const CADVISOR: MetricSource = {
    exporter: "cAdvisor in the kubelet (kube-prometheus-stack kubelet ServiceMonitor, /metrics/cadvisor)",
    reference: "google/cadvisor docs/storage/prometheus.md",
};
const CLUSTER_AUTOSCALER: MetricSource = {
    exporter: "cluster-autoscaler (its chart's serviceMonitor.enabled must be true)",
    reference:
        "kubernetes/autoscaler cluster-autoscaler/proposals/metrics.md and cluster-autoscaler/metrics/metrics.go",
};
const CLUSTER_AUTOSCALER_PER_GROUP: MetricSource = {
    ...CLUSTER_AUTOSCALER,
    requires: "cluster-autoscaler flag --emit-per-nodegroup-metrics=true (chart extraArgs.emit-per-nodegroup-metrics)",
};
const KUBE_APISERVER: MetricSource = {
    exporter: "kube-apiserver (kube-aggregator; kube-prometheus-stack kubeApiServer ServiceMonitor)",
    reference: "kubernetes/kubernetes staging/src/k8s.io/kube-aggregator/pkg/controllers/status/metrics.go",
};
/**
 * The services' own series, scraped through their PodMonitors (service-monitors.ts). The target labels
 * are namespace, pod, container, job (`<namespace>/<service>-metrics`), endpoint (the port name,
 * `metrics`) and instance (prometheus-operator v0.93.0 generatePodMonitorConfig): there is no
 * `service` label. A label the service exports under one of those names is kept as
 * `exported_<name>` (Prometheus honor_labels: false), so the seed's `endpoint` (the request path) on
 * http_requests_total and request_duration_seconds arrives as `exported_endpoint`.
 */
const SERVICES: MetricSource = {
    exporter:
        "the Berrys services (prometheus_client, port `metrics`), labelled namespace, pod, container, job, endpoint and instance by their PodMonitor (no `service` label; the seed's own `endpoint` label arrives as `exported_endpoint`)",
    reference:
        'seed: auto-scaling-configuration-guide.md, "Service Metrics Configuration", "Connection Pool Monitoring" and the adapter ConfigMap',
};

/** Metric name -> where it comes from. Histograms are listed by the series names PromQL uses. */
export const METRIC_CATALOG: Readonly<Record<string, MetricSource>> = {
    kube_horizontalpodautoscaler_spec_max_replicas: KSM_HPA,
    kube_horizontalpodautoscaler_spec_min_replicas: KSM_HPA,
    kube_horizontalpodautoscaler_status_current_replicas: KSM_HPA,
    kube_horizontalpodautoscaler_status_desired_replicas: KSM_HPA,
    kube_horizontalpodautoscaler_status_condition: KSM_HPA,
    kube_horizontalpodautoscaler_info: ksm(
        "workload/horizontalpodautoscaler-metrics.md",
        "labels scaletargetref_kind, scaletargetref_name (the HPA's target)",
    ),
    kube_horizontalpodautoscaler_spec_target_metric: ksm(
        "workload/horizontalpodautoscaler-metrics.md",
        "EXPERIMENTAL in kube-state-metrics; labels metric_name, metric_target_type",
    ),
    // v2.20.0 internal/store/horizontalpodautoscaler.go `createHPAStatusTargetMetric`: one series per typed status.currentMetrics entry (a failed metric's empty entry has none).
    kube_horizontalpodautoscaler_status_target_metric: ksm(
        "workload/horizontalpodautoscaler-metrics.md",
        "STABLE in kube-state-metrics v2.20.0; labels metric_name, metric_target_type",
    ),
    kube_pod_container_resource_requests: ksm("workload/pod-metrics.md"),
    kube_resourcequota: ksm("policy/resourcequota-metrics.md (labels resource, type=hard|used)"),
    kube_node_info: ksm("cluster/node-metrics.md"),
    kube_deployment_status_replicas_available: ksm("workload/deployment-metrics.md"),
    kube_deployment_created: ksm("workload/deployment-metrics.md"),
    container_cpu_usage_seconds_total: CADVISOR,
    container_memory_working_set_bytes: CADVISOR,
    cluster_autoscaler_nodes_count: CLUSTER_AUTOSCALER,
    cluster_autoscaler_unschedulable_pods_count: CLUSTER_AUTOSCALER,
    cluster_autoscaler_failed_scale_ups_total: CLUSTER_AUTOSCALER,
    cluster_autoscaler_scaled_up_nodes_total: CLUSTER_AUTOSCALER,
    cluster_autoscaler_scaled_down_nodes_total: CLUSTER_AUTOSCALER,
    cluster_autoscaler_node_group_max_count: CLUSTER_AUTOSCALER_PER_GROUP,
    cluster_autoscaler_node_group_target_count: CLUSTER_AUTOSCALER_PER_GROUP,
    aggregator_unavailable_apiservice: KUBE_APISERVER,
    up: {
        exporter: "Prometheus itself (one series per scrape target)",
        reference: "prometheus.io docs: Jobs and instances, automatically generated labels and time series",
    },
    model_requests_total: SERVICES,
    http_requests_total: SERVICES,
    agent_created_total: SERVICES,
    request_duration_seconds_bucket: {
        ...SERVICES,
        requires: "the request_duration_seconds Histogram of the seed's FastAPI middleware",
    },
    database_connections_total: SERVICES,
};

/**
 * The custom metrics the prometheus-adapter serves to HPAs are NOT Prometheus series: the adapter
 * computes them from a counter at request time. To draw what the HPA sees, the dashboard queries
 * the counter with the same rate window. Rows follow the seed's adapter ConfigMap.
 */
export interface AdapterMetricSource {
    /** The Prometheus counter the adapter rate()s. */
    readonly series: string;
    /** The adapter rule's rate window. */
    readonly rateWindow: string;
}

/**
 * The counter behind an adapter metric, from the stack's own adapter rules (the ones the adapter
 * serves): undefined when no rule serves the metric.
 */
export function adapterMetricSource(
    name: string,
    rules: readonly AdapterRuleConfig[],
): AdapterMetricSource | undefined {
    const rule = rules.find((candidate) => candidate.metric === name);
    return rule ? { series: rule.series, rateWindow: rule.window } : undefined;
}
