import * as assert from "assert";
import { existsSync, readFileSync } from "fs";
import { parse } from "yaml";
import { kubePrometheusStackRuleSelector, labelsSelectedBy, selectorMatches } from "../../components/monitoring/rule-selector";

/** The chart's values.yaml (kube-prometheus-stack 88.5.3), from the team's shared reference copy. */
const CHART_VALUES = "/work/shared/reference/charts/kube-prometheus-stack.values.yaml";

/** The defaults of that file that matter here, for machines without the reference copy. */
const PINNED = {
    prometheus: { prometheusSpec: { ruleSelectorNilUsesHelmValues: true, ruleSelector: {}, ruleNamespaceSelector: {} } },
    grafana: { sidecar: { dashboards: { enabled: true, label: "grafana_dashboard", labelValue: "1", searchNamespace: "ALL" } } },
};

describe("monitoring/rule-selector: the rules reach the stack's Prometheus", () => {
    const values = existsSync(CHART_VALUES) ? parse(readFileSync(CHART_VALUES, "utf8")) : PINNED;
    const spec = values.prometheus.prometheusSpec;

    it("with the chart's defaults (88.5.3 values), Prometheus selects rules labelled release=<release>", () => {
        assert.strictEqual(spec.ruleSelectorNilUsesHelmValues, true);
        assert.deepStrictEqual(spec.ruleSelector, {});
        assert.deepStrictEqual(spec.ruleNamespaceSelector, {}, "an empty namespace selector: rules in any namespace, monitoring included");
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
        assert.ok(selectorMatches(kubePrometheusStackRuleSelector({ ruleSelector: selector }, "kps"), labelsSelectedBy(selector)));
        assert.ok(!selectorMatches(selector, { ...labelsSelectedBy(selector), deprecated: "x" }));
    });

    it("the Grafana sidecar default label is grafana_dashboard=\"1\", searching all namespaces", () => {
        const sidecar = values.grafana.sidecar.dashboards;
        assert.deepStrictEqual([sidecar.enabled, sidecar.label, sidecar.labelValue, sidecar.searchNamespace], [true, "grafana_dashboard", "1", "ALL"]);
    });
});
