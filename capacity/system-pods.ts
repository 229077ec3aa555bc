// The platform's own pods that the capacity model and the simulator count: the add-ons' pods with
// the requests the stack's config gives them.
import { CLUSTER_AUTOSCALER_CHART, KUBE_PROMETHEUS_STACK_CHART, METRICS_SERVER_CHART, PROMETHEUS_ADAPTER_CHART } from "../catalog/charts";
import type { PlatformConfig } from "../config";
import { parseQuantity } from "../quantity";
import type { SystemPod } from "./model";

/**
 * The pods the add-ons run with the requests the config gives them (CPU in cores, memory in
 * bytes), for the capacity model. The
 * kube-prometheus-stack's other pods (operator, kube-state-metrics, Grafana, Alertmanager, and the
 * node-exporter DaemonSet, which `guardrails` counts per node) request nothing by the chart's defaults.
 */
export function addonPodRequests(config: PlatformConfig): SystemPod[] {
    const addons = config.addons;
    const pod = (name: string, namespace: string, replicas: number, requests: { cpu: string; memory: string }): SystemPod =>
        ({ name, namespace, replicas, requests: { cpu: parseQuantity(requests.cpu), memory: parseQuantity(requests.memory) } });
    const pods: SystemPod[] = [];
    if (addons.clusterAutoscaler.enabled) {
        pods.push(pod(CLUSTER_AUTOSCALER_CHART.release, CLUSTER_AUTOSCALER_CHART.namespace, 1, addons.clusterAutoscaler.resources.requests));
    }
    if (addons.metricsServer.enabled) {
        pods.push(pod(METRICS_SERVER_CHART.release, METRICS_SERVER_CHART.namespace, addons.metricsServer.replicas, addons.metricsServer.resources.requests));
    }
    if (addons.prometheusAdapter.enabled) {
        pods.push(pod(PROMETHEUS_ADAPTER_CHART.release, PROMETHEUS_ADAPTER_CHART.namespace, addons.prometheusAdapter.replicas, addons.prometheusAdapter.resources.requests));
    }
    if (addons.prometheus.mode === "install") {
        pods.push(pod(`prometheus-${KUBE_PROMETHEUS_STACK_CHART.release}-prometheus`, KUBE_PROMETHEUS_STACK_CHART.namespace, addons.prometheus.replicas, addons.prometheus.resources.requests));
    }
    return pods;
}
