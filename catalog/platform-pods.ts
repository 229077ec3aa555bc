// Every pod the platform itself runs, as the charts and EKS add-ons render it with this program's
// values: namespace, replicas, requests, local volumes, the annotations cluster-autoscaler reads,
// and the PodDisruptionBudget that covers it. A table of rows, each citing the chart or manifest at
// its pinned version; the few fields the stack's config sizes are small functions of its add-ons.
// The capacity model, the drain audit and the simulator count these rows, and the components take
// the annotations they render from here, so what is audited is what is installed.
import type { PlatformConfig } from "../config";
import { MONITORING_PRIORITY_CLASS, SYSTEM_CLUSTER_CRITICAL } from "./priority-classes";
import { NODE_EXPORTER_NAMESPACE } from "./charts";

/** A volume of the pod template that is local to its node (cluster-autoscaler utils/drain/drain.go `isLocalVolume`). */
export interface PodVolume {
    readonly name: string;
    /** `emptyDir` (on the node's disk unless `medium: Memory`) or `hostPath`; other kinds are not local. */
    readonly kind: "emptyDir" | "hostPath";
    /** `Memory` for a tmpfs emptyDir, which cluster-autoscaler does not count as local storage. */
    readonly medium?: "Memory";
    /** The template or function at the pinned tag that declares it. */
    readonly source: string;
}

/** The PodDisruptionBudget that selects the pod, as rendered; the count form the API takes. */
export interface PodBudget {
    readonly maxUnavailable?: number;
    readonly minAvailable?: number;
    /** Who creates it and where its spec comes from. */
    readonly source: string;
}

export interface PlatformPod {
    /** The workload's name as the chart or add-on renders it. */
    readonly name: string;
    /** The chart release or EKS add-on that installs it. */
    readonly installedBy: string;
    readonly namespace: string;
    readonly kind: "Deployment" | "StatefulSet" | "DaemonSet";
    /** Replicas (per node for a DaemonSet: 1). */
    readonly replicas: number;
    /** Requests of one pod, summed over its containers ("0" where the template sets none). */
    readonly requests: { readonly cpu: string; readonly memory: string };
    /** Every emptyDir and hostPath the pod template declares with the program's values (not listed for DaemonSets, which always drain). */
    readonly localVolumes: readonly PodVolume[];
    /** `cluster-autoscaler.kubernetes.io/safe-to-evict-local-volumes`, as the program renders it ([] = no annotation). */
    readonly safeToEvictLocalVolumes: readonly string[];
    /** `cluster-autoscaler.kubernetes.io/safe-to-evict`, when the program sets it. */
    readonly safeToEvict?: "true" | "false";
    /** The one PDB that matches the pod; null when none does. */
    readonly pdb: PodBudget | null;
    /** `priorityClassName` as the program renders it (catalog/priority-classes.ts); undefined: none, priority 0. */
    readonly priorityClassName?: string;
    /** Where the row's figures come from. */
    readonly sources: readonly string[];
    /**
     * Set when the pod is meant to keep its node from scale-down: why. The drain test accepts a pin
     * only with a reason here.
     */
    readonly intendedPin?: string;
}

/** Release and add-on names (the charts' own constants live with their components; these are the names the rows render). */
const KPS = "kube-prometheus-stack";

/**
 * Local volumes the program declares safe to evict, per pod: scratch data that a restart loses
 * anyway. The components render these lists as the pods' annotation.
 */
export const EVICTABLE_LOCAL_VOLUMES = {
    /** `--cert-dir=/tmp`: the self-signed serving certificate, regenerated at start. */
    metricsServer: ["tmp"],
    /** The adapter's self-signed serving certificate, regenerated at start. */
    prometheusAdapter: ["tmp"],
    /**
     * The emptyDir storage (persistence is off: dashboards and data sources come from ConfigMaps
     * through the sidecars), the search index Grafana rebuilds at start, and the sidecars' copies.
     */
    grafana: ["storage", "search", "sc-dashboard-volume", "sc-datasources-volume"],
    /** Silences and the notification log: with no storage spec they live in an emptyDir a restart loses. */
    alertmanager: [`alertmanager-${KPS}-alertmanager-db`],
    /** The CSI socket between the controller's containers, recreated at start. */
    ebsCsiController: ["socket-dir"],
} as const;

/** Why Prometheus keeps its nodes from scale-down (docs/addons.md "Add-ons", the metrics path). */
export const PROMETHEUS_PIN_REASON =
    "its data is on a gp3 volume in one zone and the node group spans three: evicted by scale-down, " +
    "it waits for room in that zone, which cluster-autoscaler cannot add to a multi-zone group " +
    "(cluster-autoscaler-1.34.5 cloudprovider/aws/README.md, section Common Notes and Gotchas); its replicas run in different zones, " +
    "so at most `addons.prometheus.replicas` nodes are kept, no more than the node groups' minSize";

type Addons = PlatformConfig["addons"];
type InstalledPrometheus = Extract<Addons["prometheus"], { mode: "install" }>;

/** One row of the table, and the add-on settings that install it (every stack when absent). */
interface PodRow {
    readonly installedWhen?: (addons: Addons) => boolean;
    /** The pod, or a function of the add-on settings for a pod the stack's config sizes. */
    readonly pod: PlatformPod | ((addons: Addons) => PlatformPod);
}

/** A row whose fields `K` come from the stack's config. */
function sizedBy<K extends keyof PlatformPod>(
    pod: Omit<PlatformPod, K>,
    size: (addons: Addons) => Pick<PlatformPod, K>,
): (addons: Addons) => PlatformPod {
    return (addons) => ({ ...pod, ...size(addons) }) as PlatformPod;
}

const prometheusInstalled = (addons: Addons) => addons.prometheus.mode === "install";
const installedPrometheus = (addons: Addons) => addons.prometheus as InstalledPrometheus;

/** Prometheus's PDB: one down at a time; none for a single replica, which it would never let go. */
function prometheusBudget(replicas: number): PodBudget | null {
    return replicas >= 2
        ? {
              minAvailable: replicas - 1,
              source: `the chart's PDB \`${KPS}-prometheus\` from the program's prometheus.podDisruptionBudget (templates/prometheus/podDisruptionBudget.yaml)`,
          }
        : null;
}

// DaemonSets: cluster-autoscaler drains their pods whatever their volumes (cluster-autoscaler-1.34.5
// simulator/drainability/rules `Default` asks the daemonset rule before localstorage), so their
// hostPath volumes are not listed.
function daemonSet(name: string, installedBy: string, namespace: string, source: string): PlatformPod {
    return {
        name,
        installedBy,
        namespace,
        kind: "DaemonSet",
        replicas: 1,
        requests: { cpu: "0", memory: "0" },
        localVolumes: [],
        safeToEvictLocalVolumes: [],
        pdb: null,
        sources: [source, "requests: guardrails.daemonSetRequestsPerNode (schema/guardrails.ts)"],
    };
}

/** The pods of the stack, in install order; DaemonSets last (their requests are `guardrails.daemonSetRequestsPerNode`). */
const PLATFORM_POD_ROWS: readonly PodRow[] = [
    // EKS add-ons the cluster always has.
    {
        pod: {
            name: "coredns",
            installedBy: "EKS add-on coredns",
            namespace: "kube-system",
            kind: "Deployment",
            replicas: 2,
            requests: { cpu: "100m", memory: "70Mi" },
            localVolumes: [],
            safeToEvictLocalVolumes: [],
            pdb: {
                maxUnavailable: 1,
                source:
                    "the add-on's own PDB `coredns`, set through its configurationValues `podDisruptionBudget` (components/coredns.ts) " +
                    "(EKS user guide eks-networking-add-ons.adoc, CoreDNS: deployed with one since v1.9.3-eksbuild.6; a second PDB on the same pods fails every eviction)",
            },
            // coredns.yaml.base and the EKS add-on: system-cluster-critical.
            priorityClassName: SYSTEM_CLUSTER_CRITICAL.name,
            sources: [
                "kubernetes/kubernetes cluster/addons/dns/coredns/coredns.yaml.base (the manifest EKS's CoreDNS follows): 2 replicas, requests cpu 100m memory 70Mi, only the config-volume ConfigMap",
            ],
        },
    },
    // The EBS CSI driver is installed with kube-prometheus-stack, for Prometheus's volume.
    {
        installedWhen: prometheusInstalled,
        pod: {
            name: "ebs-csi-controller",
            installedBy: "EKS add-on aws-ebs-csi-driver",
            namespace: "kube-system",
            kind: "Deployment",
            replicas: 2,
            // ebs-plugin, csi-provisioner, csi-attacher, csi-resizer, liveness-probe at 10m/40Mi each;
            // csi-snapshotter only with the snapshot CRDs, which this cluster does not install.
            requests: { cpu: "50m", memory: "200Mi" },
            localVolumes: [
                {
                    name: "socket-dir",
                    kind: "emptyDir",
                    source: "kubernetes-sigs/aws-ebs-csi-driver v1.64.0 charts/aws-ebs-csi-driver/templates/controller.yaml, volume socket-dir",
                },
            ],
            safeToEvictLocalVolumes: EVICTABLE_LOCAL_VOLUMES.ebsCsiController,
            pdb: {
                maxUnavailable: 1,
                source: "the add-on's PDB `ebs-csi-controller` (v1.64.0 chart values.yaml controller.podDisruptionBudget.enabled; templates/poddisruptionbudget-controller.yaml: maxUnavailable 1 at <= 2 replicas)",
            },
            // aws-ebs-csi-driver chart values.yaml controller.priorityClassName.
            priorityClassName: SYSTEM_CLUSTER_CRITICAL.name,
            sources: [
                "kubernetes-sigs/aws-ebs-csi-driver v1.64.0 (the newest tag fetched; the add-on version comes from catalog/compatibility.ts) charts/aws-ebs-csi-driver/values.yaml controller.replicaCount 2, controller.resources requests 10m/40Mi, each sidecar's default (`default .Values.controller.resources`)",
                "annotation through the add-on's configurationValues `controller.podAnnotations` (values.yaml controller.podAnnotations, templates/controller.yaml)",
            ],
        },
    },
    {
        installedWhen: (addons) => addons.clusterAutoscaler.enabled,
        pod: sizedBy<"requests">(
            {
                name: "cluster-autoscaler-aws-cluster-autoscaler",
                installedBy: "Helm release cluster-autoscaler",
                namespace: "kube-system",
                kind: "Deployment",
                replicas: 1,
                // The chart's only hostPath volumes are for the magnum provider (templates/deployment.yaml, volumes).
                localVolumes: [],
                safeToEvictLocalVolumes: [],
                pdb: {
                    maxUnavailable: 1,
                    source: "the chart's PDB from the program's podDisruptionBudget value (templates/pdb.yaml)",
                },
                // components/cluster-autoscaler.ts sets it (also the chart's default).
                priorityClassName: SYSTEM_CLUSTER_CRITICAL.name,
                sources: [
                    "kubernetes/autoscaler cluster-autoscaler-chart-9.59.0 charts/cluster-autoscaler/templates/deployment.yaml (volumes)",
                ],
            },
            (addons) => ({ requests: { ...addons.clusterAutoscaler.resources.requests } }),
        ),
    },
    {
        installedWhen: (addons) => addons.metricsServer.enabled,
        pod: sizedBy<"replicas" | "requests">(
            {
                name: "metrics-server",
                installedBy: "Helm release metrics-server",
                namespace: "kube-system",
                kind: "Deployment",
                localVolumes: [
                    {
                        name: "tmp",
                        kind: "emptyDir",
                        source: "kubernetes-sigs/metrics-server metrics-server-helm-chart-3.13.1 charts/metrics-server/templates/deployment.yaml volume tmp, values.yaml tmpVolume emptyDir {}",
                    },
                ],
                safeToEvictLocalVolumes: EVICTABLE_LOCAL_VOLUMES.metricsServer,
                pdb: { maxUnavailable: 1, source: "the chart's PDB from the program's podDisruptionBudget value" },
                // metrics-server chart 3.13.1 values.yaml priorityClassName.
                priorityClassName: SYSTEM_CLUSTER_CRITICAL.name,
                sources: ["metrics-server-helm-chart-3.13.1 charts/metrics-server/templates/deployment.yaml"],
            },
            (addons) => ({
                replicas: addons.metricsServer.replicas,
                requests: { ...addons.metricsServer.resources.requests },
            }),
        ),
    },
    {
        installedWhen: prometheusInstalled,
        pod: sizedBy<"replicas" | "requests" | "pdb">(
            {
                name: `prometheus-${KPS}-prometheus`,
                installedBy: `Helm release ${KPS} (prometheus-operator)`,
                namespace: "monitoring",
                kind: "StatefulSet",
                // The data is a PersistentVolumeClaim (storageSpec.volumeClaimTemplate); config-out is tmpfs.
                localVolumes: [
                    {
                        name: "config-out",
                        kind: "emptyDir",
                        medium: "Memory",
                        source: "prometheus-operator/prometheus-operator v0.93.0 pkg/prometheus/common.go `BuildCommonVolumes` (tmpfs)",
                    },
                ],
                safeToEvictLocalVolumes: [],
                safeToEvict: "false",
                sources: [
                    "prometheus-operator v0.93.0 pkg/prometheus/server/statefulset.go `makeStatefulSet` (storage.volumeClaimTemplate becomes a VolumeClaimTemplate: no emptyDir for the data)",
                    "kube-prometheus-stack-88.5.3 values.yaml prometheus.prometheusSpec (replicas, resources from the program)",
                ],
                intendedPin: PROMETHEUS_PIN_REASON,
                priorityClassName: MONITORING_PRIORITY_CLASS.name,
            },
            (addons) => {
                const prometheus = installedPrometheus(addons);
                return {
                    replicas: prometheus.replicas,
                    requests: { ...prometheus.resources.requests },
                    pdb: prometheusBudget(prometheus.replicas),
                };
            },
        ),
    },
    {
        installedWhen: prometheusInstalled,
        pod: {
            name: `alertmanager-${KPS}-alertmanager`,
            installedBy: `Helm release ${KPS} (prometheus-operator)`,
            namespace: "monitoring",
            kind: "StatefulSet",
            replicas: 1,
            requests: { cpu: "0", memory: "0" },
            localVolumes: [
                {
                    name: `alertmanager-${KPS}-alertmanager-db`,
                    kind: "emptyDir",
                    source: "prometheus-operator v0.93.0 pkg/alertmanager/statefulset.go `makeStatefulSet` (no storage spec: an emptyDir) and `volumeName` (its name)",
                },
                {
                    name: "config-out",
                    kind: "emptyDir",
                    medium: "Memory",
                    source: "prometheus-operator v0.93.0 pkg/alertmanager/statefulset.go `makeStatefulSetSpec` (tmpfs)",
                },
            ],
            safeToEvictLocalVolumes: EVICTABLE_LOCAL_VOLUMES.alertmanager,
            pdb: null,
            sources: [
                "kube-prometheus-stack-88.5.3 values.yaml alertmanager.alertmanagerSpec.replicas 1, resources {}; alertmanager.podDisruptionBudget.enabled false",
            ],
        },
    },
    {
        installedWhen: prometheusInstalled,
        pod: {
            name: `${KPS}-operator`,
            installedBy: `Helm release ${KPS}`,
            namespace: "monitoring",
            kind: "Deployment",
            replicas: 1,
            requests: { cpu: "0", memory: "0" },
            // tls-secret is a Secret volume.
            localVolumes: [],
            safeToEvictLocalVolumes: [],
            pdb: null,
            sources: [
                "kube-prometheus-stack-88.5.3 charts/kube-prometheus-stack/templates/prometheus-operator/deployment.yaml (volumes: the admission TLS Secret only), values.yaml prometheusOperator.resources {}",
            ],
            priorityClassName: MONITORING_PRIORITY_CLASS.name,
        },
    },
    {
        installedWhen: prometheusInstalled,
        pod: {
            name: `${KPS}-kube-state-metrics`,
            installedBy: `Helm release ${KPS} (kube-state-metrics 8.4.0)`,
            namespace: "monitoring",
            kind: "Deployment",
            replicas: 1,
            requests: { cpu: "0", memory: "0" },
            localVolumes: [],
            safeToEvictLocalVolumes: [],
            pdb: null,
            sources: [
                "prometheus-community/helm-charts kube-state-metrics-8.4.0 charts/kube-state-metrics/values.yaml replicas 1, resources {}; templates/deployment.yaml volumes only with kubeconfig or TLS",
            ],
            priorityClassName: MONITORING_PRIORITY_CLASS.name,
        },
    },
    {
        installedWhen: (addons) => prometheusInstalled(addons) && installedPrometheus(addons).grafana,
        pod: {
            name: `${KPS}-grafana`,
            installedBy: `Helm release ${KPS} (grafana 12.11.1)`,
            namespace: "monitoring",
            kind: "Deployment",
            replicas: 1,
            requests: { cpu: "0", memory: "0" },
            localVolumes: [
                {
                    name: "storage",
                    kind: "emptyDir",
                    source: "grafana-community/helm-charts grafana-12.11.1 charts/grafana/templates/_pod.tpl volume storage (persistence.enabled false, inMemory off)",
                },
                {
                    name: "search",
                    kind: "emptyDir",
                    source: "grafana-12.11.1 charts/grafana/templates/_pod.tpl volume search (always)",
                },
                {
                    name: "sc-dashboard-volume",
                    kind: "emptyDir",
                    source: "grafana-12.11.1 _pod.tpl volume sc-dashboard-volume (kube-prometheus-stack-88.5.3 values.yaml grafana.sidecar.dashboards.enabled true)",
                },
                {
                    name: "sc-datasources-volume",
                    kind: "emptyDir",
                    source: "grafana-12.11.1 _pod.tpl volume sc-datasources-volume (grafana.sidecar.datasources.enabled true)",
                },
            ],
            safeToEvictLocalVolumes: EVICTABLE_LOCAL_VOLUMES.grafana,
            pdb: null,
            sources: [
                "kube-prometheus-stack-88.5.3 Chart.yaml dependency grafana 12.11.1 (grafana-community/helm-charts)",
                "grafana-12.11.1 values.yaml replicas 1, resources {}, podDisruptionBudget {} (templates/poddisruptionbudget.yaml renders none), sidecar.alerts/plugins/notifiers disabled",
            ],
        },
    },
    {
        installedWhen: (addons) => addons.prometheusAdapter.enabled,
        pod: sizedBy<"replicas" | "requests">(
            {
                name: "prometheus-adapter",
                installedBy: "Helm release prometheus-adapter",
                namespace: "monitoring",
                kind: "Deployment",
                localVolumes: [
                    {
                        name: "tmp",
                        kind: "emptyDir",
                        source: "prometheus-community/helm-charts prometheus-adapter-5.3.0 charts/prometheus-adapter/templates/deployment.yaml volume tmp",
                    },
                ],
                safeToEvictLocalVolumes: EVICTABLE_LOCAL_VOLUMES.prometheusAdapter,
                pdb: { maxUnavailable: 1, source: "the chart's PDB from the program's podDisruptionBudget value" },
                // components/prometheus-adapter.ts sets it.
                priorityClassName: SYSTEM_CLUSTER_CRITICAL.name,
                sources: ["prometheus-adapter-5.3.0 charts/prometheus-adapter/templates/deployment.yaml (volumes)"],
            },
            (addons) => ({
                replicas: addons.prometheusAdapter.replicas,
                requests: { ...addons.prometheusAdapter.resources.requests },
            }),
        ),
    },
    { pod: daemonSet("aws-node", "EKS add-on vpc-cni", "kube-system", "aws/amazon-vpc-cni-k8s charts/aws-vpc-cni") },
    { pod: daemonSet("kube-proxy", "EKS add-on kube-proxy", "kube-system", "the EKS kube-proxy add-on") },
    {
        pod: daemonSet(
            "eks-pod-identity-agent",
            "EKS add-on eks-pod-identity-agent",
            "kube-system",
            "aws/eks-pod-identity-agent chart",
        ),
    },
    {
        installedWhen: prometheusInstalled,
        pod: daemonSet(
            "ebs-csi-node",
            "EKS add-on aws-ebs-csi-driver",
            "kube-system",
            "kubernetes-sigs/aws-ebs-csi-driver v1.64.0 charts/aws-ebs-csi-driver/templates/node.yaml",
        ),
    },
    {
        installedWhen: prometheusInstalled,
        pod: daemonSet(
            `${KPS}-prometheus-node-exporter`,
            `Helm release ${KPS} (prometheus-node-exporter 4.56.1)`,
            NODE_EXPORTER_NAMESPACE,
            "prometheus-community/helm-charts prometheus-node-exporter-4.56.1",
        ),
    },
];

/** The pods of the stack's config, in install order. */
export function platformPods(config: PlatformConfig): PlatformPod[] {
    const addons = config.addons;
    return PLATFORM_POD_ROWS.filter((row) => row.installedWhen?.(addons) ?? true).map((row) =>
        typeof row.pod === "function" ? row.pod(addons) : row.pod,
    );
}
