// The platform's own pods as the charts and add-ons render them: which stacks install each, the
// fields the config sizes, and the annotations and PDBs the components render from the same rows.
import { strict as assert } from "assert";
import { PlatformPod, platformPods } from "../../catalog/platform-pods";
import { monitoredNamespaces } from "../../components/addons";
import { corednsConfigurationValues } from "../../components/coredns";
import { SAFE_TO_EVICT_LOCAL_VOLUMES } from "../../components/helm-release";
import { metricsServerValues } from "../../components/metrics-server";
import { prometheusAdapterValues } from "../../components/prometheus-adapter";
import {
    ebsCsiConfigurationValues,
    kubePrometheusStackValues,
    monitoringTarget,
} from "../../components/prometheus-stack";
import { itKeepsOutput } from "../helpers/capacity-hashes";
import { stackConfig, stackWith } from "../helpers/stacks";

const KPS_PODS = [
    "prometheus-kube-prometheus-stack-prometheus",
    "alertmanager-kube-prometheus-stack-alertmanager",
    "kube-prometheus-stack-operator",
    "kube-prometheus-stack-kube-state-metrics",
    "kube-prometheus-stack-grafana",
    "kube-prometheus-stack-prometheus-node-exporter",
];

const names = (pods: readonly PlatformPod[]) => pods.map((pod) => pod.name);

describe("platformPods: which pods a stack runs", () => {
    it("the production fixture: the EKS add-ons, cluster-autoscaler, metrics-server, kube-prometheus-stack and prometheus-adapter, DaemonSets last", () => {
        assert.deepEqual(names(platformPods(stackConfig("production"))), [
            "coredns",
            "ebs-csi-controller",
            "cluster-autoscaler-aws-cluster-autoscaler",
            "metrics-server",
            "prometheus-kube-prometheus-stack-prometheus",
            "alertmanager-kube-prometheus-stack-alertmanager",
            "kube-prometheus-stack-operator",
            "kube-prometheus-stack-kube-state-metrics",
            "kube-prometheus-stack-grafana",
            "prometheus-adapter",
            "aws-node",
            "kube-proxy",
            "eks-pod-identity-agent",
            "ebs-csi-node",
            "kube-prometheus-stack-prometheus-node-exporter",
        ]);
    });

    it("an external Prometheus: no kube-prometheus-stack pod and no EBS CSI driver", () => {
        const external = stackWith("production", (raw) => {
            raw.addons = {
                ...raw.addons,
                prometheus: { mode: "external", url: "http://prometheus.monitoring.svc:9090" },
            };
        });
        const pods = names(platformPods(external));
        for (const name of [...KPS_PODS, "ebs-csi-controller", "ebs-csi-node"]) {
            assert.ok(!pods.includes(name), name);
        }
        assert.ok(pods.includes("prometheus-adapter"));
    });

    it("grafana: false leaves out Grafana only", () => {
        const without = stackWith("production", (raw) => {
            raw.addons = { ...raw.addons, prometheus: { mode: "install", grafana: false } };
        });
        assert.deepEqual(
            names(platformPods(stackConfig("production"))).filter((name) => name !== "kube-prometheus-stack-grafana"),
            names(platformPods(without)),
        );
    });

    it("cluster-autoscaler and prometheus-adapter disabled: their rows go", () => {
        const off = stackWith("production", (raw) => {
            raw.addons = {
                ...raw.addons,
                clusterAutoscaler: { enabled: false },
                prometheusAdapter: { enabled: false },
            };
        });
        const pods = names(platformPods(off));
        assert.ok(!pods.includes("cluster-autoscaler-aws-cluster-autoscaler"));
        assert.ok(!pods.includes("prometheus-adapter"));
    });
});

describe("platformPods: the fields the stack's config sizes", () => {
    const sized = stackWith("production", (raw) => {
        raw.addons = {
            ...raw.addons,
            metricsServer: {
                replicas: 3,
                resources: { requests: { cpu: "150m", memory: "300Mi" }, limits: { memory: "600Mi" } },
            },
            prometheusAdapter: { replicas: 4 },
            prometheus: {
                mode: "install",
                replicas: 3,
                resources: { requests: { cpu: "1", memory: "4Gi" }, limits: { memory: "8Gi" } },
            },
        };
    });
    const row = (name: string) => platformPods(sized).find((pod) => pod.name === name)!;

    it("metrics-server and prometheus-adapter: replicas and requests from addons", () => {
        assert.equal(row("metrics-server").replicas, 3);
        assert.deepEqual(row("metrics-server").requests, { cpu: "150m", memory: "300Mi" });
        assert.equal(row("prometheus-adapter").replicas, 4);
    });

    it("Prometheus: 3 replicas with 1 CPU and 4Gi each, and a PDB keeping 2 of them", () => {
        const prometheus = row("prometheus-kube-prometheus-stack-prometheus");
        assert.equal(prometheus.replicas, 3);
        assert.deepEqual(prometheus.requests, { cpu: "1", memory: "4Gi" });
        assert.equal(prometheus.pdb?.minAvailable, 2);
    });

    it("a single Prometheus replica gets no PDB (minAvailable 1 of 1 would block every drain)", () => {
        const single = stackWith("production", (raw) => {
            raw.addons = { prometheus: { mode: "install", replicas: 1 } };
        });
        const prometheus = platformPods(single).find((p) => p.name.startsWith("prometheus-"))!;
        assert.equal(prometheus.pdb, null);
    });

    it("CoreDNS keeps the manifest's 2 replicas at 100m and 70Mi (coredns.yaml.base)", () => {
        assert.equal(row("coredns").replicas, 2);
        assert.deepEqual(row("coredns").requests, { cpu: "100m", memory: "70Mi" });
    });
});

describe("the table is what the components render", () => {
    const config = stackConfig("production");
    const rows = new Map(platformPods(config).map((p) => [p.name, p]));
    const annotation = (p: PlatformPod | undefined) =>
        p && p.safeToEvictLocalVolumes.length > 0
            ? { [SAFE_TO_EVICT_LOCAL_VOLUMES]: p.safeToEvictLocalVolumes.join(",") }
            : undefined;
    const settings = config.addons.prometheus;
    assert.ok(settings.mode === "install");
    const kps = kubePrometheusStackValues(settings, monitoredNamespaces(config)) as Record<string, any>;

    it("metrics-server, prometheus-adapter: podAnnotations", () => {
        assert.deepEqual(
            (metricsServerValues(config.addons.metricsServer) as any).podAnnotations,
            annotation(rows.get("metrics-server")),
        );
        const adapter = prometheusAdapterValues({
            settings: config.addons.prometheusAdapter,
            prometheus: monitoringTarget(settings).endpoint,
        }) as any;
        assert.deepEqual(adapter.podAnnotations, annotation(rows.get("prometheus-adapter")));
    });

    it("kube-prometheus-stack: Grafana's podAnnotations, Alertmanager's and Prometheus's podMetadata", () => {
        assert.deepEqual(kps.grafana.podAnnotations, annotation(rows.get("kube-prometheus-stack-grafana")));
        assert.deepEqual(
            kps.alertmanager.alertmanagerSpec.podMetadata.annotations,
            annotation(rows.get("alertmanager-kube-prometheus-stack-alertmanager")),
        );
        const prometheus = rows.get("prometheus-kube-prometheus-stack-prometheus")!;
        assert.deepEqual(kps.prometheus.prometheusSpec.podMetadata.annotations, {
            "cluster-autoscaler.kubernetes.io/safe-to-evict": prometheus.safeToEvict,
        });
        assert.equal(kps.prometheus.prometheusSpec.replicas, prometheus.replicas);
        assert.equal(kps.prometheus.podDisruptionBudget.minAvailable, prometheus.pdb?.minAvailable);
    });

    it("the CoreDNS add-on: replicaCount and its one PDB in its configurationValues", () => {
        const coredns = rows.get("coredns")!;
        const values = corednsConfigurationValues() as any;
        assert.equal(values.replicaCount, coredns.replicas);
        assert.deepEqual(values.podDisruptionBudget, { enabled: true, maxUnavailable: coredns.pdb?.maxUnavailable });
    });

    it("the EBS CSI add-on: controller.podAnnotations in its configurationValues", () => {
        assert.deepEqual(
            (ebsCsiConfigurationValues() as any).controller.podAnnotations,
            annotation(rows.get("ebs-csi-controller")),
        );
    });
});

itKeepsOutput("platformPods");
