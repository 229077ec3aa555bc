// components/prometheus-adapter.ts: the release, its rules, and the APIService's TLS.
import { strict as assert } from "assert";
import {
    adapterRule,
    adapterRules,
    customMetrics,
    customMetricsCheck,
    prometheusAdapterRelease,
    prometheusAdapterValues,
} from "../../components/prometheus-adapter";
import { monitoringTarget, splitPrometheusUrl } from "../../components/prometheus-stack";
import { PlatformConfig } from "../../config";
import { checkConfig } from "../../preflight";
import { checkedWith, fixtureStack, stackConfig } from "../helpers/stacks";
import * as pulumi from "@pulumi/pulumi";
import type { MockRun } from "../../tools/mock-engine";
import { runStack } from "../helpers/program";
import { releaseSpecs } from "../../components/addons";
import { chartDefaults, helmMerge } from "../helpers/helm-values";

// prometheus-adapter: the release, each rule's templates and window, the Prometheus URL split as the
// chart wants it, and the config check that every custom metric an HPA names is served.
const configWith = (overrides: Record<string, unknown>) => checkedWith("production", overrides);

function errorsOf(overrides: Record<string, unknown>): string[] {
    const result = configWith(overrides);
    return result.ok ? [] : result.errors;
}

/** The production services with one metric of one service replaced. */
function servicesWithMetric(service: string, index: number, metric: Record<string, unknown>) {
    const services = structuredClone(fixtureStack("production").projectConfig.services) as Record<
        string,
        { metrics: unknown[] }
    >;
    services[service].metrics[index] = metric;
    return services;
}

describe("prometheus-adapter", () => {
    const production = stackConfig("production");
    const endpoint = monitoringTarget(production.addons.prometheus).endpoint;
    const release = prometheusAdapterRelease({ settings: production.addons.prometheusAdapter, prometheus: endpoint });
    const values = release.values as Record<string, any>;

    it("is release prometheus-adapter of chart prometheus-adapter 5.3.0 from prometheus-community in monitoring", () => {
        assert.deepEqual(
            {
                name: release.name,
                chart: release.chart,
                repo: release.repo,
                version: release.version,
                namespace: release.namespace,
            },
            {
                name: "prometheus-adapter",
                chart: "prometheus-adapter",
                repo: "https://prometheus-community.github.io/helm-charts",
                version: "5.3.0",
                namespace: "monitoring",
            },
        );
    });

    it("points at kube-prometheus-stack's Prometheus with the port apart (the chart appends it)", () => {
        assert.deepEqual(values.prometheus, {
            url: "http://kube-prometheus-stack-prometheus.monitoring.svc",
            port: 9090,
            path: "",
        });
        assert.ok(!/:\d+$/.test(values.prometheus.url));
    });

    it("splits an external Prometheus URL into url, port and path", () => {
        assert.deepEqual(splitPrometheusUrl("http://prometheus-operated.monitoring.svc:9090"), {
            url: "http://prometheus-operated.monitoring.svc",
            port: 9090,
            path: "",
        });
        assert.deepEqual(splitPrometheusUrl("https://thanos.example.com/prometheus/"), {
            url: "https://thanos.example.com",
            port: null,
            path: "/prometheus",
        });
        assert.deepEqual(splitPrometheusUrl("http://prom:9091/sub"), { url: "http://prom", port: 9091, path: "/sub" });
    });

    it("runs 2 replicas on different nodes with a PDB, system-cluster-critical, with the configured requests", () => {
        assert.equal(values.replicas, 2);
        assert.deepEqual(values.podDisruptionBudget, {
            enabled: true,
            maxUnavailable: 1,
            unhealthyPodEvictionPolicy: "AlwaysAllow",
        });
        assert.equal(values.topologySpreadConstraints[0].topologyKey, "kubernetes.io/hostname");
        assert.deepEqual(values.topologySpreadConstraints[0].labelSelector.matchLabels, {
            "app.kubernetes.io/name": "prometheus-adapter",
            "app.kubernetes.io/instance": "prometheus-adapter",
        });
        assert.equal(values.priorityClassName, "system-cluster-critical");
        assert.deepEqual(values.resources, { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "256Mi" } });
        assert.deepEqual(values.podAnnotations, {
            "cluster-autoscaler.kubernetes.io/safe-to-evict-local-volumes": "tmp",
        });
    });

    it("sets no rules.resource (metrics-server serves metrics.k8s.io) and no default rules", () => {
        assert.deepEqual(Object.keys(values.rules).sort(), ["custom", "default"]);
        assert.equal(values.rules.default, false);
    });

    describe("rules", () => {
        const rules = adapterRules(production);

        it("serve the seed's three metrics: model_requests_per_second, http_requests_per_second, agent_creation_rate", () => {
            assert.deepEqual(customMetrics(production), [
                "model_requests_per_second",
                "http_requests_per_second",
                "agent_creation_rate",
            ]);
            assert.deepEqual(values.rules.custom, rules);
        });

        const seed = [
            { series: "model_requests_total", metric: "model_requests_per_second", window: "2m" },
            { series: "http_requests_total", metric: "http_requests_per_second", window: "2m" },
            { series: "agent_created_total", metric: "agent_creation_rate", window: "5m" },
        ];
        seed.forEach(({ series, metric, window }, index) => {
            it(`${series} -> ${metric}: rate over ${window}, built from <<.Series>>, <<.LabelMatchers>> and <<.GroupBy>>`, () => {
                const rule = rules[index];
                assert.equal(rule.seriesQuery, `${series}{namespace!="",pod!=""}`);
                assert.deepEqual(rule.resources, {
                    overrides: { namespace: { resource: "namespace" }, pod: { resource: "pod" } },
                });
                assert.deepEqual(rule.name, { matches: `^${series}$`, as: metric });
                assert.equal(
                    rule.metricsQuery,
                    `sum(rate(<<.Series>>{<<.LabelMatchers>>}[${window}])) by (<<.GroupBy>>)`,
                );
            });
        });

        it("hard-code no namespace, service or pod and group by no fixed label (the seed's mistake)", () => {
            for (const rule of rules) {
                assert.ok(!/berrys-|service=|by \(pod\)/.test(rule.metricsQuery + rule.seriesQuery), rule.metricsQuery);
                assert.ok(!rule.metricsQuery.includes(rule.name.as));
            }
        });

        it("take the window from config", () => {
            assert.equal(
                adapterRule({ series: "jobs_total", metric: "jobs_per_second", window: "90s" }).metricsQuery,
                "sum(rate(<<.Series>>{<<.LabelMatchers>>}[90s])) by (<<.GroupBy>>)",
            );
        });

        it("are none when the adapter is disabled", () => {
            const disabled = {
                addons: {
                    ...production.addons,
                    prometheusAdapter: { ...production.addons.prometheusAdapter, enabled: false },
                },
            };
            assert.deepEqual(adapterRules(disabled), []);
        });
    });

    describe("config check: every custom metric an HPA names is served", () => {
        it("passes the production and staging stacks (agent_creation_rate, which no HPA uses, is no error)", () => {
            for (const stack of ["production", "staging"]) {
                assert.deepEqual(customMetricsCheck(stackConfig(stack)), { errors: [], warnings: [] });
            }
        });

        it("a Pods metric no rule serves is an error naming the key, the HPA, the metric and what is served", () => {
            const errors = errorsOf({
                services: servicesWithMetric("api-gateway", 2, {
                    type: "Pods",
                    name: "http_request_per_second",
                    averageValue: "100",
                }),
            });
            assert.deepEqual(errors, [
                "berrys-platform:services.api-gateway.metrics.2.name (http_request_per_second) must be a metric the prometheus-adapter serves: " +
                    "HPA api-gateway-hpa cannot scale on it\n" +
                    "it serves model_requests_per_second, http_requests_per_second, agent_creation_rate; " +
                    "use one of those or add a rule { series: <counter>_total, metric: http_request_per_second } to berrys-platform:addons.prometheusAdapter.rules",
            ]);
        });

        it("an Object metric no rule serves is an error too", () => {
            const errors = errorsOf({
                services: servicesWithMetric("web-dashboard", 1, {
                    type: "Object",
                    name: "queue_depth",
                    describedObject: { apiVersion: "v1", kind: "Service", name: "queue" },
                    value: "10",
                }),
            });
            assert.equal(errors.length, 1);
            assert.match(
                errors[0],
                /^berrys-platform:services\.web-dashboard\.metrics\.1\.name \(queue_depth\) must be a metric the prometheus-adapter serves: HPA web-dashboard-hpa/,
            );
        });

        it("a rule no HPA uses is allowed", () => {
            const result = configWith({
                addons: {
                    prometheusAdapter: {
                        rules: [
                            { series: "model_requests_total", metric: "model_requests_per_second" },
                            { series: "http_requests_total", metric: "http_requests_per_second" },
                            { series: "jobs_total", metric: "jobs_per_second" },
                        ],
                    },
                },
            });
            assert.equal(result.ok, true);
        });

        it("removing a rule an HPA uses is an error", () => {
            const errors = errorsOf({
                addons: {
                    prometheusAdapter: {
                        rules: [{ series: "http_requests_total", metric: "http_requests_per_second" }],
                    },
                },
            });
            assert.deepEqual(
                errors.map((error) => error.split(" must ")[0]),
                ["berrys-platform:services.model-orchestration.metrics.2.name (model_requests_per_second)"],
            );
        });

        it("two rules serving one name is an error", () => {
            const errors = errorsOf({
                addons: {
                    prometheusAdapter: {
                        rules: [
                            { series: "model_requests_total", metric: "model_requests_per_second" },
                            { series: "http_requests_total", metric: "http_requests_per_second" },
                            { series: "api_calls_total", metric: "http_requests_per_second" },
                        ],
                    },
                },
            });
            assert.deepEqual(
                errors.map((error) => error.split(" must ")[0]),
                ["berrys-platform:addons.prometheusAdapter.rules.2.metric (http_requests_per_second)"],
            );
        });

        it("with the adapter disabled, custom metrics are a warning, not an error", () => {
            const result = configWith({ addons: { prometheusAdapter: { enabled: false } } });
            assert.equal(result.ok, true);
            const warnings = result.ok ? result.warnings : [];
            assert.ok(
                warnings.some((warning) =>
                    warning.startsWith(
                        "berrys-platform:services.model-orchestration.metrics.2.name (model_requests_per_second) is a custom metric but",
                    ),
                ),
            );
        });
    });

    it("values follow an external Prometheus", () => {
        const file = fixtureStack("production");
        const result = checkConfig(
            {
                ...file.projectConfig,
                addons: { prometheus: { mode: "external", url: "http://prometheus-operated.observability.svc:9090" } },
            },
            file.context,
        );
        assert.ok(result.ok);
        const config = (result as { config: PlatformConfig }).config;
        const external = prometheusAdapterValues({
            settings: config.addons.prometheusAdapter,
            prometheus: monitoringTarget(config.addons.prometheus).endpoint,
        }) as Record<string, any>;
        assert.deepEqual(external.prometheus, {
            url: "http://prometheus-operated.observability.svc",
            port: 9090,
            path: "",
        });
    });
});

// The API server verifies the metrics APIServices' certificates (issue 21): metrics-server's chart
// generates its certificate in the cluster; prometheus-adapter's is made by the program (tls
// provider) and reaches the chart with the key a Pulumi secret, so state never holds it in the clear.
describe("metrics APIServices verify TLS (issue 21)", () => {
    for (const stack of ["production", "staging"]) {
        const specs = releaseSpecs(stackConfig(stack));

        it(`${stack}: metrics-server's APIService carries a Helm-made caBundle and no insecureSkipTLSVerify`, () => {
            const spec = specs.find((release) => release.chart === "metrics-server");
            assert.ok(spec, "metrics-server is installed");
            const values = helmMerge(chartDefaults("metrics-server"), spec.values) as Record<string, any>;
            // metrics-server-helm-chart-3.13.1 templates/apiservice.yaml: `tls.type: helm` generates a
            // self-signed certificate (genSelfSignedCert) into the Secret and the caBundle, reused through
            // `tls.helm.lookup`; `insecureSkipTLSVerify` renders only when truthy (values.yaml default true).
            assert.equal(values.tls.type, "helm");
            assert.equal(values.tls.helm.lookup, true);
            assert.ok(
                values.tls.helm.certDurationDays >= 3650,
                "a certificate that is never renewed must outlive the cluster's usual life",
            );
            assert.equal(values.apiService.insecureSkipTLSVerify, false);
            assert.equal(values.apiService.caBundle, "", "no CA from the program: Helm's own");
        });

        it(`${stack}: prometheus-adapter's values turn the chart's TLS on`, () => {
            const spec = specs.find((release) => release.chart === "prometheus-adapter");
            assert.ok(spec, "prometheus-adapter is installed");
            const values = helmMerge(chartDefaults("prometheus-adapter"), spec.values) as Record<string, any>;
            // prometheus-adapter-5.3.0 templates/custom-metrics-apiservice.yaml renders
            // `insecureSkipTLSVerify: true` unless `tls.enable` (values.yaml default false) or cert-manager.
            assert.equal(values.tls.enable, true);
            assert.equal(values.certManager.enabled, false, "no cert-manager in the cluster: the program's own CA");
        });

        it(`${stack}: no release's values carry key material`, () => {
            for (const spec of specs) {
                assert.doesNotMatch(JSON.stringify(spec.values), /PRIVATE KEY|BEGIN CERTIFICATE/, spec.name);
            }
        });
    }
});

/** Types of the tls provider's resources, as @pulumi/tls registers them. */
const TLS = {
    key: "tls:index/privateKey:PrivateKey",
    request: "tls:index/certRequest:CertRequest",
    selfSigned: "tls:index/selfSignedCert:SelfSignedCert",
    signed: "tls:index/locallySignedCert:LocallySignedCert",
} as const;

/** The registered resources of a type; the adapter's certificate is the program's only use of the tls provider. */
function ofType(run: MockRun, type: string) {
    const found = run.registered.filter((resource) => resource.type === type);
    assert.equal(found.length, type === TLS.key ? 2 : 1, type);
    return found;
}

describe("prometheus-adapter's serving certificate (issue 21)", () => {
    let run: MockRun;
    before(async () => {
        run = await runStack("production");
    });

    const adapterRelease = () => {
        const found = run.registered.filter(
            (resource) =>
                resource.type === "kubernetes:helm.sh/v3:Release" && resource.inputs.chart === "prometheus-adapter",
        );
        assert.equal(found.length, 1);
        return found[0];
    };

    it("the Release gets the program's CA, the certificate it signs and the serving key", () => {
        const values = adapterRelease().inputs.values;
        // prometheus-adapter-5.3.0: templates/custom-metrics-apiservice.yaml `caBundle: b64enc .Values.tls.ca`;
        // templates/secret.yaml writes tls.certificate and tls.key into the Secret templates/deployment.yaml
        // mounts at /var/run/serving-cert (`--tls-cert-file`, `--tls-private-key-file`).
        assert.equal(values.tls.enable, true);
        const [ca] = ofType(run, TLS.selfSigned);
        const [signed] = ofType(run, TLS.signed);
        assert.equal(values.tls.ca, ca.state.certPem);
        assert.equal(values.tls.certificate, signed.state.certPem);
        assert.equal(
            signed.inputs.caCertPem,
            ca.state.certPem,
            "the serving certificate is signed by the CA in the caBundle",
        );
        const [request] = ofType(run, TLS.request);
        const servingKey = run.registered.find(
            (resource) => resource.type === TLS.key && resource.state.privateKeyPem === request.inputs.privateKeyPem,
        );
        assert.ok(servingKey, "the certificate request is made with one of the program's keys");
        assert.equal(values.tls.key, servingKey.state.privateKeyPem);
        assert.notEqual(signed.inputs.caPrivateKeyPem, values.tls.key, "the CA's key stays out of the cluster");
    });

    it("the key is a Pulumi secret in the Release's values", async () => {
        const declared = run.declared.find(
            (resource) =>
                resource.type === "kubernetes:helm.sh/v3:Release" && resource.name.includes("prometheus-adapter"),
        );
        assert.ok(declared);
        const tls = (declared.props.values as Record<string, any>).tls;
        assert.ok(pulumi.Output.isInstance(tls.key), "the key is an Output");
        assert.equal(await pulumi.isSecret(tls.key), true);
    });

    it("the certificate names the Service the APIService dials, the CA is a CA, both outlive the cluster", () => {
        // The APIService's spec.service is `k8s-prometheus-adapter.fullname` in the release's namespace
        // (prometheus-adapter-5.3.0 templates/custom-metrics-apiservice.yaml); release prometheus-adapter in monitoring.
        const [request] = ofType(run, TLS.request);
        assert.deepEqual([...request.inputs.dnsNames].sort(), [
            "prometheus-adapter.monitoring.svc",
            "prometheus-adapter.monitoring.svc.cluster.local",
        ]);
        const [ca] = ofType(run, TLS.selfSigned);
        const [signed] = ofType(run, TLS.signed);
        assert.equal(ca.inputs.isCaCertificate, true);
        assert.ok(ca.inputs.allowedUses.includes("cert_signing"));
        assert.ok(signed.inputs.allowedUses.includes("server_auth"));
        for (const cert of [ca, signed]) {
            assert.ok(
                cert.inputs.validityPeriodHours >= 10 * 365 * 24,
                `${cert.name}: never renewed by the program, so ten years at least`,
            );
            assert.ok(
                !cert.inputs.earlyRenewalHours,
                `${cert.name}: no early renewal, so no \`pulumi up\` replaces it unasked`,
            );
        }
    });
});
