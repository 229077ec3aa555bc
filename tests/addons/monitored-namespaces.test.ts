// The installed Prometheus reads ServiceMonitors, PodMonitors, Probes, PrometheusRules and
// ScrapeConfigs from the program's namespaces only (issue 21), and still selects every monitor and
// rule the program and its charts create: a monitor left out silently starves the HPAs.
import { strict as assert } from "assert";
import { MockRun, RegisteredResource } from "../../tools/mock-engine";
import { runStack } from "../helpers/program";

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
