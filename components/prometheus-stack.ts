// The Prometheus the HPAs' custom metrics come from. Mode `install`: kube-prometheus-stack in the
// monitoring namespace, selecting ServiceMonitors, PodMonitors and PrometheusRules from the
// program's namespaces only, its data on an encrypted gp3 volume (EBS CSI driver as an EKS add-on with its own
// Pod Identity role, and a StorageClass). Mode `external`: nothing is installed; the component only
// says where that Prometheus is and which labels it selects monitoring objects by.
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { KUBE_PROMETHEUS_STACK_CHART, MONITORING_NAMESPACE, NODE_EXPORTER_NAMESPACE } from "../catalog/charts";
import { keyName } from "../config";
import type { AddonsConfig, PlatformConfig } from "../config";
import { EVICTABLE_LOCAL_VOLUMES } from "../catalog/platform-pods";
import { MONITORING_PRIORITY_CLASS } from "../catalog/priority-classes";
import { chartRelease, releaseArgs, ReleaseSpec, SAFE_TO_EVICT, safeToEvictLocalVolumes } from "./helm-release";
import { PodIdentityRole } from "./pod-identity-role";

export type PrometheusConfig = AddonsConfig["prometheus"];
export type InstallPrometheusConfig = Extract<PrometheusConfig, { mode: "install" }>;

/**
 * The Prometheus Service the chart creates: `<fullname>-prometheus`, where the fullname is the
 * release name because it contains "kube-prometheus-stack" (and is cut at 26 characters).
 */
export const INSTALLED_PROMETHEUS_URL = `http://${KUBE_PROMETHEUS_STACK_CHART.release}-prometheus.${MONITORING_NAMESPACE}.svc:9090`;

/** The EBS CSI driver's controller service account (the EKS add-on's own name for it). */
export const EBS_CSI_SERVICE_ACCOUNT = { namespace: "kube-system", name: "ebs-csi-controller-sa" } as const;

export const STORAGE_CLASS_NAME = "gp3-encrypted";

/** Encrypted gp3 through the EBS CSI driver, created in the zone of the node the pod lands on. */
export function storageClassSpec() {
    return {
        provisioner: "ebs.csi.aws.com",
        parameters: { type: "gp3", encrypted: "true", fsType: "ext4" },
        volumeBindingMode: "WaitForFirstConsumer",
        allowVolumeExpansion: true,
        reclaimPolicy: "Delete",
    };
}

/**
 * The EBS CSI add-on's `configurationValues`: the controller's `socket-dir` emptyDir (the CSI socket
 * its containers share, recreated at start) marked safe to evict, or cluster-autoscaler would keep
 * both controller nodes forever (kubernetes-sigs/aws-ebs-csi-driver v1.64.0
 * charts/aws-ebs-csi-driver/templates/controller.yaml, the `socket-dir` volume; the add-on's
 * configuration schema takes the chart's values.yaml `controller.podAnnotations`).
 */
export function ebsCsiConfigurationValues(): Record<string, unknown> {
    return { controller: { podAnnotations: safeToEvictLocalVolumes(EVICTABLE_LOCAL_VOLUMES.ebsCsiController) } };
}

/** Where the adapter finds Prometheus, split as the chart wants it: `url` without the port. */
export interface PrometheusEndpoint {
    /** Scheme and host, no port: the chart appends `:<port>` itself (a port here gives `:9090:9090`). */
    readonly url: string;
    /** null when the URL has none: the chart then appends no port (http/https defaults). */
    readonly port: number | null;
    /** Path prefix, "" for none. */
    readonly path: string;
}

export function splitPrometheusUrl(url: string): PrometheusEndpoint {
    const match = /^(https?:\/\/[^/:]+)(?::(\d+))?(\/.*)?$/.exec(url);
    if (!match) {
        throw new Error(`not an http(s) URL: ${url}`);
    }
    const path = (match[3] ?? "").replace(/\/+$/, "");
    return { url: match[1], port: match[2] !== undefined ? Number(match[2]) : null, path };
}

/** The Prometheus the platform uses and how monitoring objects must look for it to load them. */
export interface MonitoringTarget {
    /** The full URL, with port: the `prometheusUrl` stack output. */
    readonly url: string;
    readonly endpoint: PrometheusEndpoint;
    /** Labels its ruleSelector needs on a PrometheusRule ({} when it selects all). */
    readonly ruleLabels: Readonly<Record<string, string>>;
    /** Labels its podMonitorSelector/serviceMonitorSelector need ({} when it selects all). */
    readonly podMonitorLabels: Readonly<Record<string, string>>;
    /** Whether PodMonitors, ServiceMonitors and PrometheusRules are created at all. */
    readonly objectsEnabled: boolean;
}

export function monitoringTarget(prometheus: PrometheusConfig): MonitoringTarget {
    if (prometheus.mode === "install") {
        // The *SelectorNilUsesHelmValues: false settings make every selector `{}`: no label needed.
        return {
            url: INSTALLED_PROMETHEUS_URL,
            endpoint: splitPrometheusUrl(INSTALLED_PROMETHEUS_URL),
            ruleLabels: {},
            podMonitorLabels: {},
            objectsEnabled: true,
        };
    }
    return {
        url: prometheus.url,
        endpoint: splitPrometheusUrl(prometheus.url),
        ruleLabels: { ...prometheus.selectorLabels },
        podMonitorLabels: { ...prometheus.selectorLabels },
        objectsEnabled: prometheus.monitoringObjects,
    };
}

/** The namespaces the installed Prometheus reads monitoring objects from (addons.ts `monitoredNamespaces`). */
export type MonitoredNamespaces = readonly string[];

/**
 * The Prometheus's five namespace selectors, each matching exactly the given namespaces by the
 * `kubernetes.io/metadata.name` label the API server sets on every namespace. The chart renders
 * each value as the Prometheus's selector, and `{}` (every namespace) when unset
 * (kube-prometheus-stack-88.5.3 templates/prometheus/prometheus.yaml).
 */
export function namespaceSelectors(namespaces: MonitoredNamespaces) {
    const selector = {
        matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: [...namespaces] }],
    };
    return Object.fromEntries(
        ["serviceMonitor", "podMonitor", "probe", "rule", "scrapeConfig"].map((kind) => [
            `${kind}NamespaceSelector`,
            structuredClone(selector),
        ]),
    );
}

/** The chart's values in install mode; monitors and rules are read from `monitored` namespaces only. */
export function kubePrometheusStackValues(
    settings: InstallPrometheusConfig,
    monitored: MonitoredNamespaces,
): Record<string, unknown> {
    return {
        prometheus: {
            prometheusSpec: {
                // Select monitors and rules without a `release` label (templates/prometheus/prometheus.yaml
                // renders `{}` for each selector), from the program's namespaces only.
                serviceMonitorSelectorNilUsesHelmValues: false,
                podMonitorSelectorNilUsesHelmValues: false,
                ruleSelectorNilUsesHelmValues: false,
                probeSelectorNilUsesHelmValues: false,
                scrapeConfigSelectorNilUsesHelmValues: false,
                ...namespaceSelectors(monitored),
                retention: settings.retention,
                replicas: settings.replicas,
                resources: { requests: { ...settings.resources.requests }, limits: { ...settings.resources.limits } },
                storageSpec: {
                    volumeClaimTemplate: {
                        spec: {
                            storageClassName: STORAGE_CLASS_NAME,
                            accessModes: ["ReadWriteOnce"],
                            resources: { requests: { storage: settings.storageSize } },
                        },
                    },
                },
                // Its data is on a gp3 volume in one zone; the node group spans three, and
                // cluster-autoscaler cannot add a node in a chosen zone of a multi-zone group
                // (cluster-autoscaler-1.34.5 cloudprovider/aws/README.md, Common Notes and Gotchas).
                // So scale-down never evicts it (an intended pin of the drain audit,
                // catalog/platform-pods.ts), and its replicas run in different zones: a drained or
                // Pending one leaves the other serving the adapter. Its only emptyDir, config-out, is
                // tmpfs (prometheus-operator v0.93.0 pkg/prometheus/common.go `BuildCommonVolumes`),
                // so no safe-to-evict-local-volumes is needed.
                podMetadata: { annotations: { [SAFE_TO_EVICT]: "false" } },
                priorityClassName: MONITORING_PRIORITY_CLASS.name,
                topologySpreadConstraints: spreadOverZones(PROMETHEUS_POD_LABELS),
            },
            // Drains by hand or by a node group update take one replica at a time. The chart's default
            // map holds `minAvailable: 1` (values.yaml prometheus.podDisruptionBudget), so minAvailable is
            // the key to set: a maxUnavailable beside it would render both, which the API rejects.
            podDisruptionBudget: prometheusDisruptionBudget(settings.replicas),
        },
        // The services' scaling reads these three (catalog/priority-classes.ts MONITORING_PRIORITY_CLASS).
        prometheusOperator: { priorityClassName: MONITORING_PRIORITY_CLASS.name },
        "kube-state-metrics": { priorityClassName: MONITORING_PRIORITY_CLASS.name },
        alertmanager: {
            alertmanagerSpec: {
                podMetadata: { annotations: safeToEvictLocalVolumes(EVICTABLE_LOCAL_VOLUMES.alertmanager) },
            },
        },
        grafana: settings.grafana
            ? {
                  enabled: true,
                  podAnnotations: safeToEvictLocalVolumes(EVICTABLE_LOCAL_VOLUMES.grafana),
                  ...GRAFANA_IN_ITS_NAMESPACE,
              }
            : { enabled: false },
        // Its own namespace (Pod Security privileged), created by the program: prometheus-node-exporter-4.56.1
        // `prometheus-node-exporter.namespace` and `.monitor-namespace` put every object there.
        "prometheus-node-exporter": { namespaceOverride: NODE_EXPORTER_NAMESPACE },
        ...EKS_CONTROL_PLANE_SCRAPES_OFF,
        defaultRules: { disabled: { ...DUPLICATED_DEFAULT_ALERTS_OFF } },
    };
}

/**
 * Grafana reads ConfigMaps and Secrets in the monitoring namespace only. The grafana chart's default
 * `rbac.namespaced: false` binds a ClusterRole reading every Secret of the cluster for its sidecars
 * (grafana-12.11.1 templates/clusterrole.yaml); `true` renders a Role in its own namespace instead
 * (templates/role.yaml). kube-prometheus-stack's `sidecar.dashboards.searchNamespace: ALL`
 * (values.yaml, 88.5.3) would have the dashboard sidecar list every namespace; the scaling
 * dashboard's ConfigMap is in monitoring (scaling-observability.ts).
 */
export const GRAFANA_IN_ITS_NAMESPACE = {
    rbac: { namespaced: true },
    sidecar: { dashboards: { searchNamespace: MONITORING_NAMESPACE } },
} as const;

/**
 * Scrape targets EKS does not serve. The chart's ServiceMonitors look for kube-controller-manager,
 * kube-scheduler and etcd pods in kube-system, which the managed control plane does not run, and
 * kube-proxy on :10249, where the EKS kube-proxy add-on listens on 127.0.0.1 only
 * (aws/containers-roadmap#657): KubeControllerManagerDown, KubeSchedulerDown and KubeProxyDown would
 * fire forever. `enabled: false` drops each Service and ServiceMonitor and the rule groups gated
 * on it (the opening `if` of kube-prometheus-stack-88.5.3 templates/prometheus/rules-1.14/etcd.yaml,
 * kube-scheduler.rules.yaml, kubernetes-system-controller-manager.yaml,
 * kubernetes-system-scheduler.yaml and kubernetes-system-kube-proxy.yaml).
 */
export const EKS_CONTROL_PLANE_SCRAPES_OFF = {
    kubeControllerManager: { enabled: false },
    kubeScheduler: { enabled: false },
    kubeEtcd: { enabled: false },
    kubeProxy: { enabled: false },
} as const;

/**
 * The chart's alerts that duplicate the program's own (components/monitoring/rules.ts), each
 * turned off by name through `defaultRules.disabled` (the check around each of these alerts in
 * templates/prometheus/rules-1.14/kubernetes-apps.yaml and kubernetes-resources.yaml): one alert per condition, with
 * the stack's thresholds and a runbook.
 */
export const DUPLICATED_DEFAULT_ALERTS_OFF = {
    /** HpaAtMaxReplicas (addons.monitoring.hpaAtMaxFor). */
    KubeHpaMaxedOut: true,
    /** HpaReplicasMismatch (addons.monitoring.replicasMismatchFor). */
    KubeHpaReplicasMismatch: true,
    /** NamespaceQuotaNearLimit (addons.monitoring.quotaUsageRatio). */
    KubeQuotaAlmostFull: true,
} as const;

/**
 * The Prometheus pods' labels (templates/prometheus/podDisruptionBudget.yaml selects on the same
 * two): `app.kubernetes.io/name: prometheus` and the Prometheus object's name.
 */
export const PROMETHEUS_POD_LABELS = {
    "app.kubernetes.io/name": "prometheus",
    "operator.prometheus.io/name": `${KUBE_PROMETHEUS_STACK_CHART.release}-prometheus`,
} as const;

/**
 * One replica per zone while zones have room: each keeps its own volume in its own zone. The chart
 * passes the list to the Prometheus object as is (templates/prometheus/prometheus.yaml,
 * `topologySpreadConstraints`) and
 * the operator puts it on the StatefulSet's pods, which carry {@link PROMETHEUS_POD_LABELS}.
 */
export function spreadOverZones(podLabels: Readonly<Record<string, string>>) {
    return [
        {
            maxSkew: 1,
            topologyKey: "topology.kubernetes.io/zone",
            whenUnsatisfiable: "DoNotSchedule",
            labelSelector: { matchLabels: { ...podLabels } },
        },
    ];
}

/**
 * Config check of the metrics path (docs/addons.md "The metrics path through a drain and a zone"): one
 * Prometheus is a single point of failure for every HPA on a custom metric; more replicas than the
 * node groups' minSize add up would keep nodes minSize does not (each replica pins its node).
 */
export function prometheusReplicasCheck(config: PlatformConfig): { errors: string[]; warnings: string[] } {
    const prometheus = config.addons.prometheus;
    const warnings: string[] = [];
    if (prometheus.mode !== "install") return { errors: [], warnings };
    const key = keyName(["addons", "prometheus", "replicas"]);
    const minNodes = Object.values(config.nodeGroups).reduce((total, group) => total + group.minSize, 0);
    if (prometheus.replicas < 2) {
        warnings.push(
            `${key} (${prometheus.replicas}) leaves one Prometheus on one zonal volume: while it is drained, custom-metric HPAs stop scaling\n` +
                "use 2 (one per zone)",
        );
    }
    if (prometheus.replicas > minNodes) {
        warnings.push(
            `${key} (${prometheus.replicas}) is more than the node groups' minSize in total (${minNodes}): the cluster never shrinks below it\n` +
                `each replica keeps its node from scale-down (safe-to-evict: false); use at most ${minNodes}`,
        );
    }
    return { errors: [], warnings };
}
prometheusReplicasCheck.doc =
    "Prometheus replicas: one leaves custom-metric HPAs blind while it moves; more than the node groups' minSize keeps nodes from scale-down (warnings).";

/** The chart's Prometheus PDB: one replica down at a time; none for a single replica (it would block every drain). */
export function prometheusDisruptionBudget(replicas: number) {
    return replicas >= 2
        ? { enabled: true, minAvailable: replicas - 1, unhealthyPodEvictionPolicy: "AlwaysAllow" }
        : { enabled: false };
}

export function kubePrometheusStackRelease(
    settings: InstallPrometheusConfig,
    monitored: MonitoredNamespaces,
): ReleaseSpec {
    // CRDs, the operator, Prometheus with a new EBS volume: more than Helm's 5 minutes on a first install.
    return chartRelease(
        KUBE_PROMETHEUS_STACK_CHART,
        settings.chartVersion,
        kubePrometheusStackValues(settings, monitored),
        900,
    );
}

export interface PrometheusStackArgs {
    /** `addons.prometheus` of the stack's config. */
    readonly prometheus: PrometheusConfig;
    readonly clusterName: pulumi.Input<string>;
    /** Plain cluster name for the EBS CSI role's trust policy. */
    readonly clusterNameValue: string;
    /** `cluster.podIdentitySourceArnCondition` (pod-identity-role.ts `podIdentityTrustPolicy`). */
    readonly podIdentitySourceArnCondition: boolean;
    readonly labels: Readonly<Record<string, string>>;
    readonly tags: Readonly<Record<string, string>>;
    /** The only namespaces the installed Prometheus reads monitors and rules from. */
    readonly monitoredNamespaces: MonitoredNamespaces;
    /** The aws-ebs-csi-driver add-on version for the cluster's minor (catalog/compatibility.ts). */
    readonly ebsCsiDriverVersion: string;
    /** What the EBS CSI add-on and the release wait for: the node groups. */
    readonly dependsOn?: readonly pulumi.Input<pulumi.Resource>[];
}

export class PrometheusStack extends pulumi.ComponentResource {
    public readonly target: MonitoringTarget;
    /** The kube-prometheus-stack release (its CRDs), or undefined in external mode. */
    public readonly release?: k8s.helm.v3.Release;
    public readonly storageClass?: k8s.storage.v1.StorageClass;
    public readonly ebsCsiDriver?: aws.eks.Addon;

    constructor(name: string, args: PrometheusStackArgs, opts?: pulumi.ComponentResourceOptions) {
        super("berrys:platform:PrometheusStack", name, {}, opts);
        this.target = monitoringTarget(args.prometheus);
        const prometheus = args.prometheus;
        if (prometheus.mode === "install") {
            const after = [...(args.dependsOn ?? [])];
            const ebsRole = new PodIdentityRole(
                `${name}-ebs-csi`,
                {
                    clusterName: args.clusterName,
                    clusterNameValue: args.clusterNameValue,
                    sourceArnCondition: args.podIdentitySourceArnCondition,
                    namespace: EBS_CSI_SERVICE_ACCOUNT.namespace,
                    serviceAccount: EBS_CSI_SERVICE_ACCOUNT.name,
                    managedPolicies: ["AmazonEBSCSIDriverPolicy"],
                    tags: args.tags,
                },
                { parent: this },
            );
            // The add-on only turns ACTIVE once its pods run, so it waits for the nodes too.
            this.ebsCsiDriver = new aws.eks.Addon(
                `${name}-ebs-csi-driver`,
                {
                    clusterName: args.clusterName,
                    addonName: "aws-ebs-csi-driver",
                    configurationValues: JSON.stringify(ebsCsiConfigurationValues()),
                    // Pinned: without a version EKS installs its default once and never moves it.
                    addonVersion: args.ebsCsiDriverVersion,
                    resolveConflictsOnCreate: "OVERWRITE",
                    resolveConflictsOnUpdate: "PRESERVE",
                    tags: args.tags,
                },
                { parent: this, dependsOn: [ebsRole, ...after] },
            );
            this.storageClass = new k8s.storage.v1.StorageClass(
                `${name}-gp3`,
                {
                    metadata: { name: STORAGE_CLASS_NAME, labels: { ...args.labels } },
                    ...storageClassSpec(),
                },
                { parent: this },
            );
            this.release = new k8s.helm.v3.Release(
                `${name}-release`,
                releaseArgs(kubePrometheusStackRelease(prometheus, args.monitoredNamespaces)),
                {
                    parent: this,
                    dependsOn: [this.ebsCsiDriver, this.storageClass, ...after],
                },
            );
        }
        this.registerOutputs({ url: this.target.url, releaseName: this.release?.name });
    }
}
