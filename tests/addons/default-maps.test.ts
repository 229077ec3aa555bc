// What renders is what is meant: Helm merges the program's maps into the charts' default maps
// (helm/helm pkg/chart/common/util/coalesce.go), so `{}` never clears a default key, and
// pulumi-kubernetes drops the null that would (pulumi/pulumi-kubernetes#3811). Every place where a
// map the program sets meets a default map whose other keys survive is listed here with the keys
// that survive and why they may; a new place, or a new surviving key after a chart bump, fails.
import { strict as assert } from "assert";
import { releaseSpecs } from "../../components/addons";
import type { PlatformConfig } from "../../config";
import { chartDefaults, helmMerge, isMap, keptDefaults, mapsMeetingDefaults, Values } from "../helpers/helm-values";
import { stackConfig, stackWith } from "../helpers/stacks";

/** `section`: a settings block whose other keys are the chart's defaults by design (too many to list). */
type Place = { readonly kept: readonly string[]; readonly why: string } | { readonly section: string };

const PLACES: Readonly<Record<string, Place>> = {
    "cluster-autoscaler autoDiscovery": {
        kept: ["tags", "roles"],
        why: "the discovery tags k8s.io/cluster-autoscaler/{enabled,<cluster>} that EKS puts on managed node groups; roles are read by the clusterapi provider only",
    },
    "cluster-autoscaler image": {
        kept: ["repository", "pullPolicy"],
        why: "the upstream registry.k8s.io image; only the tag follows the cluster's minor",
    },
    "cluster-autoscaler rbac": {
        kept: ["create", "pspEnabled", "clusterScoped"],
        why: "the chart's RBAC (create: true, cluster-scoped, no PSP, which 1.25+ removed)",
    },
    "cluster-autoscaler rbac.serviceAccount": {
        kept: ["automountServiceAccountToken"],
        why: "the token the autoscaler needs to reach the API",
    },
    "cluster-autoscaler extraArgs": {
        kept: ["logtostderr", "stderrthreshold", "v"],
        why: "logging flags (values.yaml extraArgs); every scaling flag is the program's",
    },
    "cluster-autoscaler serviceMonitor": {
        kept: ["interval", "path"],
        why: "scrape every 10s at /metrics; labels (`selector`) are always set, `release` included",
    },
    "metrics-server tls": {
        kept: ["clusterDomain", "certManager", "existingSecret"],
        why: "the SANs' cluster domain; the other TLS methods' settings, read only with their type",
    },
    "prometheus-adapter tls": {
        kept: ["ca", "key", "certificate"],
        why: "the component fills all three at deploy with the certificate it makes (api-service-tls.test.ts); the pure render turns TLS on only",
    },
    "metrics-server apiService": {
        kept: ["create", "caBundle"],
        why: "the chart creates the APIService v1beta1.metrics.k8s.io; caBundle stays empty (Helm's generated certificate fills it); the program turns insecureSkipTLSVerify off",
    },
    "kube-prometheus-stack prometheus": {
        section: "the chart's Prometheus settings besides prometheusSpec and podDisruptionBudget",
    },
    "kube-prometheus-stack prometheus.prometheusSpec": {
        section:
            "Prometheus's spec; the program sets selection, retention, replicas, resources, storage, pod metadata and spread",
    },
    "kube-prometheus-stack alertmanager": { section: "Alertmanager's settings besides its pod metadata" },
    "kube-prometheus-stack alertmanager.alertmanagerSpec": { section: "Alertmanager's spec besides its pod metadata" },
    "kube-prometheus-stack grafana": {
        section:
            "kube-prometheus-stack's Grafana settings (sidecars, data source); the program sets enabled, podAnnotations, rbac.namespaced and the dashboard sidecar's searchNamespace",
    },
    "kube-prometheus-stack prometheusOperator": {
        section:
            "the operator's settings (admission webhooks, TLS, resources); the program sets only priorityClassName",
    },
    "kube-prometheus-stack kube-state-metrics": {
        section:
            "the kube-state-metrics subchart's settings as kube-prometheus-stack gives them (ServiceMonitor, honorLabels); the program sets only priorityClassName",
    },
    "kube-prometheus-stack grafana.rbac": {
        kept: ["pspEnabled"],
        why: "no PodSecurityPolicy (removed in Kubernetes 1.25); the program sets namespaced",
    },
    "kube-prometheus-stack grafana.sidecar": {
        section: "Grafana's sidecars (data sources, labels); the program sets only the dashboards' searchNamespace",
    },
    "kube-prometheus-stack grafana.sidecar.dashboards": {
        section: "the dashboard sidecar's label, provider and options; the program sets only searchNamespace",
    },
    "grafana rbac": {
        kept: ["create", "pspEnabled", "pspUseAppArmor"],
        why: "the chart creates the Role and its binding; no PSP (removed in Kubernetes 1.25)",
    },
    "grafana sidecar": { section: "the grafana chart's sidecar image, resources and options" },
    "grafana sidecar.dashboards": { section: "the grafana chart's dashboard sidecar settings besides searchNamespace" },
    "kube-prometheus-stack prometheus-node-exporter": {
        section:
            "the node-exporter subchart's settings (pod labels, args, service); the program sets only namespaceOverride",
    },
    "kube-prometheus-stack defaultRules": {
        section:
            "which default rule groups exist (tests/addons/default-rules.test.ts); the program sets only `disabled`",
    },
    "kube-prometheus-stack kubeControllerManager": {
        kept: ["jobNameOverride", "service", "serviceMonitor"],
        why: "rendered only when enabled, which the program turns off",
    },
    "kube-prometheus-stack kubeScheduler": {
        kept: ["jobNameOverride", "service", "serviceMonitor"],
        why: "rendered only when enabled, which the program turns off",
    },
    "kube-prometheus-stack kubeEtcd": {
        kept: ["service", "serviceMonitor"],
        why: "rendered only when enabled, which the program turns off",
    },
    "kube-prometheus-stack kubeProxy": {
        kept: ["jobNameOverride", "service", "serviceMonitor"],
        why: "rendered only when enabled, which the program turns off",
    },
};

const get = (values: unknown, path: string): unknown =>
    path.split(".").reduce<unknown>((at, key) => (isMap(at) ? at[key] : undefined), values);

const configs: Record<string, PlatformConfig> = {
    production: stackConfig("production"),
    staging: stackConfig("staging"),
    external: stackWith("production", (raw) => {
        raw.addons = {
            prometheus: {
                mode: "external",
                url: "http://prometheus-operated.observability.svc:9090",
                selectorLabels: { prometheus: "main" },
            },
        };
    }),
    "external with a release label": stackWith("production", (raw) => {
        raw.addons = {
            prometheus: {
                mode: "external",
                url: "http://prometheus-operated.observability.svc:9090",
                selectorLabels: { release: "kps-main" },
            },
        };
    }),
    "no Grafana": stackWith("production", (raw) => {
        raw.addons = { prometheus: { mode: "install", grafana: false } };
    }),
};

/** Every place over every config, with the release values it was found in. */
function places(): Map<string, { values: Values; defaults: Values }[]> {
    const found = new Map<string, { values: Values; defaults: Values }[]>();
    for (const config of Object.values(configs)) {
        for (const spec of releaseSpecs(config)) {
            const defaults = chartDefaults(spec.chart);
            const at = (key: string, values: Values, base: Values) =>
                found.set(key, [...(found.get(key) ?? []), { values, defaults: base }]);
            for (const place of mapsMeetingDefaults(spec.values, defaults))
                at(`${spec.chart} ${place}`, spec.values, defaults);
            if (spec.chart === "kube-prometheus-stack" && isMap(spec.values.grafana)) {
                // The grafana subchart gets kube-prometheus-stack's `grafana:` over its own defaults.
                const grafanaDefaults = helmMerge(chartDefaults("grafana"), defaults.grafana) as Values;
                for (const place of mapsMeetingDefaults(spec.values.grafana, grafanaDefaults))
                    at(`grafana ${place}`, spec.values.grafana, grafanaDefaults);
            }
        }
    }
    return found;
}

describe("program maps merged into chart default maps", () => {
    const found = places();

    it("every place is listed (a new one must say which default keys survive and why)", () => {
        assert.deepEqual(
            [...found.keys()].filter((key) => !(key in PLACES)),
            [],
        );
    });

    for (const [key, place] of Object.entries(PLACES)) {
        it(`${key}: ${"section" in place ? place.section : `keeps ${place.kept.join(", ")}: ${place.why}`}`, () => {
            const seen = found.get(key);
            assert.ok(seen, `${key} is no longer a place where defaults survive: remove it`);
            if ("kept" in place) {
                const [chart, path] = [key.slice(0, key.indexOf(" ")), key.slice(key.indexOf(" ") + 1)];
                for (const { values, defaults } of seen) {
                    assert.deepEqual(
                        keptDefaults(get(values, path) as Values, get(defaults, path) as Values),
                        place.kept,
                        `${chart} ${path}`,
                    );
                }
            }
        });
    }

    it("cluster-autoscaler's ServiceMonitor renders exactly the labels meant, never the chart's release: prometheus-operator", () => {
        const labels = (config: PlatformConfig) => {
            const spec = releaseSpecs(config).find((release) => release.chart === "cluster-autoscaler")!;
            // templates/servicemonitor.yaml:13-16 renders serviceMonitor.selector as metadata.labels.
            return (helmMerge(chartDefaults("cluster-autoscaler"), spec.values) as any).serviceMonitor.selector;
        };
        assert.deepEqual(labels(configs.production), { release: "cluster-autoscaler" });
        assert.deepEqual(labels(configs.external), { release: "cluster-autoscaler", prometheus: "main" });
        assert.deepEqual(labels(configs["external with a release label"]), { release: "kps-main" });
    });

    it("the Prometheus PDB renders minAvailable alone (the default map's minAvailable: 1 never meets a maxUnavailable)", () => {
        const spec = releaseSpecs(configs.production).find((release) => release.chart === "kube-prometheus-stack")!;
        const pdb = (helmMerge(chartDefaults("kube-prometheus-stack"), spec.values) as any).prometheus
            .podDisruptionBudget;
        assert.deepEqual(pdb, { enabled: true, minAvailable: 1, unhealthyPodEvictionPolicy: "AlwaysAllow" });
    });

    it("the merge keeps default keys and lets a list replace one (the behaviour every row relies on)", () => {
        assert.deepEqual(helmMerge({ a: { x: 1, y: 2 }, l: [1, 2] }, { a: {}, l: [3] }), { a: { x: 1, y: 2 }, l: [3] });
        assert.deepEqual(helmMerge({ a: { x: 1, y: 2 } }, { a: { x: null } }), { a: { y: 2 } });
    });
});
