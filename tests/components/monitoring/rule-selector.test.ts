import * as assert from "assert";
import { readFileSync } from "fs";
import { join } from "path";
import { parse } from "yaml";
import {
    kubePrometheusStackRuleSelector,
    labelsSelectedBy,
    selectorMatches,
} from "../../../components/monitoring/rule-selector";

/** The chart's default values.yaml (kube-prometheus-stack 88.5.3), copied into the repository. */
const CHART_VALUES = join(__dirname, "../../fixtures/charts/kube-prometheus-stack.values.yaml");

describe("monitoring/rule-selector: the rules reach the stack's Prometheus", () => {
    const values = parse(readFileSync(CHART_VALUES, "utf8"));
    const spec = values.prometheus.prometheusSpec;

    it("with the chart's defaults (88.5.3 values), Prometheus selects rules labelled release=<release>", () => {
        assert.strictEqual(spec.ruleSelectorNilUsesHelmValues, true);
        assert.deepStrictEqual(spec.ruleSelector, {});
        assert.deepStrictEqual(
            spec.ruleNamespaceSelector,
            {},
            "an empty namespace selector: rules in any namespace, monitoring included",
        );
        const selector = kubePrometheusStackRuleSelector(spec, "kube-prometheus-stack");
        assert.deepStrictEqual(selector, { matchLabels: { release: "kube-prometheus-stack" } });
        assert.ok(selectorMatches(selector, labelsSelectedBy(selector)));
        assert.ok(!selectorMatches(selector, {}), "an unlabelled rule is ignored");
    });

    it("selects every rule once ruleSelectorNilUsesHelmValues is false", () => {
        const selector = kubePrometheusStackRuleSelector({ ...spec, ruleSelectorNilUsesHelmValues: false }, "kps");
        assert.deepStrictEqual(selector, {});
        assert.deepStrictEqual(labelsSelectedBy(selector), {});
        assert.ok(selectorMatches(selector, {}));
    });

    it("external mode: labels derived from the configured selector satisfy it", () => {
        const selector = {
            matchLabels: { team: "platform" },
            matchExpressions: [
                { key: "prometheus", operator: "In" as const, values: ["main", "other"] },
                { key: "role", operator: "Exists" as const },
                { key: "deprecated", operator: "DoesNotExist" as const },
            ],
        };
        assert.deepStrictEqual(labelsSelectedBy(selector), { team: "platform", prometheus: "main", role: "true" });
        assert.ok(
            selectorMatches(
                kubePrometheusStackRuleSelector({ ruleSelector: selector }, "kps"),
                labelsSelectedBy(selector),
            ),
        );
        assert.ok(!selectorMatches(selector, { ...labelsSelectedBy(selector), deprecated: "x" }));
    });

    it('the Grafana sidecar default label is grafana_dashboard="1", searching all namespaces', () => {
        const sidecar = values.grafana.sidecar.dashboards;
        assert.deepStrictEqual(
            [sidecar.enabled, sidecar.label, sidecar.labelValue, sidecar.searchNamespace],
            [true, "grafana_dashboard", "1", "ALL"],
        );
    });
});

describe("monitoring/rule-selector: the program's own rules and PodMonitors reach the stack's Prometheus", function () {
    /** A release's values over the chart's defaults, as Helm merges them (maps merge, the rest replaces). */
    function merged(defaults: any, values: any): any {
        if (
            defaults &&
            values &&
            typeof defaults === "object" &&
            typeof values === "object" &&
            !Array.isArray(defaults) &&
            !Array.isArray(values)
        ) {
            const out: Record<string, unknown> = { ...defaults };
            for (const [key, value] of Object.entries(values)) {
                out[key] = merged(defaults[key], value);
            }
            return out;
        }
        return values === undefined ? defaults : values;
    }

    it("installed kube-prometheus-stack: its ruleSelector selects the berrys-scaling PrometheusRule, and PodMonitors from the services' namespace", async () => {
        const { runStack, kubernetesObject } = await import("../../helpers/program");
        const run = await runStack("production");
        const release = run.registered.find(
            (r) => r.type === "kubernetes:helm.sh/v3:Release" && r.inputs.chart === "kube-prometheus-stack",
        )!;
        const spec = merged(parse(readFileSync(CHART_VALUES, "utf8")), release.inputs.values).prometheus.prometheusSpec;
        const rule = kubernetesObject(run, "PrometheusRule", "berrys-scaling");
        assert.ok(
            selectorMatches(kubePrometheusStackRuleSelector(spec, release.inputs.name), rule.metadata.labels ?? {}),
        );
        // Namespace selectors by name (tests/components/addons.test.ts covers every monitor and rule).
        const names = (selector: any): string[] => selector.matchExpressions[0].values;
        assert.ok(
            names(spec.ruleNamespaceSelector).includes(rule.metadata.namespace),
            "the rule's namespace is selected",
        );
        assert.strictEqual(spec.podMonitorSelectorNilUsesHelmValues, false, "PodMonitors need no release label");
        assert.deepStrictEqual(spec.podMonitorSelector, {});
        assert.ok(
            names(spec.podMonitorNamespaceSelector).includes("berrys-production"),
            "PodMonitors in the services' namespace",
        );
    });

    it("external Prometheus: the rule and the PodMonitors carry the labels its selectors match", async () => {
        const { runStack, kubernetesObject } = await import("../../helpers/program");
        const run = await runStack("staging", {
            configOverrides: {
                "berrys-platform:addons": {
                    prometheus: {
                        mode: "external",
                        url: "http://prometheus-operated.monitoring.svc:9090",
                        selectorLabels: { prometheus: "main" },
                    },
                },
            },
        });
        const selector = { matchLabels: { prometheus: "main" } };
        assert.ok(selectorMatches(selector, kubernetesObject(run, "PrometheusRule", "berrys-scaling").metadata.labels));
        const podMonitors = run.registered.filter((r) => r.inputs.kind === "PodMonitor");
        assert.equal(podMonitors.length, 4);
        for (const podMonitor of podMonitors) {
            assert.ok(selectorMatches(selector, podMonitor.inputs.metadata.labels), podMonitor.inputs.metadata.name);
        }
        assert.equal(
            run.registered.filter((r) => r.inputs.chart === "kube-prometheus-stack").length,
            0,
            "no Prometheus installed",
        );
    });
});
