// The releases as a whole: each one's name, chart, repository, version and namespace in both
// Prometheus modes; metrics-server and kube-prometheus-stack values; the add-on pods' requests for
// the capacity model; and the YAML render prints.
import { strict as assert } from "assert";
import * as YAML from "yaml";
import { monitoredNamespaces, releaseSpecs, renderReleases } from "../../components/addons";
import { addonPodRequests } from "../../capacity/system-pods";
import { releaseArgs, SAFE_TO_EVICT_LOCAL_VOLUMES } from "../../components/helm-release";
import { metricsServerValues } from "../../components/metrics-server";
import {
    ebsCsiConfigurationValues,
    kubePrometheusStackValues,
    monitoringTarget,
    storageClassSpec,
} from "../../components/prometheus-stack";
import { podMonitorName, podMonitorSpec } from "../../components/service-monitors";
import { PlatformConfig } from "../../config";
import { checkConfig } from "../../preflight";
import { fixtureStack, stackConfig } from "../helpers/stacks";

function withAddons(addons: Record<string, unknown>): PlatformConfig {
    const file = fixtureStack("production");
    const result = checkConfig({ ...file.projectConfig, addons }, file.context);
    if (!result.ok) {
        throw new Error(result.errors.join("\n"));
    }
    return result.config;
}

const pinned = (config: PlatformConfig) =>
    releaseSpecs(config).map(({ name, chart, repo, version, namespace }) => ({
        name,
        chart,
        repo,
        version,
        namespace,
    }));

describe("add-on releases", () => {
    const production = stackConfig("production");
    const external = withAddons({
        prometheus: {
            mode: "external",
            url: "http://prometheus-operated.observability.svc:9090",
            selectorLabels: { prometheus: "main" },
        },
    });

    it("install kube-prometheus-stack, metrics-server, prometheus-adapter and cluster-autoscaler at the pinned versions", () => {
        assert.deepEqual(pinned(production), [
            {
                name: "kube-prometheus-stack",
                chart: "kube-prometheus-stack",
                repo: "https://prometheus-community.github.io/helm-charts",
                version: "88.5.3",
                namespace: "monitoring",
            },
            {
                name: "metrics-server",
                chart: "metrics-server",
                repo: "https://kubernetes-sigs.github.io/metrics-server/",
                version: "3.13.1",
                namespace: "kube-system",
            },
            {
                name: "prometheus-adapter",
                chart: "prometheus-adapter",
                repo: "https://prometheus-community.github.io/helm-charts",
                version: "5.3.0",
                namespace: "monitoring",
            },
            {
                name: "cluster-autoscaler",
                chart: "cluster-autoscaler",
                repo: "https://kubernetes.github.io/autoscaler",
                version: "9.59.0",
                namespace: "kube-system",
            },
        ]);
    });

    it("install no Prometheus in external mode", () => {
        assert.deepEqual(
            pinned(external).map((spec) => spec.name),
            ["metrics-server", "prometheus-adapter", "cluster-autoscaler"],
        );
    });

    it("take chart versions and switches from config", () => {
        const custom = withAddons({ metricsServer: { chartVersion: "3.13.2" }, clusterAutoscaler: { enabled: false } });
        assert.deepEqual(
            pinned(custom).map((spec) => `${spec.name}@${spec.version}`),
            ["kube-prometheus-stack@88.5.3", "metrics-server@3.13.2", "prometheus-adapter@5.3.0"],
        );
    });

    it("create no namespace (the program owns monitoring, with Pod Security labels), wait for readiness and roll back a failed install", () => {
        for (const spec of releaseSpecs(production)) {
            const args = releaseArgs(spec);
            assert.equal(args.createNamespace, false, spec.name);
            assert.equal(args.name, spec.name);
            assert.deepEqual(args.repositoryOpts, { repo: spec.repo });
            assert.equal(args.skipAwait, false);
            assert.equal(args.atomic, true);
            assert.equal(args.cleanupOnFail, true);
        }
    });

    describe("metrics-server", () => {
        const values = metricsServerValues(production.addons.metricsServer) as Record<string, any>;

        it("runs 2 replicas spread over nodes with a PDB enabled", () => {
            assert.equal(values.replicas, 2);
            assert.deepEqual(values.podDisruptionBudget, {
                enabled: true,
                maxUnavailable: 1,
                unhealthyPodEvictionPolicy: "AlwaysAllow",
            });
            assert.deepEqual(values.topologySpreadConstraints, [
                {
                    maxSkew: 1,
                    topologyKey: "kubernetes.io/hostname",
                    whenUnsatisfiable: "DoNotSchedule",
                    labelSelector: {
                        matchLabels: {
                            "app.kubernetes.io/name": "metrics-server",
                            "app.kubernetes.io/instance": "metrics-server",
                        },
                    },
                    matchLabelKeys: ["pod-template-hash"],
                },
            ]);
        });

        it("keeps the chart's args (no list replaced) and marks its tmp emptyDir safe to evict", () => {
            assert.equal(values.defaultArgs, undefined);
            assert.equal(values.args, undefined);
            assert.deepEqual(values.podAnnotations, { [SAFE_TO_EVICT_LOCAL_VOLUMES]: "tmp" });
        });
    });

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
            const custom = withAddons({ prometheus: { mode: "install", retention: "30d", storageSize: "200Gi" } })
                .addons.prometheus;
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
            // grafana-12.11.1 templates/_pod.tpl:1630-1631 always adds the `search` emptyDir.
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
                (kubePrometheusStackValues(single, monitoredNamespaces(production)) as any).prometheus
                    .podDisruptionBudget,
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

    it("each service gets a PodMonitor on its app label and its container port named metrics", () => {
        assert.equal(podMonitorName("api-gateway"), "api-gateway-metrics");
        assert.deepEqual(podMonitorSpec("api-gateway"), {
            selector: { matchLabels: { app: "api-gateway" } },
            podMetricsEndpoints: [{ port: "metrics", path: "/metrics" }],
        });
    });

    it("the platform's pods' requests, in cores and bytes, for the capacity model: every Deployment and StatefulSet of catalog/platform-pods.ts", () => {
        const MI = 2 ** 20;
        assert.deepEqual(addonPodRequests(production), [
            // EKS CoreDNS (cluster/addons/dns/coredns/coredns.yaml.base) and the EBS CSI controller (5 containers x 10m/40Mi).
            {
                name: "coredns",
                namespace: "kube-system",
                replicas: 2,
                requests: { cpu: 0.1, memory: 70 * MI },
                priority: 2000000000,
            },
            {
                name: "ebs-csi-controller",
                namespace: "kube-system",
                replicas: 2,
                requests: { cpu: 0.05, memory: 200 * MI },
                priority: 2000000000,
            },
            {
                name: "cluster-autoscaler-aws-cluster-autoscaler",
                namespace: "kube-system",
                replicas: 1,
                requests: { cpu: 0.1, memory: 300 * MI },
                priority: 2000000000,
            },
            {
                name: "metrics-server",
                namespace: "kube-system",
                replicas: 2,
                requests: { cpu: 0.1, memory: 200 * MI },
                priority: 2000000000,
            },
            {
                name: "prometheus-kube-prometheus-stack-prometheus",
                namespace: "monitoring",
                replicas: 2,
                requests: { cpu: 0.5, memory: 2 * 2 ** 30 },
                priority: 100000,
            },
            // kube-prometheus-stack 88.5.3 sets no requests for these. Priorities: system-cluster-critical
            // (2000000000) from the charts and add-ons, berrys-monitoring (100000) on the metrics path, else none (0).
            {
                name: "alertmanager-kube-prometheus-stack-alertmanager",
                namespace: "monitoring",
                replicas: 1,
                requests: { cpu: 0, memory: 0 },
                priority: 0,
            },
            {
                name: "kube-prometheus-stack-operator",
                namespace: "monitoring",
                replicas: 1,
                requests: { cpu: 0, memory: 0 },
                priority: 100000,
            },
            {
                name: "kube-prometheus-stack-kube-state-metrics",
                namespace: "monitoring",
                replicas: 1,
                requests: { cpu: 0, memory: 0 },
                priority: 100000,
            },
            {
                name: "kube-prometheus-stack-grafana",
                namespace: "monitoring",
                replicas: 1,
                requests: { cpu: 0, memory: 0 },
                priority: 0,
            },
            {
                name: "prometheus-adapter",
                namespace: "monitoring",
                replicas: 2,
                requests: { cpu: 0.1, memory: 128 * MI },
                priority: 2000000000,
            },
        ]);
        assert.deepEqual(
            addonPodRequests(external).map((pod) => pod.name),
            ["coredns", "cluster-autoscaler-aws-cluster-autoscaler", "metrics-server", "prometheus-adapter"],
        );
    });

    it("render prints each release's chart, version, namespace and full values as YAML", () => {
        const documents = YAML.parseAllDocuments(renderReleases(production)).map((document) => document.toJS());
        assert.deepEqual(
            documents.map(
                (document) => `${document.release} ${document.chart}@${document.version} -n ${document.namespace}`,
            ),
            [
                "kube-prometheus-stack kube-prometheus-stack@88.5.3 -n monitoring",
                "metrics-server metrics-server@3.13.1 -n kube-system",
                "prometheus-adapter prometheus-adapter@5.3.0 -n monitoring",
                "cluster-autoscaler cluster-autoscaler@9.59.0 -n kube-system",
            ],
        );
        assert.deepEqual(
            documents.map((document) => document.values),
            releaseSpecs(production).map((spec) => spec.values),
        );
    });
});
