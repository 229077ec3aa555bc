// prometheus-adapter in the monitoring namespace: serves the custom metrics API
// (custom.metrics.k8s.io) the HPAs' Pods metrics read, one rule per counter the services export.
// Each rule's query is built from the adapter's templates, so it answers for the HPA's own
// namespace, pods and metric selector (the seed's hard-coded `{namespace=...} by (pod)` does not).
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import { PROMETHEUS_ADAPTER_CHART } from "../catalog/charts";
import { configCheck, keyName } from "../config";
import type { AddonsConfig, PlatformConfig } from "../config";
import type { AdapterRuleConfig } from "../schema/addons";
import { durationSeconds } from "../schema/common";
import { EVICTABLE_LOCAL_VOLUMES } from "../catalog/platform-pods";
import { chartRelease, releaseArgs, ReleaseSpec, safeToEvictLocalVolumes, spreadOverNodes } from "./helm-release";
import { PrometheusEndpoint } from "./prometheus-stack";
import { hpaName } from "./service-scaling";

export type PrometheusAdapterConfig = AddonsConfig["prometheusAdapter"];

/** The chart's pod selector labels (`k8s-prometheus-adapter.selectorLabels`). */
const POD_LABELS = {
    "app.kubernetes.io/name": "prometheus-adapter",
    "app.kubernetes.io/instance": PROMETHEUS_ADAPTER_CHART.release,
};

/** One rule of the adapter's config (docs/config.md): discovery, association, naming, querying. */
export interface AdapterRule {
    readonly seriesQuery: string;
    readonly resources: { readonly overrides: Readonly<Record<string, { readonly resource: string }>> };
    readonly name: { readonly matches: string; readonly as: string };
    readonly metricsQuery: string;
}

/**
 * A counter as a per-second rate per pod. Discovery takes the counter's series that carry the
 * `namespace` and `pod` labels the PodMonitor adds; those two labels map to their resources; the
 * query is all template: `<<.LabelMatchers>>` holds the HPA's metric selector, the namespace and
 * the pods it asks about, and `<<.GroupBy>>` the label of the resource asked for (pod, or namespace).
 */
export function adapterRule(rule: AdapterRuleConfig): AdapterRule {
    return {
        seriesQuery: `${rule.series}{namespace!="",pod!=""}`,
        resources: { overrides: { namespace: { resource: "namespace" }, pod: { resource: "pod" } } },
        name: { matches: `^${rule.series}$`, as: rule.metric },
        metricsQuery: `sum(rate(<<.Series>>{<<.LabelMatchers>>}[${rule.window}])) by (<<.GroupBy>>)`,
    };
}

/** The adapter's custom rules for the stack (none when the adapter is disabled). */
export function adapterRules(config: Pick<PlatformConfig, "addons">): AdapterRule[] {
    const settings = config.addons.prometheusAdapter;
    return settings.enabled ? settings.rules.map(adapterRule) : [];
}

/** The metric names the custom metrics API serves: the `customMetrics` stack output. */
export function customMetrics(config: Pick<PlatformConfig, "addons">): string[] {
    return adapterRules(config).map((rule) => rule.name.as);
}

/** The serving certificate the APIService verifies: PEM text, the key a Pulumi secret. */
export interface ServingCertificate {
    readonly ca: pulumi.Input<string>;
    readonly certificate: pulumi.Input<string>;
    readonly key: pulumi.Input<string>;
}

export interface PrometheusAdapterInput {
    readonly settings: PrometheusAdapterConfig;
    /** The Prometheus it queries (prometheus-stack.ts `monitoringTarget(...).endpoint`). */
    readonly prometheus: PrometheusEndpoint;
    /** Made by the component at deploy; the pure renders (`render`, releaseSpecs) show `tls.enable` only. */
    readonly servingCertificate?: ServingCertificate;
}

/**
 * The chart's Service (and serving Secret) name, `k8s-prometheus-adapter.fullname`: the release
 * name, which contains the chart's name (prometheus-adapter-5.3.0 templates/_helpers.tpl).
 */
export const ADAPTER_SERVICE_NAME = PROMETHEUS_ADAPTER_CHART.release;

/** The names the API server dials the adapter's Service by (the APIService's `spec.service`). */
export function adapterServingDnsNames(): string[] {
    const host = `${ADAPTER_SERVICE_NAME}.${PROMETHEUS_ADAPTER_CHART.namespace}.svc`;
    return [host, `${host}.cluster.local`];
}

/**
 * The API server verifies the adapter's certificate: with `tls.enable` the chart puts `tls.ca` in
 * the APIService's caBundle and drops `insecureSkipTLSVerify` (templates/custom-metrics-apiservice.yaml),
 * writes the certificate and key into a kubernetes.io/tls Secret (templates/secret.yaml) and serves
 * them (templates/deployment.yaml `--tls-cert-file`, volume-serving-cert), all at
 * prometheus-adapter-5.3.0. The key goes in as a Pulumi secret, so the Release's values keep it encrypted.
 */
export function adapterTlsValues(certificate?: ServingCertificate): Record<string, unknown> {
    return {
        enable: true,
        ...(certificate
            ? { ca: certificate.ca, certificate: certificate.certificate, key: pulumi.secret(certificate.key) }
            : {}),
    };
}

export function prometheusAdapterValues(input: PrometheusAdapterInput): Record<string, unknown> {
    const settings = input.settings;
    return {
        // `url` without the port: the chart appends `:<port>`. A null port (the URL had none)
        // removes the chart's 9090 (kept as null since pulumi-kubernetes 4.30).
        prometheus: { url: input.prometheus.url, port: input.prometheus.port, path: input.prometheus.path },
        replicas: settings.replicas,
        podDisruptionBudget: { enabled: true, maxUnavailable: 1, unhealthyPodEvictionPolicy: "AlwaysAllow" },
        topologySpreadConstraints: spreadOverNodes(POD_LABELS),
        // Without it the HPAs lose their custom metrics: as critical to scaling as metrics-server.
        priorityClassName: "system-cluster-critical",
        resources: { requests: { ...settings.resources.requests }, limits: { ...settings.resources.limits } },
        // `default: false`: serve exactly the configured metrics (the six default rules relist every
        // series with a namespace label). No `resource` key: that would register
        // v1beta1.metrics.k8s.io, which metrics-server already serves.
        rules: { default: false, custom: settings.rules.map(adapterRule) },
        // The emptyDir `tmp` holds only the self-signed serving cert (--cert-dir=/tmp/cert).
        podAnnotations: safeToEvictLocalVolumes(EVICTABLE_LOCAL_VOLUMES.prometheusAdapter),
        tls: adapterTlsValues(input.servingCertificate),
    };
}

/** Helm creates the monitoring namespace; in external mode it may exist already, which Helm tolerates. */
export function prometheusAdapterRelease(input: PrometheusAdapterInput): ReleaseSpec {
    return chartRelease(PROMETHEUS_ADAPTER_CHART, input.settings.chartVersion, prometheusAdapterValues(input));
}

/**
 * Config check: every Pods or Object metric an HPA names must be a metric the adapter serves, or
 * the HPA shows `<unknown>` for it and never scales on it. A rule no HPA uses is fine. Rules must
 * not serve the same name twice (the adapter would answer from either).
 */
export function customMetricsCheck(config: PlatformConfig): { errors: string[]; warnings: string[] } {
    const errors: string[] = [];
    const warnings: string[] = [];
    const settings = config.addons.prometheusAdapter;
    const rulesKey = keyName(["addons", "prometheusAdapter", "rules"]);
    const served = settings.rules.map((rule) => rule.metric);
    served.forEach((metric, index) => {
        if (served.indexOf(metric) !== index) {
            errors.push(
                `${keyName(["addons", "prometheusAdapter", "rules", index, "metric"])} (${metric}) must be unique: another rule serves it, and the adapter would answer from either`,
            );
        }
    });
    for (const [service, scaling] of Object.entries(config.services)) {
        scaling.metrics.forEach((metric, index) => {
            if (metric.type === "Resource") {
                return;
            }
            const key = `${keyName(["services", service, "metrics", index, "name"])} (${metric.name})`;
            if (!settings.enabled) {
                warnings.push(
                    `${key} is a custom metric but ${keyName(["addons", "prometheusAdapter", "enabled"])} is false\nHPA ${hpaName(service)} scales on it only if another adapter serves it`,
                );
            } else if (!served.includes(metric.name)) {
                errors.push(
                    `${key} must be a metric the prometheus-adapter serves: HPA ${hpaName(service)} cannot scale on it\n` +
                        `it serves ${served.length > 0 ? served.join(", ") : "none"}; use one of those or add a rule { series: <counter>_total, metric: ${metric.name} } to ${rulesKey}`,
                );
            }
        });
    }
    return { errors, warnings };
}
customMetricsCheck.doc =
    "Every Pods or Object metric an HPA names must be a metric a prometheus-adapter rule serves, and no two rules may serve the same metric.";

export interface PrometheusAdapterArgs extends PrometheusAdapterInput {
    /** What the release waits for: the node groups and the Prometheus it queries. */
    readonly dependsOn?: readonly pulumi.Input<pulumi.Resource>[];
}

/** Ten years: the certificates are never renewed by the program (docs/security.md says how to rotate them). */
export const SERVING_CERTIFICATE_VALIDITY_HOURS = 10 * 365 * 24;

/**
 * A CA of the adapter's own and a serving certificate it signs for the Service's DNS names. The
 * private keys are secret outputs of tls.PrivateKey (additionalSecretOutputs in @pulumi/tls), so
 * state holds them encrypted; no early renewal, so no `pulumi up` replaces them before expiry.
 */
export function adapterServingCertificate(name: string, parent: pulumi.Resource): ServingCertificate {
    const opts = { parent };
    const validityPeriodHours = SERVING_CERTIFICATE_VALIDITY_HOURS;
    const caKey = new tls.PrivateKey(`${name}-ca-key`, { algorithm: "ECDSA", ecdsaCurve: "P256" }, opts);
    const ca = new tls.SelfSignedCert(
        `${name}-ca`,
        {
            privateKeyPem: caKey.privateKeyPem,
            isCaCertificate: true,
            subject: { commonName: `${ADAPTER_SERVICE_NAME}-ca` },
            allowedUses: ["cert_signing", "crl_signing"],
            validityPeriodHours,
        },
        opts,
    );
    const servingKey = new tls.PrivateKey(`${name}-serving-key`, { algorithm: "ECDSA", ecdsaCurve: "P256" }, opts);
    const dnsNames = adapterServingDnsNames();
    const request = new tls.CertRequest(
        `${name}-serving-request`,
        {
            privateKeyPem: servingKey.privateKeyPem,
            subject: { commonName: dnsNames[0] },
            dnsNames,
        },
        opts,
    );
    const serving = new tls.LocallySignedCert(
        `${name}-serving`,
        {
            certRequestPem: request.certRequestPem,
            caPrivateKeyPem: caKey.privateKeyPem,
            caCertPem: ca.certPem,
            allowedUses: ["digital_signature", "key_encipherment", "server_auth"],
            validityPeriodHours,
        },
        opts,
    );
    return { ca: ca.certPem, certificate: serving.certPem, key: servingKey.privateKeyPem };
}

export class PrometheusAdapter extends pulumi.ComponentResource {
    public readonly release: k8s.helm.v3.Release;
    /** The custom metric names it serves. */
    public readonly metrics: string[];

    constructor(name: string, args: PrometheusAdapterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("berrys:platform:PrometheusAdapter", name, {}, opts);
        const servingCertificate = adapterServingCertificate(`${name}-tls`, this);
        this.release = new k8s.helm.v3.Release(
            `${name}-release`,
            releaseArgs(prometheusAdapterRelease({ ...args, servingCertificate })),
            {
                parent: this,
                dependsOn: [...(args.dependsOn ?? [])],
            },
        );
        this.metrics = args.settings.rules.map((rule) => rule.metric);
        this.registerOutputs({ releaseName: this.release.name, metrics: this.metrics });
    }
}

/**
 * rate() needs two samples inside its window: a window shorter than two scrape intervals returns
 * nothing for most pods (Prometheus `extrapolatedRate` needs at least two points), and the HPA
 * reads <unknown>. The scrape interval is simulation.scrapeIntervalSeconds (kube-prometheus-stack's 30 s).
 */
export const adapterWindowCheck = configCheck(
    "An adapter rule's rate() window must span at least two scrape intervals (simulation.scrapeIntervalSeconds): rate() needs two samples.",
    (config: PlatformConfig) => {
        const scrape = config.simulation.scrapeIntervalSeconds;
        const settings = config.addons.prometheusAdapter;
        const errors = !settings.enabled
            ? []
            : settings.rules.flatMap((rule, index) =>
                  durationSeconds(rule.window) >= 2 * scrape
                      ? []
                      : [
                            `${keyName(["addons", "prometheusAdapter", "rules", index, "window"])} (${rule.window}) must be at least two scrape intervals (${2 * scrape}s): ` +
                                `rate() needs two samples, so ${rule.metric} would read <unknown>\nuse ${(4 * scrape) / 60 >= 1 && (4 * scrape) % 60 === 0 ? `${(4 * scrape) / 60}m` : `${4 * scrape}s`} (four scrapes)`,
                        ],
              );
        return { errors, warnings: [] };
    },
);
