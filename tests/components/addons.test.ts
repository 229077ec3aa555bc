// components/addons.ts: the scaling add-ons together, their Helm releases and values, and the
// namespaces Prometheus reads.
import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { releaseSpecs, renderReleases } from "../../components/addons";
import { MockRun, RegisteredResource } from "../../tools/mock-engine";
import { runStack } from "../helpers/program";
import { externalPrometheus, stackConfig, withAddons } from "../helpers/stacks";
import * as YAML from "yaml";
import { addonPodRequests } from "../../capacity/system-pods";
import { PlatformConfig } from "../../config";
import * as fs from "fs";
import * as path from "path";
import type { ReleaseSpec } from "../../components/helm-release";
import {
    CHARTS_DIR,
    chartDefaults,
    helmMerge,
    isMap,
    keptDefaults,
    mapsMeetingDefaults,
    Values,
} from "../helpers/helm-values";

// The add-ons in the whole program under mocks: what is registered, in which namespace, waiting for
// what, and the stack outputs they add.
const RELEASE = "kubernetes:helm.sh/v3:Release";
const EXTERNAL = externalPrometheus();

const releases = (run: MockRun) => run.registered.filter((resource) => resource.type === RELEASE);
const podMonitors = (run: MockRun) => run.registered.filter((resource) => resource.inputs.kind === "PodMonitor");
const ofType = (run: MockRun, type: string) => run.registered.filter((resource) => resource.type === type);

/** Names of the resources a declared resource depends on explicitly. */
function dependencyNames(run: MockRun, type: string, name: string): string[] {
    const declared = run.declared.find((resource) => resource.type === type && resource.name === name);
    assert.ok(declared, `${type} ${name} not declared`);
    const dependsOn = (declared.opts.dependsOn ?? []) as pulumi.Resource[];
    return (Array.isArray(dependsOn) ? dependsOn : [dependsOn]).map(
        (dependency) => (dependency as any).__name as string,
    );
}

/** The adapter's certificate is made at deploy (api-service-tls.test.ts checks it); the builder shows `tls.enable` only. */
function withoutCertificate(values: Record<string, any>): Record<string, any> {
    if (values.tls === undefined) return values;
    const tls = { ...values.tls };
    delete tls.ca;
    delete tls.certificate;
    delete tls.key;
    return { ...values, tls };
}

describe("scaling add-ons in the program (mocked)", function () {
    let production: MockRun;
    let external: MockRun;
    let noOperator: MockRun;
    before(async () => {
        production = await runStack("production");
        external = await runStack("production", {
            configOverrides: { "berrys-platform:addons": { prometheus: EXTERNAL } },
        });
        noOperator = await runStack("staging", {
            configOverrides: {
                "berrys-platform:addons": {
                    prometheus: { mode: "external", url: "http://prometheus.example:9090", monitoringObjects: false },
                },
            },
        });
    });

    it("registers each release with the builder's name, chart, repository, version, namespace and values", () => {
        const expected = releaseSpecs(stackConfig("production"));
        assert.deepEqual(
            releases(production)
                .map((release) => release.inputs.name)
                .sort(),
            expected.map((spec) => spec.name).sort(),
        );
        for (const spec of expected) {
            const release = releases(production).find((candidate) => candidate.inputs.name === spec.name)!;
            assert.equal(release.inputs.chart, spec.chart);
            assert.equal(release.inputs.version, spec.version);
            assert.equal(release.inputs.namespace, spec.namespace);
            assert.deepEqual(release.inputs.repositoryOpts, { repo: spec.repo });
            assert.deepEqual(withoutCertificate(release.inputs.values), spec.values);
            assert.equal(release.inputs.skipAwait, false);
        }
    });

    it("makes every release wait for the node group", () => {
        for (const release of releases(production)) {
            assert.ok(
                dependencyNames(production, RELEASE, release.name).includes("berrys-default-node-group"),
                release.name,
            );
        }
    });

    it("starts cluster-autoscaler after its Pod Identity role and the kube-prometheus-stack CRDs", () => {
        const dependencies = dependencyNames(production, RELEASE, "berrys-addons-cluster-autoscaler-release");
        assert.ok(dependencies.includes("berrys-addons-cluster-autoscaler-identity"));
        assert.ok(dependencies.includes("berrys-addons-prometheus-release"));
        const associations = ofType(production, "aws:eks/podIdentityAssociation:PodIdentityAssociation").map(
            (association) => association.inputs,
        );
        assert.ok(
            associations.some(
                (association) =>
                    association.namespace === "kube-system" && association.serviceAccount === "cluster-autoscaler",
            ),
        );
        assert.ok(
            associations.some(
                (association) =>
                    association.namespace === "kube-system" && association.serviceAccount === "ebs-csi-controller-sa",
            ),
        );
    });

    it("attaches the autoscaler's own tag-scoped policy inline and no managed policy to its role", () => {
        const policies = ofType(production, "aws:iam/rolePolicy:RolePolicy").filter((policy) =>
            policy.name.startsWith("berrys-addons-cluster-autoscaler"),
        );
        assert.equal(policies.length, 1);
        assert.match(policies[0].inputs.policy, /aws:ResourceTag\/k8s\.io\/cluster-autoscaler\/berrys-production/);
        assert.deepEqual(
            ofType(production, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").filter((attachment) =>
                attachment.name.startsWith("berrys-addons-cluster-autoscaler"),
            ),
            [],
        );
    });

    it("installs the EBS CSI driver as an EKS add-on and the gp3-encrypted StorageClass before kube-prometheus-stack", () => {
        const addon = ofType(production, "aws:eks/addon:Addon").find(
            (candidate) => candidate.inputs.addonName === "aws-ebs-csi-driver",
        );
        assert.ok(addon);
        const storageClass = ofType(production, "kubernetes:storage.k8s.io/v1:StorageClass")[0];
        assert.equal(storageClass.inputs.metadata.name, "gp3-encrypted");
        assert.equal(storageClass.inputs.provisioner, "ebs.csi.aws.com");
        const dependencies = dependencyNames(production, RELEASE, "berrys-addons-prometheus-release");
        assert.ok(
            dependencies.includes("berrys-addons-prometheus-ebs-csi-driver") &&
                dependencies.includes("berrys-addons-prometheus-gp3"),
        );
    });

    it("creates a PodMonitor per service in the services' namespace, after the CRDs", () => {
        const monitors = podMonitors(production);
        assert.deepEqual(monitors.map((monitor) => monitor.inputs.metadata.name).sort(), [
            "agent-orchestrator-metrics",
            "api-gateway-metrics",
            "model-orchestration-metrics",
            "web-dashboard-metrics",
        ]);
        for (const monitor of monitors) {
            assert.equal(monitor.inputs.metadata.namespace, "berrys-production");
            assert.deepEqual(monitor.inputs.spec.podMetricsEndpoints, [{ port: "metrics", path: "/metrics" }]);
            assert.ok(
                dependencyNames(production, "kubernetes:monitoring.coreos.com/v1:PodMonitor", monitor.name).includes(
                    "berrys-addons-prometheus-release",
                ),
            );
        }
    });

    it("exports clusterAutoscalerRoleArn, prometheusUrl and customMetrics", () => {
        assert.equal(production.outputs.prometheusUrl, "http://kube-prometheus-stack-prometheus.monitoring.svc:9090");
        assert.deepEqual(production.outputs.customMetrics, [
            "model_requests_per_second",
            "http_requests_per_second",
            "agent_creation_rate",
        ]);
        assert.match(
            String(production.outputs.clusterAutoscalerRoleArn),
            /berrys-addons-cluster-autoscaler-identity-role\.arn/,
        );
    });

    describe("with an external Prometheus", () => {
        it("installs no Prometheus, no EBS CSI driver and no StorageClass", () => {
            assert.deepEqual(
                releases(external)
                    .map((release) => release.inputs.name)
                    .sort(),
                ["cluster-autoscaler", "metrics-server", "prometheus-adapter"],
            );
            assert.deepEqual(
                ofType(external, "aws:eks/addon:Addon").filter(
                    (addon) => addon.inputs.addonName === "aws-ebs-csi-driver",
                ),
                [],
            );
            assert.deepEqual(ofType(external, "kubernetes:storage.k8s.io/v1:StorageClass"), []);
            assert.equal(external.outputs.prometheusUrl, EXTERNAL.url);
        });

        it("labels the PodMonitors as that Prometheus selects them", () => {
            assert.equal(podMonitors(external).length, 4);
            for (const monitor of podMonitors(external)) {
                assert.equal(monitor.inputs.metadata.labels.prometheus, "main");
            }
        });

        it("creates no monitoring objects where no operator runs", () => {
            assert.deepEqual(podMonitors(noOperator), []);
            const ca = releases(noOperator).find((release) => release.inputs.name === "cluster-autoscaler")!;
            assert.deepEqual(ca.inputs.values.serviceMonitor, { enabled: false });
        });
    });
});

// The releases as a whole: each one's name, chart, repository, version and namespace in both
// Prometheus modes; metrics-server and kube-prometheus-stack values; the add-on pods' requests for
// the capacity model; and the YAML render prints.

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
    const external = withAddons({ prometheus: EXTERNAL });

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

// Every values key the program sets is a key the pinned chart reads: Helm silently ignores a
// misspelt key. Checked against copies of each chart's default values.yaml (tests/fixtures/charts,
// same versions as the program pins), for both Prometheus modes.

/** The versions the fixtures are copies of (tests/fixtures/charts/README.md). */
const FIXTURE_VERSIONS: Record<string, string> = {
    "cluster-autoscaler": "9.59.0",
    "metrics-server": "3.13.1",
    "prometheus-adapter": "5.3.0",
    "kube-prometheus-stack": "88.5.3",
};

interface ChartKeyRules {
    /** Keys whose contents the chart passes through as-is (the key itself must exist). */
    readonly free: readonly string[];
    /** Keys the chart documents only in a comment: the line of its values.yaml that documents each. */
    readonly documented: Readonly<Record<string, string>>;
    /** Keys of a subchart, whose values.yaml is not among the fixtures: where they are documented. */
    readonly subchart?: Readonly<Record<string, string>>;
}

const RULES: Record<string, ChartKeyRules> = {
    "cluster-autoscaler": {
        free: ["extraArgs", "resources", "serviceMonitor.selector", "podAnnotations", "nodeSelector"],
        documented: {},
    },
    "metrics-server": {
        free: ["resources", "podAnnotations", "nodeSelector"],
        documented: {},
    },
    "prometheus-adapter": {
        free: ["resources", "podAnnotations", "nodeSelector"],
        documented: {},
    },
    "kube-prometheus-stack": {
        free: [
            "prometheus.prometheusSpec.resources",
            "defaultRules.disabled",
            // Label selectors (values.yaml comments each with `matchLabels`; a LabelSelector takes matchExpressions too).
            ...["serviceMonitor", "podMonitor", "probe", "rule", "scrapeConfig"].map(
                (kind) => `prometheus.prometheusSpec.${kind}NamespaceSelector`,
            ),
        ],
        documented: {
            "prometheus.prometheusSpec.storageSpec.volumeClaimTemplate": "    #  volumeClaimTemplate:",
            "prometheus.prometheusSpec.podMetadata.annotations":
                "    ## Metadata Labels and Annotations gets propagated to the prometheus pods.",
            "alertmanager.alertmanagerSpec.podMetadata.annotations":
                "    ## Metadata Labels and Annotations gets propagated to the Alertmanager pods.",
            "prometheusOperator.priorityClassName": '  # priorityClassName: ""',
        },
        subchart: {
            "kube-state-metrics.priorityClassName":
                'kube-state-metrics chart 8.4.0 (prometheus-community/helm-charts charts/kube-state-metrics/values.yaml `# priorityClassName: ""`, templates/deployment.yaml `.Values.priorityClassName`), the dependency of kube-prometheus-stack 88.5.3',
            "grafana.podAnnotations":
                "grafana chart 12.11.1 (grafana-community/helm-charts charts/grafana/values.yaml `podAnnotations: {}`), the dependency of kube-prometheus-stack 88.5.3",
            "grafana.rbac.namespaced": "grafana chart 12.11.1 values.yaml `rbac.namespaced: false`",
        },
    },
};

/** Keys of `values` that the chart's defaults neither have nor document, as dotted paths. */
function unknownKeys(values: Record<string, unknown>, defaults: unknown, rules: ChartKeyRules, prefix = ""): string[] {
    const problems: string[] = [];
    for (const [key, value] of Object.entries(values)) {
        const at = prefix ? `${prefix}.${key}` : key;
        if (at in rules.documented || at in (rules.subchart ?? {})) {
            continue;
        }
        if (!isMap(defaults) || !Object.prototype.hasOwnProperty.call(defaults, key)) {
            problems.push(at);
            continue;
        }
        const fallback = defaults[key];
        if (rules.free.includes(at) || !isMap(value)) {
            continue;
        }
        problems.push(...unknownKeys(value, fallback, rules, at));
    }
    return problems;
}

describe("chart values keys (against tests/fixtures/charts)", () => {
    const production = stackConfig("production");
    const external = withAddons({ prometheus: externalPrometheus({ team: "platform" }) });
    const noGrafana = withAddons({ prometheus: { mode: "install", grafana: false } });
    const specs: ReleaseSpec[] = [...releaseSpecs(production), ...releaseSpecs(external), ...releaseSpecs(noGrafana)];

    it("the fixtures are the versions the program pins by default", () => {
        const readme = fs.readFileSync(path.join(CHARTS_DIR, "README.md"), "utf8");
        for (const spec of releaseSpecs(production)) {
            assert.equal(spec.version, FIXTURE_VERSIONS[spec.chart], spec.chart);
            assert.match(
                readme,
                new RegExp(`\\| ${spec.chart} \\| ${spec.repo.replace(/[/.]/g, "\\$&")} \\| ${spec.version} \\|`),
            );
        }
    });

    for (const chart of Object.keys(FIXTURE_VERSIONS)) {
        it(`every values key set on ${chart} is in its ${FIXTURE_VERSIONS[chart]} values.yaml`, () => {
            const mine = specs.filter((spec) => spec.chart === chart);
            assert.ok(mine.length > 0, `no release of ${chart}`);
            for (const spec of mine) {
                assert.deepEqual(
                    unknownKeys(spec.values, chartDefaults(chart), RULES[chart]),
                    [],
                    `${chart}: keys the chart does not read`,
                );
            }
        });

        it(`every ${chart} key allowed from a comment is documented by that line`, () => {
            const text = fs.readFileSync(path.join(CHARTS_DIR, `${chart}.values.yaml`), "utf8").split("\n");
            for (const [key, line] of Object.entries(RULES[chart].documented)) {
                assert.ok(text.includes(line), `${key}: line not found: ${line}`);
            }
        });
    }

    it("the key check catches a misspelt key, and a nested one", () => {
        const ca = chartDefaults("cluster-autoscaler");
        assert.deepEqual(
            unknownKeys({ autoDiscovery: { clustername: "x" }, priorityClass: "y" }, ca, RULES["cluster-autoscaler"]),
            ["autoDiscovery.clustername", "priorityClass"],
        );
        assert.deepEqual(unknownKeys({ extraArgs: { "any-flag": true } }, ca, RULES["cluster-autoscaler"]), []);
    });
});

// What renders is what is meant: Helm merges the program's maps into the charts' default maps
// (helm/helm pkg/chart/common/util/coalesce.go), so `{}` never clears a default key, and
// pulumi-kubernetes drops the null that would (pulumi/pulumi-kubernetes#3811). Every place where a
// map the program sets meets a default map whose other keys survive is listed here with the keys
// that survive and why they may; a new place, or a new surviving key after a chart bump, fails.
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
            "which default rule groups exist (tests/components/prometheus-stack.test.ts); the program sets only `disabled`",
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
    external: withAddons({ prometheus: EXTERNAL }),
    "external with a release label": withAddons({ prometheus: externalPrometheus({ release: "kps-main" }) }),
    "no Grafana": withAddons({ prometheus: { mode: "install", grafana: false } }),
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
            // cluster-autoscaler-chart-9.59.0 templates/servicemonitor.yaml renders serviceMonitor.selector as metadata.labels.
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

// The installed Prometheus reads ServiceMonitors, PodMonitors, Probes, PrometheusRules and
// ScrapeConfigs from the program's namespaces only (issue 21), and still selects every monitor and
// rule the program and its charts create: a monitor left out silently starves the HPAs.
const MONITORING_KINDS = ["ServiceMonitor", "PodMonitor", "Probe", "PrometheusRule", "ScrapeConfig"];
const SELECTORS = [
    "serviceMonitorNamespaceSelector",
    "podMonitorNamespaceSelector",
    "probeNamespaceSelector",
    "ruleNamespaceSelector",
    "scrapeConfigNamespaceSelector",
];

/** Where a chart release puts its monitors and rules, as the chart's templates at its pinned tag say. */
function chartMonitorNamespaces(release: RegisteredResource): { what: string; namespace: string }[] {
    const values = release.inputs.values ?? {};
    const at = (what: string, namespace: string) => ({ what: `${release.inputs.name} ${what}`, namespace });
    switch (release.inputs.chart) {
        case "kube-prometheus-stack": {
            // kube-prometheus-stack-88.5.3 templates/_helpers.tpl `kube-prometheus-stack.namespace`:
            // namespaceOverride, else the release namespace; each subchart's `<chart>.namespace` the same
            // with its own namespaceOverride; prometheus-node-exporter-4.56.1
            // `prometheus-node-exporter.monitor-namespace` also takes prometheus.monitor.namespace.
            const own = values.namespaceOverride || release.inputs.namespace;
            const nodeExporter = values["prometheus-node-exporter"] ?? {};
            return [
                at("rules and monitors", own),
                at("kube-state-metrics ServiceMonitor", values["kube-state-metrics"]?.namespaceOverride || own),
                at(
                    "grafana ServiceMonitor",
                    values.grafana?.serviceMonitor?.namespace || values.grafana?.namespaceOverride || own,
                ),
                at(
                    "node-exporter ServiceMonitor",
                    nodeExporter.namespaceOverride || nodeExporter.prometheus?.monitor?.namespace || own,
                ),
            ];
        }
        case "cluster-autoscaler":
            // cluster-autoscaler-chart-9.59.0 templates/servicemonitor.yaml: serviceMonitor.namespace, else the release's.
            return values.serviceMonitor?.enabled
                ? [at("ServiceMonitor", values.serviceMonitor.namespace || release.inputs.namespace)]
                : [];
        case "metrics-server":
            // metrics-server-helm-chart-3.13.1 templates/servicemonitor.yaml: the release namespace.
            return values.serviceMonitor?.enabled ? [at("ServiceMonitor", release.inputs.namespace)] : [];
        default:
            // prometheus-adapter-5.3.0 has no monitor template.
            return [];
    }
}

/** Every monitor and rule of a run, with its namespace: the program's own objects and the charts'. */
function monitorsOf(run: MockRun): { what: string; namespace: string }[] {
    const own = run.registered
        .filter((resource) => MONITORING_KINDS.includes(resource.inputs.kind))
        .map((resource) => ({
            what: `${resource.inputs.kind} ${resource.inputs.metadata.name}`,
            namespace: resource.inputs.metadata.namespace,
        }));
    const charts = run.registered
        .filter((resource) => resource.type === "kubernetes:helm.sh/v3:Release")
        .flatMap(chartMonitorNamespaces);
    return [...own, ...charts];
}

/** The names a `kubernetes.io/metadata.name In [...]` selector matches; fails on any other shape. */
function selectedNames(selector: any): string[] {
    assert.deepEqual(
        Object.keys(selector),
        ["matchExpressions"],
        `a selector by name, not ${JSON.stringify(selector)}`,
    );
    assert.equal(selector.matchExpressions.length, 1);
    const [expression] = selector.matchExpressions;
    assert.equal(expression.key, "kubernetes.io/metadata.name");
    assert.equal(expression.operator, "In");
    return expression.values;
}

function prometheusSpec(run: MockRun): Record<string, any> {
    const release = run.registered.find(
        (resource) =>
            resource.type === "kubernetes:helm.sh/v3:Release" && resource.inputs.chart === "kube-prometheus-stack",
    );
    assert.ok(release, "kube-prometheus-stack is installed");
    return release.inputs.values.prometheus.prometheusSpec;
}

describe("Prometheus reads monitors and rules from the program's namespaces only (issue 21)", () => {
    const cases: [string, string, () => Promise<MockRun>][] = [
        ["production", "berrys-production", () => runStack("production")],
        ["staging", "berrys-staging", () => runStack("staging")],
        [
            "staging in a namespace named otherwise",
            "team-apps",
            () =>
                runStack("staging", {
                    configOverrides: { "berrys-platform:namespace": { name: "team-apps", quota: { pods: "50" } } },
                }),
        ],
    ];
    for (const [title, servicesNamespace, start] of cases) {
        it(`${title}: all five namespace selectors name the same namespaces, ${servicesNamespace} among them, and every monitor and rule created is in one`, async () => {
            const run = await start();
            const spec = prometheusSpec(run);
            const names = selectedNames(spec.serviceMonitorNamespaceSelector);
            for (const selector of SELECTORS) {
                assert.deepEqual(selectedNames(spec[selector]), names, selector);
            }
            assert.ok(names.includes(servicesNamespace), names.join(", "));
            const monitors = monitorsOf(run);
            assert.ok(
                monitors.some(
                    (monitor) => monitor.what.startsWith("PodMonitor ") && monitor.namespace === servicesNamespace,
                ),
                "the services' PodMonitors are among them",
            );
            assert.ok(
                monitors.some((monitor) => monitor.what.startsWith("PrometheusRule ")),
                "the scaling rules are among them",
            );
            assert.ok(
                monitors.some((monitor) => monitor.what === "cluster-autoscaler ServiceMonitor"),
                "cluster-autoscaler's ServiceMonitor is among them",
            );
            const unselected = monitors.filter((monitor) => !names.includes(monitor.namespace));
            assert.deepEqual(unselected, [], `selected: ${names.join(", ")}`);
            // Only namespaces something is in: no namespace a team could fill with monitors of its own.
            assert.deepEqual([...names].sort(), [...new Set(monitors.map((monitor) => monitor.namespace))].sort());
        });
    }
});
