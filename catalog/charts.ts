// Where each Helm chart comes from and where it goes: pure data, shared by the components that
// install the charts and by the capacity model that counts their pods.

/** The namespace of Prometheus, the adapter and the scaling rules, in both modes. */
export const MONITORING_NAMESPACE = "monitoring";

/**
 * node-exporter's own namespace (Pod Security `privileged`: hostNetwork, hostPID and hostPath), apart
 * from the monitoring namespace's `baseline`; kube-prometheus-stack puts it there through the
 * subchart's `namespaceOverride`.
 */
export const NODE_EXPORTER_NAMESPACE = "node-exporter";

/** cluster-autoscaler's chart from kubernetes/autoscaler (`charts/cluster-autoscaler`); version in schema/addons.ts. */
export const CLUSTER_AUTOSCALER_CHART = {
    release: "cluster-autoscaler",
    chart: "cluster-autoscaler",
    repo: "https://kubernetes.github.io/autoscaler",
    namespace: "kube-system",
} as const;

/** metrics-server's chart from kubernetes-sigs/metrics-server (`charts/metrics-server`). */
export const METRICS_SERVER_CHART = {
    release: "metrics-server",
    chart: "metrics-server",
    repo: "https://kubernetes-sigs.github.io/metrics-server/",
    namespace: "kube-system",
} as const;

/** prometheus-community/helm-charts `charts/prometheus-adapter`. */
export const PROMETHEUS_ADAPTER_CHART = {
    release: "prometheus-adapter",
    chart: "prometheus-adapter",
    repo: "https://prometheus-community.github.io/helm-charts",
    namespace: MONITORING_NAMESPACE,
} as const;

/** prometheus-community/helm-charts `charts/kube-prometheus-stack`. */
export const KUBE_PROMETHEUS_STACK_CHART = {
    release: "kube-prometheus-stack",
    chart: "kube-prometheus-stack",
    repo: "https://prometheus-community.github.io/helm-charts",
    namespace: MONITORING_NAMESPACE,
} as const;
