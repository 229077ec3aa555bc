// components/prometheus-stack.ts: kube-prometheus-stack's values, its defaults on EKS, Grafana's
// isolation, and an external Prometheus.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { monitoredNamespaces, releaseSpecs } from "../../components/addons";
import { SAFE_TO_EVICT_LOCAL_VOLUMES } from "../../components/helm-release";
import {
    DUPLICATED_DEFAULT_ALERTS_OFF,
    ebsCsiConfigurationValues,
    kubePrometheusStackValues,
    monitoringTarget,
    storageClassSpec,
} from "../../components/prometheus-stack";
import { SCALING_ALERTS } from "../../schema/monitoring";
import { chartDefaults, helmMerge, isMap, Values } from "../helpers/helm-values";
import { externalPrometheus, stackConfig, withAddons } from "../helpers/stacks";

// kube-prometheus-stack's defaults on EKS: every default rule group and scrape target the chart
// renders with the program's values, each left on with its reason; what EKS cannot serve is off, and
// the chart's alerts that duplicate the program's own are disabled by name.
// Gates read from kube-prometheus-stack-88.5.3 charts/kube-prometheus-stack/templates/prometheus/
// rules-1.14/<file>.yaml (each file's opening `if`; all also need defaultRules.create and a
// Kubernetes target version >= 1.14, true here).
/** rules-1.14 file -> the values its `if` requires (besides defaultRules.create). */
const RULE_GROUP_GATES: Readonly<Record<string, readonly string[]>> = {
    "alertmanager.rules": ["defaultRules.rules.alertmanager"],
    "config-reloaders": ["defaultRules.rules.configReloaders"],
    etcd: ["kubeEtcd.enabled", "defaultRules.rules.etcd"],
    "general.rules": ["defaultRules.rules.general"],
    "k8s.rules.container_cpu_limits": ["defaultRules.rules.k8sContainerCpuLimits"],
    "k8s.rules.container_cpu_requests": ["defaultRules.rules.k8sContainerCpuRequests"],
    "k8s.rules.container_cpu_usage_seconds_total": ["defaultRules.rules.k8sContainerCpuUsageSecondsTotal"],
    "k8s.rules.container_memory_cache": ["defaultRules.rules.k8sContainerMemoryCache"],
    "k8s.rules.container_memory_limits": ["defaultRules.rules.k8sContainerMemoryLimits"],
    "k8s.rules.container_memory_requests": ["defaultRules.rules.k8sContainerMemoryRequests"],
    "k8s.rules.container_memory_rss": ["defaultRules.rules.k8sContainerMemoryRss"],
    "k8s.rules.container_memory_swap": ["defaultRules.rules.k8sContainerMemorySwap"],
    "k8s.rules.container_memory_working_set_bytes": ["defaultRules.rules.k8sContainerMemoryWorkingSetBytes"],
    "k8s.rules.container_resource": ["defaultRules.rules.k8sContainerResource"],
    "k8s.rules.pod_owner": ["defaultRules.rules.k8sPodOwner"],
    "kube-apiserver-availability.rules": ["kubeApiServer.enabled", "defaultRules.rules.kubeApiserverAvailability"],
    "kube-apiserver-burnrate.rules": ["kubeApiServer.enabled", "defaultRules.rules.kubeApiserverBurnrate"],
    "kube-apiserver-histogram.rules": ["kubeApiServer.enabled", "defaultRules.rules.kubeApiserverHistogram"],
    "kube-apiserver-slos": ["kubeApiServer.enabled", "defaultRules.rules.kubeApiserverSlos"],
    "kube-prometheus-general.rules": ["defaultRules.rules.kubePrometheusGeneral"],
    "kube-prometheus-node-recording.rules": ["defaultRules.rules.kubePrometheusNodeRecording"],
    "kube-scheduler.rules": ["kubeScheduler.enabled", "defaultRules.rules.kubeSchedulerRecording"],
    "kube-state-metrics": ["defaultRules.rules.kubeStateMetrics"],
    "kubelet.rules": ["kubelet.enabled", "defaultRules.rules.kubelet"],
    "kubernetes-apps": ["defaultRules.rules.kubernetesApps"],
    "kubernetes-resources": ["defaultRules.rules.kubernetesResources"],
    "kubernetes-storage": ["defaultRules.rules.kubernetesStorage"],
    "kubernetes-system-apiserver": ["defaultRules.rules.kubernetesSystem"],
    "kubernetes-system-controller-manager": [
        "kubeControllerManager.enabled",
        "defaultRules.rules.kubeControllerManager",
        "!defaultRules.disabled.KubeControllerManagerDown",
    ],
    "kubernetes-system-kube-proxy": [
        "kubeProxy.enabled",
        "defaultRules.rules.kubeProxy",
        "!defaultRules.disabled.KubeProxyDown",
    ],
    "kubernetes-system-kubelet": ["defaultRules.rules.kubernetesSystem"],
    "kubernetes-system-scheduler": [
        "kubeScheduler.enabled",
        "defaultRules.rules.kubeSchedulerAlerting",
        "!defaultRules.disabled.KubeSchedulerDown",
    ],
    "kubernetes-system": ["defaultRules.rules.kubernetesSystem"],
    "node-exporter.rules": ["defaultRules.rules.nodeExporterRecording"],
    "node-exporter": ["defaultRules.rules.nodeExporterAlerting"],
    "node-network": ["defaultRules.rules.network"],
    "node.rules": ["defaultRules.rules.node"],
    "prometheus-operator": ["defaultRules.rules.prometheusOperator"],
    prometheus: ["defaultRules.rules.prometheus"],
    "windows.node.rules": ["windowsMonitoring.enabled", "defaultRules.rules.windows"],
    "windows.pod.rules": ["windowsMonitoring.enabled", "defaultRules.rules.windows"],
};

/** Every default rule group left on, and why it holds on EKS. */
const KEPT_RULE_GROUPS: Readonly<Record<string, string>> = {
    "alertmanager.rules": "the installed Alertmanager's own health",
    "config-reloaders": "the operator's config-reloader sidecars (a failed reload means stale scrape config)",
    "general.rules": "Watchdog and InfoInhibitor: the alerting pipeline's heartbeat",
    "k8s.rules.container_cpu_usage_seconds_total":
        "recording rules the chart's dashboards read (cAdvisor through the kubelet, which EKS nodes serve)",
    "k8s.rules.container_memory_cache": "recording rules for the dashboards (cAdvisor)",
    "k8s.rules.container_memory_rss": "recording rules for the dashboards (cAdvisor)",
    "k8s.rules.container_memory_swap": "recording rules for the dashboards (cAdvisor)",
    "k8s.rules.container_memory_working_set_bytes": "recording rules for the dashboards (cAdvisor)",
    "k8s.rules.container_resource": "requests and limits per namespace (kube-state-metrics)",
    "k8s.rules.pod_owner": "pod-to-workload mapping the dashboards use (kube-state-metrics)",
    "kube-apiserver-availability.rules":
        "EKS serves the API server's /metrics to the cluster (the chart's kubeApiServer ServiceMonitor on the kubernetes Service)",
    "kube-apiserver-burnrate.rules": "as kube-apiserver-availability",
    "kube-apiserver-histogram.rules": "as kube-apiserver-availability",
    "kube-apiserver-slos": "API error-budget alerts: the HPA and cluster-autoscaler depend on the API",
    "kube-prometheus-general.rules": "target counts per job",
    "kube-prometheus-node-recording.rules": "node CPU recording rules (node-exporter)",
    "kube-state-metrics": "kube-state-metrics' own health: every HPA alert of the program reads it",
    "kubelet.rules": "kubelet PLEG latency (the kubelet's /metrics, served on EKS nodes)",
    "kubernetes-apps":
        "crash loops, rollouts, StatefulSets, Jobs (KubeHpaMaxedOut and KubeHpaReplicasMismatch disabled by name: HpaAtMaxReplicas, HpaReplicasMismatch)",
    "kubernetes-resources":
        "CPU/memory overcommit and quota exceeded (KubeQuotaAlmostFull disabled by name: NamespaceQuotaNearLimit)",
    "kubernetes-storage": "PersistentVolumes filling up: Prometheus's own gp3 volume",
    "kubernetes-system-apiserver":
        "client certificate expiry and aggregated APIs down (metrics.k8s.io, custom.metrics.k8s.io)",
    "kubernetes-system-kubelet": "nodes not ready, kubelet down, pods per node near maxPods",
    "kubernetes-system": "version skew between nodes and the control plane, client errors",
    "node-exporter.rules": "node recording rules (node-exporter DaemonSet)",
    "node-exporter": "disk, memory, clock and network alerts per node",
    "node-network": "node network interface flapping",
    "node.rules": "node-level recording rules",
    "prometheus-operator": "the operator's reconcile errors",
    prometheus: "Prometheus's own health (rule evaluation, TSDB, remote write)",
};

/** Default scrape targets: component -> why it is on, or null when the program turns it off. */
const SCRAPE_TARGETS: Readonly<Record<string, string | null>> = {
    kubeApiServer: "the API server's /metrics through the kubernetes Service, which EKS serves",
    kubelet: "the kubelet and cAdvisor on every node (container CPU and memory)",
    coreDns: "CoreDNS's :9153 metrics (the EKS add-on's pods carry the chart's k8s-app: kube-dns label)",
    kubeStateMetrics: "the HPA, quota and pod metrics every scaling alert reads",
    nodeExporter: "node metrics",
    kubeControllerManager: null,
    kubeScheduler: null,
    kubeEtcd: null,
    kubeProxy: null,
    kubeDns: null,
};

const truthy = (values: Values, gate: string): boolean => {
    const negate = gate.startsWith("!");
    const value = gate
        .replace(/^!/, "")
        .split(".")
        .reduce<unknown>((at, key) => (isMap(at) ? at[key] : undefined), values);
    return negate ? !value : Boolean(value);
};

describe("kube-prometheus-stack defaults on EKS", () => {
    const spec = releaseSpecs(stackConfig("production")).find((release) => release.chart === "kube-prometheus-stack")!;
    const merged = helmMerge(chartDefaults("kube-prometheus-stack"), spec.values) as Values;

    it("the gate table covers every rules-1.14 template of the pinned chart", () => {
        // The chart's rule groups, as listed in tests/fixtures/charts/kube-prometheus-stack.rules.txt
        // (git ls-tree kube-prometheus-stack-88.5.3 templates/prometheus/rules-1.14).
        const files = fs
            .readFileSync(path.join(__dirname, "..", "fixtures", "charts", "kube-prometheus-stack.rules.txt"), "utf8")
            .split("\n")
            .filter((line) => line.endsWith(".yaml"))
            .map((line) => line.replace(/\.yaml$/, ""));
        assert.deepEqual(Object.keys(RULE_GROUP_GATES).sort(), files.sort());
    });

    it("every default rule group left on is listed with its reason, and only those", () => {
        const on = Object.entries(RULE_GROUP_GATES)
            .filter(
                ([, gates]) =>
                    Boolean((merged.defaultRules as Values).create) && gates.every((gate) => truthy(merged, gate)),
            )
            .map(([group]) => group);
        assert.deepEqual(on.sort(), Object.keys(KEPT_RULE_GROUPS).sort());
    });

    it("EKS's control plane is not scraped: no kube-controller-manager, kube-scheduler, etcd or kube-proxy (127.0.0.1:10249) targets or rules", () => {
        for (const [component, why] of Object.entries(SCRAPE_TARGETS)) {
            assert.equal(truthy(merged, `${component}.enabled`), why !== null, `${component}: ${why ?? "off"}`);
        }
        for (const group of [
            "etcd",
            "kube-scheduler.rules",
            "kubernetes-system-controller-manager",
            "kubernetes-system-scheduler",
            "kubernetes-system-kube-proxy",
        ]) {
            assert.ok(!(group in KEPT_RULE_GROUPS), group);
        }
    });

    it("the chart's KubeHpaMaxedOut, KubeHpaReplicasMismatch and KubeQuotaAlmostFull are off: the program's alerts cover them", () => {
        assert.deepEqual((merged.defaultRules as Values).disabled, {
            KubeHpaMaxedOut: true,
            KubeHpaReplicasMismatch: true,
            KubeQuotaAlmostFull: true,
        });
        const replacements: Record<keyof typeof DUPLICATED_DEFAULT_ALERTS_OFF, string> = {
            KubeHpaMaxedOut: "HpaAtMaxReplicas",
            KubeHpaReplicasMismatch: "HpaReplicasMismatch",
            KubeQuotaAlmostFull: "NamespaceQuotaNearLimit",
        };
        for (const replacement of Object.values(replacements))
            assert.ok((SCALING_ALERTS as readonly string[]).includes(replacement), replacement);
    });
});

// Grafana reads ConfigMaps and Secrets in its own namespace only (issue 21): the values as Helm
// merges them over kube-prometheus-stack's `grafana:` and the grafana chart's own defaults.
/** What the grafana subchart renders from: its defaults, kube-prometheus-stack's `grafana:`, the program's. */
function grafanaValues(stack: string): Record<string, any> {
    const spec = releaseSpecs(stackConfig(stack)).find((release) => release.chart === "kube-prometheus-stack");
    assert.ok(spec, "kube-prometheus-stack is installed");
    const kpsDefaults = chartDefaults("kube-prometheus-stack");
    return helmMerge(
        helmMerge(chartDefaults("grafana"), kpsDefaults.grafana),
        (spec.values as Values).grafana,
    ) as Record<string, any>;
}

describe("Grafana isolated in the monitoring namespace (issue 21)", () => {
    for (const stack of ["production", "staging"]) {
        it(`${stack}: a Role in its namespace, no ClusterRole reading every Secret`, () => {
            const values = grafanaValues(stack);
            // grafana-12.11.1 templates/clusterrole.yaml and clusterrolebinding.yaml render when
            // `rbac.create and (not rbac.namespaced or rbac.extraClusterRoleRules)`; templates/role.yaml
            // renders a Role (configmaps and secrets: get, watch, list) in the release namespace plus
            // `rbac.namespaces` when rbac.namespaced.
            assert.equal(values.rbac.create, true);
            assert.equal(values.rbac.namespaced, true);
            assert.deepEqual(values.rbac.extraClusterRoleRules, []);
            assert.deepEqual(values.rbac.namespaces, []);
        });

        it(`${stack}: the dashboard and data source sidecars watch the monitoring namespace only`, () => {
            const sidecar = grafanaValues(stack).sidecar;
            // kube-prometheus-stack-88.5.3 values.yaml sets grafana.sidecar.dashboards.searchNamespace: ALL;
            // grafana-12.11.1 templates/_pod.tpl passes searchNamespace as the sidecar's NAMESPACE, and
            // without one the sidecar (k8s-sidecar) watches its pod's own namespace.
            assert.equal(sidecar.dashboards.searchNamespace, "monitoring");
            for (const other of ["datasources", "alerts", "notifiers", "plugins"]) {
                assert.equal(sidecar[other].searchNamespace ?? null, null, other);
            }
        });
    }
});

// kube-prometheus-stack's values as the program sets them, and where an external Prometheus is read.

const production = stackConfig("production");
const external = withAddons({ prometheus: externalPrometheus() });

describe("kube-prometheus-stack", () => {
    const settings = production.addons.prometheus;
    assert.ok(settings.mode === "install");
    const values = kubePrometheusStackValues(settings, monitoredNamespaces(production)) as Record<string, any>;
    const spec = values.prometheus.prometheusSpec;

    it("selects ServiceMonitors, PodMonitors, PrometheusRules, Probes and ScrapeConfigs without a release label", () => {
        for (const kind of ["serviceMonitor", "podMonitor", "rule", "probe", "scrapeConfig"]) {
            assert.equal(spec[`${kind}SelectorNilUsesHelmValues`], false, kind);
        }
        assert.equal(spec.serviceMonitorSelector, undefined);
        assert.deepEqual(monitoringTarget(settings).ruleLabels, {});
    });

    it("keeps its data on an encrypted gp3 volume of the configured size, for the configured retention", () => {
        assert.equal(spec.retention, "15d");
        assert.deepEqual(spec.storageSpec, {
            volumeClaimTemplate: {
                spec: {
                    storageClassName: "gp3-encrypted",
                    accessModes: ["ReadWriteOnce"],
                    resources: { requests: { storage: "50Gi" } },
                },
            },
        });
        assert.deepEqual(storageClassSpec(), {
            provisioner: "ebs.csi.aws.com",
            parameters: { type: "gp3", encrypted: "true", fsType: "ext4" },
            volumeBindingMode: "WaitForFirstConsumer",
            allowVolumeExpansion: true,
            reclaimPolicy: "Delete",
        });
        const custom = withAddons({ prometheus: { mode: "install", retention: "30d", storageSize: "200Gi" } }).addons
            .prometheus;
        assert.ok(custom.mode === "install");
        const customSpec = (kubePrometheusStackValues(custom, monitoredNamespaces(production)) as any).prometheus
            .prometheusSpec;
        assert.equal(customSpec.retention, "30d");
        assert.equal(customSpec.storageSpec.volumeClaimTemplate.spec.resources.requests.storage, "200Gi");
    });

    it("marks the scratch emptyDirs of Alertmanager and Grafana safe to evict, Grafana's search index included", () => {
        assert.deepEqual(values.alertmanager.alertmanagerSpec.podMetadata.annotations, {
            [SAFE_TO_EVICT_LOCAL_VOLUMES]: "alertmanager-kube-prometheus-stack-alertmanager-db",
        });
        // grafana-12.11.1 templates/_pod.tpl (the `search` volume) always adds the `search` emptyDir.
        assert.deepEqual(values.grafana.podAnnotations, {
            [SAFE_TO_EVICT_LOCAL_VOLUMES]: "storage,search,sc-dashboard-volume,sc-datasources-volume",
        });
    });

    it("keeps Prometheus off scale-down, two replicas in different zones, one PDB that lets one go at a time", () => {
        assert.deepEqual(spec.podMetadata.annotations, {
            "cluster-autoscaler.kubernetes.io/safe-to-evict": "false",
        });
        assert.equal(spec.replicas, 2);
        assert.deepEqual(spec.topologySpreadConstraints, [
            {
                maxSkew: 1,
                topologyKey: "topology.kubernetes.io/zone",
                whenUnsatisfiable: "DoNotSchedule",
                labelSelector: {
                    matchLabels: {
                        "app.kubernetes.io/name": "prometheus",
                        "operator.prometheus.io/name": "kube-prometheus-stack-prometheus",
                    },
                },
            },
        ]);
        // The chart's default map already holds minAvailable: 1 (values.yaml prometheus.podDisruptionBudget):
        // minAvailable is set, never maxUnavailable beside it.
        assert.deepEqual(values.prometheus.podDisruptionBudget, {
            enabled: true,
            minAvailable: 1,
            unhealthyPodEvictionPolicy: "AlwaysAllow",
        });
        const single = withAddons({ prometheus: { mode: "install", replicas: 1 } }).addons.prometheus;
        assert.ok(single.mode === "install");
        assert.deepEqual(
            (kubePrometheusStackValues(single, monitoredNamespaces(production)) as any).prometheus.podDisruptionBudget,
            { enabled: false },
        );
    });

    it("marks the EBS CSI controller's socket-dir safe to evict through the add-on's controller.podAnnotations", () => {
        assert.deepEqual(ebsCsiConfigurationValues(), {
            controller: { podAnnotations: { [SAFE_TO_EVICT_LOCAL_VOLUMES]: "socket-dir" } },
        });
    });

    it("is reached at kube-prometheus-stack-prometheus.monitoring.svc:9090", () => {
        assert.equal(monitoringTarget(settings).url, "http://kube-prometheus-stack-prometheus.monitoring.svc:9090");
    });
});

describe("external Prometheus", () => {
    it("is used at its URL, with its selector labels on monitoring objects", () => {
        const target = monitoringTarget(external.addons.prometheus);
        assert.equal(target.url, "http://prometheus-operated.observability.svc:9090");
        assert.deepEqual(target.ruleLabels, { prometheus: "main" });
        assert.deepEqual(target.podMonitorLabels, { prometheus: "main" });
        assert.equal(target.objectsEnabled, true);
    });

    it("monitoring objects can be turned off where no operator runs", () => {
        const off = withAddons({
            prometheus: { mode: "external", url: "http://prometheus.example:9090", monitoringObjects: false },
        });
        assert.equal(monitoringTarget(off.addons.prometheus).objectsEnabled, false);
    });
});
